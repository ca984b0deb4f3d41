"""One path to every sink: isolation, retries, and an outbox that survives a restart."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from claude_beacon.core.model import Event, EventKind, Level, Snapshot
from claude_beacon.engine.dispatch import Dispatcher
from claude_beacon.store.state import StateStore

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def event(n: int) -> Event:
    return Event(
        EventKind.INCIDENT_OPENED,
        "Claude",
        "https://status.claude.com",
        f"inc{n}",
        f"Incident {n}",
        level=Level.DEGRADED,
        at=NOW,
    )


class Collecting:
    def __init__(self, name: str) -> None:
        self.name = name
        self.got: list[str] = []
        self.arrived = threading.Condition()

    def deliver(self, snapshot: Snapshot, events: Sequence[Event]) -> None:
        with self.arrived:
            self.got.extend(e.subject_id for e in events)
            self.arrived.notify_all()

    def wait_for(self, count: int, timeout: float = 10) -> list[str]:
        with self.arrived:
            assert self.arrived.wait_for(lambda: len(self.got) >= count, timeout), self.got
            return list(self.got)


class Raising:
    name = "raising"

    def __init__(self, times: int) -> None:
        self.left = times
        self.offers = 0

    def deliver(self, snapshot: Snapshot, events: Sequence[Event]) -> None:
        if events:
            self.offers += 1
        if events and self.left > 0:
            self.left -= 1
            raise RuntimeError("receiver down")


class Hanging:
    name = "hanging"

    def __init__(self) -> None:
        self.release = threading.Event()

    def deliver(self, snapshot: Snapshot, events: Sequence[Event]) -> None:
        self.release.wait(30)


def test_a_sink_that_raises_and_one_that_hangs_never_stop_the_others(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "state.json")
    good, raising, hanging = Collecting("good"), Raising(times=1000), Hanging()
    dispatcher = Dispatcher([raising, hanging, good], store.acknowledge, first_retry=0.01)
    store.sinks = dispatcher.names
    dispatcher.start(Snapshot(NOW), {})
    started = time.monotonic()
    for n in range(1, 6):
        store.commit({}, [event(n)])
        dispatcher.publish(Snapshot(NOW), [event(n)])
    assert time.monotonic() - started < 1  # publishing never waits for a sink
    assert good.wait_for(5) == ["inc1", "inc2", "inc3", "inc4", "inc5"]
    hanging.release.set()
    dispatcher.stop(2)
    assert "good" not in store.pending()  # taken by the good sink, so gone from its outbox


def test_a_failing_sink_gets_the_events_again_until_it_takes_them(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "state.json")
    flaky = Raising(times=2)
    dispatcher = Dispatcher([flaky], store.acknowledge, first_retry=0.01)
    store.sinks = dispatcher.names
    dispatcher.start(Snapshot(NOW), {})
    store.commit({}, [event(1)])
    dispatcher.publish(Snapshot(NOW), [event(1)])
    deadline = time.monotonic() + 5
    while store.pending() and time.monotonic() < deadline:
        time.sleep(0.01)
    dispatcher.stop(1)
    assert flaky.offers == 3 and store.pending() == {}


def test_what_a_sink_did_not_take_is_told_after_a_restart_once(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    store = StateStore(path)
    store.sinks = ("later",)
    store.commit({}, [event(1), event(2)])  # seen, then the process dies before telling
    restarted = StateStore(path)
    later = Collecting("later")
    dispatcher = Dispatcher([later], restarted.acknowledge)
    restarted.sinks = dispatcher.names
    dispatcher.start(Snapshot(NOW), restarted.pending())
    assert later.wait_for(2) == ["inc1", "inc2"]
    deadline = time.monotonic() + 5
    while restarted.pending():
        assert time.monotonic() < deadline
        time.sleep(0.01)
    dispatcher.stop(1)
    again = StateStore(path)
    again.sinks = ("later",)
    assert again.pending() == {}
