"""Persistence: configuration, gateway keys and usage in SQLite (default) or PostgreSQL.

``Store`` is the whole public surface; the modules behind it are one per kind of row
(``connections``, ``combos``, ``aliases``, ``api_keys``, ``usage``), plus the tables, the
engine (``database``), the Alembic ``migrations``, the ``snapshot`` builder and the TOML
``config_file``.
"""

from .config_file import ConfigFileError
from .connections import ConnectionFields
from .errors import DuplicateError
from .store import Store
from .usage import UsageFilter

__all__ = ["ConfigFileError", "ConnectionFields", "DuplicateError", "Store", "UsageFilter"]
