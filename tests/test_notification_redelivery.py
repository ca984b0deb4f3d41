"""An event offered again after a crash (its acceptance never saved) pops no second bubble.

The restart is a new store read from the same state file and a new sink, as a new process has.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from claude_beacon.config.settings import NotifySettings
from claude_beacon.core.model import EventKind, Snapshot
from claude_beacon.desktop.notifier import NotificationSink
from claude_beacon.store.state import StateStore
from tests.test_notifier import CLAUDE, NOW, Recorder, event


def restarted(path: Path, recorder: Recorder) -> NotificationSink:
    return NotificationSink(NotifySettings(), (CLAUDE,), StateStore(path), send=recorder)


def test_a_redelivered_event_after_a_crash_is_not_shown_twice(tmp_path: Path) -> None:
    path = tmp_path / "tray.json"
    opened = event()
    first = Recorder()
    restarted(path, first).deliver(Snapshot(NOW), [opened])  # killed before the acceptance
    assert len(first.calls) == 1
    again = Recorder()
    update = event(EventKind.INCIDENT_UPDATED)
    restarted(path, again).deliver(Snapshot(NOW), [opened, update])
    assert [n.title for n in again.calls] == ["Claude: incident update"]


def test_a_burst_shown_before_a_crash_is_not_summarised_again(tmp_path: Path) -> None:
    path = tmp_path / "tray.json"
    burst = [event(n=n) for n in range(1, 4)]
    first = Recorder()
    restarted(path, first).deliver(Snapshot(NOW), burst)
    assert len(first.calls) == 1 and "3 status updates" in first.calls[0].title
    again = Recorder()
    restarted(path, again).deliver(Snapshot(NOW), burst)
    assert again.calls == []


def test_a_notification_that_failed_is_shown_on_the_next_offer(tmp_path: Path) -> None:
    path = tmp_path / "tray.json"
    opened = event()
    failing = Recorder(fail=RuntimeError("no notification service"))
    with pytest.raises(RuntimeError):
        restarted(path, failing).deliver(Snapshot(NOW), [opened])
    later = Recorder()
    restarted(path, later).deliver(Snapshot(NOW), [opened])
    assert len(later.calls) == 1
