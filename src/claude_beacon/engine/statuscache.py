"""What the statusline shows, written after every poll; and the poke that asks for one now.

The statusline (``cli/statusline.py``) runs inside Claude Code every few hundred milliseconds
and must never touch the network, so every poll leaves a small summary in the cache file
(``store.statuscache``): the tray and ``watch`` through ``StatusCacheSink`` each round, and
``status`` once. The statusline also touches a poke file when Claude Code itself saw API errors;
``PokeWatch`` notices it and has the engine poll and check at once.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from claude_beacon.core.model import Event, Item, Reading, Snapshot
from claude_beacon.core.modelids import KNOWN_FAMILIES, clean_text
from claude_beacon.store import statuscache

log = logging.getLogger(__name__)
FRESH_ROUNDS = 3.0
"""A cache is fresh for this many poll intervals: one missed round is no reason to poll."""
MIN_FRESH = 30.0
TITLE_CHARS = 160
SUMMARY_CHARS = 120
POKE_EVERY = 5.0
"""Seconds between looks at the poke file: a stat, nothing more."""
POKE_GAP = 30.0
"""Pokes closer together than this are one: a statusline cannot make the engine hammer a page."""


def fresh_for(interval: float) -> float:
    return max(MIN_FRESH, FRESH_ROUNDS * interval)


def status_document(
    snapshot: Snapshot, interval: float, writer: str, settings: str = ""
) -> dict[str, Any]:
    """The cache's content for one snapshot: the overall level, a line per watched page (the
    alternatives to Claude left out) and its open incidents and maintenances under way, each
    with the models its title and newest update speak of."""
    watched = [r for r in snapshot.readings if not r.source.alternative] or list(snapshot.readings)
    primary = snapshot.primary
    learned: set[str] = set()
    items: list[dict[str, Any]] = []
    for reading in watched:
        for item in reading.incidents:
            if not item.resolved:
                items.append(_item(reading, item, "incident", learned))
        for item in reading.maintenances:
            if item.in_progress:
                items.append(_item(reading, item, "maintenance", learned))
    return {
        "written": time.time(),
        "checked_at": snapshot.at.isoformat(),
        "writer": writer,
        "pid": os.getpid(),
        "fresh_for": fresh_for(interval),
        "level": snapshot.overall.key,
        "primary": clean_text(primary.source.name, 40) if primary else "Claude",
        "sources": [_source(r) for r in watched],
        "incidents": items,
        "families": sorted(learned),
        "settings": settings,
    }


def _source(reading: Reading) -> dict[str, Any]:
    if reading.failure is not None:
        summary = f"unreadable: {reading.failure.message}"
    else:
        summary = reading.description or reading.level.label
    return {
        "name": clean_text(reading.source.name, 40),
        "level": reading.level.key,
        "ok": reading.ok,
        "summary": clean_text(summary, SUMMARY_CHARS),
    }


def _item(reading: Reading, item: Item, kind: str, learned: set[str]) -> dict[str, Any]:
    latest = item.latest
    from claude_beacon.core.models import read_models  # only where an item is open

    mention = read_models(item.name, [latest.body] if latest else (), KNOWN_FAMILIES | learned)
    learned.update(mention.learned)
    return {
        "source": clean_text(reading.source.name, 40),
        "kind": kind,
        "title": clean_text(item.name, TITLE_CHARS),
        "level": item.level.key,
        "status": clean_text(item.status, 40),
        "models": list(mention.models),
        "excluded": list(mention.excluded),
        "scope": mention.scope.value if mention.scope else None,
        "any_model": mention.any_model,
    }


def write_status_cache(
    snapshot: Snapshot, interval: float, writer: str, path: Path | None = None, settings: str = ""
) -> None:
    """Write the cache for ``snapshot``, read with the settings ``settings`` stamps
    (``Config.stamp``); one with no reading yet would only erase a better one."""
    if snapshot.readings:
        statuscache.write(status_document(snapshot, interval, writer, settings), path)


class StatusCacheSink:
    """Keeps the statusline's cache current: one small file rewritten every round."""

    name = "statuscache"

    def __init__(self, interval: float, path: Path | None = None, settings: str = "") -> None:
        self.interval = interval
        self.path = path
        self.settings = settings

    def deliver(self, snapshot: Snapshot, events: Sequence[Event]) -> None:
        write_status_cache(snapshot, self.interval, "engine", self.path, self.settings)


class PokeWatch:
    """A poller job: when the poke file is touched after the last look, ``check_now``.

    A poke older than this watch is not acted on, nor one within ``POKE_GAP`` of the last.
    """

    def __init__(
        self,
        on_poke: Callable[[], None],
        path: Path | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.on_poke = on_poke
        self.path = path or Path(statuscache.poke_file())
        self.clock = clock
        self._seen = self._stamp()
        self._acted: float | None = None

    def run_once(self) -> float:
        stamp = self._stamp()
        if stamp is not None and (self._seen is None or stamp > self._seen):
            now = self.clock()
            if self._acted is None or now - self._acted >= POKE_GAP:
                self._seen, self._acted = stamp, now
                log.info("the statusline saw API errors: checking now")
                self.on_poke()
        return POKE_EVERY

    def _stamp(self) -> int | None:
        try:
            return self.path.stat().st_mtime_ns
        except OSError:
            return None
