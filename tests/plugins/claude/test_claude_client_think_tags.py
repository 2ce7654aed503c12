"""``<think>`` reasoning in content: the streaming splitter agrees with the whole-text rule
wherever the upstream happens to cut its deltas."""

from __future__ import annotations

import pytest

from omniroute_plugin_claude.claude_client.think_tags import ThinkTagSplitter, split_think

CASES = [
    ("<think>plan</think>\n\nAnswer", ("plan", "Answer")),
    ("  \n<think>a</think>b", ("a", "b")),
    ("<think>open only", ("open only", "")),
    ("<think>tail</th", ("tail</th", "")),
    ("<think></think>", ("", "")),
    ("Plain <think>x</think>", ("", "Plain <think>x</think>")),
    ("<thinking>not a tag</thinking>", ("", "<thinking>not a tag</thinking>")),
    ("<", ("", "<")),
    ("   ", ("", "   ")),
    ("a < b", ("", "a < b")),
]


def streamed(pieces: list[str]) -> tuple[str, str]:
    splitter = ThinkTagSplitter()
    out = [piece for delta in pieces for piece in splitter.feed(delta)] + splitter.flush()
    thinking = "".join(text for kind, text in out if kind == "thinking")
    return thinking, "".join(text for kind, text in out if kind == "text")


@pytest.mark.parametrize(("content", "expected"), CASES)
def test_whole_text(content: str, expected: tuple[str, str]) -> None:
    assert split_think(content) == expected


@pytest.mark.parametrize(("content", "expected"), CASES)
def test_every_two_piece_cut(content: str, expected: tuple[str, str]) -> None:
    for cut in range(len(content) + 1):
        assert streamed([content[:cut], content[cut:]]) == expected, cut


@pytest.mark.parametrize(("content", "expected"), CASES)
def test_one_character_at_a_time(content: str, expected: tuple[str, str]) -> None:
    assert streamed(list(content)) == expected


def test_plain_text_passes_through_without_holding() -> None:
    splitter = ThinkTagSplitter()
    assert splitter.feed("Hello") == [("text", "Hello")]
    assert splitter.feed("<think>") == [("text", "<think>")]
    assert splitter.flush() == []
