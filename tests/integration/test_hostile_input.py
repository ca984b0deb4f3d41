"""Hostile values from a status page or a history file: the real commands keep going.

Each value once ended the poller thread of ``watch`` and the tray, or made ``status`` exit 1
with a traceback. Now the parse boundary cleans text and drops dates it cannot place, a field
that still fails costs that field, and every loop survives what escapes anyway.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.integration.conftest import Watch, cli, write_config
from tests.support import payloads
from tests.support.statuspage_server import SUMMARY, StatuspageServer, json_reply


def _surrogate() -> bytes:
    page = payloads.summary(incidents=[payloads.incident("bad1", "SURROGATE")])
    return json.dumps(page).replace("SURROGATE", "broken \\ud800 name").encode()


def _far_future() -> dict[str, Any]:
    item = payloads.maintenance("bad1", "Far away maintenance")
    item.update(scheduled_for="9999-12-31T23:59Z", scheduled_until="9999-12-31T23:59Z")
    return payloads.summary(maintenances=[item])


def _huge_number() -> bytes:
    page = payloads.summary(incidents=[payloads.incident("bad1", "Huge number")])
    page["components"][0]["position"] = "HUGE"
    return json.dumps(page).replace('"HUGE"', "9" * 5000).encode()


def _year_one() -> dict[str, Any]:
    item = payloads.incident("bad1", "From year one")
    far = "0001-01-01T00:00:00+23:59"
    item.update(started_at=far, created_at=far, updated_at=far)
    for update in item["incident_updates"]:
        update.update(created_at=far, display_at=far, updated_at=far)
    return payloads.summary(incidents=[item])


HOSTILE = {
    "a lone surrogate in a name": _surrogate,
    "a maintenance in year 9999 east of UTC": _far_future,
    "a 5000-digit number": _huge_number,
    "a year-1 date with a +23:59 offset": _year_one,
}
RECORD = """
import sys
with open(sys.argv[1], "a") as out:
    out.write(sys.stdin.read().replace("\\n", " ") + "\\n")
"""


def _serve(server: StatuspageServer, page: bytes | dict[str, Any]) -> None:
    server.set(SUMMARY, json_reply(page))


@pytest.mark.parametrize("hostile", list(HOSTILE), ids=list(HOSTILE))
def test_status_reads_a_page_with_a_hostile_value_without_a_traceback(
    server: StatuspageServer,
    isolated_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    hostile: str,
) -> None:
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    _serve(server, HOSTILE[hostile]())
    config = write_config(isolated_home, server.url)
    result = cli("status", "--config", str(config))
    assert "Traceback" not in result.stderr
    assert result.stdout.startswith("Claude: "), result.stderr
    assert "claude.ai" in result.stdout
    as_json = cli("status", "--json", "--config", str(config))
    assert json.loads(as_json.stdout)["sources"][0]["error"] is None
    assert as_json.returncode == result.returncode


@pytest.mark.parametrize("hostile", list(HOSTILE), ids=list(HOSTILE))
def test_watch_reports_a_normal_incident_posted_after_a_hostile_one_on_stdout_and_at_a_hook(
    server: StatuspageServer,
    isolated_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    hostile: str,
) -> None:
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    script, hooked = isolated_home / "record.py", isolated_home / "hooked.jsonl"
    script.write_text(RECORD)
    hook = json.dumps([[sys.executable, str(script), str(hooked)]])
    config = write_config(isolated_home, server.url, f"[hooks]\non_event = {hook}\n")
    server.set_summary(payloads.summary())
    watch = Watch(config)
    try:
        server.wait_for_requests(SUMMARY, 2)
        _serve(server, HOSTILE[hostile]())
        seen = len(server.requests_to(SUMMARY))
        server.wait_for_requests(SUMMARY, seen + 3)  # a few rounds of the hostile page
        normal = payloads.incident("ok1", "Elevated errors after the odd one")
        server.set_summary(payloads.summary(incidents=[normal]))
        events = watch.quiet_for(0)
        deadline = time.monotonic() + 15
        while not any(e["id"] == "ok1" for e in events) and time.monotonic() < deadline:
            events += watch.events(1, timeout=max(0.1, deadline - time.monotonic()))
        deadline = time.monotonic() + 10
        while "ok1" not in _text(hooked) and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        code, stderr = watch.stop()
    assert code == 0
    assert "the poller stopped" not in stderr and "Traceback" not in stderr
    assert any(e["id"] == "ok1" for e in events)
    assert '"id": "ok1"' in _text(hooked)


def test_history_and_the_trays_uptime_read_a_database_with_an_unknown_level(
    isolated_home: Path,
) -> None:
    from claude_beacon.config import settings as config_module
    from claude_beacon.core.model import Snapshot
    from claude_beacon.desktop.app import App
    from claude_beacon.store import paths
    from claude_beacon.store.history import History

    config = write_config(isolated_home, "http://127.0.0.1:9")
    now = datetime.now(UTC)
    History(paths.history_file()).record(Snapshot(now - timedelta(minutes=3)))  # a valid file
    with sqlite3.connect(paths.history_file()) as db:
        at = (now - timedelta(minutes=2)).timestamp()
        db.execute("INSERT INTO levels VALUES ('Claude', '', ?, 99)", (at,))
        db.execute("INSERT INTO levels VALUES ('Claude', 'API', ?, 'x')", (at,))
        db.execute("INSERT INTO levels VALUES ('Claude', 'API', 1e300, 1)")
        db.execute("INSERT INTO spans VALUES (?, ?)", (at - 60, at + 60))
        db.execute(
            "INSERT INTO events VALUES (?, 'incident_opened', 'Claude', 's', ?, ?, 'i', ' ')",
            (at, "Name\x1b]0;title\x07", b"\x00blob"),
        )
    result = cli("history", "--config", str(config))
    assert result.returncode == 0, result.stderr
    assert "Claude is in an unknown state" in result.stdout  # level 99 reads as unknown
    assert "incident opened — Name]0;title" in result.stdout  # the escape sequence is gone
    assert "\x1b" not in result.stdout
    as_json = cli("history", "--json", "--config", str(config))
    assert as_json.returncode == 0, as_json.stderr

    app = App(config_module.load(config), config)
    try:
        view = app.view(Snapshot(now))
        (uptime,) = [e for e in view.menu if e.text.startswith("Uptime from here")]
        assert uptime.children
    finally:
        app.quit()


def _text(path: Path) -> str:
    return path.read_text() if path.exists() else ""
