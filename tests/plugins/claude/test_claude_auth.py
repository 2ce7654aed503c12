"""Claude-format auth: which headers each provider sends, and Claude Code token refresh."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from omniroute import Candidate, Connection, Settings, UpstreamError
from omniroute.plugins import build_registry
from omniroute.registry import Registry
from omniroute.types import Target
from omniroute.upstream import AiohttpClient
from omniroute_plugin_claude.auth import ClaudeCodeOAuth
from omniroute_plugin_testkit.mock import MockUpstream
from omniroute_plugin_testkit.mock.oauth import OAuthTokens


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Registry:
    settings = Settings(data_dir=tmp_path_factory.mktemp("d"), load_plugins=["claude"])
    return build_registry(settings)[2]


async def headers_for(
    registry: Registry, provider: str, client_headers: dict[str, str] | None = None
) -> dict[str, str]:
    manifest = registry.providers[provider]
    target = Target(manifest, "m", manifest.format, provider)
    candidate = Candidate(target, Connection("c", provider, "main", secret="sk-test"))
    executor = registry.executors[manifest.executor]
    request = executor.build_request(candidate, {"model": "m"}, False, 5.0, client_headers or {})
    await registry.auth_strategies[manifest.auth].apply(request, candidate)
    assert request.url.endswith("/messages")
    return {k.lower(): v for k, v in request.headers.items()}


@pytest.mark.parametrize("provider", ["anthropic", "zai", "kimi-coding", "anthropic-compatible"])
async def test_api_key_providers_send_x_api_key_and_version_only(
    registry: Registry, provider: str
) -> None:
    headers = await headers_for(registry, provider)
    assert headers["x-api-key"] == "sk-test"
    assert headers["anthropic-version"] == "2023-06-01"
    assert "authorization" not in headers


@pytest.mark.parametrize("provider", ["minimax", "minimax-cn"])
async def test_minimax_sends_bearer_and_no_x_api_key(registry: Registry, provider: str) -> None:
    headers = await headers_for(registry, provider)
    assert headers["authorization"] == "Bearer sk-test"
    assert headers["anthropic-version"] == "2023-06-01"
    assert "x-api-key" not in headers


async def test_client_beta_and_version_are_forwarded_but_never_credentials(
    registry: Registry,
) -> None:
    client = {
        "anthropic-beta": "prompt-caching-2024-07-31",
        "anthropic-version": "2023-06-01",
        "x-api-key": "sk-client-gateway-key",
        "authorization": "Bearer gateway",
    }
    headers = await headers_for(registry, "anthropic", client)
    assert headers["anthropic-beta"] == "prompt-caching-2024-07-31"
    assert headers["x-api-key"] == "sk-test"
    assert "authorization" not in headers


async def test_claude_code_sends_the_cli_identity(registry: Registry) -> None:
    headers = await headers_for(registry, "claude", {"anthropic-beta": "custom-1"})
    assert headers["authorization"] == "Bearer sk-test"
    assert "x-api-key" not in headers
    betas = headers["anthropic-beta"].split(",")
    assert betas[0] == "custom-1"
    assert {"oauth-2025-04-20", "claude-code-20250219"} <= set(betas)
    assert headers["user-agent"].startswith("claude-cli/")
    assert headers["x-app"] == "cli"


@pytest.fixture
def token_host() -> Iterator[tuple[MockUpstream, OAuthTokens]]:
    tokens = OAuthTokens(["rt-0"])
    with MockUpstream([tokens]) as mock:
        yield mock, tokens


def oauth_connection(url: str, expires_in: float, refresh_token: str = "rt-0") -> Connection:
    extra = {
        "refresh_token": refresh_token,
        "expires_at": time.time() + expires_in,
        "token_url": f"{url}/v1/oauth/token",
    }
    return Connection("c", "claude", "sub", secret="at-old", extra=extra)


def test_needs_refresh_only_near_expiry_and_with_a_refresh_token() -> None:
    auth = ClaudeCodeOAuth()
    assert auth.needs_refresh(oauth_connection("http://x", expires_in=60))
    assert not auth.needs_refresh(oauth_connection("http://x", expires_in=3600))
    assert not auth.needs_refresh(Connection("c", "claude", "s", secret="at"))


async def test_refresh_rotates_tokens(token_host: tuple[MockUpstream, OAuthTokens]) -> None:
    mock, tokens = token_host
    http = AiohttpClient(connect_timeout=5)
    try:
        refreshed = await ClaudeCodeOAuth().refresh(oauth_connection(mock.url, 10), http)
        assert refreshed.secret == "at-1"
        assert refreshed.extra["refresh_token"] == "rt-1"
        assert refreshed.extra["expires_at"] > time.time() + 3000
        sent = mock.last_request.json
        assert sent["grant_type"] == "refresh_token"
        assert sent["refresh_token"] == "rt-0"
        assert sent["client_id"]
        with pytest.raises(UpstreamError, match="token endpoint refused to issue a token"):
            await ClaudeCodeOAuth().refresh(oauth_connection(mock.url, 10), http)  # rt-0 used
    finally:
        await http.aclose()
    assert tokens.issued == ["at-1"]
