"""Persisted state: each source's memory, the events not yet told, and a few user choices.

One JSON file per consumer (the tray, ``watch``). Writes replace the file atomically, so a crash
or a kill never leaves half a file. A file that cannot be read back is set aside (renamed, never
deleted) and replaced, and the app carries on. The store is safe to use from any thread.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from claude_beacon.core import outbox
from claude_beacon.core.memory import Memory, from_dict, to_dict
from claude_beacon.core.model import Event, aware_time
from claude_beacon.store.atomic import write_atomically

log = logging.getLogger(__name__)
VERSION = 1


@dataclass(slots=True)
class State:
    memories: dict[str, Memory] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    """Small user choices that must survive a restart, such as a notification pause."""
    outbox: dict[str, tuple[Event, ...]] = field(default_factory=dict)
    """Per sink, the events seen but not yet accepted by it."""


PAUSE = "notifications_paused_until"
SNOOZES = "sources_snoozed_until"


class StateStore:
    """Keeps one ``State`` and its file; never raises for a bad file or a failing disk.

    ``path`` ``None`` keeps the state in memory only (``status``, ``doctor``: one round, told
    at once). ``sinks`` names who must accept each event before it leaves the outbox.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.problem: str | None = None
        """The last save failure, for the user interface to mention."""
        self.sinks: tuple[str, ...] = ()
        self._written: bytes | None = None
        self._lock = threading.RLock()
        self._state: State | None = None

    @property
    def state(self) -> State:
        with self._lock:
            if self._state is None:
                self._state = self.load() if self.path else State()
            return self._state

    def memory(self, key: str) -> Memory:
        with self._lock:
            return self.state.memories.get(key, Memory())

    def commit(self, memories: Mapping[str, Memory], events: Sequence[Event]) -> None:
        """Remember a round: the sources' new memories and, in the same write, its events
        queued for every sink, so that nothing is marked seen without being owed to a sink."""
        with self._lock:
            state = self.state
            state.memories.update(memories)
            if events:
                state.outbox = outbox.add(state.outbox, self.sinks, tuple(events))
            self._save()

    def pending(self) -> dict[str, tuple[Event, ...]]:
        """What each current sink is still owed (from before a restart, or not yet accepted)."""
        with self._lock:
            return {s: e for s, e in self.state.outbox.items() if s in self.sinks}

    def acknowledge(self, sink: str, events: Iterable[Event]) -> None:
        """``sink`` accepted ``events``: they leave its outbox."""
        ids = frozenset(e.id for e in events)
        with self._lock:
            self.state.outbox = outbox.remove(self.state.outbox, sink, ids)
            self._save()

    def setting(self, key: str) -> Any:
        with self._lock:
            return self.state.settings.get(key)

    def set_setting(self, key: str, value: Any) -> None:
        """Remember a user choice across restarts (``None`` forgets it)."""
        with self._lock:
            if value is None:
                self.state.settings.pop(key, None)
            else:
                self.state.settings[key] = value
            self._save()

    def pause(self) -> datetime | None:
        """Until when notifications are paused, if a pause was set."""
        return _load_time(self.setting(PAUSE))

    def set_pause(self, until: datetime | None) -> None:
        self.set_setting(PAUSE, until.isoformat() if until else None)

    def snoozes(self, now: datetime | None = None) -> dict[str, datetime]:
        """Per source key, the end of its snooze; those already over are left out."""
        raw = self.setting(SNOOZES)
        moment = now or datetime.now(UTC)
        found = {str(k): _load_time(v) for k, v in raw.items()} if isinstance(raw, dict) else {}
        return {k: until for k, until in found.items() if until is not None and moment < until}

    def set_snooze(self, key: str, until: datetime | None) -> None:
        snoozes = self.snoozes()
        if until is None:
            snoozes.pop(key, None)
        else:
            snoozes[key] = until
        self.set_setting(SNOOZES, {k: v.isoformat() for k, v in snoozes.items()} or None)

    def _save(self) -> None:
        if self.path is not None and self._state is not None:
            self.save(self._state)

    def load(self) -> State:
        self._written = None
        if self.path is None:
            return State()
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return State()
        except OSError as exc:
            self.problem = f"cannot read {self.path}: {exc.strerror or exc}"
            log.warning("%s; starting with empty state", self.problem)
            return State()
        try:
            data = json.loads(raw)
            if not isinstance(data, dict) or data.get("version") != VERSION:
                raise ValueError("not a claude-beacon state file of this version")
            return State(
                memories=_memories(data.get("sources", {})),
                settings=dict(data.get("settings", {})),
                outbox=_outbox(data.get("outbox", {})),
            )
        except (ValueError, TypeError, AttributeError, RecursionError) as exc:
            self._set_aside(exc)
            return State()

    def save(self, state: State) -> bool:
        if self.path is None:
            return True
        data = {
            "version": VERSION,
            "sources": {key: to_dict(memory) for key, memory in state.memories.items()},
            "settings": state.settings,
            "outbox": {
                sink: [outbox.to_dict(e) for e in events] for sink, events in state.outbox.items()
            },
        }
        encoded = json.dumps(data, indent=1, sort_keys=True).encode()
        if encoded == self._written:
            return True  # an unchanged page costs no disk write (and no fsync) per poll
        try:
            write_atomically(self.path, encoded)
        except OSError as exc:
            problem = f"cannot save state to {self.path}: {exc.strerror or exc}"
            if problem != self.problem:
                log.error("%s; events may repeat after a restart", problem)
            self.problem = problem
            return False
        self.problem = None
        self._written = encoded
        return True

    def _set_aside(self, why: Exception) -> None:
        if self.path is None:
            return
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        try:
            self.path.replace(aside)
            log.warning(
                "state file %s was unreadable (%s); kept it as %s and started afresh",
                self.path,
                why,
                aside,
            )
        except OSError as exc:
            log.warning(
                "state file %s was unreadable (%s) and could not be moved aside (%s)",
                self.path,
                why,
                exc,
            )


def _memories(raw: Any) -> dict[str, Memory]:
    if not isinstance(raw, Mapping):
        raise ValueError("'sources' is not an object")
    memories = {}
    for key, value in raw.items():
        try:
            memories[str(key)] = from_dict(value)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            log.warning("forgot the unreadable state of %s (%s)", key, exc)
    return memories


def _outbox(raw: Any) -> dict[str, tuple[Event, ...]]:
    """The saved outbox; an unreadable event is dropped with a word in the log, never fatal."""
    if not isinstance(raw, Mapping):
        return {}
    found: dict[str, tuple[Event, ...]] = {}
    for sink, rows in raw.items():
        events = []
        for row in rows if isinstance(rows, list) else []:
            try:
                events.append(outbox.from_dict(row))
            except (ValueError, TypeError, KeyError, AttributeError) as exc:
                log.warning("dropped an unreadable queued event for %s (%s)", sink, exc)
        if events:
            found[str(sink)] = tuple(events)
    return found


def _load_time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return aware_time(value)
    except ValueError:
        return None
