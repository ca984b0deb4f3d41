"""Per-source alert levels (all / outages / muted) and per-source snoozes, beside the pause."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from claude_beacon.config import settings as config_module
from claude_beacon.core import events
from claude_beacon.core.alerts import notifies
from claude_beacon.core.memory import Memory
from claude_beacon.core.model import Event, EventKind, Level, Reading, Snapshot
from claude_beacon.desktop.app import App
from claude_beacon.desktop.trayview import Action, Entry, menu
from tests.test_notifier import Recorder, event

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("kind", "level", "peak", "all_", "outages"),
    [
        (EventKind.INCIDENT_OPENED, Level.DEGRADED, Level.UNKNOWN, True, False),
        (EventKind.INCIDENT_OPENED, Level.PARTIAL_OUTAGE, Level.UNKNOWN, True, True),
        (EventKind.INCIDENT_UPDATED, Level.MAJOR_OUTAGE, Level.UNKNOWN, True, True),
        (EventKind.INCIDENT_RESOLVED, Level.OPERATIONAL, Level.MAJOR_OUTAGE, True, True),
        (EventKind.INCIDENT_RESOLVED, Level.OPERATIONAL, Level.DEGRADED, True, False),
        (EventKind.MAINTENANCE_STARTED, Level.MAINTENANCE, Level.UNKNOWN, True, False),
        (EventKind.COMPONENT_CHANGED, Level.MAJOR_OUTAGE, Level.UNKNOWN, True, False),
        (EventKind.SOURCE_DOWN, Level.UNKNOWN, Level.UNKNOWN, True, True),
        (EventKind.SOURCE_RECOVERED, Level.OPERATIONAL, Level.UNKNOWN, True, True),
    ],
)
def test_alert_levels(
    kind: EventKind, level: Level, peak: Level, all_: bool, outages: bool
) -> None:
    told = event(kind, level=level, peak=peak)
    assert notifies(told, "all") is all_
    assert notifies(told, "outages") is outages
    assert notifies(told, "muted") is False


def test_a_resolution_carries_how_bad_the_incident_was() -> None:
    source = config_module.CLAUDE
    incident = events.Item(
        id="i1",
        kind=events.ItemKind.INCIDENT,
        name="Outage",
        status="investigating",
        impact="critical",
        level=Level.MAJOR_OUTAGE,
        url=None,
    )
    open_ = Reading(source=source, at=NOW, level=Level.MAJOR_OUTAGE, incidents=(incident,))
    opened = events.diff(Memory(), open_, NOW, {})
    calm = Reading(source=source, at=NOW, level=Level.OPERATIONAL)
    (resolved,) = events.diff(opened.memory, calm, NOW, {}).events
    assert resolved.kind is EventKind.INCIDENT_RESOLVED
    assert (resolved.level, resolved.peak) == (Level.OPERATIONAL, Level.MAJOR_OUTAGE)
    assert notifies(resolved, "outages")


def two_sources(home: Path) -> Path:
    path = home / "beacon.toml"
    path.write_text(
        "[diagnostics]\nenabled = false\n"
        '[[sources]]\nname = "Claude"\nurl = "http://127.0.0.1:9/claude"\n'
        '[[sources]]\nname = "Fallback"\nurl = "http://127.0.0.1:9/fallback"\nalerts = "outages"\n'
    )
    return path


def listening(app: App) -> Recorder:
    """The app's notifications, with a recorder in place of the desktop service."""
    recorder = Recorder()
    app.notifications.send = recorder
    return recorder


def posted(app: App, recorder: Recorder, *told: Event) -> list[str]:
    """Titles of what reached the desktop from ``told``."""
    before = len(recorder.calls)
    app.notifications.deliver(Snapshot(NOW), told)
    return [notice.title for notice in recorder.calls[before:]]


def test_the_app_applies_alert_levels_and_snoozes_and_remembers_them(isolated_home: Path) -> None:
    path = two_sources(isolated_home)
    config = config_module.load(path)
    claude, fallback = config.sources
    app = App(config, path)
    heard = listening(app)
    minor = event(level=Level.DEGRADED, source_name="Fallback", source_key=fallback.key)
    major = event(n=2, level=Level.MAJOR_OUTAGE, source_name="Fallback", source_key=fallback.key)
    assert posted(app, heard, minor) == []  # "outages" only: a degraded incident stays quiet
    assert len(posted(app, heard, major)) == 1

    app.act(Entry("For 1 hour", Action.SNOOZE_HOUR, arg=claude.key))
    assert set(app.engine.store.snoozes()) == {claude.key}
    claude_event = event(n=3, source_key=claude.key)
    assert posted(app, heard, claude_event) == []

    again = App(config_module.load(path), path)  # a restart keeps the snooze
    until = again.engine.store.snoozes()[claude.key]
    assert timedelta(minutes=59) < until - datetime.now(UTC) <= timedelta(hours=1)
    again.act(Entry("Resume", Action.UNSNOOZE, arg=claude.key))
    assert again.engine.store.snoozes() == {}
    assert len(posted(again, listening(again), claude_event)) == 1


def test_the_menu_offers_a_snooze_per_source_and_shows_muted_ones() -> None:
    claude = config_module.CLAUDE
    other = config_module.CLAUDE.__class__("Other", "https://status.other.com", alerts="muted")
    third = config_module.CLAUDE.__class__("Third", "https://status.third.com")
    readings = tuple(
        Reading(source=s, at=NOW, level=Level.OPERATIONAL) for s in (claude, other, third)
    )
    snoozed = {third.key: NOW + timedelta(hours=1)}
    entries = menu(Snapshot(NOW, readings), paused_until=None, autostart=None, snoozed=snoozed)
    (snooze,) = [e for e in entries if e.text == "Snooze a status page"]
    by_name = {e.text.split(":")[0]: e for e in snooze.children}
    assert [c.action for c in by_name["Claude"].children] == ["snooze_hour", "snooze_tomorrow"]
    assert {c.arg for c in by_name["Claude"].children} == {claude.key}
    assert by_name["Other"].text == "Other: muted in settings" and not by_name["Other"].children
    assert by_name["Third"].text.startswith("Third: snoozed until ")
    assert [(c.action, c.arg) for c in by_name["Third"].children] == [("unsnooze", third.key)]

    alternative = config_module.CLAUDE.__class__("OpenAI", "https://o.example", alternative=True)
    pair = (readings[0], Reading(source=alternative, at=NOW, level=Level.MAJOR_OUTAGE))
    labels = [e.text for e in menu(Snapshot(NOW, pair), paused_until=None, autostart=None)]
    assert "OpenAI (alternative): major outage" in labels
    assert any(x.endswith("Overall: operational") for x in labels)  # it does not count

    single = menu(Snapshot(NOW, readings[:1]), paused_until=None, autostart=None)
    assert all(e.text != "Snooze a status page" for e in single)  # the pause is enough


def test_config_refuses_an_unknown_alert_level(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[[sources]]\nurl = "https://status.claude.com"\nalerts = "loud"\n')
    with pytest.raises(config_module.ConfigError, match=r"alerts: expected one of all, outages"):
        config_module.load(path)


def test_an_alternatives_outage_does_not_colour_the_overall_level() -> None:
    claude = Reading(source=config_module.CLAUDE, at=NOW, level=Level.OPERATIONAL)
    spec = config_module.CLAUDE.__class__("OpenAI", "https://status.openai.com", alternative=True)
    down = Reading(source=spec, at=NOW, level=Level.MAJOR_OUTAGE)
    assert Snapshot(NOW, (claude, down)).level is Level.OPERATIONAL
    assert Snapshot(NOW, (down,)).level is Level.MAJOR_OUTAGE  # alone, it is what is watched
