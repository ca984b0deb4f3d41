"""Notifications: wording, burst coalescing, pause, rules, and a broken service."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

from claude_beacon.config import NotifySettings
from claude_beacon.core.model import Event, EventKind, Level
from claude_beacon.notifier import Notifier, Pause, compose

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def event(kind: EventKind = EventKind.INCIDENT_OPENED, n: int = 1, **kw: object) -> Event:
    values: dict[str, object] = {
        "kind": kind,
        "source_name": "Claude",
        "source_key": "https://status.claude.com",
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
        self.calls: list[tuple[str, str]] = []
        self.fail = fail
        self.done = threading.Event()

    def __call__(self, title: str, body: str) -> None:
        self.calls.append((title, body))
        self.done.set()
        if self.fail:
            raise self.fail


def run(notifier: Notifier, events: list[Event]) -> None:
    notifier.start()
    notifier.post(events)
    notifier.stop(timeout=2)


def test_title_names_service_and_what_happened_body_is_trimmed() -> None:
    ((title, body),) = compose([event()])
    assert title == "Claude: new incident"
    lines = body.split("\n")
    assert lines[0] == "Elevated errors on Claude Opus 1"
    assert lines[1] == "Claude API (api.anthropic.com) · partial outage · investigating"
    assert len(lines[2]) <= 240 and lines[2].endswith("…")


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
    (r_title, r_body), (m_title, m_body) = compose([resolved, scheduled])
    assert r_title == "Claude: resolved"
    assert r_body.endswith("This incident has been resolved.")
    assert m_title == "Claude: maintenance scheduled"
    local = starts.astimezone().strftime("%H:%M")
    assert local in m_body


def test_a_burst_becomes_one_summary() -> None:
    recorder = Recorder()
    run(Notifier(recorder, burst_window=0.5), [event(n=n) for n in range(5)])
    ((title, body),) = recorder.calls
    assert title == "Claude: 5 status updates"
    assert body.count("\n") == 4


def test_two_events_stay_two_notifications() -> None:
    recorder = Recorder()
    run(Notifier(recorder, burst_window=0.2), [event(n=1), event(n=2)])
    assert [t for t, _ in recorder.calls] == ["Claude: new incident"] * 2


def test_pause_holds_notifications_back_and_reports_changes() -> None:
    remembered: list[datetime | None] = []
    pause = Pause(changed=remembered.append)
    pause.set(datetime.now(UTC) + timedelta(hours=1))
    recorder = Recorder()
    run(Notifier(recorder, pause=pause, burst_window=0.1), [event()])
    assert recorder.calls == []
    pause.set(None)
    assert remembered[-1] is None and len(remembered) == 2


def test_an_expired_pause_lets_notifications_through() -> None:
    pause = Pause(until=datetime.now(UTC) - timedelta(seconds=1))
    recorder = Recorder()
    run(Notifier(recorder, pause=pause, burst_window=0.1), [event()])
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


def test_a_broken_notification_service_is_survived_and_reported() -> None:
    recorder = Recorder(fail=NotImplementedError("No usable implementation found!"))
    notifier = Notifier(recorder, burst_window=0.1)
    run(notifier, [event()])
    assert recorder.calls
    assert notifier.problem and "No usable implementation" in notifier.problem


def test_a_service_that_breaks_and_recovers_is_announced_each_time_it_changes() -> None:
    """The tray redraws its tooltip when notifications stop or start working, not a poll later."""
    changes: list[str | None] = []
    recorder = Recorder(fail=RuntimeError("bus gone"))
    notifier = Notifier(recorder, burst_window=0.0)
    notifier.on_problem = lambda: changes.append(notifier.problem)
    notifier.start()
    notifier.post([event(n=1)])
    notifier.post([event(n=2)])
    deadline = time.monotonic() + 5
    while len(recorder.calls) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    recorder.fail = None
    notifier.post([event(n=3)])
    notifier.stop(timeout=2)
    assert len(recorder.calls) == 3
    assert changes == ["notifications unavailable: bus gone", None]


def test_a_slow_service_never_blocks_the_caller() -> None:
    release = threading.Event()
    notifier = Notifier(lambda _t, _b: release.wait(5), burst_window=0.0)
    notifier.start()
    started = datetime.now(UTC)
    notifier.post([event(n=n) for n in range(20)])
    assert (datetime.now(UTC) - started).total_seconds() < 0.5
    release.set()
    notifier.stop(timeout=2)


def test_events_that_queue_behind_a_slow_service_stay_separate() -> None:
    """A burst is what arrives together, not what piled up while the service was slow."""
    sent: list[str] = []
    first_call = threading.Event()

    def slow(title: str, _body: str) -> None:
        if not sent:
            first_call.set()
            time.sleep(1.0)
        sent.append(title)

    notifier = Notifier(slow, burst_window=0.2)
    notifier.start()
    notifier.post([event(n=1)])
    assert first_call.wait(2)
    for n in (2, 3, 4):  # all arrive while the first is still being shown, 0.3 s apart
        notifier.post([event(n=n)])
        time.sleep(0.3)
    deadline = time.monotonic() + 5
    while len(sent) < 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    notifier.stop(timeout=2)
    assert len(sent) == 4 and not any("status updates" in t for t in sent)
