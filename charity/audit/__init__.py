"""The append-only audit log: who saw or changed what, and when."""
