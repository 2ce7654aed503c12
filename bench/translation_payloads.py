"""Canonical OpenAI-format payloads for the translation benchmark (``translation.py``).

Written once, in the hub format, and turned into every other format by the registered
translators themselves (``translation.py`` does that), so adding a format plugin adds its
routes to the benchmark without new fixtures. The shapes follow what a coding agent really
sends and gets: a long system prompt, ten tools with nested JSON schemas, a conversation that
alternates tool calls (some parallel) and their results, and answers that mix text with a
tool call. Everything is deterministic, so two runs time the same work.
"""

from __future__ import annotations

import json
from typing import Any

from omniroute.types import Body

#: One upstream stream event as the relay hands it to a stream translator: the SSE event
#: name and the parsed ``data:`` payload (``None`` for OpenAI's ``[DONE]``).
Event = tuple[str | None, Any]

#: Text deltas in the canonical stream before its tool call (a short paragraph).
STREAM_TEXT_DELTAS = 40
#: Fragments the streamed tool call's arguments arrive in.
STREAM_ARGUMENT_FRAGMENTS = 12

_SYSTEM = (
    "You are a senior software engineer working in the user's repository through tools. "
    "Read before you write: open every file you intend to change and the tests that cover "
    "it. Prefer small, reviewable changes; keep the existing style, naming and error "
    "handling; never invent APIs, look them up with search_code or read_file. When a tool "
    "fails, read its error and adapt instead of retrying blindly. Run the relevant tests "
    "after each change and report what you ran and what passed. Explain decisions briefly, "
    "in plain language, and say when you are unsure. Do not touch files outside the task. "
) * 4


def _schema(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def _tool(name: str, description: str, parameters: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "function",
        "function": {"name": name, "description": description, "parameters": parameters},
    }


_STR = {"type": "string"}
TOOLS: list[dict[str, Any]] = [
    _tool(
        "read_file",
        "Read a text file of the repository, optionally a line range.",
        _schema(
            {
                "path": {**_STR, "description": "Path relative to the repository root."},
                "start_line": {"type": "integer", "minimum": 1},
                "end_line": {"type": "integer", "minimum": 1},
            },
            ["path"],
        ),
    ),
    _tool(
        "write_file",
        "Create or overwrite a file with the given content.",
        _schema({"path": _STR, "content": _STR}, ["path", "content"]),
    ),
    _tool(
        "list_dir",
        "List a directory.",
        _schema({"path": _STR, "recursive": {"type": "boolean", "default": False}}, ["path"]),
    ),
    _tool(
        "search_code",
        "Search the repository for a regular expression.",
        _schema(
            {
                "query": _STR,
                "glob": {**_STR, "description": "Only files matching this glob."},
                "max_results": {"type": "integer", "minimum": 1, "maximum": 200},
            },
            ["query"],
        ),
    ),
    _tool(
        "run_tests",
        "Run pytest on some paths and return its summary.",
        _schema(
            {
                "paths": {"type": "array", "items": _STR, "minItems": 1},
                "keyword": {**_STR, "description": "pytest -k expression."},
                "timeout_s": {"type": "number"},
            },
            ["paths"],
        ),
    ),
    _tool(
        "git_diff",
        "Show the working tree's diff against a ref.",
        _schema({"ref": {**_STR, "default": "HEAD"}, "stat_only": {"type": "boolean"}}, []),
    ),
    _tool(
        "http_get",
        "Fetch a URL (documentation pages only).",
        _schema(
            {
                "url": {**_STR, "format": "uri"},
                "headers": {"type": "object", "additionalProperties": _STR},
            },
            ["url"],
        ),
    ),
    _tool(
        "create_issue",
        "File an issue in the tracker.",
        _schema(
            {
                "title": _STR,
                "body": _STR,
                "labels": {"type": "array", "items": {"enum": ["bug", "perf", "docs", "test"]}},
                "assignee": {"anyOf": [_STR, {"type": "null"}]},
            },
            ["title", "body"],
        ),
    ),
    _tool(
        "sql_query",
        "Run a read-only SQL query on a database of the project.",
        _schema(
            {
                "database": {"enum": ["usage", "state", "analytics"]},
                "query": _STR,
                "params": {"type": "array", "items": {"type": ["string", "number", "null"]}},
            },
            ["database", "query"],
        ),
    ),
    _tool(
        "ask_user",
        "Ask the user a question and wait for the answer.",
        _schema(
            {
                "question": _STR,
                "options": {
                    "type": "array",
                    "items": _schema({"label": _STR, "value": _STR}, ["label", "value"]),
                },
            },
            ["question"],
        ),
    ),
]

_FILE = "".join(
    f"def handler_{i}(request: Request) -> Response:\n"
    f'    """Handle route {i}: validate, dispatch, serialise."""\n'
    f"    payload = validate(request.body, SCHEMA_{i})\n"
    f"    return Response(dispatch(payload), status=200)\n\n"
    for i in range(6)
)

#: (tool name, arguments, result) for each round of the conversation; a round with two calls
#: is a parallel tool call.
_ROUNDS: list[list[tuple[str, dict[str, Any], str]]] = [
    [("list_dir", {"path": "src/app", "recursive": True}, "handlers.py\nmodels.py\nviews.py")],
    [
        ("read_file", {"path": "src/app/handlers.py"}, _FILE),
        ("search_code", {"query": "def dispatch", "glob": "*.py"}, "src/app/core.py:41"),
    ],
    [("read_file", {"path": "src/app/core.py", "start_line": 30, "end_line": 60}, _FILE[:600])],
    [
        (
            "run_tests",
            {"paths": ["tests/test_handlers.py"], "keyword": "dispatch"},
            json.dumps({"passed": 41, "failed": 1, "failures": ["test_dispatch_empty_body"]}),
        ),
        ("git_diff", {"stat_only": True}, " src/app/core.py | 4 ++--\n 1 file changed"),
    ],
    [
        (
            "http_get",
            {"url": "https://docs.python.org/3/library/json.html"},
            "json.loads(s): deserialise s to a Python object. " * 12,
        )
    ],
    [("write_file", {"path": "src/app/core.py", "content": _FILE[:900]}, "ok")],
    [
        (
            "sql_query",
            {"database": "usage", "query": "SELECT count(*) FROM calls WHERE status >= ?"},
            json.dumps({"rows": [[12]], "columns": ["count"]}),
        )
    ],
]


def small_request() -> Body:
    """One user message: the cheapest realistic request."""
    return {
        "model": "gpt-4o-mini",
        "messages": [{"role": "user", "content": "Write a haiku about routers."}],
        "max_tokens": 256,
    }


def large_request() -> Body:
    """A coding-agent turn: system prompt, ten tools, 32 messages of tool calls and results."""
    messages: list[dict[str, Any]] = [
        {"role": "system", "content": _SYSTEM},
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "The dispatch tests fail on an empty body."},
                {"type": "text", "text": "Find the cause, fix it and rerun the tests."},
            ],
        },
    ]
    for number, calls in enumerate(_ROUNDS):
        ids = [f"call_{number}_{i}" for i in range(len(calls))]
        messages.append(
            {
                "role": "assistant",
                "content": f"Step {number + 1}: checking {calls[0][0]} output next.",
                "tool_calls": [
                    {
                        "id": call_id,
                        "type": "function",
                        "function": {"name": name, "arguments": json.dumps(arguments)},
                    }
                    for call_id, (name, arguments, _) in zip(ids, calls, strict=True)
                ],
            }
        )
        messages += [
            {"role": "tool", "tool_call_id": call_id, "content": result}
            for call_id, (_, _, result) in zip(ids, calls, strict=True)
        ]
        messages.append(
            {"role": "assistant", "content": f"Round {number + 1} done; the results narrow it."}
        )
        messages.append({"role": "user", "content": "Good, go on."})
    return {
        "model": "gpt-4o-mini",
        "messages": messages,
        "tools": TOOLS,
        "tool_choice": "auto",
        "temperature": 0.2,
        "max_tokens": 4096,
    }


_ANSWER_TEXT = (
    "The empty body reaches dispatch() unvalidated because validate() returns None for an "
    "empty payload instead of raising. I will make validate() raise ValidationError for an "
    "empty body and add a test for it, then rerun the dispatch tests."
)
_ANSWER_ARGUMENTS = json.dumps(
    {"paths": ["tests/test_handlers.py", "tests/test_core.py"], "keyword": "dispatch or empty"}
)
_USAGE = {
    "prompt_tokens": 5210,
    "completion_tokens": 118,
    "total_tokens": 5328,
    "prompt_tokens_details": {"cached_tokens": 4096, "audio_tokens": 0},
    "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0},
}


def answer() -> Body:
    """A non-streamed answer with text and one tool call, as an OpenAI upstream sends it."""
    return {
        "id": "chatcmpl-bench0001",
        "object": "chat.completion",
        "created": 1700000000,
        "model": "gpt-4o-mini-2024-07-18",
        "system_fingerprint": "fp_bench",
        "choices": [
            {
                "index": 0,
                "message": {
                    "role": "assistant",
                    "content": _ANSWER_TEXT,
                    "refusal": None,
                    "tool_calls": [
                        {
                            "id": "call_bench_answer",
                            "type": "function",
                            "function": {"name": "run_tests", "arguments": _ANSWER_ARGUMENTS},
                        }
                    ],
                },
                "logprobs": None,
                "finish_reason": "tool_calls",
            }
        ],
        "usage": _USAGE,
    }


def _pieces(text: str, count: int) -> list[str]:
    size = -(-len(text) // count)
    return [text[i : i + size] for i in range(0, len(text), size)]


def stream_events() -> list[Event]:
    """The same answer streamed with ``stream_options.include_usage``: a role chunk, text
    deltas, a tool call whose arguments arrive in fragments, the finish chunk, the usage chunk
    and ``[DONE]``."""

    def chunk(delta: dict[str, Any], finish: str | None = None) -> Event:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
        return None, {
            "id": "chatcmpl-bench0001",
            "object": "chat.completion.chunk",
            "created": 1700000000,
            "model": "gpt-4o-mini-2024-07-18",
            "system_fingerprint": "fp_bench",
            "choices": [choice],
            "usage": None,
        }

    def arguments(fragment: str, first: bool) -> dict[str, Any]:
        call: dict[str, Any] = {"index": 0, "function": {"arguments": fragment}}
        if first:
            call |= {"id": "call_bench_answer", "type": "function"}
            call["function"]["name"] = "run_tests"
        return {"tool_calls": [call]}

    events = [chunk({"role": "assistant", "content": "", "refusal": None})]
    events += [chunk({"content": piece}) for piece in _pieces(_ANSWER_TEXT, STREAM_TEXT_DELTAS)]
    events.append(chunk(arguments("", first=True)))
    events += [
        chunk(arguments(piece, first=False))
        for piece in _pieces(_ANSWER_ARGUMENTS, STREAM_ARGUMENT_FRAGMENTS)
    ]
    events.append(chunk({}, "tool_calls"))
    _, last = chunk({})
    events.append((None, {**last, "choices": [], "usage": _USAGE}))
    events.append((None, None))
    return events
