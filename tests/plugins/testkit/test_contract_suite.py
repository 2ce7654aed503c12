"""The contract suite passes a well-behaved provider and catches broken ones.

Run through ``pytester`` exactly as a plugin author would run it: a test module subclassing
``ProviderContract`` with in-process plugins. The runs are subprocesses: an in-process run
would unload the modules it imported (SQLAlchemy among them) and break the outer session.
"""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

PLUGINS = '''
import orjson

from omniroute import ModelInfo, ProviderManifest, UpstreamRequest, hookimpl


class ForgetfulAuth:
    """Never sends the key."""

    name = "forgetful"

    async def apply(self, request, candidate):
        return None


class HardcodedExecutor:
    """Ignores the connection's base URL."""

    name = "hardcoded"

    def build_request(self, candidate, body, stream, timeout):
        return UpstreamRequest(
            "POST", "https://api.example.invalid/v1/chat/completions",
            {"Content-Type": "application/json"}, orjson.dumps(body), stream, timeout,
        )

    def read_stream_usage(self, data):
        return None


def manifest(pid, **kw):
    fields = dict(executor="openai-chat", auth="bearer", format="openai",
                  base_url="https://api.example.invalid/v1")
    fields.update(kw)
    return ProviderManifest(id=pid, **fields)


class Plugin:
    @hookimpl
    def register_executors(self, register):
        register(HardcodedExecutor())

    @hookimpl
    def register_auth_strategies(self, register):
        register(ForgetfulAuth())

    @hookimpl
    def register_providers(self, register):
        register(manifest("good", models=()))
        register(manifest("good-node", custom_node=True, base_url=""))
        register(manifest("keyless", auth="none", auth_kind="none"))
        register(manifest("no-key-sent", auth="forgetful"))
        register(manifest("wrong-url", executor="hardcoded"))
        mixed = (ModelInfo("chat-a"), ModelInfo("resp-a", format="openai-responses"))
        register(manifest("mixed", models=(*mixed, ModelInfo("chat-b"))))
'''

SUITE = """
from fixture_plugins import Plugin
from omniroute_plugin_testkit.contract import ProviderContract


class TestContract(ProviderContract):
    providers = ({providers})
    load_plugins = ("builtin",)
    extra_plugins = (("contract-fixture", Plugin()),)
"""


CASES_PER_PROVIDER = 14


def run_suite(pytester: pytest.Pytester, *providers: str) -> pytest.RunResult:
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    pytester.makepyfile(fixture_plugins=PLUGINS)
    names = "".join(f"{name!r}, " for name in providers)
    pytester.makepyfile(test_suite=SUITE.format(providers=names))
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q")


def test_well_behaved_providers_pass(pytester: pytest.Pytester) -> None:
    result = run_suite(pytester, "good", "good-node", "keyless")

    result.assert_outcomes(passed=3 * CASES_PER_PROVIDER)


def test_a_provider_that_forgets_the_key_fails(pytester: pytest.Pytester) -> None:
    result = run_suite(pytester, "no-key-sent")

    outcomes = result.parseoutcomes()
    assert outcomes["failed"] >= 2
    result.stdout.fnmatch_lines(["*test_upstream_request_url_and_credentials*no-key-sent*"])


def test_a_provider_ignoring_the_base_url_fails(pytester: pytest.Pytester) -> None:
    result = run_suite(pytester, "wrong-url")

    result.stdout.fnmatch_lines(["*FAILED*test_upstream_request_url_and_credentials*wrong-url*"])


def test_a_provider_of_several_formats_is_checked_once_per_format(
    pytester: pytest.Pytester,
) -> None:
    result = run_suite(pytester, "mixed", "good")

    result.assert_outcomes(passed=3 * CASES_PER_PROVIDER)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q", "--collect-only")
    result.stdout.fnmatch_lines(
        [
            "*test_json_answer_through_gateway?mixed/chat-a?",
            "*test_json_answer_through_gateway?mixed/resp-a?",
            "*test_json_answer_through_gateway?good?",
        ]
    )
    result.stdout.no_fnmatch_line("*mixed/chat-b*")


def test_unknown_providers_are_a_usage_error(pytester: pytest.Pytester) -> None:
    result = run_suite(pytester, "nope")

    assert result.ret != 0
    result.stdout.fnmatch_lines(["*providers not registered by any loaded plugin*nope*"])
