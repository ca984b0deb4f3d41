"""Shared test helpers: recorded payloads and an isolated home for every test."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def fixture_json(name: str) -> Any:
    return json.loads(fixture_bytes(name))


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Config, state, cache and logs of every test live in its own temporary directory."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for var, sub in (
        ("XDG_CONFIG_HOME", ".config"),
        ("XDG_STATE_HOME", ".local/state"),
        ("XDG_CACHE_HOME", ".cache"),
        ("XDG_DATA_HOME", ".local/share"),
    ):
        monkeypatch.setenv(var, str(home / sub))
    monkeypatch.delenv("CLAUDE_BEACON_CONFIG", raising=False)
    for var in ("ANTHROPIC_MODEL", "CLAUDE_CONFIG_DIR", "ANTHROPIC_BASE_URL"):
        monkeypatch.delenv(var, raising=False)  # the models in use are each test's choice
    monkeypatch.setenv("NO_COLOR", "1")
    return home


@pytest.fixture
def ca() -> Any:
    """A certificate authority of the test's own (``trustme``), for https servers on loopback."""
    import trustme

    return trustme.CA()
