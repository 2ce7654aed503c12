"""OpenAI Responses as api.openai.com speaks it: the mock's ``openai-responses`` wire format.

A translator into the Responses API goes wrong in ways the Chat Completions shapes hide, so the
mock refuses what the real API refuses: unknown parameters (``client_metadata``, chat leftovers
such as ``messages``), tools and tool choices in the chat shape (``tools[0].name`` missing),
content parts of the wrong side (``input_text`` in an assistant message), item ids of the wrong
kind, a ``function_call_output`` that answers no ``function_call`` of the same input, a call left
without its output, and a ``max_output_tokens`` under 16. The mock is stateless like the gateway
it tests: ``previous_response_id``, ``conversation``, ``item_reference`` items and reasoning
items without ``encrypted_content`` all name stored state, and get the errors the real API
gives when nothing was stored.

Answers follow ``replies.py``. With ``reasoning`` (effort other than ``none``) a reasoning item
comes first; its summary holds the mock's thinking when ``reasoning.summary`` asks for one, and
``include: ["reasoning.encrypted_content"]`` adds a verifiable ``encrypted_content`` (an HMAC of
the item id), so replaying it is accepted and an edited or invented one is not. Streams have the
real event sequence, every event numbered by ``sequence_number`` from 0: ``response.created``,
``response.in_progress``, per output item ``response.output_item.added``, its content events
(``response.content_part.added`` / ``response.output_text.delta`` / ``.done`` /
``response.content_part.done``, or ``response.function_call_arguments.delta`` / ``.done``, or
``response.reasoning_summary_part.added`` / ``response.reasoning_summary_text.delta`` / ``.done``
/ ``response.reasoning_summary_part.done``) and ``response.output_item.done``, then
``response.completed``, or ``response.incomplete`` when ``max_output_tokens`` cut the answer.

``CodexResponses`` is the same API as ChatGPT accounts reach it for Codex
(``chatgpt.com/backend-api/codex/responses``), with that backend's own rules.
"""

from __future__ import annotations

import base64
import hmac
import itertools
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .openai import INVALID_JSON, openai_error
from .replies import (
    Reply,
    Tool,
    Turn,
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
    sse_event,
)

RESPONSES_FIELDS = frozenset(
    {
        "access_programs",
        "background",
        "background_options",
        "context_management",
        "conversation",
        "image",
        "include",
        "input",
        "instructions",
        "max_output_tokens",
        "max_tool_calls",
        "metadata",
        "model",
        "moderation",
        "parallel_tool_calls",
        "previous_response_id",
        "prompt",
        "prompt_cache_key",
        "prompt_cache_options",
        "prompt_cache_retention",
        "reasoning",
        "safety_identifier",
        "service_tier",
        "store",
        "stream",
        "stream_options",
        "temperature",
        "text",
        "tool_choice",
        "tools",
        "top_logprobs",
        "top_p",
        "truncation",
        "user",
    }
)
"""Body fields ``POST /v1/responses`` accepts: the SDK's ``ResponseCreateParams``."""
ITEM_FIELDS: Mapping[str, frozenset[str]] = {
    "message": frozenset({"type", "role", "content", "id", "status", "phase"}),
    "function_call": frozenset(
        {"type", "call_id", "name", "arguments", "id", "status", "namespace"}
    ),
    "function_call_output": frozenset({"type", "call_id", "output", "id", "status"}),
    "reasoning": frozenset({"type", "id", "summary", "encrypted_content", "content", "status"}),
}
"""Input item types the mock reads, with the fields each may carry."""
ITEM_ID_PREFIXES = {"message": "msg", "function_call": "fc", "reasoning": "rs"}
"""What the id of a replayed output item begins with (``call_…`` is a ``call_id``, not one)."""
ROLES = ("assistant", "system", "developer", "user")
INPUT_PARTS = frozenset({"input_text", "input_image", "input_file", "input_audio"})
OUTPUT_PARTS = frozenset({"output_text", "refusal"})
FUNCTION_TOOL_FIELDS = frozenset(
    {"type", "name", "description", "parameters", "strict", "defer_loading"}
)
HOSTED_TOOLS = frozenset(
    {
        "apply_patch",
        "code_interpreter",
        "computer_use_preview",
        "custom",
        "file_search",
        "image_generation",
        "local_shell",
        "mcp",
        "shell",
        "web_search",
        "web_search_preview",
    }
)
"""Tool types the API runs itself (or, ``custom``, takes free-form input for): accepted, never
called by the mock's model."""
TOOL_CHOICES = ("auto", "none", "required")
REASONING_EFFORTS = ("none", "minimal", "low", "medium", "high", "xhigh")
REASONING_SUMMARIES = ("auto", "concise", "detailed")
TEXT_FORMATS = ("text", "json_schema", "json_object")
INCLUDABLE = frozenset(
    {
        "code_interpreter_call.outputs",
        "computer_call_output.output.image_url",
        "file_search_call.results",
        "message.input_image.image_url",
        "message.output_text.logprobs",
        "reasoning.encrypted_content",
        "web_search_call.action.sources",
        "web_search_call.results",
    }
)
MIN_OUTPUT_TOKENS = 16
ENCRYPTED_REASONING = "reasoning.encrypted_content"


def seal_reasoning(item_id: str) -> str:
    """The ``encrypted_content`` the mock gives (and demands back for) reasoning item
    ``item_id``; tests replaying a hand-made reasoning item use it."""
    return base64.b64encode(signature("reasoning", item_id)).decode()


# -- the API's error messages ------------------------------------------------------------


def _missing(param: str) -> MockError:
    return MockError(
        400,
        f"Missing required parameter: '{param}'.",
        code="missing_required_parameter",
        param=param,
    )


def _unknown(param: str) -> MockError:
    return MockError(400, f"Unknown parameter: '{param}'.", code="unknown_parameter", param=param)


def _invalid_type(param: str, expected: str, value: Any) -> MockError:
    return MockError(
        400,
        f"Invalid type for '{param}': expected {expected}, but got {_json_kind(value)} instead.",
        code="invalid_type",
        param=param,
    )


def _invalid_value(param: str, value: Any, supported: Iterable[str]) -> MockError:
    return MockError(
        400,
        f"Invalid value: '{value}'. Supported values are: {_listing(sorted(supported))}.",
        code="invalid_value",
        param=param,
    )


def _not_stored(item_id: Any) -> MockError:
    """What the API says of an item it is asked to look up but never stored."""
    return MockError(
        404,
        f"Item with id '{item_id}' not found. Items are not persisted when `store` is set to "
        "false. Try again with `store` set to true, or remove this item from your input.",
        param="input",
    )


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a decimal"
    if isinstance(value, str):
        return "a string"
    return "an array" if isinstance(value, list) else "an object"


def _one_of(value: Any, names: Collection[str]) -> bool:
    """Whether ``value`` is one of ``names``; JSON objects and arrays (unhashable) never are."""
    return isinstance(value, str) and value in names


def _listing(values: Sequence[str]) -> str:
    quoted = [f"'{value}'" for value in values]
    if len(quoted) < 3:
        return " and ".join(quoted)
    return ", ".join(quoted[:-1]) + ", and " + quoted[-1]


# -- the format --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Prompt:
    """A validated request reduced to what the answer needs."""

    turns: list[Turn]
    tools: list[Tool]
    effort: str | None
    """The reasoning effort; None when the model does not reason."""
    summary: str | None
    encrypted: bool
    limit: int | None


class OpenAIResponses:
    """``POST {base_path}/responses`` (JSON and SSE), Bearer auth, OpenAI's error shape.

    ``base_path`` is ``/v1`` as on api.openai.com; other hosts serve the API elsewhere.
    """

    name = "openai-responses"
    garbage_event = b"event: response.output_text.delta\ndata: {this is not json\n\n"

    def __init__(self, *, base_path: str = "/v1") -> None:
        self.base_path = base_path
        self._ids = itertools.count(1)

    @property
    def routes(self) -> Sequence[Route]:
        return (Route("POST", f"{self.base_path}/responses", self.responses),)

    def read_key(self, headers: Mapping[str, str], query: Mapping[str, str]) -> str | None:
        return bearer_token(headers)

    def read_model(self, exchange: Exchange) -> str | None:
        return body_model(exchange)

    def error_body(
        self, status: int, message: str, *, code: str | None = None, param: str | None = None
    ) -> Any:
        return openai_error(status, message, code=code, param=param)

    def responses(self, exchange: Exchange) -> Answer:
        body = self._validated(exchange)
        prompt = _prompt(body)
        reply = reply_to(prompt.turns, prompt.tools, prompt.limit)
        response = self._response(body, prompt, reply)
        if body.get("stream"):
            return StreamAnswer(list(_stream(response)))
        return JsonAnswer(response)

    # -- request checks --------------------------------------------------------------------

    def check_dialect(self, body: dict[str, Any]) -> None:
        """Rules of a host serving this API its own way, checked before the API's own; the
        public API has none (see ``CodexResponses``)."""

    def _validated(self, exchange: Exchange) -> dict[str, Any]:
        """The body after the top-level checks, or the error the API sends."""
        body = exchange.body
        if not exchange.valid_json or not isinstance(body, dict):
            raise MockError(400, INVALID_JSON)
        self.check_dialect(body)
        unknown = [field for field in body if field not in RESPONSES_FIELDS]
        if unknown:
            raise _unknown(unknown[0])
        if not isinstance(body.get("model"), str) or not body["model"]:
            raise _missing("model")
        if not isinstance(body.get("stream", False), bool):
            raise _invalid_type("stream", "a boolean", body["stream"])
        if body.get("stream_options") is not None and not body.get("stream"):
            raise MockError(
                400,
                "Invalid 'stream_options': stream_options is only allowed when stream is true.",
                param="stream_options",
            )
        return body

    # -- answering -------------------------------------------------------------------------

    def _response(self, body: dict[str, Any], prompt: _Prompt, reply: Reply) -> dict[str, Any]:
        """The response object: what the JSON answer is and ``response.completed`` carries."""
        number = next(self._ids)
        output: list[dict[str, Any]] = []
        reasoning_tokens = 0
        if prompt.effort is not None:
            thought = thinking_text(prompt.turns)
            reasoning_tokens = count_words(thought)
            output.append(_reasoning_item(f"rs_mock{number:020d}", thought, prompt))
        status = "incomplete" if reply.truncated else "completed"
        if reply.tool_call is not None:
            call = reply.tool_call
            output.append(
                {
                    "id": "fc_" + call.id.removeprefix("call_"),
                    "type": "function_call",
                    "status": "completed",
                    "call_id": call.id,
                    "name": call.name,
                    "arguments": call.arguments,
                }
            )
        else:
            text = {"type": "output_text", "text": reply.text or "", "annotations": []}
            output.append(
                {
                    "id": f"msg_mock{number:020d}",
                    "type": "message",
                    "status": status,
                    "role": "assistant",
                    "content": [{**text, "logprobs": []}],
                }
            )
        output_tokens = reply.completion_tokens + reasoning_tokens
        now = int(time.time())
        return {
            "id": f"resp_mock{number:020d}",
            "object": "response",
            "created_at": now,
            "status": status,
            "background": False,
            "completed_at": now if status == "completed" else None,
            "error": None,
            "incomplete_details": {"reason": "max_output_tokens"} if reply.truncated else None,
            "instructions": body.get("instructions"),
            "max_output_tokens": body.get("max_output_tokens"),
            "max_tool_calls": body.get("max_tool_calls"),
            "metadata": body.get("metadata") or {},
            "model": body["model"],
            "output": output,
            "parallel_tool_calls": body.get("parallel_tool_calls", True),
            "previous_response_id": None,
            "prompt_cache_key": body.get("prompt_cache_key"),
            "reasoning": {"effort": prompt.effort, "summary": prompt.summary},
            "service_tier": "default",
            "store": body.get("store", True),
            "temperature": body.get("temperature", 1.0),
            "text": body.get("text") or {"format": {"type": "text"}, "verbosity": "medium"},
            "tool_choice": body.get("tool_choice", "auto"),
            "tools": body.get("tools") or [],
            "top_logprobs": body.get("top_logprobs", 0),
            "top_p": body.get("top_p", 1.0),
            "truncation": body.get("truncation", "disabled"),
            "usage": {
                "input_tokens": reply.prompt_tokens,
                "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
                "output_tokens": output_tokens,
                "output_tokens_details": {"reasoning_tokens": reasoning_tokens},
                "total_tokens": reply.prompt_tokens + output_tokens,
            },
            "user": body.get("user"),
        }


def _reasoning_item(item_id: str, thought: str, prompt: _Prompt) -> dict[str, Any]:
    summary = [{"type": "summary_text", "text": thought}] if prompt.summary else []
    item: dict[str, Any] = {"id": item_id, "type": "reasoning", "summary": summary}
    if prompt.encrypted:
        item["encrypted_content"] = seal_reasoning(item_id)
    return item


# -- reading a request -------------------------------------------------------------------


def _prompt(body: dict[str, Any]) -> _Prompt:
    _check_stateless(body)
    effort, summary = _reasoning(body.get("reasoning"))
    include = _include(body.get("include"))
    _check_text(body.get("text"))
    limit = _output_limit(body.get("max_output_tokens"))
    turns = _instructions(body.get("instructions"))
    turns += _input_turns(body.get("input"))
    tools = _callable_tools(body)
    return _Prompt(turns, tools, effort, summary, ENCRYPTED_REASONING in include, limit)


def _check_stateless(body: dict[str, Any]) -> None:
    """Requests naming stored state fail: the mock, like the gateway, stores nothing."""
    previous = body.get("previous_response_id")
    if previous is not None:
        raise MockError(
            400,
            f"Previous response with id '{previous}' not found.",
            code="previous_response_not_found",
            param="previous_response_id",
        )
    conversation = body.get("conversation")
    if conversation is not None:
        name = conversation.get("id") if isinstance(conversation, dict) else conversation
        raise MockError(404, f"Conversation with id '{name}' not found.", param="conversation")


def _reasoning(config: Any) -> tuple[str | None, str | None]:
    """The reasoning effort (None: no reasoning) and the summary asked for."""
    if config is None:
        return None, None
    if not isinstance(config, dict):
        raise _invalid_type("reasoning", "an object", config)
    effort = config.get("effort") or "medium"
    if effort not in REASONING_EFFORTS:
        raise _invalid_value("reasoning.effort", effort, REASONING_EFFORTS)
    summary = config.get("summary", config.get("generate_summary"))
    if summary is not None and summary not in REASONING_SUMMARIES:
        raise _invalid_value("reasoning.summary", summary, REASONING_SUMMARIES)
    return (None, None) if effort == "none" else (effort, summary)


def _include(value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _invalid_type("include", "an array", value)
    for index, entry in enumerate(value):
        if not _one_of(entry, INCLUDABLE):
            raise _invalid_value(f"include[{index}]", entry, INCLUDABLE)
    return value


def _check_text(text: Any) -> None:
    """``text.format`` in the Responses shape: a chat ``response_format`` moved here as is
    (``{"type": "json_schema", "json_schema": {…}}``) lacks the flattened ``name``."""
    if text is None:
        return
    if not isinstance(text, dict):
        raise _invalid_type("text", "an object", text)
    fmt = text.get("format")
    if fmt is None:
        return
    if not isinstance(fmt, dict):
        raise _invalid_type("text.format", "an object", fmt)
    kind = fmt.get("type")
    if kind not in TEXT_FORMATS:
        raise _invalid_value("text.format.type", kind, TEXT_FORMATS)
    if kind == "json_schema":
        for field in ("name", "schema"):
            if field not in fmt:
                raise _missing(f"text.format.{field}")


def _output_limit(limit: Any) -> int | None:
    if limit is None:
        return None
    if not isinstance(limit, int) or isinstance(limit, bool):
        raise _invalid_type("max_output_tokens", "an integer", limit)
    if limit < MIN_OUTPUT_TOKENS:
        raise MockError(
            400,
            "Invalid 'max_output_tokens': integer below minimum value. Expected a value >= "
            f"{MIN_OUTPUT_TOKENS}, but got {limit} instead.",
            code="integer_below_min_value",
            param="max_output_tokens",
        )
    return limit


def _instructions(instructions: Any) -> list[Turn]:
    if instructions is None:
        return []
    if not isinstance(instructions, str):
        raise _invalid_type("instructions", "a string", instructions)
    return [Turn("system", instructions)] if instructions else []


def _input_turns(value: Any) -> list[Turn]:
    """The turns of ``input``, checking every item and the pairing of calls and outputs:
    each output answers a call earlier in the same input, each call gets its output."""
    if value is None:
        raise _missing("input")
    if isinstance(value, str):
        return [Turn("user", value)]
    if not isinstance(value, list):
        raise _invalid_type("input", "a string or an array of input items", value)
    turns: list[Turn] = []
    calls: list[str] = []
    answered: set[str] = set()
    for index, item in enumerate(value):
        where = f"input[{index}]"
        if not isinstance(item, dict):
            raise _invalid_type(where, "an object", item)
        kind = item.get("type", "message")
        if kind == "item_reference":
            raise _not_stored(item.get("id"))
        if not _one_of(kind, ITEM_FIELDS):
            raise _invalid_value(f"{where}.type", kind, [*ITEM_FIELDS, "item_reference"])
        if kind == "message":
            turns.append(_message_turn(item, where))
        elif kind == "function_call":
            calls.append(_function_call(item, where))
            turns.append(Turn("assistant", ""))
        elif kind == "function_call_output":
            call_id = _string_field(item, "call_id", where)
            if call_id not in calls:
                raise MockError(
                    400,
                    f"No tool call found for function call output with call_id {call_id}.",
                    param="input",
                )
            answered.add(call_id)
            turns.append(Turn("tool", _output_text(item.get("output"), f"{where}.output")))
        else:
            _check_reasoning_item(item, where)
        _check_item_fields(item, kind, where)
    unanswered = [call_id for call_id in calls if call_id not in answered]
    if unanswered:
        raise MockError(
            400, f"No tool output found for function call {unanswered[0]}.", param="input"
        )
    return turns


def _check_item_fields(item: dict[str, Any], kind: str, where: str) -> None:
    extra = [field for field in item if field not in ITEM_FIELDS[kind]]
    if extra:
        raise _unknown(f"{where}.{extra[0]}")
    prefix = ITEM_ID_PREFIXES.get(kind)
    item_id = item.get("id")
    if prefix is not None and item_id is not None and not str(item_id).startswith(prefix):
        raise MockError(
            400,
            f"Invalid '{where}.id': '{item_id}'. Expected an ID that begins with '{prefix}'.",
            code="invalid_value",
            param=f"{where}.id",
        )


def _string_field(item: dict[str, Any], field: str, where: str) -> str:
    value = item.get(field)
    if value is None:
        raise _missing(f"{where}.{field}")
    if not isinstance(value, str):
        raise _invalid_type(f"{where}.{field}", "a string", value)
    return value


def _message_turn(item: dict[str, Any], where: str) -> Turn:
    role = item.get("role")
    if role is None:
        raise _missing(f"{where}.role")
    if role not in ROLES:
        raise _invalid_value(f"{where}.role", role, ROLES)
    content = item.get("content")
    if content is None:
        raise _missing(f"{where}.content")
    if isinstance(content, str):
        text = content
    elif isinstance(content, list):
        allowed = OUTPUT_PARTS if role == "assistant" else INPUT_PARTS
        text = " ".join(
            _part_text(part, f"{where}.content[{index}]", allowed)
            for index, part in enumerate(content)
        )
    else:
        raise _invalid_type(f"{where}.content", "a string or an array of content parts", content)
    return Turn("system" if role == "developer" else role, text)


def _part_text(part: Any, where: str, allowed: frozenset[str]) -> str:
    """What a content part adds to the prompt's words: its text, ``[type]`` for media."""
    kind = part.get("type") if isinstance(part, dict) else None
    if not _one_of(kind, allowed):
        raise _invalid_value(where + ".type", kind, allowed)
    assert isinstance(part, dict)
    if kind in ("input_text", "output_text"):
        return _string_field(part, "text", where)
    if kind == "refusal":
        return _string_field(part, "refusal", where)
    return f"[{kind}]"


def _function_call(item: dict[str, Any], where: str) -> str:
    """The ``call_id`` of a replayed call, after checking its name and JSON-text arguments."""
    call_id = _string_field(item, "call_id", where)
    _string_field(item, "name", where)
    _string_field(item, "arguments", where)
    return call_id


def _output_text(output: Any, where: str) -> str:
    if output is None:
        raise _missing(where)
    if isinstance(output, str):
        return output
    if not isinstance(output, list):
        raise _invalid_type(where, "a string or an array of content parts", output)
    return " ".join(
        _part_text(part, f"{where}[{index}]", INPUT_PARTS) for index, part in enumerate(output)
    )


def _check_reasoning_item(item: dict[str, Any], where: str) -> None:
    """A replayed reasoning item stands for reasoning the API must recover: from its
    ``encrypted_content`` (verified), never from storage, which the mock does not have."""
    item_id = _string_field(item, "id", where)
    if not isinstance(item.get("summary"), list):
        raise _missing(f"{where}.summary")
    sealed = item.get("encrypted_content")
    if sealed is None:
        raise _not_stored(item_id)
    if not isinstance(sealed, str) or not hmac.compare_digest(sealed, seal_reasoning(item_id)):
        raise MockError(
            400,
            f"The encrypted content for item {item_id} could not be verified.",
            code="invalid_encrypted_content",
            param=f"{where}.encrypted_content",
        )


def _callable_tools(body: dict[str, Any]) -> list[Tool]:
    """The function tools the request lets the model call, honouring ``tool_choice``."""
    entries = body.get("tools") or []
    if not isinstance(entries, list):
        raise _invalid_type("tools", "an array", entries)
    tools: list[Tool] = []
    for index, entry in enumerate(entries):
        where = f"tools[{index}]"
        if not isinstance(entry, dict):
            raise _invalid_type(where, "an object", entry)
        kind = entry.get("type")
        if kind != "function":
            if not _one_of(kind, HOSTED_TOOLS):
                raise _invalid_value(f"{where}.type", kind, {"function", *HOSTED_TOOLS})
            continue
        name = entry.get("name")
        if not isinstance(name, str) or not name:
            raise _missing(f"{where}.name")
        extra = [field for field in entry if field not in FUNCTION_TOOL_FIELDS]
        if extra:
            raise _unknown(f"{where}.{extra[0]}")
        parameters = entry.get("parameters")
        if parameters is not None and not isinstance(parameters, dict):
            raise _invalid_type(f"{where}.parameters", "an object", parameters)
        tools.append(Tool(name, parameters or {}))
    return _chosen(body.get("tool_choice"), tools)


def _chosen(choice: Any, tools: list[Tool]) -> list[Tool]:
    if choice is None or choice in ("auto", "required"):
        return tools
    if choice == "none":
        return []
    if isinstance(choice, str):
        raise _invalid_value("tool_choice", choice, TOOL_CHOICES)
    if not isinstance(choice, dict):
        raise _invalid_type("tool_choice", "a string or an object", choice)
    kind = choice.get("type")
    if kind == "function":
        name = choice.get("name")
        if not isinstance(name, str):
            raise _missing("tool_choice.name")
        forced = [tool for tool in tools if tool.name == name]
        if not forced:
            raise MockError(
                400, f"Tool choice '{name}' not found in 'tools' parameter.", param="tool_choice"
            )
        return forced
    if kind == "allowed_tools":
        allowed = choice.get("tools") or []
        names = [entry.get("name") for entry in allowed if isinstance(entry, dict)]
        return [tool for tool in tools if tool.name in names]
    return []  # a hosted tool is forced: no function for the mock's model to call


# -- streaming ---------------------------------------------------------------------------

Emit = Callable[..., bytes]


def _stream(response: dict[str, Any]) -> Iterator[bytes]:
    """``response`` as the API streams it: opening events, each output item, the end."""
    numbers = itertools.count()

    def emit(kind: str, /, **payload: Any) -> bytes:
        return sse_event(kind, {**payload, "sequence_number": next(numbers)})

    opening = {
        **response,
        "status": "in_progress",
        "completed_at": None,
        "incomplete_details": None,
        "output": [],
        "usage": None,
    }
    yield emit("response.created", response=opening)
    yield emit("response.in_progress", response=opening)
    for index, item in enumerate(response["output"]):
        yield from _item_events(emit, index, item)
    done = "response.incomplete" if response["status"] == "incomplete" else "response.completed"
    yield emit(done, response=response)


def _item_events(emit: Emit, index: int, item: dict[str, Any]) -> Iterator[bytes]:
    """One output item: added empty, filled by deltas, done whole."""
    where = {"item_id": item["id"], "output_index": index}
    kind = item["type"]
    if kind == "reasoning":
        yield emit("response.output_item.added", output_index=index, item={**item, "summary": []})
        for number, part in enumerate(item["summary"]):
            at = {**where, "summary_index": number}
            empty = {**part, "text": ""}
            yield emit("response.reasoning_summary_part.added", **at, part=empty)
            for piece in split_words(part["text"]):
                yield emit("response.reasoning_summary_text.delta", **at, delta=piece)
            yield emit("response.reasoning_summary_text.done", **at, text=part["text"])
            yield emit("response.reasoning_summary_part.done", **at, part=part)
    elif kind == "function_call":
        opening = {**item, "status": "in_progress", "arguments": ""}
        yield emit("response.output_item.added", output_index=index, item=opening)
        for piece in split_fixed(item["arguments"]):
            yield emit("response.function_call_arguments.delta", **where, delta=piece)
        yield emit(
            "response.function_call_arguments.done",
            **where,
            name=item["name"],
            arguments=item["arguments"],
        )
    else:
        opening = {**item, "status": "in_progress", "content": []}
        yield emit("response.output_item.added", output_index=index, item=opening)
        for number, part in enumerate(item["content"]):
            at = {**where, "content_index": number}
            yield emit("response.content_part.added", **at, part={**part, "text": ""})
            for piece in split_words(part["text"]):
                yield emit("response.output_text.delta", **at, delta=piece, logprobs=[])
            yield emit("response.output_text.done", **at, text=part["text"], logprobs=[])
            yield emit("response.content_part.done", **at, part=part)
    yield emit("response.output_item.done", output_index=index, item=item)


# -- the Codex dialect -------------------------------------------------------------------

CODEX_BASE_PATH = "/backend-api/codex"
CODEX_UNSUPPORTED = frozenset({"max_output_tokens"})
"""Public API parameters the Codex backend refuses (it manages output budgets itself)."""


class CodexResponses(OpenAIResponses):
    """The Responses API as ``chatgpt.com/backend-api/codex`` serves it to ChatGPT accounts.

    Stricter than the public API, as the real backend is, each rule answered with its
    ``{"detail": …}`` 400: ``stream`` must be true ("Stream must be set to true"),
    ``instructions`` present ("Instructions are required"), ``store`` explicitly false
    ("Store must be set to false"), and ``max_output_tokens`` or any parameter outside the
    API is "Unsupported parameter: …". Other errors keep OpenAI's shape.

    Credentials: a Bearer access token (accepted when the mock has no ``api_keys``, or is
    among them: let it accept the tokens an ``OAuthTokens`` mock ``issued`` to test refresh)
    and a ``chatgpt-account-id`` header naming the workspace (any, or one of
    ``account_ids``). ``models``, when given, are the only models served (the backend refuses
    API-only models, and reasoning-effort suffixes such as ``gpt-5.2-codex-high``).
    """

    def __init__(
        self,
        *,
        base_path: str = CODEX_BASE_PATH,
        account_ids: Iterable[str] | None = None,
        models: Iterable[str] | None = None,
    ) -> None:
        super().__init__(base_path=base_path)
        self.account_ids = frozenset(account_ids) if account_ids is not None else None
        self.models = frozenset(models) if models is not None else None

    def error_body(
        self, status: int, message: str, *, code: str | None = None, param: str | None = None
    ) -> Any:
        if status == 400:
            return {"detail": message}
        return super().error_body(status, message, code=code, param=param)

    def requires_stream(self, model: str) -> bool:
        return True

    def admit(self, exchange: Exchange, api_keys: frozenset[str] | None) -> MockError | None:
        if exchange.key is None:
            return MockError(401, "Missing bearer authentication in header")
        if api_keys is not None and exchange.key not in api_keys:
            return MockError(
                401,
                "Provided authentication token is expired. Please try signing in again.",
                code="token_expired",
            )
        account = exchange.headers.get("chatgpt-account-id")
        if not account:
            return MockError(401, "Missing chatgpt-account-id header")
        if self.account_ids is not None and account not in self.account_ids:
            return MockError(403, f"The token does not belong to workspace {account}.")
        return None

    def check_dialect(self, body: dict[str, Any]) -> None:
        for field in body:
            if field in CODEX_UNSUPPORTED or field not in RESPONSES_FIELDS:
                raise MockError(400, f"Unsupported parameter: {field}")
        if body.get("stream") is not True:
            raise MockError(400, "Stream must be set to true")
        if not body.get("instructions"):
            raise MockError(400, "Instructions are required")
        if body.get("store") is not False:
            raise MockError(400, "Store must be set to false")
        model = body.get("model")
        if self.models is not None and not _one_of(model, self.models):
            raise MockError(
                400,
                f"The '{model}' model is not supported when using Codex with a ChatGPT account.",
            )
