"""The TOML config file: what it declares is upserted, idempotently, and mistakes are named."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from omniroute.security.keys import hash_key
from omniroute.store import ConfigFileError, Store
from omniroute.store.database import open_engine
from omniroute.types import AccountLimits, ComboConfig, ComboStep

EXAMPLE = """
[[connections]]
provider = "openai"
name = "work"
api_key = "env:TEST_OPENAI_KEY"
priority = 1

[[connections]]
provider = "groq"
name = "free"
api_key = "gsk-inline"
extra = { note = "free tier" }

[[connections]]
provider = "openai-compatible"
name = "local-vllm"
prefix = "vllm"
base_url = "http://localhost:8000/v1"

[aliases]
fast = "groq/llama-3.3-70b-versatile"

[[combos]]
name = "coding"
strategy = "weighted"
models = [
    "openai/gpt-4o",
    { model = "groq/llama-3.3-70b-versatile", weight = 2, connection = "groq/free" },
    { model = "vllm/qwen", connection = "local-vllm" },
]

[[keys]]
name = "laptop"
key = "env:TEST_LAPTOP_KEY"
"""


@pytest.fixture(autouse=True)
def _secrets_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_OPENAI_KEY", "sk-from-env")
    monkeypatch.setenv("TEST_LAPTOP_KEY", "sk-omni-laptop")


def _write(tmp_path: Path, content: str) -> Path:
    path = tmp_path / "omniroute.toml"
    path.write_text(content)
    return path


def test_example_is_applied(store: Store, tmp_path: Path) -> None:
    store.apply_config_file(_write(tmp_path, EXAMPLE))

    snapshot = store.snapshot()
    [work] = snapshot.connections["openai"]
    [free] = snapshot.connections["groq"]
    node = snapshot.custom_prefixes["vllm"]
    assert (work.name, work.secret, work.priority) == ("work", "sk-from-env", 1)
    assert (free.secret, free.priority, free.extra) == ("gsk-inline", 100, {"note": "free tier"})
    assert (node.name, node.base_url, node.secret) == (
        "local-vllm",
        "http://localhost:8000/v1",
        None,
    )
    assert snapshot.aliases == {"fast": "groq/llama-3.3-70b-versatile"}
    combo = snapshot.combos["coding"]
    assert combo.strategy == "weighted"
    assert combo.steps == (
        ComboStep("openai/gpt-4o"),
        ComboStep("groq/llama-3.3-70b-versatile", weight=2, connection_id=free.id),
        ComboStep("vllm/qwen", connection_id=node.id),
    )
    laptop = snapshot.api_keys[hash_key("sk-omni-laptop", store.api_key_secret())]
    assert (laptop.name, laptop.enabled) == ("laptop", True)


def test_applying_twice_changes_nothing(store: Store, tmp_path: Path) -> None:
    path = _write(tmp_path, EXAMPLE)
    store.apply_config_file(path)
    before = store.snapshot()

    store.apply_config_file(path)

    assert store.snapshot() == before
    assert len(store.list_connections()) == 3
    assert len(store.list_api_keys()) == 1


def test_changed_file_updates_by_natural_name(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.apply_config_file(_write(tmp_path, EXAMPLE))
    [old_work] = store.list_connections("openai")
    monkeypatch.setenv("TEST_OPENAI_KEY", "sk-rotated")
    monkeypatch.setenv("TEST_LAPTOP_KEY", "sk-omni-new-laptop")

    store.apply_config_file(_write(tmp_path, EXAMPLE.replace("priority = 1", "priority = 7")))

    [work] = store.list_connections("openai")
    assert (work.id, work.secret, work.priority) == (old_work.id, "sk-rotated", 7)
    keys = store.snapshot().api_keys
    assert hash_key("sk-omni-new-laptop", store.api_key_secret()) in keys
    assert hash_key("sk-omni-laptop", store.api_key_secret()) not in keys


def test_fields_the_file_omits_keep_their_stored_values(store: Store, tmp_path: Path) -> None:
    path = _write(tmp_path, '[[connections]]\nprovider = "claude"\nname = "pro"\n')
    store.apply_config_file(path)
    store.update_connection("pro", secret="oauth-token", priority=2)
    store.add_api_key("ci", "sk-omni-ci")
    store.set_api_key_enabled("ci", False)
    keys = _write(tmp_path, path.read_text() + '[[keys]]\nname = "ci"\nkey = "sk-omni-ci"\n')

    store.apply_config_file(keys)

    [pro] = store.list_connections()
    assert (pro.secret, pro.priority) == ("oauth-token", 2)
    assert store.list_api_keys()[0].enabled is False


def test_entries_not_in_the_file_are_kept(store: Store, tmp_path: Path) -> None:
    store.add_connection("mistral", "dashboard-made")
    store.set_alias("mine", "mistral/large")

    store.apply_config_file(_write(tmp_path, EXAMPLE))

    assert store.get_connection("dashboard-made") is not None
    assert store.list_aliases()["mine"] == "mistral/large"


def test_missing_environment_variable_names_it_and_writes_nothing(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TEST_OPENAI_KEY")

    with pytest.raises(ConfigFileError) as raised:
        store.apply_config_file(_write(tmp_path, EXAMPLE))

    message = str(raised.value)
    assert "omniroute.toml" in message
    assert "connection openai/work" in message
    assert "environment variable TEST_OPENAI_KEY is not set" in message
    assert store.list_connections() == []


def test_error_while_writing_rolls_everything_back(store: Store, tmp_path: Path) -> None:
    content = EXAMPLE.replace('connection = "local-vllm"', 'connection = "nowhere"')

    with pytest.raises(ConfigFileError, match="combo 'coding': no connection 'nowhere'"):
        store.apply_config_file(_write(tmp_path, content))

    assert store.list_connections() == []
    assert store.list_aliases() == {}


def test_prefix_taken_by_a_stored_connection(store: Store, tmp_path: Path) -> None:
    store.add_connection("openai-compatible", "ollama", prefix="vllm")

    with pytest.raises(ConfigFileError, match="prefix 'vllm' is already used"):
        store.apply_config_file(_write(tmp_path, EXAMPLE))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            '[[connections]]\nprovider = "openai"\nname = "w"\napikey = "x"\n',
            r"connections\[0\]\.apikey: Extra inputs are not permitted",
        ),
        (
            '[[connections]]\nprovider = "openai"\nname = "w"\npriority = "1"\n',
            r"connections\[0\]\.priority: Input should be a valid integer",
        ),
        ('[[combos]]\nname = "c"\nmodels = []\n', r"combos\[0\]\.models: List should have"),
        ("[[keys]]\nname = 'k'\n", r"keys\[0\]\.key: Field required"),
        ("[server]\nport = 1\n", r"server: Extra inputs are not permitted"),
        ("[[connections]\n", "invalid TOML"),
        (
            '[[combos]]\nname = "c"\nmodels = ["m"]\nconfig = { maxRetries = -1 }\n',
            r"combos\[0\]\.config\.maxRetries: Input should be greater than or equal to 0",
        ),
        (
            '[[combos]]\nname = "c"\nmodels = ["m"]\nconfig = { stickyRoundRobinLimit = 0 }\n',
            r"combos\[0\]\.config\.stickyRoundRobinLimit: "
            "Input should be greater than or equal to 1",
        ),
        (
            '[[combos]]\nname = "c"\nmodels = ["m"]\nconfig = { timeoutMs = "5s" }\n',
            r"combos\[0\]\.config\.timeoutMs: Input should be a valid integer",
        ),
        (
            '[[combos]]\nname = "c"\nmodels = ["m"]\nconfig = { retries = 1 }\n',
            r"combos\[0\]\.config\.retries: Extra inputs are not permitted",
        ),
        (
            '[[connections]]\nprovider = "openai"\nname = "w"\nlimits = { maxConcurrent = 0 }\n',
            r"connections\[0\]\.limits\.maxConcurrent: Input should be greater than or equal to 1",
        ),
        (
            '[[connections]]\nprovider = "openai"\nname = "w"\nlimits = { rpm = "60" }\n',
            r"connections\[0\]\.limits\.rpm: Input should be a valid integer",
        ),
        ('[fallbacks]\n"openai/gpt-4o" = []\n', r"fallbacks\.openai/gpt-4o: List should have"),
        (
            '[fallbacks]\n"openai/gpt-4o" = ["groq/x", "openai/gpt-4o"]\n',
            "a model cannot fall back to itself: openai/gpt-4o",
        ),
        (
            '[[keys]]\nname = "k"\nkey = "a"\n[[keys]]\nname = "k"\nkey = "b"\n',
            "key declared more than once: k",
        ),
        (
            '[[connections]]\nprovider = "a"\nname = "w"\n[[connections]]\nprovider = "a"\n'
            'name = "w"\n',
            "connection declared more than once: a/w",
        ),
    ],
)
def test_invalid_files_are_explained(
    store: Store, tmp_path: Path, content: str, message: str
) -> None:
    with pytest.raises(ConfigFileError, match=message):
        store.apply_config_file(_write(tmp_path, content))


def test_missing_file(store: Store, tmp_path: Path) -> None:
    with pytest.raises(ConfigFileError, match=r"cannot read config file .*absent\.toml"):
        store.apply_config_file(tmp_path / "absent.toml")


def test_provider_aliases_are_resolved(store: Store, tmp_path: Path) -> None:
    known = {"cc": "claude", "claude": "claude"}
    path = _write(tmp_path, '[[connections]]\nprovider = "cc"\nname = "pro"\n')

    store.apply_config_file(path, resolve_provider=known.get)

    assert [c.provider for c in store.list_connections()] == ["claude"]
    with pytest.raises(ConfigFileError, match="connection nope/x: unknown provider 'nope'"):
        store.apply_config_file(
            _write(tmp_path, '[[connections]]\nprovider = "nope"\nname = "x"\n'),
            resolve_provider=known.get,
        )


def test_documented_example_applies(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "configuration.md").read_text()
    [example] = [
        block.removeprefix("toml\n")
        for block in docs.split("```")
        if block.startswith("toml\n# omniroute.toml")
    ]
    for name in (
        "OPENAI_API_KEY",
        "OPENAI_PERSONAL_KEY",
        "GROQ_API_KEY",
        "ANTHROPIC_API_KEY",
        "CLAUDE_CODE_ACCESS_TOKEN",
        "CLAUDE_CODE_REFRESH_TOKEN",
    ):
        monkeypatch.setenv(name, f"secret-of-{name}")
    monkeypatch.setenv("OMNIROUTE_LAPTOP_KEY", "sk-omni-laptop")
    monkeypatch.setenv("OMNIROUTE_CI_KEY", "sk-omni-ci")

    store.apply_config_file(_write(tmp_path, example), lambda p: {"cc": "claude"}.get(p, p))

    snapshot = store.snapshot()
    assert [c.name for c in snapshot.connections["openai"]] == ["work", "personal"]
    assert "anthropic" not in snapshot.connections, "the disabled connection is not used"
    [subscription] = snapshot.connections["claude"]
    assert subscription.secret == "secret-of-CLAUDE_CODE_ACCESS_TOKEN"
    assert subscription.extra["refresh_token"] == "secret-of-CLAUDE_CODE_REFRESH_TOKEN"
    assert set(snapshot.combos) == {"coding"}
    assert sorted(k.name for k in store.list_api_keys()) == ["ci", "laptop"]


def test_reapplying_does_not_rewrite_connections(store: Store, tmp_path: Path) -> None:
    path = _write(tmp_path, EXAMPLE)
    store.apply_config_file(path)
    [before] = _raw_connection_rows(store)

    store.apply_config_file(path)

    assert _raw_connection_rows(store) == [before]


def _raw_connection_rows(store: Store) -> list[tuple[object, ...]]:
    engine = open_engine(store.settings)
    try:
        with engine.connect() as connection:
            query = text("SELECT secret, updated_at FROM connections WHERE name = 'work'")
            return [tuple(row) for row in connection.execute(query)]
    finally:
        engine.dispose()


LIMITS = "limits = { rpm = 60, maxConcurrent = 2, queue_timeout_ms = 5000 }"
COMBO_CONFIG = (
    "config = { maxRetries = 2, retry_delay_ms = 250, timeoutMs = 30000, "
    "stickyRoundRobinLimit = 5 }"
)
ROUTING_OPTIONS = f"""
[[connections]]
provider = "openai"
name = "work"
{LIMITS}

[[combos]]
name = "coding"
strategy = "round-robin"
models = ["openai/gpt-4o", "openai/gpt-4o-mini"]
{COMBO_CONFIG}

[fallbacks]
"openai/gpt-4o" = ["coding", "groq/llama-3.3-70b-versatile"]
fast = ["openai/gpt-4o-mini"]
"""


def test_routing_options_are_applied(store: Store, tmp_path: Path) -> None:
    path = _write(tmp_path, ROUTING_OPTIONS)
    store.apply_config_file(path)
    store.apply_config_file(path)

    snapshot = store.snapshot()
    [work] = snapshot.connections["openai"]
    assert work.limits == AccountLimits(rpm=60, max_concurrent=2, queue_timeout_ms=5000)
    assert snapshot.combos["coding"].config == ComboConfig(
        max_retries=2, retry_delay_ms=250, timeout_ms=30000, sticky_round_robin_limit=5
    )
    assert snapshot.fallbacks == {
        "openai/gpt-4o": ("coding", "groq/llama-3.3-70b-versatile"),
        "fast": ("openai/gpt-4o-mini",),
    }


def test_routing_options_the_file_drops(store: Store, tmp_path: Path) -> None:
    """A combo is replaced whole, so its config goes back to the defaults; a connection keeps
    limits the file stops mentioning (like any omitted field); chains are upserted by model
    and a chain the file no longer lists is kept, like an alias."""
    store.apply_config_file(_write(tmp_path, ROUTING_OPTIONS))
    store.set_fallback_chain("dashboard-made", ["openai/gpt-4o"])
    trimmed = (
        ROUTING_OPTIONS.replace(LIMITS, "")
        .replace(COMBO_CONFIG, "")
        .replace('fast = ["openai/gpt-4o-mini"]', "")
        .replace('["coding", "groq/llama-3.3-70b-versatile"]', '["coding"]')
    )

    store.apply_config_file(_write(tmp_path, trimmed))

    snapshot = store.snapshot()
    assert snapshot.connections["openai"][0].limits.rpm == 60
    assert snapshot.combos["coding"].config == ComboConfig()
    assert snapshot.fallbacks == {
        "dashboard-made": ("openai/gpt-4o",),
        "fast": ("openai/gpt-4o-mini",),
        "openai/gpt-4o": ("coding",),
    }


def test_changed_limits_replace_the_stored_ones(store: Store, tmp_path: Path) -> None:
    store.apply_config_file(_write(tmp_path, ROUTING_OPTIONS))

    store.apply_config_file(
        _write(tmp_path, ROUTING_OPTIONS.replace("rpm = 60, maxConcurrent = 2, ", ""))
    )

    [work] = store.list_connections("openai")
    assert work.limits == AccountLimits(queue_timeout_ms=5000)
