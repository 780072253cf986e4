"""Accounts, roles, permissions, sessions and API tokens."""
