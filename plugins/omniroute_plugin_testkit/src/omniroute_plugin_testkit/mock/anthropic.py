"""Anthropic Messages as api.anthropic.com speaks it: the mock's ``claude`` wire format.

A translator into this format is only proven by an upstream that refuses what the real API
refuses, so the mock is strict where gateways go wrong: the credential header and
``anthropic-version``, ``max_tokens`` required, unknown top-level fields (OpenAI leftovers
such as ``stream_options``) rejected, roles alternating from ``user``, non-empty content,
tool ids and tool inputs in their real shapes, every ``tool_use`` answered by a
``tool_result`` at the head of the next user turn and no ``tool_result`` without one, and
the extended-thinking rules (budget, sampling, forced tools, and thinking blocks replayed with
their signature intact). Errors use the API's messages where they are known.

Thinking signatures are verifiable (base64 of an HMAC of the thinking text, see
``sign_thinking``), so a gateway that edits, drops or invents a signature gets the 400 the
real API sends. Answers follow ``replies.py``; with thinking enabled a signed thinking block
comes first. Streams have the real event sequence (``message_start``, ``ping``,
``content_block_start`` / ``…_delta`` / ``…_stop`` per block, ``message_delta`` carrying the
stop reason and output tokens only, ``message_stop``). Prompt caching is simulated: the
first request with a ``cache_control`` prefix of at least ``min_cache_tokens`` reports cache
creation, identical prefixes later report cache reads.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import itertools
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from .replies import (
    Reply,
    Tool,
    Turn,
    apply_stop_sequences,
    count_words,
    reply_to,
    signature,
    split_fixed,
    split_words,
    thinking_text,
)
from .wire import (
    Answer,
    Exchange,
    JsonAnswer,
    MockError,
    Route,
    StreamAnswer,
    bearer_token,
    body_model,
)
from .wire import sse_event as _event

Auth = Literal["x-api-key", "bearer", "either"]
AUTH_MODES: tuple[Auth, ...] = ("x-api-key", "bearer", "either")
_MISSING_KEY = {
    "x-api-key": "x-api-key header is required",
    "bearer": "Authorization header with a Bearer token is required",
    "either": "x-api-key or Authorization header is required",
}

SAMPLING_FIELDS = frozenset({"temperature", "top_p", "top_k"})
COUNT_TOKENS_FIELDS = frozenset(
    {
        "model",
        "messages",
        "system",
        "tools",
        "tool_choice",
        "thinking",
        "cache_control",
        "output_config",
        "speed",
        "mcp_servers",
        "context_management",
    }
)
"""Body fields ``count_tokens`` accepts: the SDK's ``MessageCountTokensParams`` (and the
beta ``mcp_servers`` / ``context_management``); generation settings are rejected there."""
MESSAGES_FIELDS = (
    COUNT_TOKENS_FIELDS
    | SAMPLING_FIELDS
    | {
        "max_tokens",
        "stream",
        "stop_sequences",
        "metadata",
        "service_tier",
        "container",
        "inference_geo",
        "diagnostics",
    }
)
"""Body fields ``/v1/messages`` accepts: the SDK's ``MessageCreateParams``, the beta fields
above and the sampling parameters older API versions document."""

USER_BLOCKS = frozenset({"text", "image", "document", "search_result", "tool_result"})
ASSISTANT_BLOCKS = frozenset(
    {
        "text",
        "thinking",
        "redacted_thinking",
        "tool_use",
        "server_tool_use",
        "web_search_tool_result",
        "web_fetch_tool_result",
        "code_execution_tool_result",
        "bash_code_execution_tool_result",
        "text_editor_code_execution_tool_result",
        "tool_search_tool_result",
    }
)
THINKING_BLOCKS = frozenset({"thinking", "redacted_thinking"})
TOOL_RESULT_BLOCKS = frozenset({"text", "image", "document", "search_result"})
IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})
TOOL_NAME = re.compile(r"[a-zA-Z0-9_-]{1,128}")
TOOL_ID = re.compile(r"[a-zA-Z0-9_-]+")
MIN_THINKING_BUDGET = 1024
THINKING_DOCS = "https://docs.claude.com/en/docs/build-with-claude/extended-thinking"
_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "billing_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    504: "timeout_error",
    529: "overloaded_error",
}


def sign_thinking(thinking: str) -> str:
    """The ``signature`` the mock gives (and demands for) a thinking block with this text.

    Tests building a conversation by hand use it to replay a valid thinking block; any edit
    to the text, or any other signature, is rejected like the real API rejects it.
    """
    return base64.b64encode(signature("thinking", thinking)).decode()


def _invalid(message: str) -> MockError:
    return MockError(400, message)


@dataclass(frozen=True, slots=True)
class _Prompt:
    """A validated request reduced to what the answer needs."""

    turns: list[Turn]
    tools: list[Tool]
    thinking: bool

    @property
    def tokens(self) -> int:
        return sum(count_words(turn.text) for turn in self.turns)


class AnthropicMessages:
    """``POST /v1/messages`` (JSON and SSE) and ``POST /v1/messages/count_tokens``.

    ``auth`` is where the credential must be (a request without it there gets a 401 even
    when the mock accepts any key): ``x-api-key`` as api.anthropic.com reads API keys,
    ``bearer`` (``Authorization: Bearer``) as OAuth tokens and providers such as MiniMax,
    ``either`` for suites that check the header elsewhere. ``min_cache_tokens`` is the
    shortest prefix prompt caching stores (the real minimum is 1024 or more tokens); the
    cache lives as long as this object.
    """

    name = "claude"
    base_path = "/v1"
    garbage_event = b"event: content_block_delta\ndata: {this is not json\n\n"

    def __init__(self, *, auth: Auth = "x-api-key", min_cache_tokens: int = 1024) -> None:
        if auth not in AUTH_MODES:
            raise ValueError(f"auth must be one of {AUTH_MODES}, not {auth!r}")
        self.auth: Auth = auth
        self.min_cache_tokens = min_cache_tokens
        self._ids = itertools.count(1)
        self._cached: set[str] = set()

    @property
    def routes(self) -> Sequence[Route]:
        return (
            Route("POST", "/v1/messages", self.messages),
            Route("POST", "/v1/messages/count_tokens", self.count_tokens),
        )

    def read_key(self, headers: Mapping[str, str], query: Mapping[str, str]) -> str | None:
        api_key = headers.get("x-api-key", "").strip() or None
        if self.auth == "x-api-key":
            return api_key
        if self.auth == "bearer":
            return bearer_token(headers)
        return api_key or bearer_token(headers)

    def read_model(self, exchange: Exchange) -> str | None:
        return body_model(exchange)

    def error_body(
        self, status: int, message: str, *, code: str | None = None, param: str | None = None
    ) -> Any:
        kind = _ERROR_TYPES.get(status, "api_error" if status >= 500 else "invalid_request_error")
        return {"type": "error", "error": {"type": kind, "message": message}}

    # -- endpoints -------------------------------------------------------------------------

    def count_tokens(self, exchange: Exchange) -> Answer:
        body = self._checked(exchange, COUNT_TOKENS_FIELDS)
        return JsonAnswer({"input_tokens": _prompt(body, None).tokens})

    def messages(self, exchange: Exchange) -> Answer:
        body = self._checked(exchange, MESSAGES_FIELDS)
        max_tokens = body.get("max_tokens")
        if max_tokens is None:
            raise _invalid("max_tokens: Field required")
        if not isinstance(max_tokens, int) or isinstance(max_tokens, bool) or max_tokens < 0:
            raise _invalid("max_tokens: Input should be a valid integer >= 0")
        if not isinstance(body.get("stream", False), bool):
            raise _invalid("stream: Input should be a valid boolean")
        _check_metadata(body.get("metadata"))
        prompt = _prompt(body, max_tokens)
        reply = reply_to(prompt.turns, prompt.tools, max_tokens)
        stop_sequence, reply = apply_stop_sequences(reply, body.get("stop_sequences"))
        content: list[dict[str, Any]] = []
        thinking_tokens = 0
        if prompt.thinking:
            thought = thinking_text(prompt.turns)
            thinking_tokens = count_words(thought)
            content.append(
                {"type": "thinking", "thinking": thought, "signature": sign_thinking(thought)}
            )
        if reply.tool_call is not None:
            call = reply.tool_call
            tool_id = "toolu_" + call.id.removeprefix("call_")
            arguments = json.loads(call.arguments)
            content.append(
                {"type": "tool_use", "id": tool_id, "name": call.name, "input": arguments}
            )
        elif reply.text:
            content.append({"type": "text", "text": reply.text})
        output_tokens = reply.completion_tokens + thinking_tokens
        message = {
            "id": f"msg_mock{next(self._ids):020d}",
            "type": "message",
            "role": "assistant",
            "model": body["model"],
            "content": content,
            "stop_reason": _stop_reason(reply, stop_sequence),
            "stop_sequence": stop_sequence,
            "usage": {**self._input_usage(body, prompt.tokens), "output_tokens": output_tokens},
        }
        if body.get("stream"):
            return StreamAnswer(list(_stream(message)))
        return JsonAnswer(message)

    # -- request checks --------------------------------------------------------------------

    def _checked(self, exchange: Exchange, allowed: frozenset[str]) -> dict[str, Any]:
        """The body after the checks every endpoint makes, or the error the API sends."""
        if exchange.key is None:
            raise MockError(401, _MISSING_KEY[self.auth])
        if not exchange.headers.get("anthropic-version"):
            raise _invalid("anthropic-version: header is required")
        body = exchange.body
        if not exchange.valid_json or not isinstance(body, dict):
            raise _invalid("There was an error parsing the body of your request as JSON")
        unknown = sorted(set(body) - allowed)
        if unknown:
            raise _invalid(f"{unknown[0]}: Extra inputs are not permitted")
        if not isinstance(body.get("model"), str) or not body["model"]:
            raise _invalid("model: Field required")
        return body

    # -- prompt caching --------------------------------------------------------------------

    def _input_usage(self, body: dict[str, Any], prompt_tokens: int) -> dict[str, int]:
        """Input tokens split as the API reports them: fresh, written to and read from cache."""
        cached, cached_tokens = _cache_prefix(body)
        written = read = 0
        if cached is not None and cached_tokens >= self.min_cache_tokens:
            if cached in self._cached:
                read = cached_tokens
            else:
                self._cached.add(cached)
                written = cached_tokens
        return {
            "input_tokens": prompt_tokens - written - read,
            "cache_creation_input_tokens": written,
            "cache_read_input_tokens": read,
        }


# -- reading a request -------------------------------------------------------------------


def _prompt(body: dict[str, Any], max_tokens: int | None) -> _Prompt:
    thinking = _thinking_enabled(body, max_tokens)
    turns = _system_turns(body.get("system"))
    turns += _conversation(body.get("messages"), thinking)
    return _Prompt(turns, _callable_tools(body, thinking), thinking)


def _thinking_enabled(body: dict[str, Any], max_tokens: int | None) -> bool:
    """Whether ``thinking`` is on, after the checks the API makes on it and on sampling."""
    config = body.get("thinking")
    kind = config.get("type") if isinstance(config, dict) else None
    if config is None or kind == "disabled":
        return False
    if kind == "enabled":
        budget = config.get("budget_tokens")
        if not isinstance(budget, int) or isinstance(budget, bool):
            raise _invalid("thinking.enabled.budget_tokens: Field required")
        if budget < MIN_THINKING_BUDGET:
            raise _invalid(
                "thinking.enabled.budget_tokens: Input should be greater than or equal to "
                f"{MIN_THINKING_BUDGET}"
            )
        if max_tokens is not None and max_tokens <= budget:
            raise _invalid(
                "`max_tokens` must be greater than `thinking.budget_tokens`. Please consult "
                f"our documentation at {THINKING_DOCS}#max-tokens-and-context-window-size"
            )
    elif kind != "adaptive":
        raise _invalid(
            f"thinking.type: Input tag {kind!r} found using 'type' does not match any of the "
            "expected tags: 'adaptive', 'disabled', 'enabled'"
        )
    temperature = body.get("temperature")
    if temperature is not None and temperature != 1:
        raise _invalid(
            "`temperature` may only be set to 1 when thinking is enabled. Please consult our "
            f"documentation at {THINKING_DOCS}#feature-compatibility"
        )
    if body.get("top_k") is not None:
        raise _invalid("`top_k` is not supported when thinking is enabled")
    top_p = body.get("top_p")
    if top_p is not None and not (isinstance(top_p, int | float) and 0.95 <= top_p <= 1):
        raise _invalid("`top_p` must be between 0.95 and 1 when thinking is enabled")
    return True


def _system_turns(system: Any) -> list[Turn]:
    if system is None:
        return []
    if isinstance(system, str):
        return [Turn("system", system)] if system else []
    if not isinstance(system, list):
        raise _invalid("system: Input should be a valid string or list of text blocks")
    texts = []
    for index, block in enumerate(system):
        if not isinstance(block, dict) or block.get("type") != "text":
            raise _invalid(f"system.{index}.type: Input should be 'text'")
        texts.append(_text_of(block, f"system.{index}"))
    return [Turn("system", " ".join(texts))]


def _conversation(messages: Any, thinking: bool) -> list[Turn]:
    """The turns of ``messages``, checking roles, content and the tool-use pairing."""
    if not isinstance(messages, list) or not messages:
        raise _invalid("messages: at least one message is required")
    turns: list[Turn] = []
    pending: list[str] = []  # tool_use ids of the previous turn, which this one must answer
    last = len(messages) - 1
    for index, message in enumerate(messages):
        where = f"messages.{index}"
        role = message.get("role") if isinstance(message, dict) else None
        if role not in ("user", "assistant"):
            raise _invalid(f"{where}.role: Input should be 'user' or 'assistant'")
        if index == 0 and role != "user":
            raise _invalid('messages: first message must use the "user" role')
        if index and messages[index - 1]["role"] == role:
            raise _invalid(
                'messages: roles must alternate between "user" and "assistant", but found '
                f'multiple "{role}" roles in a row'
            )
        final = index == last and role == "assistant"
        blocks = _blocks(message.get("content"), where, role, final)
        if role == "user":
            turns += _user_turns(blocks, index, pending)
            pending = []
        else:
            pending = _assistant_tool_ids(blocks, where, thinking and index >= last - 1)
            turns.append(Turn("assistant", " ".join(_texts(blocks))))
    if pending:
        raise _unanswered(last, pending)
    return turns


def _unanswered(index: int, ids: Sequence[str]) -> MockError:
    return _invalid(
        f"messages.{index}: `tool_use` ids were found without `tool_result` blocks immediately "
        f"after: {', '.join(ids)}. Each `tool_use` block must have a corresponding "
        "`tool_result` block in the next message."
    )


def _blocks(content: Any, where: str, role: str, final: bool) -> list[dict[str, Any]]:
    """``content`` as a list of checked blocks (a string is one text block)."""
    if isinstance(content, str):
        content = [{"type": "text", "text": content}] if content else []
    if not isinstance(content, list):
        raise _invalid(f"{where}.content: Input should be a valid string or list of blocks")
    if not content and not final:
        raise _invalid(
            f"{where}: all messages must have non-empty content except for the optional "
            "final assistant message"
        )
    allowed = USER_BLOCKS if role == "user" else ASSISTANT_BLOCKS
    for index, block in enumerate(content):
        _check_block(block, f"{where}.content.{index}", allowed)
    tail = content[-1] if final and content else {}
    if tail.get("type") == "text" and tail["text"] != tail["text"].rstrip():
        raise _invalid("messages: final assistant content cannot end with trailing whitespace")
    return content


def _check_block(block: Any, where: str, allowed: frozenset[str]) -> None:
    kind = block.get("type") if isinstance(block, dict) else None
    if kind not in allowed:
        expected = ", ".join(f"'{name}'" for name in sorted(allowed))
        raise _invalid(
            f"{where}.type: Input tag {kind!r} found using 'type' does not match any of the "
            f"expected tags: {expected}"
        )
    assert isinstance(block, dict)
    if kind == "text":
        _text_of(block, where)
    elif kind == "image":
        _check_image(block.get("source"), f"{where}.image.source")
    elif kind == "tool_use":
        if not isinstance(block.get("id"), str) or not TOOL_ID.fullmatch(block["id"]):
            raise _invalid(f"{where}.tool_use.id: String should match pattern '^[a-zA-Z0-9_-]+$'")
        if not isinstance(block.get("name"), str):
            raise _invalid(f"{where}.tool_use.name: Field required")
        if not isinstance(block.get("input"), dict):
            raise _invalid(f"{where}.tool_use.input: Input should be a valid dictionary")
    elif kind == "tool_result":
        if not isinstance(block.get("tool_use_id"), str):
            raise _invalid(f"{where}.tool_result.tool_use_id: Field required")
        inner = block.get("content")
        if isinstance(inner, list):
            for index, part in enumerate(inner):
                _check_block(part, f"{where}.tool_result.content.{index}", TOOL_RESULT_BLOCKS)
        elif inner is not None and not isinstance(inner, str):
            raise _invalid(f"{where}.tool_result.content: Input should be a string or a list")
    elif kind == "thinking":
        for field in ("thinking", "signature"):
            if not isinstance(block.get(field), str):
                raise _invalid(f"{where}.thinking.{field}: Field required")
        if not hmac.compare_digest(block["signature"], sign_thinking(block["thinking"])):
            raise _invalid(f"{where}: Invalid `signature` in `thinking` block")
    elif kind == "redacted_thinking" and not isinstance(block.get("data"), str):
        raise _invalid(f"{where}.redacted_thinking.data: Field required")


def _text_of(block: dict[str, Any], where: str) -> str:
    text = block.get("text")
    if not isinstance(text, str):
        raise _invalid(f"{where}.text: Field required")
    if not text:
        raise _invalid(f"{where}.text: text content blocks must be non-empty")
    return text


def _check_image(source: Any, where: str) -> None:
    kind = source.get("type") if isinstance(source, dict) else None
    if kind == "base64":
        assert isinstance(source, dict)
        if source.get("media_type") not in IMAGE_TYPES:
            allowed = ", ".join(f"'{name}'" for name in sorted(IMAGE_TYPES))
            raise _invalid(f"{where}.base64.media_type: Input should be {allowed}")
        try:
            base64.b64decode(str(source.get("data", "")), validate=True)
        except (binascii.Error, ValueError):
            raise _invalid(f"{where}.base64.data: The image data is not valid base64") from None
    elif kind == "url":
        assert isinstance(source, dict)
        if not str(source.get("url", "")).startswith(("http://", "https://")):
            raise _invalid(f"{where}.url.url: Input should be an http(s) URL")
    elif kind != "file":
        raise _invalid(
            f"{where}.type: Input tag {kind!r} found using 'type' does not match any of the "
            "expected tags: 'base64', 'file', 'url'"
        )


def _user_turns(blocks: list[dict[str, Any]], message: int, pending: list[str]) -> list[Turn]:
    """Tool results (first, answering exactly ``pending``) then the user's own words."""
    where = f"messages.{message}"
    turns: list[Turn] = []
    answered: list[str] = []
    for index, block in enumerate(blocks):
        if block["type"] != "tool_result":
            continue
        if index != len(answered):
            raise _invalid(f"{where}: `tool_result` blocks must come first in the user message")
        if block["tool_use_id"] not in pending:
            raise _invalid(
                f"{where}.content.{index}: unexpected `tool_use_id` found in `tool_result` "
                f"blocks: {block['tool_use_id']}. Each `tool_result` block must have a "
                "corresponding `tool_use` block in the previous message."
            )
        answered.append(block["tool_use_id"])
        turns.append(Turn("tool", " ".join(_texts(_result_blocks(block.get("content"))))))
    missing = [tool_id for tool_id in pending if tool_id not in answered]
    if missing:
        raise _unanswered(message - 1, missing)
    words = _texts(blocks[len(answered) :])
    return [*turns, Turn("user", " ".join(words))] if words else turns


def _assistant_tool_ids(blocks: list[dict[str, Any]], where: str, in_tool_loop: bool) -> list[str]:
    """The ``tool_use`` ids of an assistant turn; with thinking on, the turn that opened the
    current tool loop must start with its (signed) thinking block, as the API demands."""
    ids = [block["id"] for block in blocks if block["type"] == "tool_use"]
    if ids and in_tool_loop and blocks[0]["type"] not in THINKING_BLOCKS:
        raise _invalid(
            f"{where}.content.0.type: Expected `thinking` or `redacted_thinking`, but found "
            f"`{blocks[0]['type']}`. When `thinking` is enabled, a final `assistant` message "
            "must start with a thinking block (preceeding the lastmost set of `tool_use` and "
            "`tool_result` blocks). We recommend you include thinking blocks from previous "
            f"turns. To avoid this requirement, disable `thinking`. Please consult our "
            f"documentation at {THINKING_DOCS}"
        )
    return ids


def _result_blocks(content: Any) -> list[dict[str, Any]]:
    if isinstance(content, str):
        return [{"type": "text", "text": content}] if content else []
    return content if isinstance(content, list) else []


def _texts(blocks: list[dict[str, Any]]) -> list[str]:
    """What each block adds to the prompt's words: text, ``[image]`` for media, nothing for
    tool calls and thinking (the mock's model does not read them)."""
    texts = []
    for block in blocks:
        kind = block["type"]
        if kind == "text":
            texts.append(block["text"])
        elif kind in USER_BLOCKS and kind != "tool_result":
            texts.append(f"[{kind}]")
    return texts


def _callable_tools(body: dict[str, Any], thinking: bool) -> list[Tool]:
    """The client tools the request lets the model call, honouring ``tool_choice``.

    Server tools (``web_search_…``, ``bash_…``) are accepted but never called.
    """
    entries = body.get("tools") or []
    if not isinstance(entries, list):
        raise _invalid("tools: Input should be a valid list")
    tools: list[Tool] = []
    for index, entry in enumerate(entries):
        where = f"tools.{index}.custom"
        if not isinstance(entry, dict):
            raise _invalid(f"tools.{index}: Input should be a valid dictionary")
        if entry.get("type", "custom") != "custom":
            continue
        name = entry.get("name")
        if not isinstance(name, str) or not TOOL_NAME.fullmatch(name):
            raise _invalid(f"{where}.name: String should match pattern '^[a-zA-Z0-9_-]{{1,128}}$'")
        schema = entry.get("input_schema")
        if not isinstance(schema, dict):
            raise _invalid(f"{where}.input_schema: Field required")
        if schema.get("type") != "object":
            raise _invalid(f"{where}.input_schema.type: Input should be 'object'")
        if any(tool.name == name for tool in tools):
            raise _invalid("tools: Tool names must be unique.")
        tools.append(Tool(name, schema))
    choice = body.get("tool_choice")
    kind = choice.get("type") if isinstance(choice, dict) else None
    if choice is not None and kind not in ("auto", "any", "tool", "none"):
        raise _invalid(
            f"tool_choice.type: Input tag {kind!r} found using 'type' does not match any of "
            "the expected tags: 'any', 'auto', 'none', 'tool'"
        )
    if thinking and kind in ("any", "tool"):
        raise _invalid("Thinking may not be enabled when tool_choice forces tool use.")
    if kind == "none":
        return []
    if kind == "tool":
        assert isinstance(choice, dict)
        forced = [tool for tool in tools if tool.name == choice.get("name")]
        if not forced:
            raise _invalid(f"tool_choice.tool.name: no tool named {choice.get('name')!r} in tools")
        return forced
    return tools


def _check_metadata(metadata: Any) -> None:
    if metadata is None:
        return
    if not isinstance(metadata, dict):
        raise _invalid("metadata: Input should be a valid dictionary")
    extra = sorted(set(metadata) - {"user_id"})
    if extra:
        raise _invalid(f"metadata.{extra[0]}: Extra inputs are not permitted")


def _cache_prefix(body: dict[str, Any]) -> tuple[str | None, int]:
    """A digest of the prompt up to its last ``cache_control`` breakpoint, and its tokens.

    The prompt is read in the API's cache order (tools, system, messages); a top-level
    ``cache_control`` (automatic caching) puts the breakpoint after the last block.
    """
    blocks: list[tuple[Any, int]] = [(tool, 0) for tool in body.get("tools") or []]
    system = body.get("system")
    if isinstance(system, list):
        blocks += [(block, count_words(block["text"])) for block in system]
    elif system:
        blocks.append((system, count_words(system)))
    for message in body["messages"]:
        content = message["content"]
        if isinstance(content, str):
            blocks.append((content, count_words(content)))
            continue
        for block in content:
            if block["type"] == "tool_result":
                words = _texts(_result_blocks(block.get("content")))
            else:
                words = _texts([block])
            blocks.append((block, sum(count_words(text) for text in words)))
    marked = [i for i, (block, _) in enumerate(blocks) if _has_cache_control(block)]
    end = len(blocks) if body.get("cache_control") else (marked[-1] + 1 if marked else 0)
    if not end:
        return None, 0
    prefix = [block for block, _ in blocks[:end]]
    digest = hashlib.sha256(json.dumps([body["model"], prefix], sort_keys=True).encode())
    return digest.hexdigest(), sum(tokens for _, tokens in blocks[:end])


def _has_cache_control(block: Any) -> bool:
    return isinstance(block, dict) and block.get("cache_control") is not None


# -- answering ---------------------------------------------------------------------------


def _stop_reason(reply: Reply, stop_sequence: str | None) -> str:
    if reply.tool_call is not None:
        return "tool_use"
    if stop_sequence is not None:
        return "stop_sequence"
    return "max_tokens" if reply.truncated else "end_turn"


def _stream(message: dict[str, Any]) -> Iterator[bytes]:
    """``message`` as the API streams it, block by block, with several deltas per block."""
    usage = message["usage"]
    start = {**message, "content": [], "stop_reason": None, "stop_sequence": None}
    start["usage"] = {**usage, "output_tokens": 1}
    yield _event("message_start", {"message": start})
    yield _event("ping", {})
    for index, block in enumerate(message["content"]):
        kind = block["type"]
        if kind == "thinking":
            opening: dict[str, Any] = {"type": "thinking", "thinking": "", "signature": ""}
            deltas = [{"type": "thinking_delta", "thinking": p} for p in split_words(block[kind])]
            deltas.append({"type": "signature_delta", "signature": block["signature"]})
        elif kind == "tool_use":
            opening = {**block, "input": {}}
            pieces = ["", *split_fixed(json.dumps(block["input"]))]
            deltas = [{"type": "input_json_delta", "partial_json": piece} for piece in pieces]
        else:
            opening = {"type": "text", "text": ""}
            deltas = [{"type": "text_delta", "text": piece} for piece in split_words(block[kind])]
        yield _event("content_block_start", {"index": index, "content_block": opening})
        for delta in deltas:
            yield _event("content_block_delta", {"index": index, "delta": delta})
        yield _event("content_block_stop", {"index": index})
    delta = {"stop_reason": message["stop_reason"], "stop_sequence": message["stop_sequence"]}
    yield _event(
        "message_delta", {"delta": delta, "usage": {"output_tokens": usage["output_tokens"]}}
    )
    yield _event("message_stop", {})
