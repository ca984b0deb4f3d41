"""A hook survives any title: environment values cannot hold NUL, and need not hold a novel."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from claude_beacon.core.model import Event, EventKind, Level, Snapshot
from claude_beacon.engine.hooks import HookSink

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_a_title_with_nul_and_a_huge_name_reaches_the_hook_and_the_next_event_too(
    tmp_path: Path,
) -> None:
    out = tmp_path / "seen.jsonl"
    script = tmp_path / "hook.py"
    script.write_text(
        "import json, os, sys\n"
        f"with open({str(out)!r}, 'a') as f:\n"
        "    f.write(json.dumps({'title': os.environ['CLAUDE_BEACON_TITLE'],"
        " 'stdin': json.loads(sys.stdin.read())['id']}) + '\\n')\n"
    )
    sink = HookSink([sys.executable, str(script)], timeout=20)
    hostile = Event(
        EventKind.INCIDENT_OPENED,
        "Claude\x00",
        "k",
        "h1",
        "Errors\x00 " + "x" * 100_000,
        level=Level.DEGRADED,
        at=NOW,
    )
    normal = Event(EventKind.INCIDENT_OPENED, "Claude", "k", "h2", "Normal", at=NOW)
    sink.deliver(Snapshot(NOW), [hostile, normal])
    seen = [json.loads(line) for line in out.read_text().splitlines()]
    assert [s["stdin"] for s in seen] == ["h1", "h2"]
    assert "\x00" not in seen[0]["title"] and len(seen[0]["title"]) <= 4096
