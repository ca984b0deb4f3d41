"""The local history as a sink: every round's levels and every event, in SQLite."""

from __future__ import annotations

from collections.abc import Sequence

from claude_beacon.core.model import Event, Snapshot
from claude_beacon.store.history import History


class HistorySink:
    name = "history"

    def __init__(self, history: History) -> None:
        self.history = history

    def deliver(self, snapshot: Snapshot, events: Sequence[Event]) -> None:
        if snapshot.readings or events:
            self.history.record(snapshot, events)

    def close(self) -> None:
        """At stop: the watched time since the history's last write is written now."""
        self.history.close()
