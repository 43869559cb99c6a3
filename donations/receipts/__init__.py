"""Receipts and yearly statements as PDF, in Chinese."""
