"""Gifts: giving online and offline, monthly giving, the donor portal, the staff's gift desk and
its review queue."""
