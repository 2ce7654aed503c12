"""Building the in-memory ``ConfigSnapshot`` the hot path reads instead of the database."""

from __future__ import annotations

from sqlmodel import Session

from ..security.secrets import SecretBox
from ..types import ConfigSnapshot, Connection
from . import aliases, api_keys, combos, connections, fallbacks


def build(session: Session, box: SecretBox) -> ConfigSnapshot:
    """Everything the request path needs, decrypted and indexed, read in one transaction.

    Disabled connections are left out (nothing may route to them), but disabled API keys are
    kept, marked, so the gateway can answer "key disabled" rather than "unknown key".
    """
    by_provider: dict[str, list[Connection]] = {}
    prefixes: dict[str, Connection] = {}
    for row in connections.list_rows(session):
        if not row.enabled:
            continue
        connection = connections.to_connection(row, box)
        by_provider.setdefault(row.provider, []).append(connection)
        if connection.prefix:
            prefixes[connection.prefix] = connection
    return ConfigSnapshot(
        connections={provider: tuple(conns) for provider, conns in by_provider.items()},
        custom_prefixes=prefixes,
        aliases=aliases.load_all(session),
        combos={combo.name: combo for combo in combos.load_all(session)},
        fallbacks=fallbacks.load_all(session),
        api_keys={row.key_hash: api_keys.to_info(row) for row in api_keys.list_rows(session)},
    )
