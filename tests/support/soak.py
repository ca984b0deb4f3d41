"""A soak: the real ``watch`` against a page that cycles through lifecycles and every fault.

The script of the page is the expectation: every incident opened, updated and resolved, every
maintenance scheduled, started and completed must come out of ``watch`` exactly once, whatever
faults came between. Meanwhile the process's memory, threads and open files are sampled.
Used by ``bench/soak.py`` (long runs, printed figures) and by a shortened test.
"""

from __future__ import annotations

import json
import os
import queue
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from claude_beacon.core.model import EventKind
from claude_beacon.render import wording
from tests.support import payloads
from tests.support.signals import interruptible
from tests.support.statuspage_server import Reply, StatuspageServer, html_reply, json_reply

SUMMARY, INCIDENTS = "/api/v2/summary.json", "/api/v2/incidents.json"
API = "Claude API (api.anthropic.com)"
FAULTS = (
    ("HTTP 500", Reply(status=500, body=b"<h1>oops</h1>", content_type="text/html")),
    ("429 + Retry-After", Reply(status=429, headers=(("Retry-After", "1"),))),
    ("connection reset", Reply(fault="reset")),
    ("slow answer", Reply(status=200, body=b"{}", delay=3)),
    ("garbage", json_reply(b"\x00\x01garbage{")),
    ("HTML with 200", html_reply("<!DOCTYPE html><title>Just a moment...</title>")),
    ("truncated body", Reply(fault="truncate", body=json.dumps(payloads.summary()).encode())),
)


BACKOFF_ALLOWANCE = 16.0
"""Seconds a cycle is expected to wait, twice, for the client to come back from its backoff."""
CYCLE_STEPS = 8 + len(FAULTS)
"""Steps one cycle of the script takes: its lifecycle and all of the faults."""
READ_PATIENCE = 120.0
"""Longest a state waits to be read before the client counts as wedged."""


@dataclass
class Sample:
    at: float
    rss_kib: int
    threads: int
    fds: int


@dataclass
class SoakReport:
    seconds: float
    expected: list[tuple[str, str]] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    samples: list[Sample] = field(default_factory=list)
    requests: int = 0
    faults_served: int = 0
    exit_code: int | None = None
    longest_wait: float = 0.0
    """Longest a state was held past its step for ``watch`` to read it (its backoff)."""
    stalled: str | None = None
    """Why the script gave up waiting for ``watch`` to read the page, if it did."""

    @property
    def told(self) -> Counter[tuple[str, str]]:
        return Counter((e["kind"], e["id"]) for e in self.events if e["kind"] in KINDS)

    @property
    def missing(self) -> list[tuple[str, str]]:
        return [key for key in self.expected if self.told[key] == 0]

    @property
    def repeated(self) -> list[tuple[str, str]]:
        return [key for key, count in self.told.items() if count > 1]

    @property
    def unexpected(self) -> list[tuple[str, str]]:
        return [key for key in self.told if key not in self.expected]


WATCH = (sys.executable, "-m", "claude_beacon", "watch", "--json")
KINDS = {
    "incident_opened",
    "incident_updated",
    "incident_resolved",
    "maintenance_scheduled",
    "maintenance_started",
    "maintenance_completed",
}


class Script:
    """Drives the page: one step every ``step`` seconds, a lifecycle and then the faults."""

    def __init__(self, server: StatuspageServer, step: float) -> None:
        self.server = server
        self.step = step
        self.expected: list[tuple[str, str]] = []
        self.faults = 0
        self.longest_wait = 0.0
        """Longest a state was held past its step until the client read it (its backoff)."""
        self.stalled: str | None = None
        self._resolved: list[dict] = []
        self._stop = threading.Event()

    def run(self, until: float) -> None:
        cycle = 0
        self.server.set_summary(payloads.summary())
        cycle_time = CYCLE_STEPS * self.step + 2 * BACKOFF_ALLOWANCE
        while time.monotonic() + cycle_time < until and not self._stop.is_set():
            try:
                self._cycle(cycle)
            except AssertionError as exc:  # the client stopped reading the page
                self.stalled = str(exc)
                return
            cycle += 1

    def _show(self, summary: dict) -> None:
        """Hold a state for a step, and until the client has read it.

        A state shorter than a client's backoff is never seen, and rightly never reported: the
        script must not ask for events no real client could have seen. So a state stays up until
        a poll has been answered with it, however long the backoff that earlier faults earned.
        """
        self.server.set_summary(summary)
        since = time.monotonic()
        self._stop.wait(self.step)
        self.server.wait_for_answer(SUMMARY, since, timeout=READ_PATIENCE)
        self.longest_wait = max(self.longest_wait, time.monotonic() - since - self.step)

    def _cycle(self, n: int) -> None:
        inc = f"soak-inc-{n}"
        updates = [(f"{inc}-u1", "investigating", f"Cycle {n}: looking.", 3)]
        self._show(
            payloads.summary({API: "partial_outage"}, [_incident(inc, "investigating", updates)])
        )
        self.expected.append(("incident_opened", inc))
        updates = [(f"{inc}-u2", "identified", f"Cycle {n}: found.", 2), *updates]
        self._show(
            payloads.summary({API: "partial_outage"}, [_incident(inc, "identified", updates)])
        )
        self.expected.append(("incident_updated", inc))
        for _name, fault in FAULTS[n % 2 :: 2]:  # half of the faults, mid-incident
            self.server.set(SUMMARY, fault)
            self.faults += 1
            self._stop.wait(self.step)
        ongoing = _incident(inc, "identified", updates)
        self._show(payloads.summary({API: "partial_outage"}, [ongoing]))
        updates = [(f"{inc}-u3", "resolved", f"Cycle {n}: fixed.", 1), *updates]
        self._resolved.insert(0, _incident(inc, "resolved", updates))
        self.server.set(INCIDENTS, json_reply(payloads.incidents_page(self._resolved)))
        self._show(payloads.summary())
        self.expected.append(("incident_resolved", inc))

        main = f"soak-maint-{n}"
        for status, kind in (("scheduled", "scheduled"), ("in_progress", "started")):
            item = payloads.maintenance(main, f"Upgrade {n}", status=status, components=[API])
            self._show(payloads.summary(maintenances=[item]))
            self.expected.append((f"maintenance_{kind}", main))
        self._show(payloads.summary())
        self.expected.append(("maintenance_completed", main))
        for _name, fault in FAULTS[(n + 1) % 2 :: 2]:  # the other half, while all is well
            self.server.set(SUMMARY, fault)
            self.faults += 1
            self._stop.wait(self.step)
        self._show(payloads.summary())


def _incident(item_id: str, status: str, updates: list) -> dict:
    name = f"Soak incident {item_id.rsplit('-', 1)[1]}"
    return payloads.incident(
        item_id, name, status=status, impact="major", updates=updates, components=[API]
    )


def sample(pid: int) -> Sample:
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return Sample(
        at=time.monotonic(),
        rss_kib=int(fields["VmRSS"].split()[0]),
        threads=int(fields["Threads"]),
        fds=sum(1 for _ in Path(f"/proc/{pid}/fd").iterdir()),
    )


def soak(seconds: float, home: Path, *, step: float = 1.5, interval: float = 0.2) -> SoakReport:
    """Run ``watch`` for ``seconds`` against a scripted page; everything it did, measured."""
    report = SoakReport(seconds)
    with StatuspageServer() as server:
        config = home / "soak.toml"
        config.write_text(f'[[sources]]\nname = "Claude"\nurl = "{server.url}"\n')
        env = os.environ | {"HOME": str(home), "XDG_STATE_HOME": str(home / "state")}
        proc = subprocess.Popen(
            [*WATCH, "--interval", str(interval), "--config", str(config)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
            preexec_fn=interruptible,
        )
        lines: queue.Queue[str] = queue.Queue()
        assert proc.stdout
        stdout = proc.stdout
        reader = threading.Thread(target=lambda: [lines.put(x) for x in stdout], daemon=True)
        reader.start()
        server.set_summary(payloads.summary())
        server.wait_for_requests(SUMMARY, 1, timeout=60)  # the app is up before the script runs
        script = Script(server, step)
        until = time.monotonic() + seconds
        driver = threading.Thread(target=script.run, args=(until,), daemon=True)
        driver.start()
        while driver.is_alive():
            report.samples.append(sample(proc.pid))
            driver.join(2.0)
        time.sleep(3 * step)  # the last step's events have time to come out
        report.samples.append(sample(proc.pid))
        proc.send_signal(2)
        try:
            report.exit_code = proc.wait(5)
        finally:
            proc.kill()
        reader.join(5)
        stdout.close()
        while not lines.empty():
            report.events.append(json.loads(lines.get()))
        report.expected = script.expected
        report.faults_served = script.faults
        report.longest_wait, report.stalled = script.longest_wait, script.stalled
        report.requests = len(server.requests)
    return report


TITLES = {
    "incident_opened": "Claude: new incident",
    "incident_updated": "Claude: incident update",
    "incident_resolved": "Claude: resolved",
    "maintenance_scheduled": "Claude: maintenance scheduled",
    "maintenance_started": "Claude: maintenance started",
    "maintenance_completed": "Claude: maintenance completed",
}
CYCLE = re.compile(r"(?:Cycle|Upgrade|Soak incident) (\d+)")
SUMMARY_LINE = re.compile(r"^(.+?): (?:Soak incident|Upgrade) (\d+)$")


@dataclass
class TraySoakReport:
    expected: list[tuple[str, str]]
    notified: list[tuple[str, str]]
    samples: list[Sample]
    exit_code: int | None
    stalled: str | None
    calls: list[str] = field(default_factory=list)
    faults_served: int = 0
    """Every notification's title, in order, for a failure to be read."""

    @property
    def told(self) -> Counter[tuple[str, str]]:
        return Counter(self.notified)

    @property
    def missing(self) -> list[tuple[str, str]]:
        return [key for key in self.expected if self.told[key] == 0]

    @property
    def repeated(self) -> list[tuple[str, str]]:
        return [key for key, count in self.told.items() if count > 1]


def soak_tray(
    seconds: float, home: Path, desktop: Any, monitor: Any, *, step: float = 1.5
) -> TraySoakReport:
    """The tray app on a test desktop through the same script; its notifications counted."""
    with StatuspageServer() as server:
        config = home / "soak.toml"
        config.write_text(
            "interval = 0.2\nfast_interval = 0.2\n[diagnostics]\nenabled = false\n"
            f'[[sources]]\nname = "Claude"\nurl = "{server.url}"\n'
        )
        env = desktop.env | {"HOME": str(home), "PYSTRAY_BACKEND": "appindicator"}
        env |= {"XDG_STATE_HOME": str(home / "state"), "XDG_CONFIG_HOME": str(home / "config")}
        proc = subprocess.Popen(
            [sys.executable, "-m", "claude_beacon", "--config", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        server.set_summary(payloads.summary())
        server.wait_for_requests(SUMMARY, 1, timeout=60)  # the app is up before the script runs
        script = Script(server, step)
        driver = threading.Thread(
            target=script.run, args=(time.monotonic() + seconds,), daemon=True
        )
        driver.start()
        samples = []
        while driver.is_alive():
            samples.append(sample(proc.pid))
            driver.join(2.0)
        time.sleep(3 * step)
        samples.append(sample(proc.pid))
        proc.terminate()
        try:
            code = proc.wait(5)
        finally:
            proc.kill()
    by_title = {title: kind for kind, title in TITLES.items()}
    by_line = {wording.WHAT_HAPPENED[EventKind(kind)].capitalize(): kind for kind in TITLES}
    notified = []
    for call in monitor.calls:
        found = CYCLE.search(call.body)
        if call.summary in by_title and found:
            notified.append(_told(by_title[call.summary], found.group(1)))
        elif "status updates" in call.summary:  # a burst, summarised: one line per event
            for line in call.body.splitlines():
                match = SUMMARY_LINE.match(line)
                if match and match.group(1) in by_line:
                    notified.append(_told(by_line[match.group(1)], match.group(2)))
    calls = [f"{c.summary} | {c.body.splitlines()[0] if c.body else ''}" for c in monitor.calls]
    return TraySoakReport(
        script.expected, notified, samples, code, script.stalled, calls, script.faults
    )


def _told(kind: str, cycle: str) -> tuple[str, str]:
    prefix = "soak-inc" if kind.startswith("incident") else "soak-maint"
    return kind, f"{prefix}-{cycle}"
