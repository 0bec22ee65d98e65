"""HMICFRS inspection reports and their findings."""
