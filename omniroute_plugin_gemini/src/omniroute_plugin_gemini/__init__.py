"""Google Gemini for OmniRoute: the ``gemini`` wire format and the Gemini providers."""
