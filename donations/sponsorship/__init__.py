"""Sponsorship pledges paired by the optimiser with the people their money covers."""
