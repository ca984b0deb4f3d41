"""The statusline's cache file and the poke file, as the engine and the statusline share them."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from claude_beacon.engine.statuscache import POKE_GAP, PokeWatch
from claude_beacon.store import paths, statuscache


@pytest.mark.parametrize("xdg", [None, "", "relative/cache", "/tmp/absolute-cache"])
def test_the_cache_folder_is_the_one_platformdirs_names(
    monkeypatch: pytest.MonkeyPatch, xdg: str | None
) -> None:
    if xdg is None:
        monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_CACHE_HOME", xdg)
    assert statuscache.cache_dir() == str(paths.cache_dir())


@pytest.mark.parametrize("xdg", [None, "", "relative/config", "/tmp/absolute-config"])
def test_the_settings_file_is_the_one_the_settings_are_read_from(
    monkeypatch: pytest.MonkeyPatch, xdg: str | None
) -> None:
    from claude_beacon.config.settings import locate

    monkeypatch.delenv("CLAUDE_BEACON_CONFIG", raising=False)
    if xdg is None:
        monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_CONFIG_HOME", xdg)
    assert statuscache.settings_file() == str(locate(None)[0].absolute())


def test_a_written_cache_reads_back_and_a_foreign_one_does_not(tmp_path: Path) -> None:
    target = tmp_path / "status.json"
    statuscache.write({"written": 5.0, "level": "operational"}, target)
    assert statuscache.read(target) == {"written": 5.0, "level": "operational", "format": 1}
    assert target.stat().st_mode & 0o077 == 0
    target.write_bytes(b"x" * (statuscache.MAX_BYTES + 10))
    assert statuscache.read(target) is None
    os.mkfifo(tmp_path / "fifo")
    assert statuscache.read(tmp_path / "fifo") is None  # never blocks on a pipe


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def touch(path: Path, at: float) -> None:
    path.write_text("poke")
    os.utime(path, (at, at))


def test_the_poke_watch_acts_on_new_pokes_only_and_not_too_often(tmp_path: Path) -> None:
    poke = tmp_path / "poke"
    touch(poke, time.time() - 100)
    calls: list[float] = []
    clock = Clock()
    watch = PokeWatch(lambda: calls.append(clock.now), poke, clock)
    watch.run_once()
    assert calls == []  # a poke older than the watch is not acted on
    touch(poke, time.time() - 50)
    watch.run_once()
    assert calls == [1000.0]
    watch.run_once()
    assert calls == [1000.0]  # the same poke, once
    touch(poke, time.time() - 10)
    clock.now += POKE_GAP / 2
    watch.run_once()
    assert calls == [1000.0]  # too soon: kept for later
    clock.now += POKE_GAP
    watch.run_once()
    assert calls == [1000.0, clock.now]
