"""The ``omniroute`` command line."""

from __future__ import annotations

import json
import logging
import re
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn, Optional

import typer
from pydantic import ValidationError

from . import __version__
from .errors import PluginLoadError, StartupError
from .options import ComboConfigModel, combo_json
from .settings import Settings
from .types import Combo, ComboConfig, ComboStep

app = typer.Typer(
    help="OmniRoute: a local-first AI gateway.", no_args_is_help=True, add_completion=False
)
providers_app = typer.Typer(help="Provider connections (accounts).", no_args_is_help=True)
app.add_typer(providers_app, name="providers")
_CHANGES_NOTE = (
    "Changes are stored in the database and reach a running gateway when it next starts; "
    "entries of the same name in the --config file are applied again at every start."
)
combos_app = typer.Typer(
    help=f"Combos: named sets of models tried as one model. {_CHANGES_NOTE}",
    no_args_is_help=True,
)
app.add_typer(combos_app, name="combos")
fallbacks_app = typer.Typer(
    help=f"Per-model fallback chains: models tried, in order, when every target of the "
    f"requested model failed. {_CHANGES_NOTE}",
    no_args_is_help=True,
)
app.add_typer(fallbacks_app, name="fallbacks")

ConfigOption = Annotated[
    Optional[Path],  # noqa: UP045 - typer reads the annotation at run time
    typer.Option("--config", "-c", help="TOML file declaring connections, combos, aliases, keys."),
]


def _settings(**overrides: Any) -> Settings:
    values = {k: v for k, v in overrides.items() if v is not None}
    return Settings(**values)


def _fail(message: str) -> NoReturn:
    typer.secho(message, fg=typer.colors.RED, err=True)
    raise typer.Exit(1)


@app.command()
def serve(
    config: ConfigOption = None,
    host: Annotated[Optional[str], typer.Option(help="Bind address.")] = None,  # noqa: UP045
    port: Annotated[Optional[int], typer.Option(help="Port (default 20128).")] = None,  # noqa: UP045
    data_dir: Annotated[Optional[Path], typer.Option(help="Data directory.")] = None,  # noqa: UP045
) -> None:
    """Start the gateway."""
    import uvicorn

    from .app import create_app

    settings = _settings(config_file=config, host=host, port=port, data_dir=data_dir)
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        application = create_app(settings)
        application.state.gateway.prepare()
    except (StartupError, PluginLoadError, ValueError) as exc:
        # ConfigFileError, SecretKeyError and DuplicateError are ValueErrors with a message
        # that names the file, entry or variable to fix.
        _fail(f"omniroute cannot start: {exc}")
    gateway = application.state.gateway
    loaded = [p.name for p in gateway.plugins if p.error is None]
    failed = [f"{p.name} ({p.error})" for p in gateway.plugins if p.error]
    url = f"http://{settings.host}:{settings.port}"
    lines = [
        f"OmniRoute {__version__} on {url}",
        f"  OpenAI base URL: {url}/v1",
        f"  data dir:        {settings.data_dir}",
        f"  database:        {_redact(settings.effective_database_url)}",
        f"  plugins:         {', '.join(loaded) or 'none'}",
        f"  providers:       {len(gateway.registry.providers)} registered",
    ]
    if failed:
        lines.append(f"  plugin errors:   {'; '.join(failed)}")
    lines.append("  add an account:  omniroute providers add openai --name main --api-key sk-...")
    typer.echo("\n".join(lines))
    sys.stdout.flush()
    uvicorn.run(
        application,
        host=settings.host,
        port=settings.port,
        loop="uvloop",
        http="httptools",
        access_log=settings.access_log,
        log_level=settings.log_level,
        proxy_headers=False,
        server_header=False,
    )


def _redact(url: str) -> str:
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url


@app.command()
def plugins(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """List every plugin: distribution, version, what it registered, errors."""
    from .plugins import describe, discover, run_registration_hooks

    settings = _settings()
    loaded = discover(settings)
    builder = run_registration_hooks(loaded, settings)
    infos = describe(loaded, builder)
    if as_json:
        typer.echo(json.dumps([i.as_dict() for i in infos], indent=2))
        return
    for info in infos:
        where = f"{info.distribution} {info.version}" if info.distribution else "in-process"
        typer.echo(f"{info.name}  ({where})")
        for kind, names in info.registered.items():
            typer.echo(f"    {kind}: {', '.join(names)}")
        if info.error:
            typer.secho(f"    error: {info.error}", fg=typer.colors.RED)


def _open_store(config: Path | None = None) -> Any:
    from .store import Store

    store = Store(_settings(config_file=config))
    store.open()
    return store


def _registry() -> Any:
    from .plugins import build_registry

    try:
        return build_registry(_settings())[2]
    except (StartupError, PluginLoadError) as exc:
        _fail(str(exc))


@providers_app.command("list")
def providers_list() -> None:
    """Registered providers and their configured connections."""
    registry = _registry()
    store = _open_store()
    try:
        connections = store.list_connections()
    finally:
        store.close()
    by_provider: dict[str, list[Any]] = {}
    for conn in connections:
        by_provider.setdefault(conn.provider, []).append(conn)
    for pid, manifest in sorted(registry.providers.items()):
        prefixes = ", ".join((pid, *manifest.aliases))
        typer.echo(f"{pid:20} prefixes: {prefixes:28} {manifest.base_url or '(custom node)'}")
        for conn in by_provider.get(pid, []):
            state = "enabled" if conn.enabled else "disabled"
            extra = f" prefix={conn.prefix}" if conn.prefix else ""
            typer.echo(f"    - {conn.name} [{state}, priority {conn.priority}]{extra} id={conn.id}")


@providers_app.command("add")
def providers_add(
    provider: Annotated[str, typer.Argument(help="Provider id or alias, e.g. openai.")],
    name: Annotated[str, typer.Option(help="Connection name, unique per provider.")] = "default",
    api_key: Annotated[Optional[str], typer.Option(help="API key.")] = None,  # noqa: UP045
    base_url: Annotated[Optional[str], typer.Option(help="Override the base URL.")] = None,  # noqa: UP045
    prefix: Annotated[Optional[str], typer.Option(help="Model prefix of a custom node.")] = None,  # noqa: UP045
    priority: Annotated[int, typer.Option(help="Lower is tried first.")] = 100,
) -> None:
    """Add a connection (account) to a provider."""
    registry = _registry()
    pid = registry.prefixes.get(provider)
    if pid is None:
        _fail(f"unknown provider {provider!r}; 'omniroute providers list' shows them")
    manifest = registry.providers[pid]
    if manifest.custom_node and not (prefix and base_url):
        _fail(f"{pid} is a custom node: give --prefix and --base-url")
    store = _open_store()
    try:
        conn = store.add_connection(
            pid, name, secret=api_key, base_url=base_url, priority=priority, prefix=prefix
        )
    except ValueError as exc:
        _fail(str(exc))
    finally:
        store.close()
    typer.echo(f"added connection {conn.name!r} to {pid} (id {conn.id})")


@providers_app.command("remove")
def providers_remove(
    connection: Annotated[str, typer.Argument(help="Connection name or id.")],
    provider: Annotated[Optional[str], typer.Option(help="Provider, when names clash.")] = None,  # noqa: UP045
) -> None:
    """Remove a connection."""
    store = _open_store()
    try:
        removed = store.remove_connection(connection, provider)
    finally:
        store.close()
    if not removed:
        _fail(f"no connection {connection!r}")
    typer.echo(f"removed connection {connection!r}")


# Combos and fallback chains

_WEIGHTED = re.compile(r"(.+)@([0-9]+)")
"""``MODEL@WEIGHT``: the last ``@`` followed by digits only sets the step's weight."""

_CONFIG_FLAGS = {
    "max_retries": "--max-retries",
    "retry_delay_ms": "--retry-delay-ms",
    "timeout_ms": "--timeout-ms",
    "sticky_round_robin_limit": "--sticky-limit",
}
"""The flag of each ``ComboConfigModel`` field, to name the flag when a value is refused."""

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _parse_step(text: str) -> ComboStep:
    """A step written as ``MODEL`` or ``MODEL@WEIGHT``.

    A model id holding ``@digits`` of its own (``vertex/claude@20240620``) keeps it when a
    weight follows: ``vertex/claude@20240620@1``.
    """
    match = _WEIGHTED.fullmatch(text)
    if match is None:
        return ComboStep(text)
    weight = int(match[2])
    if weight < 1:
        raise ValueError(f"{text!r}: a weight is 1 or more")
    return ComboStep(match[1], weight)


def _step_text(step: ComboStep) -> str:
    """``step`` as ``combos add`` takes it, so a listed combo can be typed back in."""
    if step.weight != 1 or _WEIGHTED.fullmatch(step.model):
        return f"{step.model}@{step.weight}"
    return step.model


def _combo_config(values: dict[str, int | None]) -> ComboConfig:
    """The flags checked by ``ComboConfigModel``: the bounds the API and config file apply."""
    try:
        return ComboConfigModel.model_validate(values).to_config()
    except ValidationError as exc:
        _fail(
            "; ".join(
                f"{_CONFIG_FLAGS.get(str(error['loc'][0]), error['loc'][0])}: {error['msg']}"
                for error in exc.errors()
            )
        )


def _refuse_on(problems: list[str], what: str) -> None:
    """Exit 1 listing every problem, when there are any: one run shows all there is to fix."""
    if problems:
        _fail("\n".join([f"{what} not saved:", *(f"  - {p}" for p in problems)]))


@combos_app.command("list")
def combos_list(as_json: JsonOption = False) -> None:
    """Every combo: name, strategy and its models in order."""
    with _open_store() as store:
        combos: list[Combo] = store.list_combos()
    if as_json:
        typer.echo(json.dumps([combo_json(c) for c in combos], indent=2))
        return
    if not combos:
        typer.echo("no combos; 'omniroute combos add NAME MODEL ...' creates one")
    for combo in combos:
        models = " -> ".join(_step_text(s) for s in combo.steps)
        config = ", ".join(f"{k}={v}" for k, v in ComboConfigModel.dump(combo.config).items())
        line = f"{combo.name:20} {combo.strategy:14} {models}"
        typer.echo(f"{line}  ({config})" if config else line)


@combos_app.command("show")
def combos_show(name: Annotated[str, typer.Argument(help="Combo name.")]) -> None:
    """One combo as JSON, config included."""
    with _open_store() as store:
        combo = next((c for c in store.list_combos() if c.name == name), None)
    if combo is None:
        _fail(f"no combo {name!r}; 'omniroute combos list' shows them")
    typer.echo(json.dumps(combo_json(combo), indent=2))


@combos_app.command("add")
def combos_add(
    name: Annotated[str, typer.Argument(help="Combo name; clients send it as the model.")],
    models: Annotated[
        list[str],
        typer.Argument(
            help="Models in order: provider/model, an alias or another combo. MODEL@WEIGHT "
            "gives a step a weight for weighted strategies (openai/gpt-4o@70); a model id "
            "ending in @digits of its own takes an explicit weight (vertex/claude@20240620@1).",
            show_default=False,
        ),
    ],
    strategy: Annotated[
        str, typer.Option(help="Routing strategy; 'omniroute plugins' lists them.")
    ] = "fill-first",
    max_retries: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(help="Retries on the same target after a transient failure (default 0)."),
    ] = None,
    retry_delay_ms: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(help="Pause before each retry, in ms (default 1000)."),
    ] = None,
    timeout_ms: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(help="Per-target deadline in ms; the next target is tried after it."),
    ] = None,
    sticky_limit: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(help="round-robin: requests sent to one step before rotating (default 3)."),
    ] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace a combo of this name.")
    ] = False,
) -> None:
    """Add a combo; it is checked first (strategy, models, loops) and refused with every
    problem listed, so a combo that could never route is not saved."""
    from .engine.combos import combo_problems

    config = _combo_config(
        {
            "max_retries": max_retries,
            "retry_delay_ms": retry_delay_ms,
            "timeout_ms": timeout_ms,
            "sticky_round_robin_limit": sticky_limit,
        }
    )
    try:
        steps = tuple(_parse_step(m) for m in models)
    except ValueError as exc:
        _fail(str(exc))
    combo = Combo(name, steps, strategy, config)
    registry = _registry()
    with _open_store() as store:
        snapshot = store.snapshot()
        existed = name in snapshot.combos
        if existed and not replace:
            _fail(f"combo {name!r} exists; add --replace to replace it")
        problems = combo_problems(combo, snapshot, registry)
        _refuse_on(problems, f"combo {name!r}")
        store.upsert_combo(combo)
    models_text = " -> ".join(_step_text(s) for s in steps)
    typer.echo(f"{'replaced' if existed else 'added'} combo {name!r}: {models_text}")


@combos_app.command("remove")
def combos_remove(name: Annotated[str, typer.Argument(help="Combo name.")]) -> None:
    """Remove a combo."""
    with _open_store() as store:
        removed = store.delete_combo(name)
    if not removed:
        _fail(f"no combo {name!r}")
    typer.echo(f"removed combo {name!r}")


@fallbacks_app.command("list")
def fallbacks_list(as_json: JsonOption = False) -> None:
    """Every fallback chain: the model, then what is tried after it, in order."""
    with _open_store() as store:
        chains: dict[str, tuple[str, ...]] = store.list_fallback_chains()
    if as_json:
        typer.echo(json.dumps({model: list(chain) for model, chain in chains.items()}, indent=2))
        return
    if not chains:
        typer.echo("no fallback chains; 'omniroute fallbacks set MODEL FALLBACK ...' adds one")
    for model, chain in chains.items():
        typer.echo(" -> ".join((model, *chain)))


@fallbacks_app.command("set")
def fallbacks_set(
    model: Annotated[str, typer.Argument(help="The model clients request.")],
    fallbacks: Annotated[
        list[str],
        typer.Argument(help="Models tried in order once MODEL failed.", show_default=False),
    ],
) -> None:
    """Set (or replace) a model's fallback chain. It is checked first, as the API checks it:
    a typo found only when the model is down would leave that model without its fallback."""
    from .engine.combos import fallback_problems

    registry = _registry()
    with _open_store() as store:
        problems = fallback_problems(model, fallbacks, store.snapshot(), registry)
        _refuse_on(problems, f"fallbacks of {model!r}")
        store.set_fallback_chain(model, fallbacks)
    typer.echo(f"fallbacks of {model!r}: {' -> '.join(fallbacks)}")


@fallbacks_app.command("remove")
def fallbacks_remove(model: Annotated[str, typer.Argument(help="The model.")]) -> None:
    """Remove a model's fallback chain."""
    with _open_store() as store:
        removed = store.delete_fallback_chain(model)
    if not removed:
        _fail(f"no fallback chain for {model!r}")
    typer.echo(f"removed the fallback chain of {model!r}")


def main() -> None:
    app()
