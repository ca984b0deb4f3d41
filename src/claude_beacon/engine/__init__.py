"""The running watcher, shared by the tray, ``watch`` and ``wait``: no user interface in here."""
