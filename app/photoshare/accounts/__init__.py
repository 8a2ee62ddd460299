"""Accounts: registration, log-in with throttling, server-side sessions and CSRF tokens."""
