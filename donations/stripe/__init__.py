"""Stripe: the one client, webhook signatures, event handling, and localstripe for the demo."""
