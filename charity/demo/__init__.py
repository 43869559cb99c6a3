"""The demo: the district's reference data, a seeded population and an account for every role."""
