"""The service directory: the curriculum's national and provincial lines plus each community's own entries."""
