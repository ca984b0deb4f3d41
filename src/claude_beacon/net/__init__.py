"""The network: httpx and sockets live only here. Imports core and store."""
