"""Odd environments: a full disk, a config that is empty, truncated or not a file.

Each gives a clear message and the app carries on where it can; nothing the user wrote is lost.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from claude_beacon.config import settings as config
from claude_beacon.core.memory import Memory
from claude_beacon.core.model import Snapshot
from claude_beacon.store.history import History
from claude_beacon.store.state import State, StateStore

IN_CI = os.environ.get("CI") == "true"


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB filesystem, filled to the last byte."""
    mount = tmp_path / "small"
    mount.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        if IN_CI:
            pytest.fail("a full-disk test needs root to mount a tmpfs")
        pytest.skip("mounting a small tmpfs needs root")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:  # a container without the capability to mount
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.strip()}")
    try:
        (mount / "state").mkdir()
        filler = os.open(mount / "filler", os.O_WRONLY | os.O_CREAT)
        try:
            while os.write(filler, b"\0" * 1024):
                pass
        except OSError:
            pass
        finally:
            os.close(filler)
        yield mount
    finally:
        subprocess.run(["umount", "--lazy", str(mount)], check=True)


def test_a_full_disk_costs_saves_not_the_app(full_disk: Path) -> None:
    store = StateStore(full_disk / "state" / "watch.json")
    memories = {"https://status.claude.com": Memory(initialised=True)}
    assert not store.save(State(memories=memories))
    assert store.problem and "No space left" in store.problem
    history = History(full_disk / "state" / "history.sqlite3")
    history.record(Snapshot(datetime.now(UTC)))
    assert history.problem is not None  # noted once, carried on without it
    history.close()
    assert not [p for p in (full_disk / "state").iterdir() if p.name.startswith(".watch")]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", None),  # empty: every setting is optional
        (b'interval = 60\n[[sources]]\nurl = "https://status.clau', "not valid TOML"),
        (b"\xff\xfe\x00\x01", "not a text file"),
    ],
)
def test_empty_and_truncated_config(tmp_path: Path, content: bytes, words: str | None) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(content)
    if words is None:
        assert config.load(path).sources == (config.CLAUDE,)
    else:
        with pytest.raises(config.ConfigError, match=words):
            config.load(path)
    assert path.read_bytes() == content  # never rewritten


def test_a_config_saved_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    """Windows Notepad saves UTF-8 with a BOM, which TOML itself does not allow."""
    path = tmp_path / "config.toml"
    path.write_bytes(b"\xef\xbb\xbfinterval = 90\n")
    assert config.load(path).cadence.interval == 90


def test_a_config_path_that_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(config.ConfigError, match="cannot read it"):
        config.load(tmp_path)
