"""``claude-beacon guide`` shows what the tray's guide shows, the uptime seen from here too."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from claude_beacon.core.model import Level, Reading, Snapshot, SourceSpec
from claude_beacon.store import paths
from claude_beacon.store.history import History
from tests.integration.conftest import cli, write_config
from tests.support import payloads
from tests.support.statuspage_server import StatuspageServer


def _open_guide(home: Path, config: Path) -> str:
    opened = home / "opened.txt"
    browser = home / "browser.sh"
    browser.write_text(f'#!/bin/sh\necho "$1" > "{opened}"\n')
    browser.chmod(0o755)
    os.environ["BROWSER"] = f"{browser} %s"
    try:
        result = cli("guide", "--config", str(config))
    finally:
        del os.environ["BROWSER"]
    assert result.returncode == 0, result.stderr
    return Path(opened.read_text().strip().removeprefix("file://")).read_text()


def _watched(source: SourceSpec, start: datetime, minutes: float) -> None:
    """History as a running app leaves it: a reading every 30 s for ``minutes``."""
    history = History(paths.history_file())
    steps = int(minutes * 2) + 1
    for n in range(steps):
        at = start + timedelta(seconds=30 * n)
        history.record(Snapshot(at, (Reading(source=source, at=at, level=Level.OPERATIONAL),)))
    history.close()


def _uptime_section(page: str) -> str:
    return page.split('id="uptime"')[1].split("</section>")[0]


def test_the_guide_command_shows_the_uptime_seen_from_here(
    server: StatuspageServer, isolated_home: Path
) -> None:
    server.set_summary(payloads.summary())
    config = write_config(isolated_home, server.url)
    _watched(SourceSpec("Claude", server.url), datetime.now(UTC) - timedelta(hours=2), 100)
    uptime = _uptime_section(_open_guide(isolated_home, config))
    assert "Uptime seen from this machine" in uptime
    assert "100" in uptime  # watched for well over the minimum: a figure


def test_twenty_seconds_of_watching_give_no_uptime_figure(
    server: StatuspageServer, isolated_home: Path
) -> None:
    server.set_summary(payloads.summary())
    config = write_config(isolated_home, server.url)
    _watched(SourceSpec("Claude", server.url), datetime.now(UTC) - timedelta(seconds=20), 0.3)
    assert "100" not in _uptime_section(_open_guide(isolated_home, config))
