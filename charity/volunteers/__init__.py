"""Volunteers and organisations: public sign-up, e-mail confirmation, the street officer's
decision, and the helper's own profile and pauses."""
