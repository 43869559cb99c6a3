"""The registry of people in hardship: households, people, their status and their ID numbers."""
