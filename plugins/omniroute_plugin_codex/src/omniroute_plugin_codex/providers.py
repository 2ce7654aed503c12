"""The ``codex`` provider manifest."""

from __future__ import annotations

from omniroute import ModelInfo, ProviderManifest

MODELS = ("gpt-5.2-codex", "gpt-5.1-codex", "gpt-5-codex", "gpt-5.2", "gpt-5.1-codex-mini")


def codex_manifest() -> ProviderManifest:
    return ProviderManifest(
        id="codex",
        display_name="OpenAI Codex (ChatGPT account)",
        aliases=("cx",),
        base_url="https://chatgpt.com/backend-api/codex",
        executor="codex",
        auth="codex-oauth",
        auth_kind="oauth",
        format="openai-responses",
        models=tuple(ModelInfo(model, context_length=400000) for model in MODELS),
    )
