"""How the testkit's provider contract suite stands in for the Codex backend.

Loaded only by ``omniroute-plugin-testkit`` (entry point group ``omniroute_testkit.contract``):
the backend also needs the ChatGPT workspace (``chatgpt-account-id``), which an API key alone
does not describe.
"""

from __future__ import annotations

from omniroute_plugin_testkit.contract import Account, ContractUpstream, MakeUpstream
from omniroute_plugin_testkit.contract.subject import Subject
from omniroute_plugin_testkit.mock import CodexResponses

ACCOUNT = "acct-contract"


def _account(subject: Subject, make: MakeUpstream) -> Account:
    return Account("at-contract", {"account_id": ACCOUNT})


CONTRACT_UPSTREAMS = {
    "codex": ContractUpstream(lambda: CodexResponses(account_ids=[ACCOUNT]), _account),
}
