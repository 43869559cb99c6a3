"""Fundraising campaigns, the September charity days and matching pools (配捐)."""
