"""claude-beacon: a desktop status indicator for Claude."""

__version__ = "0.1.0"
