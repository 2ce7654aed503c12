"""Anthropic Claude for OmniRoute: the ``claude`` wire format and the Claude providers."""
