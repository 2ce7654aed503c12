"""The seed use cases, end to end: real ``omniroute serve``, real ``anthropic`` / ``openai`` SDKs.

* ``premium-coding``: a Claude Code subscription (``cc``, OAuth) first, then the GLM coding plan
  (OpenAI format), then MiniMax (Anthropic format), fill-first;
* ``free-forever``: two free-tier targets (Groq, Cerebras) with a global fallback model
  (``OMNIROUTE_GLOBAL_FALLBACK_MODEL``) behind them, used only for a 502/503 exhaustion;
* wildcard aliases: ``claude-sonnet-*`` replaces the whole model (a target without ``*``),
  ``gpt-*`` keeps the suffix (a target whose ``*`` takes what the pattern's ``*`` matched),
  ``claude-*`` names a combo; the most specific pattern wins.

Every provider has its own mock upstream, so a test reads who answered from the response
headers (``X-OmniRoute-Provider``, ``X-OmniRoute-Model``, ``X-OmniRoute-Fallback-Attempts``)
and checks them against what each mock received.

One gateway process serves the module. Upstream failures are 5xx (transient: no account
cooldown) and the circuit breakers are given a threshold no test reaches, so no test leaves
state behind for the next one; scenarios that need a cooldown get their own gateway.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import anthropic
import openai
import pytest

from omniroute_plugin_testkit.gateway import GatewayProcess, write_config
from omniroute_plugin_testkit.mock import AnthropicMessages, MockUpstream, OpenAIChat

pytestmark = pytest.mark.filterwarnings(
    # The anthropic SDK warns about dated model ids; the wildcard tests send one on purpose.
    "ignore:The model .* is deprecated:DeprecationWarning"
)

CC_TOKEN = "cc-oauth-access-token"
GLOBAL_FALLBACK = "openrouter/meta-llama/llama-3.3-70b-instruct:free"
PREMIUM = ("cc/claude-sonnet-4-5", "glm/glm-4.6", "minimax/MiniMax-M2")
FREE = ("groq/llama-3.1-8b-instant", "cerebras/llama3.1-8b")
KEYS = {
    "cc": CC_TOKEN,
    "glm": "sk-glm",
    "minimax": "sk-mm",
    "openai": "sk-oa",
    "groq": "gsk-groq",
    "cerebras": "csk-cerebras",
    "openrouter": "sk-or",
}
SETTINGS_ENV = {
    "OMNIROUTE_GLOBAL_FALLBACK_MODEL": GLOBAL_FALLBACK,
    # Every test fails some upstream on purpose; an open breaker would leak into the next test.
    "OMNIROUTE_BREAKER_OAUTH_THRESHOLD": "1000",
    "OMNIROUTE_BREAKER_API_KEY_THRESHOLD": "1000",
}


class Upstreams:
    """One mock per provider, speaking that provider's dialect and accepting only its key."""

    def __init__(self) -> None:
        anthropic_bearer = ("cc", "minimax")
        self.by_name: dict[str, MockUpstream] = {
            name: MockUpstream(
                [AnthropicMessages(auth="bearer") if name in anthropic_bearer else OpenAIChat()],
                api_keys=[key],
            )
            for name, key in KEYS.items()
        }

    def __getitem__(self, name: str) -> MockUpstream:
        return self.by_name[name]

    def fail(self, *names: str, status: int = 503, **fault: Any) -> None:
        for name in names:
            self[name].inject(status=status, times=None, **fault)

    def calls(self) -> dict[str, int]:
        """How many requests each mock received, for the mocks that received any."""
        return {name: len(m.requests) for name, m in self.by_name.items() if m.requests}


@pytest.fixture(scope="module")
def upstreams() -> Iterator[Upstreams]:
    ups = Upstreams()
    for mock in ups.by_name.values():
        mock.start()
    try:
        yield ups
    finally:
        for mock in ups.by_name.values():
            mock.stop()


@pytest.fixture(autouse=True)
def _fresh(upstreams: Upstreams) -> None:
    for mock in upstreams.by_name.values():
        mock.reset()


def seed_config(ups: Upstreams) -> dict[str, Any]:
    provider_of = {"cc": "claude"}
    return {
        "connections": [
            {
                "provider": provider_of.get(name, name),
                "name": "main",
                "api_key": key,
                "base_url": ups[name].base_url,
                # A live subscription token: no refresh needed before it expires.
                **({"extra": {"expires_at": time.time() + 86400}} if name == "cc" else {}),
            }
            for name, key in KEYS.items()
        ],
        "combos": [
            {"name": "premium-coding", "strategy": "fill-first", "models": list(PREMIUM)},
            {"name": "free-forever", "strategy": "fill-first", "models": list(FREE)},
        ],
        "aliases": {
            "claude-sonnet-*": "cc/claude-sonnet-4-5",
            "gpt-*": "openai/gpt-*",
            "claude-*": "premium-coding",
        },
    }


@pytest.fixture(scope="module")
def gateway(
    upstreams: Upstreams, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[GatewayProcess]:
    root = tmp_path_factory.mktemp("e2e-seed")
    config = write_config(root / "omniroute.toml", seed_config(upstreams))
    with GatewayProcess(root / "data", config, env=SETTINGS_ENV) as gw:
        yield gw


# -- asking through each SDK: (response headers, answer text, text pieces) -------------------

Answer = tuple[Mapping[str, str], str, int]


def ask_claude(client: anthropic.Anthropic, model: str, prompt: str, stream: bool) -> Answer:
    messages: Any = [{"role": "user", "content": prompt}]
    if stream:
        with client.messages.stream(model=model, max_tokens=256, messages=messages) as events:
            pieces = list(events.text_stream)
            final = events.get_final_message()
            headers = events.response.headers
        assert final.stop_reason == "end_turn"
        return headers, "".join(pieces), len(pieces)
    raw = client.messages.with_raw_response.create(model=model, max_tokens=256, messages=messages)
    message = raw.parse()
    assert message.stop_reason == "end_turn"
    assert message.content[0].type == "text"
    return raw.headers, message.content[0].text, 1


def ask_openai(client: openai.OpenAI, model: str, prompt: str, stream: bool) -> Answer:
    messages: Any = [{"role": "user", "content": prompt}]
    if stream:
        chunks = client.chat.completions.create(model=model, messages=messages, stream=True)
        with chunks:
            pieces = [
                c.choices[0].delta.content
                for c in chunks
                if c.choices and c.choices[0].delta.content
            ]
        return chunks.response.headers, "".join(pieces), len(pieces)
    raw = client.chat.completions.with_raw_response.create(model=model, messages=messages)
    completion = raw.parse()
    assert completion.choices[0].finish_reason == "stop"
    return raw.headers, completion.choices[0].message.content or "", 1


Ask = Callable[[str, str, bool], Answer]


@pytest.fixture(params=["anthropic-sdk", "openai-sdk"])
def ask(request: pytest.FixtureRequest, gateway: GatewayProcess) -> Ask:
    if request.param == "anthropic-sdk":
        client = anthropic.Anthropic(base_url=gateway.url, api_key="local", max_retries=0)
        return lambda model, prompt, stream: ask_claude(client, model, prompt, stream)
    oa = openai.OpenAI(base_url=gateway.base_url, api_key="local", max_retries=0)
    return lambda model, prompt, stream: ask_openai(oa, model, prompt, stream)


def assert_served(
    headers: Mapping[str, str], provider: str, model: str, attempts: int | None
) -> None:
    assert headers["x-omniroute-provider"] == provider
    assert headers["x-omniroute-model"] == model
    if attempts:
        assert headers["x-omniroute-fallback-attempts"] == str(attempts)
    else:
        assert "x-omniroute-fallback-attempts" not in headers


# -- premium-coding: cc → glm → minimax ----------------------------------------------------

PREMIUM_CASES = {
    "all-up": ((), "cc", "claude", "claude-sonnet-4-5"),
    "cc-down": (("cc",), "glm", "glm", "glm-4.6"),
    "cc-and-glm-down": (("cc", "glm"), "minimax", "minimax", "MiniMax-M2"),
}


@pytest.mark.parametrize("stream", [False, True], ids=["json", "stream"])
@pytest.mark.parametrize("case", list(PREMIUM_CASES))
def test_premium_coding_fills_first(
    ask: Ask, upstreams: Upstreams, case: str, stream: bool
) -> None:
    down, serving, provider, model = PREMIUM_CASES[case]
    upstreams.fail(*down)
    prompt = f"premium {case} {'stream' if stream else 'json'} please"

    headers, text, pieces = ask("premium-coding", prompt, stream)

    assert text == f"echo: {prompt}"
    if stream:
        assert pieces > 1, "the answer must arrive in several pieces"
    assert_served(headers, provider, model, len(down))
    # Each failed target was tried once, in combo order; nothing after the one that answered.
    assert upstreams.calls() == {**dict.fromkeys(down, 1), serving: 1}
    sent = upstreams[serving].last_request
    assert sent.model == model
    assert bool(sent.json.get("stream")) is stream
    assert sent.key == KEYS[serving]


def test_premium_coding_claude_code_oauth_headers(
    claude: anthropic.Anthropic, upstreams: Upstreams
) -> None:
    ask_claude(claude, "premium-coding", "who am i", stream=False)
    sent = upstreams["cc"].last_request
    assert sent.header("authorization") == f"Bearer {CC_TOKEN}"
    assert "oauth-2025-04-20" in (sent.header("anthropic-beta") or "")
    assert sent.header("x-api-key") is None


@pytest.mark.parametrize("status", [500, 502, 529])
def test_premium_coding_any_server_error_of_cc_falls_back(
    oai: openai.OpenAI, upstreams: Upstreams, status: int
) -> None:
    upstreams.fail("cc", status=status)
    headers, text, _ = ask_openai(oai, "premium-coding", f"after a {status}", stream=False)
    assert text == f"echo: after a {status}"
    assert_served(headers, "glm", "glm-4.6", 1)


def test_premium_coding_stream_falls_back_when_cc_drops_the_connection(
    claude: anthropic.Anthropic, upstreams: Upstreams
) -> None:
    upstreams["cc"].inject(drop=True, times=None)
    headers, text, _ = ask_claude(claude, "premium-coding", "dropped", stream=True)
    assert text == "echo: dropped"
    assert_served(headers, "glm", "glm-4.6", 1)


def test_premium_coding_exhausted_uses_the_global_fallback(ask: Ask, upstreams: Upstreams) -> None:
    upstreams.fail("cc", "glm", "minimax")
    headers, text, _ = ask("premium-coding", "last resort", False)
    assert text == "echo: last resort"
    assert_served(headers, "openrouter", "meta-llama/llama-3.3-70b-instruct:free", 3)
    assert upstreams.calls() == {"cc": 1, "glm": 1, "minimax": 1, "openrouter": 1}


def test_premium_coding_rate_limited_subscription_cools_down(
    gateway_process: Callable[..., GatewayProcess], upstreams: Upstreams
) -> None:
    """A 429 from the subscription cools that account: glm answers at once, and keeps
    answering without the subscription being asked again until the cooldown ends."""
    gw = gateway_process(seed_config(upstreams), env=SETTINGS_ENV)
    client = anthropic.Anthropic(base_url=gw.url, api_key="local", max_retries=0)
    upstreams["cc"].inject(status=429, headers={"Retry-After": "30"}, times=1)

    headers, text, _ = ask_claude(client, "premium-coding", "limited", stream=False)
    assert text == "echo: limited"
    assert_served(headers, "glm", "glm-4.6", 1)

    headers, text, _ = ask_claude(client, "premium-coding", "still limited", stream=True)
    assert text == "echo: still limited"
    assert headers["x-omniroute-provider"] == "glm"
    assert upstreams.calls() == {"cc": 1, "glm": 2}, "a cooling account is not asked"


# -- free-forever: groq → cerebras, then the global fallback --------------------------------


@pytest.mark.parametrize("stream", [False, True], ids=["json", "stream"])
def test_free_forever_both_down_uses_the_global_fallback(
    ask: Ask, upstreams: Upstreams, stream: bool
) -> None:
    upstreams.fail("groq", "cerebras")
    headers, text, _ = ask("free-forever", "free as in beer", stream)
    assert text == "echo: free as in beer"
    assert_served(headers, "openrouter", "meta-llama/llama-3.3-70b-instruct:free", 2)
    assert upstreams.calls() == {"groq": 1, "cerebras": 1, "openrouter": 1}
    sent = upstreams["openrouter"].last_request
    assert sent.model == "meta-llama/llama-3.3-70b-instruct:free"
    assert sent.key == KEYS["openrouter"]


def test_free_forever_healthy_targets_need_no_fallback(
    oai: openai.OpenAI, upstreams: Upstreams
) -> None:
    headers, _, _ = ask_openai(oai, "free-forever", "cheap", stream=False)
    assert_served(headers, "groq", "llama-3.1-8b-instant", None)
    upstreams.fail("groq")
    headers, _, _ = ask_openai(oai, "free-forever", "cheap again", stream=False)
    assert_served(headers, "cerebras", "llama3.1-8b", 1)
    assert "openrouter" not in upstreams.calls()


def test_free_forever_body_error_is_not_sent_to_the_global_fallback(
    oai: openai.OpenAI, upstreams: Upstreams
) -> None:
    upstreams.fail("groq")
    upstreams.fail("cerebras", status=400, message="temperature: must be <= 2")
    with pytest.raises(openai.BadRequestError, match="temperature") as caught:
        ask_openai(oai, "free-forever", "bad body", stream=False)
    assert caught.value.response.headers["x-omniroute-fallback-attempts"] == "2"
    assert upstreams.calls() == {"groq": 1, "cerebras": 1}


def test_free_forever_body_error_on_the_first_target_stops_at_once(
    claude: anthropic.Anthropic, upstreams: Upstreams
) -> None:
    upstreams.fail("groq", status=400, message="temperature: must be <= 2")
    with pytest.raises(anthropic.BadRequestError, match="temperature"):
        ask_claude(claude, "free-forever", "bad body", stream=False)
    assert upstreams.calls() == {"groq": 1}


def test_free_forever_global_fallback_down_too_is_a_503(
    oai: openai.OpenAI, upstreams: Upstreams
) -> None:
    upstreams.fail("groq", "cerebras", "openrouter")
    with pytest.raises(openai.InternalServerError) as caught:
        ask_openai(oai, "free-forever", "nobody home", stream=False)
    assert caught.value.status_code == 503
    assert upstreams.calls() == {"groq": 1, "cerebras": 1, "openrouter": 1}, "tried once"


def test_global_fallback_is_only_for_combos(oai: openai.OpenAI, upstreams: Upstreams) -> None:
    upstreams.fail("groq")
    with pytest.raises(openai.InternalServerError) as caught:
        ask_openai(oai, "groq/llama-3.1-8b-instant", "direct", stream=False)
    assert caught.value.status_code == 503
    assert upstreams.calls() == {"groq": 1}


# -- wildcard aliases ------------------------------------------------------------------------


@pytest.mark.parametrize("stream", [False, True], ids=["json", "stream"])
def test_claude_sonnet_wildcard_replaces_the_whole_model(
    claude: anthropic.Anthropic, upstreams: Upstreams, stream: bool
) -> None:
    headers, text, _ = ask_claude(claude, "claude-sonnet-4-20250514", "sonnet", stream)
    assert text == "echo: sonnet"
    assert_served(headers, "claude", "claude-sonnet-4-5", None)
    assert upstreams.calls() == {"cc": 1}
    assert upstreams["cc"].last_request.model == "claude-sonnet-4-5"


@pytest.mark.parametrize("stream", [False, True], ids=["json", "stream"])
def test_gpt_wildcard_keeps_the_suffix(
    oai: openai.OpenAI, upstreams: Upstreams, stream: bool
) -> None:
    headers, text, _ = ask_openai(oai, "gpt-4.1-mini", "mini", stream)
    assert text == "echo: mini"
    assert_served(headers, "openai", "gpt-4.1-mini", None)
    assert upstreams.calls() == {"openai": 1}
    assert upstreams["openai"].last_request.model == "gpt-4.1-mini"


def test_gpt_wildcard_through_the_anthropic_sdk(
    claude: anthropic.Anthropic, upstreams: Upstreams
) -> None:
    headers, text, _ = ask_claude(claude, "gpt-4.1-mini", "translated", stream=False)
    assert text == "echo: translated"
    assert_served(headers, "openai", "gpt-4.1-mini", None)
    assert upstreams["openai"].last_request.model == "gpt-4.1-mini"


def test_wildcard_alias_to_a_combo_falls_back(
    claude: anthropic.Anthropic, upstreams: Upstreams
) -> None:
    """``claude-opus-4-1`` matches only ``claude-*`` (the premium-coding combo), while the
    more specific ``claude-sonnet-*`` sends sonnets straight to the subscription."""
    headers, _, _ = ask_claude(claude, "claude-opus-4-1", "opus", stream=False)
    assert_served(headers, "claude", "claude-sonnet-4-5", None)

    upstreams.fail("cc")
    headers, text, _ = ask_claude(claude, "claude-opus-4-1", "opus again", stream=False)
    assert text == "echo: opus again"
    assert_served(headers, "glm", "glm-4.6", 1)

    with pytest.raises(anthropic.InternalServerError) as caught:
        ask_claude(claude, "claude-sonnet-4-20250514", "no combo behind me", stream=False)
    assert caught.value.status_code == 503
    assert upstreams.calls() == {"cc": 3, "glm": 1}, "an alias to a model has no fallback"


def test_wildcard_alias_to_an_exhausted_combo_uses_the_global_fallback(
    oai: openai.OpenAI, upstreams: Upstreams
) -> None:
    upstreams.fail("cc", "glm", "minimax")
    headers, text, _ = ask_openai(oai, "claude-opus-4-1", "via an alias", stream=False)
    assert text == "echo: via an alias"
    assert_served(headers, "openrouter", "meta-llama/llama-3.3-70b-instruct:free", 3)


def test_unmatched_bare_model_is_a_404(oai: openai.OpenAI, upstreams: Upstreams) -> None:
    with pytest.raises(openai.NotFoundError):
        ask_openai(oai, "o3-mini", "no alias for me", stream=False)
    assert upstreams.calls() == {}
