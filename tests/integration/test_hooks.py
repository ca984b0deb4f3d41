"""Hooks: the exact event JSON on standard input, no shell, slow or failing ones survived."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from tests.integration.conftest import Watch, write_config
from tests.support import payloads
from tests.support.statuspage_server import StatuspageServer

RECORD = """
import json, os, sys
event = sys.stdin.read()
with open(sys.argv[1], "a") as out:
    out.write(json.dumps({"stdin": event, "kind": os.environ["CLAUDE_BEACON_EVENT"],
                          "argv": sys.argv[2:]}) + "\\n")
"""


def test_hooks_receive_each_event_and_failures_do_not_stop_polling(
    server: StatuspageServer, isolated_home: Path
) -> None:
    script = isolated_home / "record.py"
    script.write_text(RECORD)
    out = isolated_home / "hooked.jsonl"
    failing = f"{sys.executable} -c 'import sys; sys.exit(3)'"
    slow = f"{sys.executable} -c 'import time; time.sleep(30)'"
    recorder = f"{sys.executable} {script} {out} '$(touch {isolated_home}/pwned)' ;x"
    hooks = "[hooks]\ntimeout = 1\non_event = " + json.dumps([failing, slow, recorder]) + "\n"
    config = write_config(isolated_home, server.url, "")
    config.write_text(hooks + config.read_text())
    server.set_summary(payloads.summary())
    watch = Watch(config)
    try:
        server.wait_for_requests("/api/v2/summary.json", 2)
        first = payloads.incident("hk1", "Hooked incident")
        server.set_summary(payloads.summary(incidents=[first]))
        (told,) = watch.events(1)
        # each hook is a sink of its own: the slow one (1 s timeout) holds up neither the
        # polling nor the other hooks
        second = payloads.incident("hk2", "Second incident")
        server.set_summary(payloads.summary(incidents=[first, second]))
        (later,) = watch.events(1, timeout=5)
        assert later["id"] == "hk2"
        deadline = time.monotonic() + 10
        while len(_lines(out)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(2.5)  # the slow hook's two runs each end at its timeout
    finally:
        code, stderr = watch.stop()
    assert code == 0
    assert "exited with 3" in stderr and "did not finish in 1 s" in stderr
    records = [json.loads(line) for line in _lines(out)]
    assert [r["kind"] for r in records] == ["incident_opened", "incident_opened"]
    assert json.loads(records[0]["stdin"]) == told  # exactly what `watch --json` printed
    assert records[0]["kind"] == "incident_opened"
    assert records[0]["argv"] == [f"$(touch {isolated_home}/pwned)", ";x"]  # no shell
    assert not (isolated_home / "pwned").exists()


def _lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []
