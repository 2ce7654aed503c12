"""Example Cloud for OmniRoute: an OpenAI-compatible provider, as a copyable template."""
