"""Diffing readings into events: lifecycles, exactly-once, restarts and failures."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from claude_beacon.core.events import CONFIRMATION_PATIENCE, diff, needs_confirmation
from claude_beacon.core.memory import Memory, from_dict, to_dict
from claude_beacon.core.model import (
    Component,
    EventKind,
    Failure,
    FailureKind,
    Item,
    ItemKind,
    Level,
    Reading,
    SourceSpec,
    Update,
    failed_reading,
)

T0 = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
SOURCE = SourceSpec(name="Claude", url="https://status.claude.com")


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def incident(item_id: str, updates: Sequence[tuple[str, str]], *, impact: str = "major") -> Item:
    """An incident whose updates are given oldest first as ``(update id, status)``."""
    ups = tuple(
        Update(id=uid, status=status, body=f"{status} text {uid}", at=at(n))
        for n, (uid, status) in reversed(list(enumerate(updates)))
    )
    levels = {"minor": Level.DEGRADED, "major": Level.PARTIAL_OUTAGE}
    return Item(
        id=item_id,
        kind=ItemKind.INCIDENT,
        name=f"Elevated errors ({item_id})",
        status=ups[0].status,
        impact=impact,
        level=levels[impact],
        url=f"https://stspg.io/{item_id}",
        updates=ups,
        component_names=("Claude API",),
    )


def maintenance(item_id: str, status: str) -> Item:
    return Item(
        id=item_id,
        kind=ItemKind.MAINTENANCE,
        name=f"Database upgrade ({item_id})",
        status=status,
        impact="maintenance",
        level=Level.MAINTENANCE,
        url=None,
        scheduled_for=at(60),
        scheduled_until=at(120),
    )


def reading(*items: Item, when: float = 0, components: dict[str, Level] | None = None) -> Reading:
    parts = components or {"api": Level.OPERATIONAL}
    return Reading(
        source=SOURCE,
        at=at(when),
        level=Level.OPERATIONAL,
        components=tuple(Component(cid, cid.upper(), lvl, lvl.key) for cid, lvl in parts.items()),
        incidents=tuple(i for i in items if i.kind is ItemKind.INCIDENT),
        maintenances=tuple(i for i in items if i.kind is ItemKind.MAINTENANCE),
    )


def failure(when: float = 0) -> Reading:
    return failed_reading(SOURCE, at(when), Failure(FailureKind.CONNECT, "connection refused"))


class Replay:
    """Feeds readings through ``diff`` the way the poller does, keeping the memory."""

    def __init__(self, memory: Memory | None = None) -> None:
        self.memory = memory or Memory()
        self.kinds: list[EventKind] = []

    def feed(
        self, r: Reading, history: dict[str, Item] | None = None, minutes: float | None = None
    ) -> list[EventKind]:
        now = at(minutes) if minutes is not None else r.at
        result = diff(self.memory, r, now, history)
        self.memory = result.memory
        kinds = [e.kind for e in result.events]
        self.kinds.extend(kinds)
        return kinds


def test_incident_lifecycle_yields_each_event_once() -> None:
    replay = Replay()
    assert replay.feed(reading()) == []
    opened = replay.feed(reading(incident("i1", [("u1", "investigating")]), when=1))
    assert opened == [EventKind.INCIDENT_OPENED]
    assert replay.feed(reading(incident("i1", [("u1", "investigating")]), when=2)) == []
    two = incident("i1", [("u1", "investigating"), ("u2", "identified")])
    assert replay.feed(reading(two, when=3)) == [EventKind.INCIDENT_UPDATED]
    assert replay.feed(reading(two, when=4)) == []
    # It leaves the summary; the history confirms the resolution.
    final = incident("i1", [("u1", "investigating"), ("u2", "identified"), ("u3", "resolved")])
    gone = reading(when=5)
    assert needs_confirmation(replay.memory, gone) == {ItemKind.INCIDENT}
    assert replay.feed(gone, history={"i1": final}) == [EventKind.INCIDENT_RESOLVED]
    assert replay.feed(reading(when=6)) == []
    assert replay.kinds == [
        EventKind.INCIDENT_OPENED,
        EventKind.INCIDENT_UPDATED,
        EventKind.INCIDENT_RESOLVED,
    ]


def test_resolved_event_carries_the_final_update_text() -> None:
    replay = Replay()
    replay.feed(reading(incident("i1", [("u1", "investigating")])))
    final = incident("i1", [("u1", "investigating"), ("u9", "resolved")])
    result = diff(replay.memory, reading(when=1), at(1), {"i1": final})
    (event,) = result.events
    assert event.body == "resolved text u9"
    assert (event.level, event.status, event.title) == (Level.OPERATIONAL, "resolved", final.name)


def test_several_new_updates_in_one_poll_make_one_event_with_the_newest() -> None:
    replay = Replay()
    replay.feed(reading(incident("i1", [("u1", "investigating")])))
    three = incident("i1", [("u1", "investigating"), ("u2", "identified"), ("u3", "monitoring")])
    result = diff(replay.memory, reading(three, when=1), at(1))
    assert [e.kind for e in result.events] == [EventKind.INCIDENT_UPDATED]
    assert result.events[0].body == "monitoring text u3"
    assert result.events[0].status == "monitoring"


def test_first_run_reports_what_is_already_open_once() -> None:
    current = reading(
        incident("i1", [("u1", "investigating"), ("u2", "identified")]),
        maintenance("m1", "in_progress"),
        maintenance("m2", "scheduled"),
    )
    replay = Replay()
    assert replay.feed(current) == [
        EventKind.INCIDENT_OPENED,
        EventKind.MAINTENANCE_STARTED,
        EventKind.MAINTENANCE_SCHEDULED,
    ]
    assert replay.feed(current) == []


def test_restart_with_saved_memory_repeats_nothing() -> None:
    current = reading(incident("i1", [("u1", "investigating")]), maintenance("m1", "scheduled"))
    first = Replay()
    first.feed(current)
    saved = to_dict(first.memory)
    restarted = Replay(from_dict(saved))
    assert restarted.feed(current) == []
    newer = incident("i1", [("u1", "investigating"), ("u2", "identified")])
    assert restarted.feed(reading(newer, maintenance("m1", "scheduled"))) == [
        EventKind.INCIDENT_UPDATED
    ]


def test_maintenance_lifecycle() -> None:
    replay = Replay()
    replay.feed(reading())
    assert replay.feed(reading(maintenance("m1", "scheduled"))) == [EventKind.MAINTENANCE_SCHEDULED]
    assert replay.feed(reading(maintenance("m1", "in_progress"))) == [EventKind.MAINTENANCE_STARTED]
    assert replay.feed(reading(maintenance("m1", "verifying"))) == []
    gone = reading(when=3)
    # A maintenance that left while in progress has completed: no confirmation needed.
    assert needs_confirmation(replay.memory, gone) == frozenset()
    assert replay.feed(gone) == [EventKind.MAINTENANCE_COMPLETED]
    assert replay.feed(reading(when=4)) == []


def test_scheduled_maintenance_that_vanishes_is_completed_or_cancelled_by_history() -> None:
    replay = Replay()
    replay.feed(reading(maintenance("m1", "scheduled"), maintenance("m2", "scheduled")))
    history = {"m1": maintenance("m1", "completed")}  # m2 is gone from the history: cancelled
    assert replay.feed(reading(when=1), history=history) == [EventKind.MAINTENANCE_COMPLETED]
    assert replay.memory.tracked == {}


def test_failed_reading_never_resolves_anything() -> None:
    replay = Replay()
    replay.feed(reading(incident("i1", [("u1", "investigating")])))
    assert replay.feed(failure(1)) == []
    assert replay.feed(failure(2)) == []
    assert "i1" in replay.memory.tracked
    assert replay.feed(reading(incident("i1", [("u1", "investigating")]), when=3)) == []


def test_source_down_after_three_failures_then_recovered_once() -> None:
    replay = Replay()
    replay.feed(reading())
    kinds = [replay.feed(failure(n)) for n in range(1, 6)]
    assert kinds == [[], [], [EventKind.SOURCE_DOWN], [], []]
    assert replay.feed(reading(when=7)) == [EventKind.SOURCE_RECOVERED]
    assert replay.feed(reading(when=8)) == []


def test_a_brief_failure_does_not_announce_anything() -> None:
    replay = Replay()
    replay.feed(reading())
    replay.feed(failure(1))
    assert replay.feed(reading(when=2)) == []


def test_component_changes_after_the_first_reading() -> None:
    replay = Replay()
    assert replay.feed(reading(components={"api": Level.DEGRADED})) == []
    result = diff(replay.memory, reading(components={"api": Level.MAJOR_OUTAGE}), at(1))
    (event,) = result.events
    assert event.kind is EventKind.COMPONENT_CHANGED
    assert event.title == "API has a major outage"
    assert event.body == "It was degraded before."


def test_vanished_incident_waits_for_history_then_gives_up_politely() -> None:
    replay = Replay()
    replay.feed(reading(incident("i1", [("u1", "investigating")])))
    # The history could not be read: keep waiting, announce nothing yet.
    assert replay.feed(reading(when=1), history=None) == []
    assert replay.memory.tracked["i1"].vanished_at == at(1)
    patience = CONFIRMATION_PATIENCE.total_seconds() / 60
    assert replay.feed(reading(when=2 + patience), history=None) == [EventKind.INCIDENT_RESOLVED]


def test_history_saying_still_open_defers_the_resolution() -> None:
    replay = Replay()
    open_one = incident("i1", [("u1", "investigating")])
    replay.feed(reading(open_one))
    assert replay.feed(reading(when=1), history={"i1": open_one}) == []
    # The summary was only stale: the incident is back, and nothing is repeated.
    assert replay.feed(reading(open_one, when=2)) == []
    assert replay.memory.tracked["i1"].vanished_at is None


def test_incident_missing_from_history_counts_as_resolved() -> None:
    replay = Replay()
    replay.feed(reading(incident("i1", [("u1", "investigating")])))
    result = diff(replay.memory, reading(when=1), at(1), history={})
    assert [e.kind for e in result.events] == [EventKind.INCIDENT_RESOLVED]
    assert "No longer listed" in result.events[0].body


def test_changing_the_component_filter_drops_items_quietly() -> None:
    replay = Replay()
    replay.feed(reading(incident("i1", [("u1", "investigating")])))
    narrowed = SourceSpec(name="Claude", url=SOURCE.url, components=("Claude Code",))
    quiet = Reading(source=narrowed, at=at(1), level=Level.OPERATIONAL)
    result = diff(replay.memory, quiet, at(1))
    assert result.events == ()
    assert result.memory.tracked == {}


def test_old_keys_are_pruned_but_open_items_keep_theirs() -> None:
    replay = Replay()
    replay.feed(reading(incident("old", [("u1", "investigating")]), when=0))
    replay.feed(reading(when=1), history={})
    replay.feed(reading(incident("long", [("u2", "investigating")]), when=2))
    later = 60 * 24 * 50  # fifty days on
    replay.feed(reading(incident("long", [("u2", "investigating")]), when=later))
    keys = set(replay.memory.seen)
    assert not any(":old" in k for k in keys)
    assert {"o:long", "u:long:u2"} <= keys


def test_memory_round_trips_through_json_form() -> None:
    replay = Replay()
    replay.feed(reading(incident("i1", [("u1", "investigating")]), maintenance("m1", "scheduled")))
    replay.feed(failure(1))
    assert from_dict(to_dict(replay.memory)) == replay.memory
