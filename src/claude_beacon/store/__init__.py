"""The disk: where things live, the state file, the local history. Imports only core."""
