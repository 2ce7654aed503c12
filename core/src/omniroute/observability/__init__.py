"""Usage and cost recording, health and metrics."""
