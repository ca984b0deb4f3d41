"""The user's settings: the model, reading the file, editing it, presets."""
