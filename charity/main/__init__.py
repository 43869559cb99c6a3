"""The home page, the language switch, error pages and template helpers."""
