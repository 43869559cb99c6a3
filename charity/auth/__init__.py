"""Accounts, roles and sign-in (Flask-Security-Too)."""
