"""The ``omniroute`` command line."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from . import __version__
from .errors import PluginLoadError, StartupError
from .settings import Settings

app = typer.Typer(
    help="OmniRoute: a local-first AI gateway.", no_args_is_help=True, add_completion=False
)
providers_app = typer.Typer(help="Provider connections (accounts).", no_args_is_help=True)
app.add_typer(providers_app, name="providers")

ConfigOption = Annotated[
    Optional[Path],  # noqa: UP045 - typer reads the annotation at run time
    typer.Option("--config", "-c", help="TOML file declaring connections, combos, aliases, keys."),
]


def _settings(**overrides: Any) -> Settings:
    values = {k: v for k, v in overrides.items() if v is not None}
    return Settings(**values)


def _fail(message: str) -> None:
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
        return
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


def main() -> None:
    app()
