"""Persisted state: each source's memory and a few user choices, one JSON file per consumer.

Writes replace the file atomically, so a crash or a kill never leaves half a file. A file that
cannot be read back is set aside (renamed, never deleted) and replaced, and the app carries on.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from claude_beacon.core.memory import Memory, from_dict, to_dict

log = logging.getLogger(__name__)
VERSION = 1


@dataclass(slots=True)
class State:
    memories: dict[str, Memory] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    """Small user choices that must survive a restart, such as a notification pause."""


class StateStore:
    """Loads and saves one ``State`` file; never raises for a bad file or a failing disk."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problem: str | None = None
        """The last save failure, for the user interface to mention."""
        self._written: bytes | None = None

    def load(self) -> State:
        self._written = None
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
            )
        except (ValueError, TypeError, AttributeError, RecursionError) as exc:
            self._set_aside(exc)
            return State()

    def save(self, state: State) -> bool:
        data = {
            "version": VERSION,
            "sources": {key: to_dict(memory) for key, memory in state.memories.items()},
            "settings": state.settings,
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


def write_atomically(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    temp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        temp.chmod(mode)
        temp.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
