"""Settings and config files for gateways under test.

Every test gateway gets its own data directory (its own SQLite database and secret key) and
strict plugin loading, so a broken plugin fails the test that loads it instead of being
logged and skipped. Configuration goes through the same TOML file users write, so tests
exercise the real config path rather than poking the store.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import tomli_w

from omniroute import Settings


def write_config(path: Path, config: Mapping[str, Any]) -> Path:
    """Write ``config`` (``{"connections": [...], "keys": [...], ...}``) as TOML to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(tomli_w.dumps(dict(config)).encode())
    return path


def make_settings(data_dir: Path, **overrides: Any) -> Settings:
    """Gateway settings for a test: data in ``data_dir``, strict plugins, then ``overrides``.

    Named fields win over ``OMNIROUTE_*`` variables of the developer's environment.
    """
    values: dict[str, Any] = {"data_dir": data_dir, "plugins_strict": True, **overrides}
    return Settings(**values)
