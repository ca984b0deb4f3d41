"""Notifications: wording, one summary per burst, pause and snooze, rules, a broken service."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from claude_beacon.config.settings import NotifySettings
from claude_beacon.core.model import Event, EventKind, Level, Snapshot, SourceSpec
from claude_beacon.desktop.notifier import Notice, NotificationSink, compose
from claude_beacon.store.state import StateStore

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
CLAUDE = SourceSpec("Claude", "https://status.claude.com")


def event(kind: EventKind = EventKind.INCIDENT_OPENED, n: int = 1, **kw: object) -> Event:
    values: dict[str, object] = {
        "kind": kind,
        "source_name": "Claude",
        "source_key": CLAUDE.key,
        "subject_id": f"i{n}",
        "title": f"Elevated errors on Claude Opus {n}",
        "body": "We are investigating elevated error rates. " * 12,
        "level": Level.PARTIAL_OUTAGE,
        "status": "investigating",
        "components": ("Claude API (api.anthropic.com)",),
        "at": NOW,
    }
    values.update(kw)
    return Event(**values)  # type: ignore[arg-type]


class Recorder:
    def __init__(self, fail: Exception | None = None) -> None:
        self.calls: list[Notice] = []
        self.fail = fail

    def __call__(self, notice: Notice) -> None:
        self.calls.append(notice)
        if self.fail:
            raise self.fail


def sink(
    recorder: Recorder, tmp_path: Path, rules: NotifySettings | None = None
) -> NotificationSink:
    store = StateStore(tmp_path / "state.json")
    return NotificationSink(rules or NotifySettings(), (CLAUDE,), store, send=recorder)


def test_title_names_service_and_what_happened_body_is_trimmed() -> None:
    (notice,) = compose([event()])
    assert notice.title == "Claude: new incident"
    lines = notice.body.split("\n")
    assert lines[0] == "Elevated errors on Claude Opus 1"
    assert lines[1] == "Claude API (api.anthropic.com) · partial outage · investigating"
    assert len(lines[2]) <= 240 and lines[2].endswith("…")
    assert notice.key == f"{CLAUDE.key}|i1" and notice.level is Level.PARTIAL_OUTAGE


def test_resolution_and_maintenance_wording() -> None:
    resolved = event(EventKind.INCIDENT_RESOLVED, body="This incident has been resolved.")
    starts = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
    scheduled = event(
        EventKind.MAINTENANCE_SCHEDULED,
        n=2,
        starts=starts,
        ends=starts + timedelta(hours=2),
        body="",
        level=Level.MAINTENANCE,
    )
    first, second = compose([resolved, scheduled])
    assert first.title == "Claude: resolved"
    assert first.body.endswith("This incident has been resolved.")
    assert second.title == "Claude: maintenance scheduled"
    assert starts.astimezone().strftime("%H:%M") in second.body


def test_a_burst_of_one_round_becomes_one_summary_at_once(tmp_path: Path) -> None:
    recorder = Recorder()
    sink(recorder, tmp_path).deliver(Snapshot(NOW), [event(n=n) for n in range(5)])
    (notice,) = recorder.calls
    assert notice.title == "Claude: 5 status updates"
    assert notice.body.count("\n") == 4


def test_two_events_stay_two_notifications(tmp_path: Path) -> None:
    recorder = Recorder()
    sink(recorder, tmp_path).deliver(Snapshot(NOW), [event(n=1), event(n=2)])
    assert [n.title for n in recorder.calls] == ["Claude: new incident"] * 2


def test_a_pause_kept_by_the_store_holds_notifications_back(tmp_path: Path) -> None:
    recorder = Recorder()
    notifications = sink(recorder, tmp_path)
    notifications.store.set_pause(datetime.now(UTC) + timedelta(hours=1))
    notifications.deliver(Snapshot(NOW), [event()])
    assert recorder.calls == []
    assert StateStore(tmp_path / "state.json").pause() is not None  # survives a restart
    notifications.store.set_pause(datetime.now(UTC) - timedelta(seconds=1))  # expired
    notifications.deliver(Snapshot(NOW), [event()])
    assert len(recorder.calls) == 1


def test_a_snoozed_source_is_quiet_until_its_snooze_ends(tmp_path: Path) -> None:
    recorder = Recorder()
    notifications = sink(recorder, tmp_path)
    notifications.store.set_snooze(CLAUDE.key, datetime.now(UTC) + timedelta(hours=1))
    notifications.deliver(Snapshot(NOW), [event()])
    assert recorder.calls == []
    notifications.store.set_snooze(CLAUDE.key, None)
    notifications.deliver(Snapshot(NOW), [event()])
    assert len(recorder.calls) == 1


def test_rules_switch_kinds_off_and_limit_components() -> None:
    rules = NotifySettings(
        kinds=frozenset({EventKind.INCIDENT_OPENED}), components=("Claude Code",)
    )
    assert not rules.wants(event(EventKind.INCIDENT_UPDATED, components=("Claude Code",)))
    assert rules.wants(event(components=("Claude Code",)))
    assert not rules.wants(event(components=("claude.ai",)))
    assert rules.wants(event(components=()))  # naming no component: always shown
    assert not NotifySettings().wants(event(EventKind.COMPONENT_CHANGED))


def test_a_broken_service_hands_the_events_back_and_says_so_each_time_it_changes(
    tmp_path: Path,
) -> None:
    """Raising lets the dispatcher offer them again; the tooltip redraws on each change."""
    recorder = Recorder(fail=NotImplementedError("No usable implementation found!"))
    notifications = sink(recorder, tmp_path)
    changes: list[str | None] = []
    notifications.on_problem = lambda: changes.append(notifications.problem)
    with pytest.raises(NotImplementedError):
        notifications.deliver(Snapshot(NOW), [event()])
    with pytest.raises(NotImplementedError):
        notifications.deliver(Snapshot(NOW), [event()])
    recorder.fail = None
    notifications.deliver(Snapshot(NOW), [event()])
    assert len(recorder.calls) == 3
    assert changes == ["notifications unavailable: No usable implementation found!", None]
