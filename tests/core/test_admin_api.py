"""Management endpoints available in this release: plugins and health."""

from __future__ import annotations

from collections.abc import Callable

from omniroute_plugin_testkit.gateway import GatewayApp

BUILTIN_PROVIDERS = {
    "openai",
    "openrouter",
    "groq",
    "deepseek",
    "mistral",
    "xai",
    "together",
    "fireworks",
    "cerebras",
    "nvidia",
    "glm",
    "kimi",
    "qoder",
    "ollama",
    "openai-compatible",
}


async def test_plugins_endpoint_says_who_registered_what(
    gateway_app: Callable[..., GatewayApp],
) -> None:
    async with gateway_app() as gw:
        response = await gw.client.get("/api/plugins")
    assert response.status_code == 200
    builtin = next(p for p in response.json() if p["name"] == "builtin")
    assert set(builtin["registered"]["providers"]) == BUILTIN_PROVIDERS
    assert builtin["registered"]["auth_strategies"] == ["bearer", "x-api-key", "none"]
    assert builtin["distribution"] == "omniroute"
    assert "register_providers" in builtin["hooks"]


async def test_health_and_openapi(gateway_app: Callable[..., GatewayApp]) -> None:
    async with gateway_app() as gw:
        health = (await gw.client.get("/api/health")).json()
        schema = (await gw.client.get("/api/openapi.json")).json()
    assert health["status"] == "ok"
    assert health["usage_pending"] == 0
    assert "/api/plugins" in schema["paths"]
