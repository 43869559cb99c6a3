"""The district dashboard: every target of the plan per street, with charts and a PDF."""
