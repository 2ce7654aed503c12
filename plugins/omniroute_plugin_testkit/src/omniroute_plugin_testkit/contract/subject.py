"""The provider under contract: which model, connection and public name the checks use.

Every check needs the same few facts about a provider: a model it serves, a connection
pointing at a mock instead of the real service (with a key unless the provider needs none,
with a prefix when it is a custom node), and the ``prefix/model`` string a client sends.
Deriving them from the manifest alone is what lets the suite run on any provider of any
plugin without per-provider code; providers whose credential is more than an API key (OAuth
accounts, service accounts, a Code Assist project) bring an ``Account``.

A provider whose models speak different wire formats (OpenCode: Chat Completions, Messages and
Responses by model family) is several subjects, one model per format (``contract_models``):
each format has its own path, credential header and translators to prove.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from omniroute import Candidate, Connection, ProviderManifest, Target

PASSTHROUGH_MODEL = "contract-model"
"""Used when a manifest lists no models: such providers pass any model id through."""


@dataclass(frozen=True, slots=True)
class Account:
    """The test connection's credentials when an API key does not describe them.

    ``secret`` is what the connection stores (an OAuth access token, a service account's
    JSON key); ``extra`` its extra fields (``project``, ``refresh_token``, ``token_url``,
    ``access_token`` …); ``sent`` is what the upstream request must contain where
    credentials go, when that is not the secret itself (``"Bearer at-"`` for an auth
    strategy that trades the secret for tokens a mock token endpoint issues).
    """

    secret: str | None
    extra: Mapping[str, Any] = field(default_factory=dict)
    sent: str | None = None


def contract_models(manifest: ProviderManifest) -> list[str]:
    """The models the contract checks a provider with: the first of each wire format its
    catalogue uses, in catalogue order (a provider without models: a passthrough id)."""
    chosen: dict[str, str] = {}
    for info in manifest.models:
        chosen.setdefault(manifest.model_format(info.id), info.id)
    return list(chosen.values()) or [PASSTHROUGH_MODEL]


@dataclass(frozen=True, slots=True)
class Subject:
    """One provider as the contract suite drives it, against an upstream at ``base_url``.

    ``account`` replaces the default credential (an API key derived from the provider id);
    ``model_id`` is the model the checks use (default: the manifest's first).
    """

    manifest: ProviderManifest
    base_url: str
    account: Account | None = None
    model_id: str | None = None

    @property
    def model(self) -> str:
        if self.model_id is not None:
            return self.model_id
        return self.manifest.models[0].id if self.manifest.models else PASSTHROUGH_MODEL

    @property
    def format(self) -> str:
        """The wire format the upstream speaks for ``model``."""
        return self.manifest.model_format(self.model)

    @property
    def secret(self) -> str | None:
        """The secret of the test connection: the account's, else an API key; None for
        keyless providers."""
        if self.account is not None:
            return self.account.secret
        if self.manifest.auth_kind == "none":
            return None
        return f"sk-contract-{self.manifest.id}"

    @property
    def credential(self) -> str | None:
        """What upstream requests must carry (None: no credential at all)."""
        if self.account is not None and self.account.sent is not None:
            return self.account.sent
        return self.secret

    @property
    def extra(self) -> dict[str, Any]:
        return dict(self.account.extra) if self.account is not None else {}

    @property
    def prefix(self) -> str:
        """The public model prefix: the provider id, or the connection's own for custom nodes."""
        return f"{self.manifest.id}-contract" if self.manifest.custom_node else self.manifest.id

    @property
    def public_model(self) -> str:
        return f"{self.prefix}/{self.model}"

    def connection(self) -> Connection:
        return Connection(
            id=f"contract-{self.manifest.id}",
            provider=self.manifest.id,
            name="contract",
            secret=self.secret,
            base_url=self.base_url,
            prefix=self.prefix if self.manifest.custom_node else None,
            extra=self.extra,
        )

    def candidate(self) -> Candidate:
        target = Target(self.manifest, self.model, self.format, self.prefix)
        return Candidate(target, self.connection())

    def config(self) -> dict[str, Any]:
        """The gateway config file declaring the test connection."""
        entry: dict[str, Any] = {
            "provider": self.manifest.id,
            "name": "contract",
            "base_url": self.base_url,
        }
        if self.secret is not None:
            entry["api_key"] = self.secret
        if self.manifest.custom_node:
            entry["prefix"] = self.prefix
        if self.extra:
            entry["extra"] = self.extra
        return {"connections": [entry]}
