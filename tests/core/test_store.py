"""Round trips through ``Store`` on every configured backend: what is written reads back."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from omniroute.security.keys import hash_key
from omniroute.store import DuplicateError, Store
from omniroute.types import ApiKeyInfo, Combo, ComboStep


def test_connection_round_trip(store: Store) -> None:
    added = store.add_connection(
        "openai",
        "work",
        secret="sk-work",
        base_url="https://proxy.example/v1",
        priority=3,
        extra={"organization": "org-1"},
    )

    [listed] = store.list_connections()

    assert listed == added
    assert listed.secret == "sk-work"
    assert listed.base_url == "https://proxy.example/v1"
    assert listed.priority == 3
    assert listed.extra == {"organization": "org-1"}
    assert store.get_connection(added.id) == added
    assert store.get_connection("work", provider="openai") == added


def test_duplicate_connection_name_is_a_clear_error(store: Store) -> None:
    store.add_connection("openai", "work")
    store.add_connection("groq", "work")  # the same name under another provider is fine

    with pytest.raises(DuplicateError, match="'openai' already has a connection named 'work'"):
        store.add_connection("openai", "work")


def test_custom_prefix_must_be_unique(store: Store) -> None:
    store.add_connection("openai-compatible", "vllm", prefix="local")

    with pytest.raises(DuplicateError, match="prefix 'local' is already used"):
        store.add_connection("openai-compatible", "ollama", prefix="local")


def test_update_connection_changes_only_named_fields(store: Store) -> None:
    added = store.add_connection("openai", "work", secret="sk-old", priority=5)

    updated = store.update_connection(added.id, secret="sk-new", enabled=False)

    assert updated is not None
    assert (updated.secret, updated.enabled, updated.priority) == ("sk-new", False, 5)
    assert store.list_connections() == [updated]
    assert store.update_connection("missing", priority=1) is None


def test_update_connection_rejects_a_taken_name(store: Store) -> None:
    store.add_connection("openai", "work")
    other = store.add_connection("openai", "home")

    with pytest.raises(DuplicateError):
        store.update_connection(other.id, name="work")
    assert {c.name for c in store.list_connections()} == {"work", "home"}


def test_remove_connection_by_id_or_name(store: Store) -> None:
    first = store.add_connection("openai", "work")
    store.add_connection("groq", "home")
    store.add_connection("openai", "home")

    assert store.remove_connection(first.id)
    with pytest.raises(ValueError, match="several connections are named 'home'"):
        store.remove_connection("home")
    assert store.remove_connection("home", provider="groq")
    assert not store.remove_connection("home", provider="groq")
    assert [(c.provider, c.name) for c in store.list_connections()] == [("openai", "home")]


def test_combos_round_trip(store: Store) -> None:
    connection = store.add_connection("openai", "work")
    combo = Combo(
        name="coding",
        strategy="weighted",
        steps=(
            ComboStep("openai/gpt-4o", weight=3, connection_id=connection.id),
            ComboStep("fast"),
        ),
    )

    store.upsert_combo(combo)
    assert store.list_combos() == [combo]

    replaced = Combo(name="coding", steps=(ComboStep("groq/llama"),))
    store.upsert_combo(replaced)
    assert store.list_combos() == [replaced]

    assert store.delete_combo("coding")
    assert not store.delete_combo("coding")
    assert store.list_combos() == []


def test_aliases_round_trip(store: Store) -> None:
    store.set_alias("fast", "groq/llama-3.3-70b-versatile")
    store.set_alias("fast", "groq/llama-3.1-8b-instant")
    store.set_alias("smart", "openai/gpt-4o")

    assert store.list_aliases() == {
        "fast": "groq/llama-3.1-8b-instant",
        "smart": "openai/gpt-4o",
    }
    assert store.delete_alias("fast")
    assert not store.delete_alias("fast")
    assert store.list_aliases() == {"smart": "openai/gpt-4o"}


def test_generated_api_key_is_found_by_its_hash(store: Store) -> None:
    info, key = store.add_api_key("laptop")

    assert key.startswith("sk-omni-")
    assert store.list_api_keys() == [info]
    keys = store.snapshot().api_keys
    assert keys[hash_key(key, store.api_key_secret())] == info


def test_api_key_names_and_values_are_unique(store: Store) -> None:
    store.add_api_key("laptop", "sk-omni-fixed")

    with pytest.raises(DuplicateError, match="named 'laptop'"):
        store.add_api_key("laptop")
    with pytest.raises(DuplicateError, match="already registered as 'laptop'"):
        store.add_api_key("desktop", "sk-omni-fixed")


def test_disabled_api_key_stays_in_snapshot(store: Store) -> None:
    info, key = store.add_api_key("laptop")

    assert store.set_api_key_enabled("laptop", False)

    found = store.snapshot().api_keys[hash_key(key, store.api_key_secret())]
    assert found == ApiKeyInfo(id=info.id, name="laptop", enabled=False)
    assert not store.set_api_key_enabled("missing", True)


def test_remove_api_key(store: Store) -> None:
    info, _ = store.add_api_key("laptop")

    assert store.remove_api_key(info.id)
    assert not store.remove_api_key("laptop")
    assert store.snapshot().api_keys == {}


def test_reveal_needs_the_setting(make_store: Callable[..., Store]) -> None:
    hidden = make_store()
    info, _ = hidden.add_api_key("hidden")
    assert hidden.reveal_api_key(info.id) is None
    hidden.close()

    revealing = make_store(allow_api_key_reveal=True)
    _, key = revealing.add_api_key("shown")

    assert revealing.reveal_api_key("shown") == key
    assert revealing.reveal_api_key("hidden") is None  # created while reveal was off


def test_snapshot_groups_enabled_connections_by_priority(store: Store) -> None:
    backup = store.add_connection("openai", "backup", secret="sk-b", priority=10)
    main = store.add_connection("openai", "main", secret="sk-m", priority=1)
    later_same_priority = store.add_connection("openai", "later", priority=10)
    store.add_connection("openai", "off", enabled=False)
    node = store.add_connection(
        "openai-compatible", "vllm", prefix="vllm", base_url="http://localhost:8000/v1"
    )
    store.add_connection("openai-compatible", "off-node", prefix="old", enabled=False)
    store.set_alias("fast", "groq/llama")
    store.upsert_combo(Combo(name="coding", steps=(ComboStep("openai/gpt-4o"),)))

    snapshot = store.snapshot()

    assert snapshot.connections == {
        "openai": (main, backup, later_same_priority),
        "openai-compatible": (node,),
    }
    assert snapshot.connections["openai"][0].secret == "sk-m"
    assert snapshot.custom_prefixes == {"vllm": node}
    assert snapshot.aliases == {"fast": "groq/llama"}
    assert list(snapshot.combos) == ["coding"]


def test_settings_hold_json_values(store: Store) -> None:
    assert store.get_setting("routing", {"default": True}) == {"default": True}

    store.set_setting("routing", {"strategy": "round-robin", "sticky": 3})
    store.set_setting("banner", "hello")

    assert store.get_setting("routing") == {"strategy": "round-robin", "sticky": 3}
    assert store.get_setting("banner") == "hello"


def test_data_survives_reopening(make_store: Callable[..., Store]) -> None:
    first = make_store()
    added = first.add_connection("openai", "work", secret="sk-work")
    first.close()

    second = make_store()

    assert second.list_connections() == [added]


def test_store_is_usable_from_several_threads(store: Store) -> None:
    errors: list[BaseException] = []

    def add(index: int) -> None:
        try:
            store.add_connection("openai", f"account-{index}", secret=f"sk-{index}")
            store.snapshot()
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=add, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(store.list_connections()) == 8


def test_closed_store_says_so(make_store: Callable[..., Store]) -> None:
    store = make_store()
    store.close()

    with pytest.raises(RuntimeError, match="not open"):
        store.list_connections()
