"""Settings administrators can change while the service runs (stored in the database)."""
