"""``watch`` killed with SIGKILL at seeded random moments while the page changes: nothing lost.

Every event the page's script makes must reach the terminal and a command hook at least once
across the restarts, every copy of one event with one ``event_id``. The seed is printed;
``CLAUDE_BEACON_KILL_SEED`` replays one.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

from tests.support import payloads
from tests.support.soak import API, INCIDENTS, SUMMARY, _incident
from tests.support.statuspage_server import StatuspageServer, json_reply

KILLS = 30
RECORD = (
    "import sys\nwith open(sys.argv[1], 'a') as out:\n    out.write(sys.stdin.read() + '\\n')\n"
)


def steps() -> list[tuple[dict, dict | None, tuple[str, str]]]:
    """(summary, incidents page or None, the event it makes), cycle after cycle."""
    made, resolved = [], []
    for n in range(KILLS // 3):
        inc = f"kill-inc-{n}"
        first = [(f"{inc}-u1", "investigating", f"Cycle {n}: looking.", 3)]
        made.append((_summary(inc, "investigating", first), None, ("incident_opened", inc)))
        second = [(f"{inc}-u2", "identified", f"Cycle {n}: found.", 2), *first]
        made.append((_summary(inc, "identified", second), None, ("incident_updated", inc)))
        resolved.insert(0, _incident(inc, "resolved", [(f"{inc}-u3", "resolved", "Fixed.", 1)]))
        page = payloads.incidents_page(list(resolved))
        made.append((payloads.summary(), page, ("incident_resolved", inc)))
    return made


def _summary(inc: str, status: str, updates: list) -> dict:
    return payloads.summary({API: "partial_outage"}, [_incident(inc, status, updates)])


def test_kill_minus_nine_at_random_moments_loses_no_event(tmp_path: Path) -> None:
    seed = int(os.environ.get("CLAUDE_BEACON_KILL_SEED") or random.randrange(10**6))
    print(f"kill campaign seed: {seed}")
    rng = random.Random(seed)
    hook, told = tmp_path / "hook.py", tmp_path / "hooked.jsonl"
    hook.write_text(RECORD)
    with StatuspageServer() as server:
        config = tmp_path / "beacon.toml"
        config.write_text(
            f"[hooks]\non_event = [{json.dumps(f'{sys.executable} {hook} {told}')}]\n"
            f'[diagnostics]\nenabled = false\n[[sources]]\nname = "Claude"\nurl = "{server.url}"\n'
        )
        env = os.environ | {"HOME": str(tmp_path), "XDG_STATE_HOME": str(tmp_path / "state")}
        server.set_summary(payloads.summary())
        script = steps()
        expected = []
        for index in range(len(script) + 1):
            since = time.monotonic()
            proc = _watch(config, env, tmp_path / "stdout.jsonl")
            server.wait_for_answer(SUMMARY, since, timeout=30)
            if index == len(script):
                time.sleep(3)  # the last run is not killed: it tells what is still owed
                proc.send_signal(2)
                assert proc.wait(10) == 0
                break
            summary, incidents, event = script[index]
            if incidents is not None:
                server.set(INCIDENTS, json_reply(incidents))
            server.set_summary(summary)
            expected.append(event)
            changed = time.monotonic()
            server.wait_for_answer(SUMMARY, changed, timeout=30)
            time.sleep(rng.uniform(0.0, 0.6))
            proc.kill()
            proc.wait(5)
    for name in ("stdout.jsonl", "hooked.jsonl"):
        lines = (tmp_path / name).read_text().splitlines()
        ids: dict[tuple[str, str], set[str]] = defaultdict(set)
        for line in filter(None, lines):
            record = json.loads(line)
            if not record["kind"].startswith("incident_"):
                continue  # component changes come and go with each step: many per component
            ids[(record["kind"], record["id"])].add(record["event_id"])
        missing = [e for e in expected if e not in ids]
        assert missing == [], f"{name} never got {missing} (seed {seed})"
        split = {k: v for k, v in ids.items() if len(v) > 1}
        assert split == {}, f"{name}: one event, several ids (seed {seed})"


def _watch(config: Path, env: dict[str, str], out: Path) -> subprocess.Popen[bytes]:
    with out.open("a") as stdout:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "claude_beacon",
                "watch",
                "--json",
                "--interval",
                "0.2",
                "--config",
                str(config),
            ],
            stdout=stdout,
            stderr=subprocess.DEVNULL,
            env=env,
        )
