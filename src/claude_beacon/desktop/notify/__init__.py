"""Desktop notifications: one module per notification path, and the chooser."""
