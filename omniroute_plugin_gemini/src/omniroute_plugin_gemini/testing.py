"""How the testkit's provider contract suite stands in for this plugin's Google services.

Loaded only by ``omniroute-plugin-testkit`` (entry point group ``omniroute_testkit.contract``):
AI Studio needs nothing beyond an API key, but a Gemini CLI account needs its Cloud Code
project, and a Vertex connection holds a service account whose signed JWT the gateway trades
for an access token at a (mock) token endpoint.
"""

from __future__ import annotations

import json

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from omniroute_plugin_testkit.contract import Account, ContractUpstream, MakeUpstream
from omniroute_plugin_testkit.contract.subject import Subject
from omniroute_plugin_testkit.mock import GeminiCodeAssist, GeminiVertex
from omniroute_plugin_testkit.mock.oauth import OAuthTokens

PROJECT = "contract-project"


def _service_account() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return json.dumps(
        {
            "type": "service_account",
            "project_id": PROJECT,
            "private_key_id": "contract",
            "private_key": pem,
            "client_email": f"gateway@{PROJECT}.iam.gserviceaccount.com",
        }
    )


def _vertex_account(subject: Subject, make: MakeUpstream) -> Account:
    tokens = make([OAuthTokens()])
    extra = {"token_url": f"{tokens.url}/v1/oauth/token", "location": "us-central1"}
    return Account(_service_account(), extra, sent="Bearer at-")


def _cli_account(subject: Subject, make: MakeUpstream) -> Account:
    return Account("ya29.contract", {"project": PROJECT})


CONTRACT_UPSTREAMS = {
    "vertex": ContractUpstream(lambda: GeminiVertex(projects=[PROJECT]), _vertex_account),
    "gemini-cli": ContractUpstream(lambda: GeminiCodeAssist(projects=[PROJECT]), _cli_account),
}
