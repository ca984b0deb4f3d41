"""Cost of polling, measured against a loopback Statuspage server in a separate process.

Prints: CPU per unchanged (304) poll, CPU of a full parse of a ~200 KB payload, bytes on the
wire per 304 poll, and the RSS of a real ``claude-beacon watch`` over 200 polls.

    python3 bench/poll.py [--polls 200]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from claude_beacon.config.settings import Config  # noqa: E402
from claude_beacon.core import events, statuspage  # noqa: E402
from claude_beacon.core.memory import Memory  # noqa: E402
from claude_beacon.core.model import SourceSpec  # noqa: E402
from claude_beacon.engine.poller import Poller  # noqa: E402
from claude_beacon.net.fetcher import Fetcher  # noqa: E402
from tests.support import payloads  # noqa: E402
from tests.support.statuspage_server import SUMMARY, StatuspageServer, json_reply  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"


def serve(script: list[bytes], pipe: Any) -> None:
    """Run a server in this (child) process; report its request log when told to stop."""
    with StatuspageServer() as server:
        server.set(SUMMARY, [json_reply(body) for body in script])
        pipe.send(server.url)
        while pipe.recv() == "count":
            pipe.send(len(server.requests_to(SUMMARY)))
        log = [(r.status, r.bytes_sent, r.bytes_received) for r in server.requests_to(SUMMARY)]
    pipe.send(log)


class ServerProcess:
    def __init__(self, script: list[bytes]) -> None:
        self._pipe, child = multiprocessing.Pipe()
        self._proc = multiprocessing.get_context("spawn").Process(
            target=serve, args=(script, child), daemon=True
        )
        self._proc.start()
        self.url: str = self._pipe.recv()

    def polls(self) -> int:
        self._pipe.send("count")
        return self._pipe.recv()

    def finish(self) -> list[tuple[int, int, int]]:
        self._pipe.send("stop")
        log = self._pipe.recv()
        self._proc.join(5)
        return log


def large_summary() -> bytes:
    """The recorded Claude summary carrying the 50 recorded incidents: ~200 KB."""
    page = json.loads((FIXTURES / "anthropic-summary-1.json").read_bytes())
    page["incidents"] = json.loads((FIXTURES / "anthropic-incidents-1.json").read_bytes())[
        "incidents"
    ]
    return json.dumps(page).encode()


def cpu_per_304(polls: int) -> tuple[float, float, int]:
    body = (FIXTURES / "anthropic-summary-1.json").read_bytes()
    server = ServerProcess([body])
    source = SourceSpec("Claude", server.url)
    poller = Poller(Config(sources=(source,)), Fetcher())
    poller.poll_once()  # the 200 that fills the cache
    samples = []
    for _ in range(polls):
        started = time.process_time()
        poller.poll_once()
        samples.append(time.process_time() - started)
    poller.fetcher.client.close()
    log = server.finish()
    not_modified = [(sent, got) for status, sent, got in log if status == 304]
    wire = sum(sent + got for sent, got in not_modified) / max(1, len(not_modified))
    return statistics.median(samples) * 1000, max(samples) * 1000, round(wire)


def cpu_per_full_parse(repeats: int = 30) -> tuple[int, float, float]:
    body = large_summary()
    source = SourceSpec("Claude", "https://status.claude.com")
    now = datetime.now(UTC)
    parse, diff = [], []
    for _ in range(repeats):
        started = time.process_time()
        reading = statuspage.parse_summary(body, source, now)
        parsed = time.process_time()
        events.diff(Memory(), reading, now)
        parse.append(parsed - started)
        diff.append(time.process_time() - parsed)
    return len(body), statistics.median(parse) * 1000, statistics.median(diff) * 1000


def changing_script(polls: int) -> list[bytes]:
    """A page whose incident gains an update every 10 polls: parses and events, not just 304s."""
    api = "Claude API (api.anthropic.com)"
    script = []
    for index in range(polls // 10 + 1):
        updates = [(f"u{n}", "investigating", f"Update {n}.") for n in range(index, -1, -1)]
        incident = payloads.incident(
            "bench", "Elevated errors", impact="minor", updates=updates, components=[api]
        )
        body = json.dumps(payloads.summary({api: "degraded_performance"}, [incident])).encode()
        script.extend([body] * 10)
    return script


def rss_kib(pid: int) -> tuple[int, int]:
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


def watch_rss(polls: int) -> list[tuple[int, int, int]]:
    """RSS of a real ``watch`` process sampled every quarter of ``polls``."""
    server = ServerProcess(changing_script(polls))
    with tempfile.TemporaryDirectory() as home:
        config = Path(home, "beacon.toml")
        config.write_text(f'[[sources]]\nname = "Claude"\nurl = "{server.url}"\n')
        env = os.environ | {"HOME": home, "XDG_STATE_HOME": home, "XDG_CONFIG_HOME": home}
        argv = [sys.executable, "-m", "claude_beacon", "watch", "--json", "--interval", "0.02"]
        proc = subprocess.Popen(
            [*argv, "--config", str(config)], env=env, stdout=subprocess.DEVNULL
        )
        samples = []
        started = time.monotonic()
        for checkpoint in range(polls // 4, polls + 1, polls // 4):
            while (seen := server.polls()) < checkpoint:
                if time.monotonic() - started > 120:
                    raise SystemExit("watch made too few polls in 120 s")
                time.sleep(0.01)
            samples.append((seen, *rss_kib(proc.pid)))
        proc.terminate()
        proc.wait(5)
    server.finish()
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--polls", type=int, default=200)
    polls = parser.parse_args().polls
    machine = f"{platform.machine()}, {os.cpu_count()} CPUs"
    print(f"machine: {machine}, Python {platform.python_version()}")
    median, worst, wire = cpu_per_304(polls)
    print(f"304 poll CPU:           median {median:.2f} ms, worst {worst:.2f} ms ({polls} polls)")
    print(f"304 poll on the wire:   {wire} bytes (request + response)")
    size, parse, diff = cpu_per_full_parse()
    print(f"full parse CPU:         {parse:.1f} ms for {size / 1024:.0f} KB, diff {diff:.2f} ms")
    for seen, rss, peak in watch_rss(polls):
        print(f"watch RSS after {seen:>4} polls: {rss / 1024:.1f} MiB (peak {peak / 1024:.1f} MiB)")


if __name__ == "__main__":
    main()
