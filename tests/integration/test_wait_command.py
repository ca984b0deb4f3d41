"""``claude-beacon wait`` as a real process: returns when the page recovers, 3 on timeout."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from tests.integration.conftest import write_config
from tests.support import payloads
from tests.support.statuspage_server import StatuspageServer

FAST = "interval = 0.3\nfast_interval = 0.3\n"


def start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "claude_beacon", "wait", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )


def test_wait_returns_when_the_page_recovers(server: StatuspageServer, isolated_home: Path) -> None:
    server.set_summary(payloads.summary({"Claude Code": "major_outage"}))
    proc = start("--timeout", "30", "--config", str(write_config(isolated_home, server.url, FAST)))
    server.wait_for_requests("/api/v2/summary.json", 3)
    assert proc.poll() is None  # still waiting
    recovered = time.monotonic()
    server.set_summary(payloads.summary())
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert time.monotonic() - recovered < 5
    assert out == "Claude: all systems operational\n"
    assert err.count("waiting; Claude: major outage") == 1  # said once, not per poll


def test_wait_for_one_component_and_time_out(server: StatuspageServer, isolated_home: Path) -> None:
    server.set_summary(payloads.summary({"Claude Code": "major_outage"}))
    config = str(write_config(isolated_home, server.url, FAST))
    other = start("--component", "claude.ai", "--timeout", "10", "--config", config)
    assert other.wait(10) == 0  # claude.ai itself is fine
    other.communicate()
    started = time.monotonic()
    proc = start("--component", "Claude Code", "--timeout", "1", "--config", config)
    _out, err = proc.communicate(timeout=20)
    assert proc.returncode == 3
    assert "not operational after 1 s" in err
    assert time.monotonic() - started < 8


def test_waiting_for_a_component_the_page_does_not_have_is_an_error(
    server: StatuspageServer, isolated_home: Path
) -> None:
    """A typo must not read as 'all clear' and let `wait && claude` go ahead."""
    server.set_summary(payloads.summary({"Claude Code": "major_outage"}))
    config = str(write_config(isolated_home, server.url, FAST))
    proc = start("--component", "Claude Kode", "--timeout", "10", "--config", config)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 2
    assert out == ""
    assert "Claude has no component named 'Claude Kode'" in err
