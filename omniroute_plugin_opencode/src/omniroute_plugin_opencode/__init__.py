"""OpenCode Zen and OpenCode Go for OmniRoute: Claude and OpenAI formats mixed per model."""
