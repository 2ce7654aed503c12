"""Google auth strategies: exactly the credential each provider needs, and token minting."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from omniroute import Candidate, Connection, Settings, UpstreamError
from omniroute.plugins import build_registry
from omniroute.registry import Registry
from omniroute.types import Target
from omniroute.upstream import AiohttpClient
from omniroute_plugin_gemini.auth import GoogleOAuth, VertexServiceAccount, signed_jwt
from omniroute_plugin_testkit.mock import MockUpstream
from omniroute_plugin_testkit.mock.oauth import OAuthTokens


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Registry:
    return build_registry(Settings(data_dir=tmp_path_factory.mktemp("d"), load_plugins=["gemini"]))[
        2
    ]


async def send_as(
    registry: Registry, provider: str, auth: str, connection: Connection, stream: bool = False
) -> tuple[str, dict[str, str]]:
    manifest = registry.providers[provider]
    candidate = Candidate(Target(manifest, "gemini-2.5-flash", "gemini", provider), connection)
    request = registry.executors[manifest.executor].build_request(candidate, {}, stream, 5.0)
    await registry.auth_strategies[auth].apply(request, candidate)
    return request.url, {k.lower(): v for k, v in request.headers.items()}


async def test_ai_studio_key_header(registry: Registry) -> None:
    url, headers = await send_as(
        registry, "gemini", "x-goog-api-key", Connection("c", "gemini", "k", secret="AIza-1")
    )
    assert url.endswith("/v1beta/models/gemini-2.5-flash:generateContent")
    assert headers["x-goog-api-key"] == "AIza-1"
    assert "authorization" not in headers


async def test_query_key_joins_an_existing_query(registry: Registry) -> None:
    url, headers = await send_as(
        registry, "gemini", "query-key", Connection("c", "gemini", "k", secret="a/b"), stream=True
    )
    assert url.endswith(":streamGenerateContent?alt=sse&key=a%2Fb")
    assert "x-goog-api-key" not in headers


async def test_cloud_code_account_sends_bearer_and_the_envelope(registry: Registry) -> None:
    connection = Connection("c", "gemini-cli", "me", secret="ya29.x", extra={"project": "p-1"})
    url, headers = await send_as(registry, "gemini-cli", "google-oauth", connection)
    assert url == "https://cloudcode-pa.googleapis.com/v1internal:generateContent"
    assert headers["authorization"] == "Bearer ya29.x"
    assert "x-goog-api-key" not in headers


@pytest.fixture
def token_host() -> Iterator[tuple[MockUpstream, OAuthTokens]]:
    tokens = OAuthTokens(["rt-0"], rotate=False)
    with MockUpstream([tokens]) as mock:
        yield mock, tokens


async def test_google_oauth_refreshes_with_a_form_request(
    token_host: tuple[MockUpstream, OAuthTokens],
) -> None:
    mock, _ = token_host
    extra = {
        "refresh_token": "rt-0",
        "expires_at": time.time() + 10,
        "client_id": "cid",
        "client_secret": "csecret",
        "token_url": f"{mock.url}/v1/oauth/token",
    }
    connection = Connection("c", "gemini-cli", "me", secret="ya29.old", extra=extra)
    auth = GoogleOAuth()
    assert auth.needs_refresh(connection)
    http = AiohttpClient(5)
    try:
        refreshed = await auth.refresh(connection, http)
    finally:
        await http.aclose()
    assert refreshed.secret == "at-1"
    assert refreshed.extra["refresh_token"] == "rt-0", "Google does not rotate refresh tokens"
    sent = mock.last_request
    assert sent.header("content-type") == "application/x-www-form-urlencoded"
    assert b"client_secret=csecret" in sent.raw


def service_account() -> dict[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return {"client_email": "sa@p.iam.gserviceaccount.com", "private_key": pem, "project_id": "p"}


async def test_vertex_mints_a_token_from_a_signed_jwt(
    registry: Registry, token_host: tuple[MockUpstream, OAuthTokens]
) -> None:
    mock, tokens = token_host
    account = service_account()
    connection = Connection(
        "c",
        "vertex",
        "sa",
        secret=json.dumps(account),
        extra={"token_url": f"{mock.url}/v1/oauth/token", "location": "europe-west4"},
    )
    auth = VertexServiceAccount()
    assert auth.needs_refresh(connection)
    http = AiohttpClient(5)
    try:
        minted = await auth.refresh(connection, http)
    finally:
        await http.aclose()
    assert minted.secret == connection.secret, "the service account key stays the secret"
    assert minted.extra["access_token"] == "at-1"
    assert not auth.needs_refresh(minted)
    (claims,) = tokens.assertions
    assert claims["iss"] == account["client_email"]
    assert claims["aud"] == f"{mock.url}/v1/oauth/token"
    url, headers = await send_as(registry, "vertex", "vertex-service-account", minted)
    assert url == (
        "https://europe-west4-aiplatform.googleapis.com/v1/projects/p/locations/europe-west4/"
        "publishers/google/models/gemini-2.5-flash:generateContent"
    )
    assert headers["authorization"] == "Bearer at-1"


def test_a_broken_service_account_is_a_clear_error() -> None:
    with pytest.raises(UpstreamError, match="private_key cannot be read"):
        signed_jwt({"client_email": "x", "private_key": "not a key"}, audience="a")
