"""The state file: atomic saves, and corruption set aside rather than fatal."""

from __future__ import annotations

import json
import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from claude_beacon.core.memory import Memory
from claude_beacon.store.state import State, StateStore

SEEN = {"o:abc": datetime(2026, 11, 24, tzinfo=UTC)}


def saved_store(tmp_path: Path) -> StateStore:
    store = StateStore(tmp_path / "state" / "watch.json")
    state = State(memories={"https://status.claude.com": Memory(initialised=True, seen=SEEN)})
    state.settings["paused_until"] = "2026-11-25T00:00:00+00:00"
    assert store.save(state)
    return store


def test_round_trip_and_owner_only_permissions(tmp_path: Path) -> None:
    store = saved_store(tmp_path)
    loaded = store.load()
    assert loaded.memories["https://status.claude.com"].seen == SEEN
    assert loaded.settings == {"paused_until": "2026-11-25T00:00:00+00:00"}
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert [p.name for p in store.path.parent.iterdir()] == ["watch.json"]  # no temp files left


def test_an_unchanged_state_is_not_rewritten(tmp_path: Path) -> None:
    store = saved_store(tmp_path)
    state = store.load()
    assert store.save(state)
    inode = store.path.stat().st_ino
    assert store.save(state)
    assert store.path.stat().st_ino == inode  # atomic writes replace the file: same inode, none
    state.settings["paused_until"] = None
    assert store.save(state)
    assert store.path.stat().st_ino != inode
    assert store.load().settings == {"paused_until": None}


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b'{"version": 1, "sources": {',
        b"\x00\x01\x02binary",
        b"[]",
        b'{"version": 99}',
        b"[" * 100_000 + b"]" * 100_000,  # nested deeper than the JSON parser recurses
    ],
)
def test_corrupt_file_is_set_aside_and_replaced(tmp_path: Path, content: bytes) -> None:
    store = saved_store(tmp_path)
    store.path.write_bytes(content)
    assert store.load().memories == {}
    aside = [p for p in store.path.parent.iterdir() if ".corrupt-" in p.name]
    assert len(aside) == 1
    assert aside[0].read_bytes() == content  # kept for inspection, never deleted
    assert store.save(State())
    assert json.loads(store.path.read_bytes())["version"] == 1


def test_one_bad_source_entry_loses_only_that_source(tmp_path: Path) -> None:
    store = saved_store(tmp_path)
    data = json.loads(store.path.read_bytes())
    data["sources"]["https://broken.example"] = {"initialised": True, "seen": "nope"}
    store.path.write_text(json.dumps(data))
    loaded = store.load()
    assert list(loaded.memories) == ["https://status.claude.com"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write to read-only directories")
def test_read_only_directory_is_reported_not_raised(tmp_path: Path) -> None:
    store = saved_store(tmp_path)
    store.path.parent.chmod(0o500)
    try:
        assert not store.save(State())
        assert store.problem and "cannot save state" in store.problem
    finally:
        store.path.parent.chmod(0o700)


def test_unwritable_location_is_reported_not_raised(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    store = StateStore(blocker / "state.json")  # a path under a regular file
    assert not store.save(State())
    assert store.problem and "cannot save state" in store.problem
