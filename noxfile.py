"""The only task runner: tests, lint, typecheck, serve, bench, build.

Every session installs the distributions it needs from this repository (core first), so a
fresh machine needs only ``pip install nox``.
"""

from __future__ import annotations

import os

import nox

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["tests", "lint", "typecheck"]

PYPROJECT = nox.project.load_toml("pyproject.toml")
CORE = "./core"
TESTKIT = "./plugins/omniroute_plugin_testkit"
FLAGSHIPS = [
    "./omniroute_plugin_claude",
    "./omniroute_plugin_gemini",
    "./omniroute_plugin_opencode",
]
PROVIDERS = [*FLAGSHIPS, "./plugins/omniroute_plugin_codex"]
DISTRIBUTIONS = [CORE, TESTKIT, *PROVIDERS]
SOURCES = [
    "core/src/omniroute",
    "plugins/omniroute_plugin_testkit/src/omniroute_plugin_testkit",
    *(f"{d}/src/{d[2:]}" for d in FLAGSHIPS),
    "plugins/omniroute_plugin_codex/src/omniroute_plugin_codex",
    "plugins/template/src/omniroute_plugin_example",
]


def _install(session: nox.Session, *distributions: str, groups: tuple[str, ...] = ()) -> None:
    args = [arg for d in distributions for arg in ("-e", d)]
    for group in groups:
        args.extend(nox.project.dependency_groups(PYPROJECT, group))
    session.install(*args)


@nox.session
def tests(session: nox.Session) -> None:
    """The whole suite, with every first-party distribution installed."""
    _install(session, *DISTRIBUTIONS, groups=("test",))
    session.run("pytest", *session.posargs)


@nox.session(name="tests_core_only")
def tests_core_only(session: nox.Session) -> None:
    """Core alone (plus the testkit, a pytest plugin): it starts, lists no third-party
    plugin and still serves the builtin OpenAI family."""
    _install(session, CORE, TESTKIT, groups=("test",))
    session.run(
        "pytest",
        "tests/core",
        "tests/e2e/test_openai_sdk.py",  # the other end-to-end files need provider plugins
        "tests/contract",
        *session.posargs,
        env={"OMNIROUTE_EXPECT_CORE_ONLY": "1"},
    )


@nox.session
def lint(session: nox.Session) -> None:
    """ruff, and the import contract: core outside builtin never imports builtin."""
    _install(session, CORE, groups=("lint",))
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("lint-imports")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict on every distribution's src."""
    _install(session, *DISTRIBUTIONS, groups=("typecheck", "test"))
    for src in SOURCES:
        session.run("mypy", "--strict", src)


@nox.session
def serve(session: nox.Session) -> None:
    """Start the gateway on its embedded defaults (SQLite in ~/.omniroute, memory state)."""
    _install(session, CORE, *PROVIDERS)
    session.run("omniroute", "serve", *session.posargs, env=dict(os.environ))


@nox.session
def bench(session: nox.Session) -> None:
    """Gateway vs direct vs bare proxies; writes docs/performance.md."""
    _install(session, CORE, *PROVIDERS, groups=("bench",))
    session.run("python", "bench/run.py", "--out", "docs/performance.md", *session.posargs)


@nox.session
def build(session: nox.Session) -> None:
    """Wheels and sdists of every distribution into dist/."""
    session.install("build")
    for dist in DISTRIBUTIONS:
        session.run("python", "-m", "build", "--outdir", "dist", dist)
