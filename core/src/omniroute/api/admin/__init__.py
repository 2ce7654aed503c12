"""The management API under ``/api``."""
