"""SDK clients on the gateway process of the module that uses them.

Each module starts its own gateway (``gateway`` fixture) with the upstreams it needs; the
clients are the same everywhere: no SDK retries, so a test sees exactly one attempt.
"""

from __future__ import annotations

import anthropic
import openai
import pytest

from omniroute_plugin_testkit.gateway import GatewayProcess


@pytest.fixture
def oai(gateway: GatewayProcess) -> openai.OpenAI:
    return openai.OpenAI(base_url=gateway.base_url, api_key="local", max_retries=0)


@pytest.fixture
def claude(gateway: GatewayProcess) -> anthropic.Anthropic:
    return anthropic.Anthropic(base_url=gateway.url, api_key="local", max_retries=0)
