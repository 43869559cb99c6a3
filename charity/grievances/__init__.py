"""Grievances: complaints and appeals from the public or recorded by staff, each with a
tracking code, answered by staff within a deadline (the plan's supervision, 监督)."""
