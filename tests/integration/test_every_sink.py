"""Every event reaches every sink by one path: the early warning too, and after a kill."""

from __future__ import annotations

import json
import signal
import sys
import time
from pathlib import Path

from tests.integration.conftest import Watch, cli, write_config
from tests.support import payloads
from tests.support.statuspage_server import Reply, StatuspageServer

RECORD = """
import json, sys
with open(sys.argv[1], "a") as out:
    out.write(json.dumps(json.loads(sys.stdin.read())) + "\\n")
"""


def _recorded(path: Path, count: int, timeout: float = 15) -> list[dict[str, object]]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists():
            lines = [json.loads(line) for line in path.read_text().splitlines() if line]
            if len(lines) >= count:
                return lines
        time.sleep(0.05)
    raise AssertionError(f"expected {count} hook runs in {path}")


def _sinks(home: Path, server: StatuspageServer) -> str:
    script = home / "record.py"
    script.write_text(RECORD)
    hooked = home / "hooked.jsonl"
    return (
        "[hooks]\n"
        f"on_event = [{json.dumps([sys.executable, str(script), str(hooked)])}]\n"
        "[[hooks.webhooks]]\n"
        f'url = "{server.url}/receiver"\n'
        'kinds = ["early_warning"]\n'
    )


def test_the_early_warning_reaches_watch_hooks_webhooks_and_the_history(
    server: StatuspageServer, isolated_home: Path
) -> None:
    """Page green, the internet fine, the API failing: watch runs the same checks as the tray,
    and its warning goes everywhere every other event goes."""
    server.set_summary(payloads.summary())
    server.set("/v1/models", Reply(status=503))
    server.set("/receiver", Reply(status=204))
    config = write_config(isolated_home, server.url, _sinks(isolated_home, server))
    watch = Watch(config)
    try:
        (warning,) = watch.events(1, timeout=30)
        assert warning["kind"] == "early_warning"
        assert warning["source"] == "Claude"
        (hooked,) = _recorded(isolated_home / "hooked.jsonl", 1)
        assert hooked["kind"] == "early_warning"
        assert hooked["event_id"] == warning["event_id"]
        (posted,) = server.wait_for_requests("/receiver", 1, timeout=15)
        assert json.loads(posted.body)["event_id"] == warning["event_id"]
        assert watch.quiet_for(2) == []  # told once, not at every failing round
    finally:
        code, stderr = watch.stop()
    assert code == 0, stderr
    history = json.loads(cli("history", "--json", "--config", str(config)).stdout)
    kinds = [e["kind"] for e in history["events"]]
    assert kinds.count("early_warning") == 1


def test_an_event_seen_just_before_a_kill_is_told_after_the_restart_once(
    server: StatuspageServer, isolated_home: Path
) -> None:
    """The state marks an event seen and owes it to each sink in one write: a process killed
    before telling it tells it when it starts again, and never twice."""
    server.set_summary(payloads.summary())
    hooked = isolated_home / "hooked.jsonl"
    stuck = isolated_home / "stuck"  # while it exists, the hook never finishes
    stuck.touch()
    script = isolated_home / "hook.py"
    script.write_text(
        "import json, os, sys, time\n"
        "event, parent = sys.stdin.read(), os.getppid()\n"
        "open(sys.argv[2] + '.running', 'w').close()\n"
        "while os.path.exists(sys.argv[2]) and os.getppid() == parent:\n"
        "    time.sleep(0.1)\n"
        "if os.getppid() != parent:\n"
        "    sys.exit(0)  # its watch was killed: this run dies with it\n"
        "with open(sys.argv[1], 'a') as out:\n"
        "    out.write(json.dumps(json.loads(event)) + '\\n')\n"
    )
    hook = [sys.executable, str(script), str(hooked), str(stuck)]
    extra = f"[hooks]\ntimeout = 120\non_event = [{json.dumps(hook)}]\n"
    config = write_config(isolated_home, server.url, extra)
    state = isolated_home / ".local/state/claude-beacon/watch.json"

    first = Watch(config)
    try:
        server.wait_for_requests("/api/v2/summary.json", 2)
        incident = payloads.incident("kill1", "Seen, then killed")
        server.set_summary(payloads.summary(incidents=[incident]))
        (told,) = first.events(1)
        assert told["id"] == "kill1"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # every sink but the stuck hook has taken it
            owed = json.loads(state.read_text()).get("outbox", {})
            running = (isolated_home / "stuck.running").exists()  # it knows its parent
            if running and list(owed) and all(sink.startswith("hook-") for sink in owed):
                break
            time.sleep(0.05)
    finally:
        first.proc.send_signal(signal.SIGKILL)
        first.stop()  # reaps it and closes its pipes
    (queued,) = json.loads(state.read_text())["outbox"].values()
    assert [e["subject_id"] for e in queued] == ["kill1"]

    stuck.unlink()
    second = Watch(config)
    try:
        (run,) = _recorded(hooked, 1)
        assert run["id"] == "kill1" and run["event_id"] == told["event_id"]
        assert second.quiet_for(2) == []  # the page still shows it: not a new event
        assert len(_recorded(hooked, 1)) == 1
    finally:
        second.stop()
