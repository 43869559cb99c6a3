"""The district: streets, communities, department groups and departments (the plan's attachment)."""
