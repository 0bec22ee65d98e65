"""Importing action logs, Panel items and HMICFRS findings from spreadsheets."""
