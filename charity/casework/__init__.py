"""Casework: who is owed which measure, employment, medical costs and periodic review."""
