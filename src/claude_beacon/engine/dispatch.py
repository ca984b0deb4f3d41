"""One path for every event to every sink: history, hooks, webhooks, notifications, terminal.

Each sink runs on a thread of its own, so one that raises or hangs never holds up the others
or the poller. An event leaves a sink's outbox (in the state file) only once that sink has
accepted it; one that fails is offered again with backoff, and after a restart.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Protocol

from claude_beacon.core import outbox
from claude_beacon.core.model import Event, Snapshot

log = logging.getLogger(__name__)
ATTEMPTS = 6
"""Offers of one batch to a failing sink before it is given up (logged, never silently)."""
FIRST_RETRY = 2.0
RETRY_CAP = 300.0


class Sink(Protocol):
    """Where events go. ``name`` is stable across restarts: it keys the sink's outbox."""

    @property
    def name(self) -> str: ...

    def deliver(self, snapshot: Snapshot, events: Sequence[Event]) -> None:
        """Take one round (often with no events); raise to have the events offered again."""
        ...


Accepted = Callable[[str, Sequence[Event]], None]


class SinkWorker:
    """Feeds one sink on its own thread; rounds that pile up while it is busy are merged."""

    def __init__(self, sink: Sink, accepted: Accepted, first_retry: float = FIRST_RETRY) -> None:
        self.sink = sink
        self.first_retry = first_retry
        self.failures = 0
        """Rounds this sink raised on, since the start: for ``doctor`` and the tests."""
        self._accepted = accepted
        self._changed = threading.Condition()
        self._snapshot: Snapshot | None = None
        self._events: list[Event] = []
        self._stopping = False
        self._asked = 0.0
        self._thread = threading.Thread(
            target=self._work, name=f"beacon-sink-{sink.name}", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def post(self, snapshot: Snapshot, events: Sequence[Event]) -> None:
        with self._changed:
            self._snapshot = snapshot
            known = {e.id for e in self._events}
            self._events.extend(e for e in events if e.id not in known)
            del self._events[: -outbox.LIMIT]
            self._changed.notify()

    def stop(self, timeout: float) -> None:
        with self._changed:
            self._stopping = True
            self._changed.notify()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout)
        close = getattr(self.sink, "close", None)  # sinks holding a connection let it go
        if callable(close):
            try:
                close()
            except Exception:  # closing is best effort; the process is ending or moving on
                log.debug("%s did not close cleanly", self.sink.name, exc_info=True)

    def _work(self) -> None:
        attempt = 0
        while True:
            with self._changed:
                while self._snapshot is None and not self._stopping:
                    self._changed.wait()
                if self._stopping:
                    return
                snapshot, events = self._snapshot, tuple(self._events)
                self._snapshot, self._events = None, []
            assert snapshot is not None
            if self._offer(snapshot, events):
                attempt = 0
                continue
            attempt += 1
            if not events or attempt >= ATTEMPTS:
                if events:
                    log.error(
                        "%s: gave up %d event(s) after %d attempts",
                        self.sink.name,
                        len(events),
                        attempt,
                    )
                    self._accepted(self.sink.name, events)
                attempt = 0
                continue
            self._requeue(snapshot, events)
            with self._changed:
                delay = min(RETRY_CAP, max(self.first_retry * 2 ** (attempt - 1), self._asked))
                deadline = time.monotonic() + delay
                while not self._stopping and (left := deadline - time.monotonic()) > 0:
                    self._changed.wait(left)

    def _offer(self, snapshot: Snapshot, events: tuple[Event, ...]) -> bool:
        try:
            self.sink.deliver(snapshot, events)
        except Exception as exc:  # a sink's failure costs that sink a retry, nothing else
            self.failures += 1
            asked = getattr(exc, "delay", None)  # a receiver's Retry-After, where it gave one
            self._asked = float(asked) if isinstance(asked, int | float) else 0.0
            log.warning("%s could not take %d event(s): %s", self.sink.name, len(events), exc)
            log.debug("%s failed", self.sink.name, exc_info=True)
            return False
        if events:
            self._accepted(self.sink.name, events)
        return True

    def _requeue(self, snapshot: Snapshot, events: tuple[Event, ...]) -> None:
        with self._changed:
            newer = self._events
            self._events = [*events, *(e for e in newer if e not in events)]
            if self._snapshot is None:
                self._snapshot = snapshot


class Dispatcher:
    """Hands every round to every sink; what each still owes survives in the state store."""

    def __init__(
        self, sinks: Sequence[Sink], accepted: Accepted, first_retry: float = FIRST_RETRY
    ) -> None:
        names = [s.name for s in sinks]
        if len(set(names)) != len(names):
            raise ValueError(f"two sinks share a name: {names}")
        self.workers = [SinkWorker(sink, accepted, first_retry) for sink in sinks]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(w.sink.name for w in self.workers)

    def start(self, snapshot: Snapshot, owed: dict[str, tuple[Event, ...]]) -> None:
        """Start every sink, first with what it was owed when the last run ended."""
        for worker in self.workers:
            worker.start()
            if events := owed.get(worker.sink.name):
                worker.post(snapshot, events)

    def publish(self, snapshot: Snapshot, events: Sequence[Event]) -> None:
        for worker in self.workers:
            worker.post(snapshot, events)

    def stop(self, budget: float) -> None:
        """Stop every sink within one budget in all; a stuck one is abandoned (a daemon)."""
        deadline = time.monotonic() + budget
        for worker in self.workers:
            worker.stop(max(0.0, deadline - time.monotonic()))
