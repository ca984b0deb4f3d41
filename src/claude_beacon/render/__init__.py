"""Words and formats for terminals, JSON, the guide; no network, no toolkit."""
