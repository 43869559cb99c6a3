"""Everyday help: the visits, talks, calls and help a paired helper gives, and the time spent."""
