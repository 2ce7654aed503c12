"""OpenAI Codex (ChatGPT account) for OmniRoute."""
