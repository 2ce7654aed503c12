"""Fixtures shared by every test folder."""

from __future__ import annotations

import shutil

import pytest


@pytest.fixture(scope="session")
def uv_bin() -> str:
    """uv, which installs distributions in a second or two from its cache: from PATH, or from
    the ``uv`` package when the test environment has it but not on PATH (nox sessions)."""
    found = shutil.which("uv")
    if found:
        return found
    try:
        from uv import find_uv_bin
    except ImportError:
        pytest.fail("this test installs distributions with uv: put uv on PATH or install 'uv'")
    return find_uv_bin()
