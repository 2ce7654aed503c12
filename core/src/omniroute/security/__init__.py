"""Gateway API keys and secret encryption at rest."""
