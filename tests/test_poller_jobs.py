"""Jobs the poller runs beside the status pages (the probes): on its schedule, never in its way."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from claude_beacon.config.settings import Config
from claude_beacon.core.model import Snapshot, SourceSpec
from claude_beacon.core.schedule import Cadence
from claude_beacon.engine.poller import Poller
from claude_beacon.net.fetcher import Fetcher
from tests.support import payloads
from tests.support.statuspage_server import SUMMARY, StatuspageServer


class Job:
    def __init__(self, delay: float, hold: float = 0.0) -> None:
        self.delay, self.hold = delay, hold
        self.rounds: list[float] = []
        self.ran = threading.Event()

    def run_once(self) -> float:
        self.rounds.append(time.monotonic())
        self.ran.set()
        time.sleep(self.hold)
        return self.delay


@pytest.fixture
def server() -> Iterator[StatuspageServer]:
    with StatuspageServer() as srv:
        srv.set_summary(payloads.summary())
        yield srv


def poller(server: StatuspageServer, interval: float = 0.3) -> Poller:
    source = SourceSpec("Claude", server.url)
    config = Config(sources=(source,), cadence=Cadence(interval=interval, fast_interval=interval))
    return Poller(config, Fetcher())


def wait_until(condition: object, timeout: float = 5) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "condition stayed false"
        time.sleep(0.02)


def test_a_job_runs_at_once_then_when_its_round_says(server: StatuspageServer) -> None:
    watcher = poller(server)
    job = Job(delay=0.5)
    watcher.add_job("probes", job)
    watcher.start()
    try:
        wait_until(lambda: len(job.rounds) >= 3)
    finally:
        watcher.stop()
    gaps = [b - a for a, b in zip(job.rounds, job.rounds[1:], strict=False)]
    assert all(0.45 <= gap < 1.5 for gap in gaps), gaps


def test_a_slow_round_never_holds_up_a_status_page(server: StatuspageServer) -> None:
    watcher = poller(server, interval=0.2)
    job = Job(delay=60, hold=3.0)  # probes waiting out their timeouts
    watcher.add_job("probes", job)
    watcher.start()
    try:
        assert job.ran.wait(5)
        before = len(server.requests_to(SUMMARY))
        wait_until(lambda: len(server.requests_to(SUMMARY)) >= before + 3, timeout=2.5)
        assert len(job.rounds) == 1  # and a round under way is never started twice
    finally:
        watcher.stop()


def test_check_now_runs_the_job_again_at_once(server: StatuspageServer) -> None:
    watcher = poller(server, interval=30)
    job = Job(delay=3600)
    watcher.add_job("probes", job)
    watcher.start()
    try:
        wait_until(lambda: len(job.rounds) == 1)
        watcher.check_now()
        wait_until(lambda: len(job.rounds) == 2)
    finally:
        watcher.stop()


def test_the_probes_confirm_a_first_failure_at_once_and_warn_on_the_third_round(
    server: StatuspageServer, tmp_path: Path
) -> None:
    from claude_beacon.config.settings import load
    from claude_beacon.core.verdict import CONFIRM_INTERVAL, Finding
    from claude_beacon.engine.diagnostics import RETRY_INTERVAL, Diagnostics
    from tests.integration.conftest import loopback_diagnostics
    from tests.support.statuspage_server import json_reply

    config_file = tmp_path / "beacon.toml"
    diagnostics = loopback_diagnostics(server.url).replace("interval = 1\n", "interval = 120\n")
    config_file.write_text(f'{diagnostics}[[sources]]\nname = "Claude"\nurl = "{server.url}"\n')
    server.set("/generate_204", json_reply({}, status=204))
    server.set("/v1/models", json_reply({"data": []}))
    probes = Diagnostics(load(config_file))
    assert probes.run_once() == 120.0  # all well: the configured pace, no more traffic
    server.set("/v1/models", json_reply({"error": "overloaded"}, status=529))
    delays = [probes.run_once() for _ in range(3)]
    assert delays == [CONFIRM_INTERVAL, CONFIRM_INTERVAL, RETRY_INTERVAL]
    verdict = probes.verdict(green_page(server))
    assert verdict.finding is Finding.EARLY_WARNING


def green_page(server: StatuspageServer) -> Snapshot:
    """The page green, read for real from the loopback server."""
    reader = poller(server)
    try:
        return reader.poll_once()[0]
    finally:
        reader.fetcher.client.close()
