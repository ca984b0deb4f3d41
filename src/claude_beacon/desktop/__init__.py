"""GUI and OS integration, loaded only when the tray starts."""
