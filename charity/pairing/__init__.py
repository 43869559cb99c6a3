"""Helpers (cadres, volunteers, organisations) and their pairings with people in hardship."""
