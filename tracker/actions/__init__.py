"""Actions: owners, deadlines, updates, the status machine, lists and the dashboard."""
