"""The tray's tooltip and menu for real snapshots, without any GUI toolkit."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from claude_beacon.core.model import Failure, FailureKind, Snapshot, SourceSpec, failed_reading
from claude_beacon.core.statuspage import parse_summary
from claude_beacon.desktop.trayview import TOOLTIP_LIMIT, tooltip, view
from tests.conftest import fixture_bytes, fixture_json

NOW = datetime(2026, 10, 7, 15, 0, tzinfo=UTC)
CLAUDE = SourceSpec(name="Claude", url="https://status.claude.com")


def snapshot(name: str = "anthropic-summary-1.json", source: SourceSpec = CLAUDE) -> Snapshot:
    return Snapshot(at=NOW, readings=(parse_summary(fixture_bytes(name), source, NOW),))


def test_tooltip_names_level_affected_component_and_start_time() -> None:
    text = tooltip(snapshot(), now=NOW)
    started = fixture_json("anthropic-summary-1.json")["incidents"][0]["started_at"]
    local = datetime.fromisoformat(started).astimezone().strftime("%H:%M")
    assert text == f"Claude: degraded — Claude Console (platform.claude.com) (since {local})"


def test_tooltip_when_all_is_well_and_when_unreadable() -> None:
    data = fixture_json("github-summary-1.json")
    github = SourceSpec(name="GitHub", url="https://www.githubstatus.com")
    ok = Snapshot(at=NOW, readings=(parse_summary(json.dumps(data).encode(), github, NOW),))
    assert tooltip(ok) == "GitHub: all systems operational"
    failure = Failure(FailureKind.TIMEOUT, "no answer from status.claude.com in time")
    down = Snapshot(at=NOW, readings=(failed_reading(CLAUDE, NOW, failure),))
    assert tooltip(down) == "Claude: unknown — no answer from status.claude.com in time"


def test_tooltip_fits_windows_limit_with_notes() -> None:
    text = tooltip(snapshot(), notes=("notifications paused", "x" * 200), now=NOW)
    assert len(text) <= TOOLTIP_LIMIT


def test_menu_lists_guide_first_components_incident_and_commands() -> None:
    menu = view(snapshot(), autostart=False, now=NOW).menu
    texts = [e.text for e in menu]
    assert menu[0].text == "Open troubleshooting guide" and menu[0].default
    assert "▲ Overall: degraded" in texts
    assert "▲ Claude Console (platform.claude.com): degraded" in texts
    assert "● Claude Code: operational" in texts
    incident = next(e for e in menu if e.text.startswith("Incident:"))
    assert incident.action == "open_url" and incident.url == "https://stspg.io/sjkw7njwf0mt"
    for command in ("Check now", "Open status page", "Open settings", "Quit"):
        assert command in texts
    autostart = next(e for e in menu if e.text == "Start at login")
    assert autostart.checked is False
    pause = next(e for e in menu if e.text == "Pause notifications")
    assert [c.action for c in pause.children] == ["pause_hour", "pause_tomorrow"]


def test_menu_shows_maintenance_window_in_local_time_and_pause_state() -> None:
    cloudflare = SourceSpec(name="Cloudflare", url="https://www.cloudflarestatus.com")
    paused = NOW + timedelta(hours=1)
    menu = view(snapshot("cloudflare-summary-1.json", cloudflare), paused_until=paused).menu
    windows = [e.text for e in menu if e.text.startswith("Maintenance")]
    assert len(windows) == 3 and all("–" in w for w in windows)
    pause = next(e for e in menu if e.text.startswith("Notifications paused until"))
    assert [c.action for c in pause.children] == ["resume"]
    assert not any(e.text == "Start at login" for e in menu)  # unsupported: not offered


def test_several_sources_are_named() -> None:
    both = Snapshot(
        at=NOW,
        readings=(
            *snapshot().readings,
            *snapshot(
                "github-summary-1.json",
                SourceSpec(name="GitHub", url="https://www.githubstatus.com"),
            ).readings,
        ),
    )
    texts = [e.text for e in view(both).menu]
    assert "Claude: degraded" in texts and "GitHub: operational" in texts
    assert tooltip(both, now=NOW).endswith("GitHub: all systems operational")


def test_many_sources_get_a_submenu_each() -> None:
    readings = tuple(
        parse_summary(
            fixture_bytes("github-summary-1.json"),
            SourceSpec(name=f"Page {n}", url=f"https://status{n}.example.com"),
            NOW,
        )
        for n in range(100)
    )
    menu = view(Snapshot(at=NOW, readings=readings)).menu
    sources = [e for e in menu if e.text.startswith("Page ")]
    assert len(sources) == 100 and len(menu) < 120
    assert all(e.children and not e.children[0].text.startswith(" ") for e in sources)
