"""The schema: migrations build exactly ``tables.py``, once, on every backend and from a wheel."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from omniroute.settings import Settings
from omniroute.store import Store
from omniroute.store.database import database_url, open_engine
from omniroute.store.migrations import HEAD, SCRIPT_LOCATION, current_revision, upgrade
from omniroute.store.tables import Table

REPO = Path(__file__).resolve().parents[2]
TABLES = {
    "alembic_version",
    "api_keys",
    "combos",
    "fallback_chains",
    "connections",
    "model_aliases",
    "settings",
    "usage",
}


def test_fresh_database_gets_the_schema_and_second_run_is_a_no_op(
    make_settings: Callable[..., Settings],
) -> None:
    engine = open_engine(make_settings())
    try:
        upgrade(engine)
        with engine.connect() as connection:
            assert set(inspect(connection).get_table_names()) == TABLES
            assert MigrationContext.configure(connection).get_current_revision() == HEAD

        upgrade(engine)

        with engine.connect() as connection:
            assert MigrationContext.configure(connection).get_current_revision() == HEAD
    finally:
        engine.dispose()


def test_head_constant_is_the_script_directorys_head() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    assert ScriptDirectory.from_config(config).get_current_head() == HEAD


def test_current_revision_of_fresh_and_migrated_databases(
    make_settings: Callable[..., Settings],
) -> None:
    engine = open_engine(make_settings())
    try:
        assert current_revision(engine) is None
        upgrade(engine)
        assert current_revision(engine) == HEAD
    finally:
        engine.dispose()


def test_migrations_match_the_tables(make_settings: Callable[..., Settings]) -> None:
    engine = open_engine(make_settings())
    try:
        upgrade(engine)
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Table.metadata) == []
    finally:
        engine.dispose()


def test_sqlite_file_defaults_to_the_data_dir_with_wal(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "new" / "dir", database_url=None)
    engine = open_engine(settings)
    try:
        with engine.connect() as connection:
            journal = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
            synchronous = connection.exec_driver_sql("PRAGMA synchronous").scalar()
            busy = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
    finally:
        engine.dispose()

    assert (tmp_path / "new" / "dir" / "omniroute.db").exists()
    assert (journal, synchronous, busy) == ("wal", 1, 5000)


@pytest.mark.parametrize(
    ("configured", "expected"),
    [
        ("postgresql://u:p@db:5432/gw", "postgresql+psycopg://u:p@db:5432/gw"),
        ("postgres://u@db/gw?sslmode=require", "postgresql+psycopg://u@db/gw?sslmode=require"),
        ("postgresql+psycopg://u@db/gw", "postgresql+psycopg://u@db/gw"),
        ("sqlite:////var/lib/omniroute.db", "sqlite:////var/lib/omniroute.db"),
    ],
)
def test_database_url_selects_psycopg(configured: str, expected: str) -> None:
    url = database_url(Settings(database_url=configured))

    assert url.render_as_string(hide_password=False) == expected


@pytest.mark.slow
def test_migrations_run_from_an_installed_wheel(tmp_path: Path) -> None:
    uv = shutil.which("uv")
    if uv is None:
        pytest.skip("uv is needed to build the wheel")
    subprocess.run(
        [uv, "build", "--wheel", "--out-dir", str(tmp_path / "dist"), str(REPO / "core")],
        check=True,
        capture_output=True,
    )
    [wheel] = (tmp_path / "dist").glob("omniroute-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(tmp_path / "site")
    script = (
        "import omniroute, pathlib, sys\n"
        "from omniroute.settings import Settings\n"
        "from omniroute.store import Store\n"
        "assert omniroute.__file__.startswith(sys.argv[1]), omniroute.__file__\n"
        "with Store(Settings(data_dir=pathlib.Path(sys.argv[2]))) as store:\n"
        "    store.add_connection('openai', 'work', secret='sk')\n"
        "    print(len(store.list_connections()))\n"
    )
    environment = os.environ | {"PYTHONPATH": str(tmp_path / "site")}
    environment.pop("OMNIROUTE_DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "site"), str(tmp_path / "data")],
        env=environment,
        check=True,
        capture_output=True,
        text=True,
    )

    assert result.stdout.strip() == "1"


def test_opening_twice_keeps_data(make_store: Callable[..., Store]) -> None:
    store = make_store()
    store.set_alias("fast", "groq/llama")
    store.close()
    store.open()

    assert store.list_aliases() == {"fast": "groq/llama"}
