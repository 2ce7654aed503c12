"""Which mock upstream, and which account, a provider needs under contract.

A manifest names the wire format a provider speaks, and that picks a default mock. It does
not say everything a test upstream must know: Gemini-format providers reach three different
APIs (AI Studio, the Code Assist API of Gemini CLI accounts, Vertex AI), and OAuth or
service-account providers need connection fields an API key does not give. A
``ContractUpstream`` says both, and the suite looks one up for each provider:

1. in the suite class's ``provider_upstreams`` (a plugin's own contract tests);
2. in the ``omniroute_testkit.contract`` entry points of installed distributions, so a
   provider plugin describes its providers once and every suite that loads it (the
   repository-wide one included) drives them right. Each entry point names a mapping of
   provider id to ``ContractUpstream``::

       [project.entry-points."omniroute_testkit.contract"]
       gemini = "omniroute_plugin_gemini.testing:CONTRACT_UPSTREAMS"

3. else a mock with an API key: the API the manifest's base URL names when its host serves a
   different dialect than the format's usual one (``HOST_MOCKS``: Google's Code Assist and
   Vertex hosts, ChatGPT's Codex backend, OpenCode's several formats by path), else the
   default mock of the wire format of the model under test.

The Codex backend also wants a ``chatgpt-account-id``: a Codex-style provider's
``ContractUpstream`` gives its ``Account`` the connection field its auth strategy sends it
from.
"""

from __future__ import annotations

import functools
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib.metadata import entry_points

import pytest

from omniroute import ProviderManifest

from ..mock import (
    CodexResponses,
    GeminiCodeAssist,
    GeminiVertex,
    MockFormat,
    MockUpstream,
    OpenCode,
)
from .subject import Account, Subject

ENTRY_POINT_GROUP = "omniroute_testkit.contract"
HOST_MOCKS: Mapping[str, Callable[[], MockFormat]] = {
    "cloudcode-pa.googleapis.com": GeminiCodeAssist,
    "aiplatform.googleapis.com": GeminiVertex,
    "chatgpt.com": CodexResponses,
    "opencode.ai": OpenCode,
}
"""Hosts (and their subdomains, such as Vertex's regional ``us-central1-…`` hosts) whose
API differs from the default mock of the format they speak: a manifest's base URL names the
real service, so it picks the dialect without any per-provider code."""

MakeUpstream = Callable[..., MockUpstream]
"""The ``make_mock_upstream`` fixture: starts more mocks (a token endpoint …) for the test."""


@dataclass(frozen=True, slots=True)
class ContractUpstream:
    """How to stand in for one provider's service.

    ``mock`` makes the mock format the provider's requests must satisfy (the API dialect,
    with the credential header pinned). ``account``, when set, makes the test connection's
    credentials from the subject (whose ``base_url`` is the running mock) and the
    ``make_mock_upstream`` factory, for providers that need more than an API key.
    """

    mock: Callable[[], MockFormat]
    account: Callable[[Subject, MakeUpstream], Account] | None = None


def host_mock(
    manifest: ProviderManifest, hosts: Mapping[str, Callable[[], MockFormat]]
) -> Callable[[], MockFormat] | None:
    """The mock ``hosts`` gives the host of the manifest's base URL, if any."""
    host = urllib.parse.urlsplit(manifest.base_url).hostname or ""
    for suffix, mock in hosts.items():
        if host == suffix or host.endswith(("-" + suffix, "." + suffix)):
            return mock
    return None


@functools.cache
def installed_upstreams() -> Mapping[str, ContractUpstream]:
    """Provider id -> ``ContractUpstream`` from every installed distribution's entry points
    (later entry points win); a broken entry point is a usage error naming it."""
    found: dict[str, ContractUpstream] = {}
    for entry in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        try:
            table = entry.load()
        except Exception as exc:
            raise pytest.UsageError(
                f"contract entry point {entry.name!r} ({entry.value}) failed to load: {exc}"
            ) from exc
        if not isinstance(table, Mapping) or not all(
            isinstance(value, ContractUpstream) for value in table.values()
        ):
            raise pytest.UsageError(
                f"contract entry point {entry.name!r} ({entry.value}) must name a mapping of "
                "provider id to ContractUpstream"
            )
        found.update(table)
    return found
