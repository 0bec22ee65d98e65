"""Public pages: what the office has published, for anyone, without signing in."""
