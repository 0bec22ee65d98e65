"""Search: one word index over actions and every kind of source, and the search page."""
