"""Accounts: users, roles, login, password reset and user administration."""
