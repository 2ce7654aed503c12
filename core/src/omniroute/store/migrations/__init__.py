"""Alembic migrations of the store's schema, applied by the gateway itself at start.

Users never run ``alembic``: :func:`upgrade` brings any database to the newest revision. The
script directory is located next to this file, so it works the same from a source checkout
and from an installed wheel (hatchling ships every file under ``src/omniroute``).

New revisions are written by hand in ``versions/`` (``0002_….py`` with ``down_revision =
"0001"``) together with the change to ``tables.py``; ``tests/core/test_store_migrations.py``
fails when the two disagree.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, inspect, text

SCRIPT_LOCATION = Path(__file__).parent

HEAD = "0002"
"""The newest revision. A database already there starts without importing Alembic (over
half a second of start-up); a test checks it equals the script directory's head."""

# Any constant works; it only has to be the same in every instance sharing the database.
_POSTGRES_MIGRATION_LOCK = 0x4F4D4E49  # "OMNI"


def upgrade(engine: Engine) -> None:
    """Apply every revision the database lacks, in one transaction.

    On PostgreSQL an advisory lock serialises instances that start at the same moment, so
    only the first one migrates and the others find the schema up to date.
    """
    if current_revision(engine) == HEAD:
        return
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": _POSTGRES_MIGRATION_LOCK}
            )
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def current_revision(engine: Engine) -> str | None:
    """The revision stamped in the database, or None for a fresh one."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
