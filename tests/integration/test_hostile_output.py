"""What hostile text can make the commands print, store and send: bounded and inert."""

from __future__ import annotations

import io
import json
import logging
import os
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.integration.conftest import Watch, cli, write_config
from tests.support import payloads
from tests.support.statuspage_server import SUMMARY, StatuspageServer

INJECTION = (
    "\x1b[2J\x1b[H"  # clear screen
    "\x1b]52;c;cm0gLXJmIH4=\x07"  # OSC 52 clipboard write
    "\x1b]0;window title\x07"  # window title
    "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\"  # OSC 8 hyperlink
    "overwritten\rForged line"  # carriage-return overwrite
    "\u202egnp.exe\u202c \x9b31m \u2066isolated\u2069"  # bidi override, C1 CSI, isolates
)
RAW = ("\x1b", "\r", "\x07", "\x9b", "\u202e", "\u202c", "\u2066", "\u2069")


def _many_components(count: int, huge: int) -> dict:
    page = payloads.summary()
    row = page["components"][0]
    page["components"] = [
        dict(row, id=f"c{n}", name=("N" * huge if n == 7 else f"Component {n}"), position=n)
        for n in range(count)
    ]
    return page


def test_status_lays_out_500_components_with_a_2_mb_name_in_bounded_output(
    server: StatuspageServer, isolated_home: Path
) -> None:
    server.set_summary(_many_components(500, 2_000_000))
    config = write_config(isolated_home, server.url)
    result = cli("status", "--config", str(config))
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    assert sum(line.startswith("  ● ") for line in lines) == 500
    assert max(map(len, lines)) < 120  # one long name pads no other line
    assert len(result.stdout) < 100_000


def test_the_trays_menu_and_tooltip_stay_bounded_for_the_same_page(
    server: StatuspageServer, isolated_home: Path
) -> None:
    from claude_beacon.config import settings as config_module
    from claude_beacon.desktop.app import App

    page = _many_components(500, 2_000_000)
    page["components"][7]["status"] = "major_outage"
    server.set_summary(page)
    config = write_config(isolated_home, server.url)
    app = App(config_module.load(config), config)
    try:
        snapshot, _ = app.engine.poller.poll_once()
        view = app.view(snapshot)
    finally:
        app.quit()
    assert len(view.tooltip) <= 127
    texts = [e.text for e in view.menu] + [c.text for e in view.menu for c in e.children]
    assert max(map(len, texts)) <= 100
    assert len(view.menu) < 80
    assert any(text.endswith("more") for text in texts)


def test_escape_sequences_in_incident_text_never_reach_the_terminal_raw(
    server: StatuspageServer, isolated_home: Path
) -> None:
    incident = payloads.incident(
        "inj1", f"Name {INJECTION}", updates=[("u1", "investigating", f"Body {INJECTION}")]
    )
    config = write_config(isolated_home, server.url)
    server.set_summary(payloads.summary())
    watch_text = _watch_text(config)
    try:
        server.wait_for_requests(SUMMARY, 2)
        server.set_summary(payloads.summary(incidents=[incident]))
        seen = len(server.requests_to(SUMMARY))
        server.wait_for_requests(SUMMARY, seen + 2)
        status = cli("status", "--config", str(config))
        as_json = cli("status", "--json", "--config", str(config))
    finally:
        watch_text.send_signal(2)
        printed, _ = watch_text.communicate(timeout=10)
    for output in (status.stdout, as_json.stdout, printed):
        assert not [c for c in RAW if c in output]
    assert "Forged line" in status.stdout and "overwritten" in status.stdout
    assert "Forged line" in printed
    (item,) = json.loads(as_json.stdout)["sources"][0]["incidents"]
    assert item["name"].startswith("Name ")


def test_a_log_record_quoting_hostile_text_is_one_escaped_line() -> None:
    from claude_beacon.render.printable import PrintableFormatter

    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(PrintableFormatter("claude-beacon: %(message)s"))
    logger = logging.getLogger("claude_beacon.test_printable")
    logger.addHandler(handler)
    try:
        logger.warning("page said %s", "ok\nclaude-beacon: forged line\x1b[2J\u202e")
    finally:
        logger.removeHandler(handler)
    written = out.getvalue()
    assert written.count("\n") == 1
    assert "\\nclaude-beacon: forged line\\x1b[2J\\u202e" in written


def test_json_output_escapes_c1_and_bidi_controls() -> None:
    from claude_beacon.render import wire

    encoded = wire.dumps({"name": "a\x85b\u202ec\ud800é"})
    assert encoded == '{"name": "a\\u0085b\\u202ec\\ud800é"}'
    assert json.loads(encoded)["name"].startswith("a\x85b\u202ec")


def test_an_update_body_that_changes_every_poll_is_stored_and_sent_trimmed(
    server: StatuspageServer, isolated_home: Path
) -> None:
    from claude_beacon.store import paths

    script, hooked = isolated_home / "record.py", isolated_home / "hooked.jsonl"
    script.write_text(
        "import sys\nwith open(sys.argv[1], 'a') as out:\n"
        "    out.write(sys.stdin.read().replace('\\n', ' ') + '\\n')\n"
    )
    hook = json.dumps([[sys.executable, str(script), str(hooked)]])
    config = write_config(isolated_home, server.url, f"[hooks]\non_event = {hook}\n")
    server.set_summary(payloads.summary())
    watch = Watch(config)
    try:
        server.wait_for_requests(SUMMARY, 2)
        for n in range(4):
            body = f"round {n} " + "x" * 100_000
            updates = [(f"u{n}", "investigating", body)]
            server.set_summary(
                payloads.summary(incidents=[payloads.incident("big", "Big", updates=updates)])
            )
            seen = len(server.requests_to(SUMMARY))
            server.wait_for_requests(SUMMARY, seen + 2)
        events = watch.events(4)
        deadline = time.monotonic() + 10
        while len(_lines(hooked)) < 4 and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        watch.stop()
    assert all(len(event["body"]) <= 2000 for event in events)
    sent = [json.loads(line) for line in _lines(hooked)]
    assert len(sent) >= 4 and all(len(event["body"]) <= 2000 for event in sent)
    with sqlite3.connect(paths.history_file()) as db:
        stored = [row[0] for row in db.execute("SELECT length(body) FROM events")]
    assert stored and max(stored) <= 2000


def test_the_history_keeps_at_most_500_events_a_day_for_one_source(isolated_home: Path) -> None:
    from claude_beacon.core.model import Event, EventKind, Level, Snapshot
    from claude_beacon.store.history import EVENTS_PER_SOURCE_PER_DAY, History

    history = History(isolated_home / "history.sqlite3")
    start = datetime.now(UTC) - timedelta(hours=20)
    for n in range(EVENTS_PER_SOURCE_PER_DAY + 100):
        event = Event(
            kind=EventKind.INCIDENT_UPDATED, source_key="k", source_name="Page",
            subject_id="i", title="An update", body=f"changed {n} " + "y" * 5000,
            level=Level.DEGRADED, at=start,
        )  # fmt: skip
        history.record(Snapshot(start + timedelta(seconds=n)), [event])
    other = Event(
        kind=EventKind.INCIDENT_OPENED, source_key="o", source_name="Other",
        subject_id="j", title="Elsewhere", body="", level=Level.DEGRADED, at=start,
    )  # fmt: skip
    history.record(Snapshot(start + timedelta(hours=1)), [other])
    kept = history.events(start - timedelta(minutes=1))
    history.close()
    assert sum(e.source == "Page" for e in kept) == EVENTS_PER_SOURCE_PER_DAY
    assert any(e.source == "Other" for e in kept)  # one noisy page costs no other its events
    assert max(len(e.body) for e in kept) <= 2000


def _watch_text(config: Path) -> subprocess.Popen[str]:
    """``watch`` printing text, not JSON: what a person sees in a terminal."""
    command = [sys.executable, "-m", "claude_beacon", "watch", "--interval", "0.2"]
    return subprocess.Popen(
        [*command, "--config", str(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )


def _lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []
