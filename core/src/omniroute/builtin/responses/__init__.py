"""The OpenAI Responses API (``openai-responses``): format, translators and their shared rules."""
