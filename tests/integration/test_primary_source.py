"""The primary source is a property, not a position: an incident.io page can be the one
that the verdict, ``wait`` and the status page check follow."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import fixture_json
from tests.integration.conftest import cli, loopback_diagnostics
from tests.support import payloads
from tests.support.statuspage_server import Reply, StatuspageServer, json_reply

WIDGET = "/api/v1/summary"
QUIET = {"ongoing_incidents": [], "in_progress_maintenances": [], "scheduled_maintenances": []}


def two_pages(home: Path, alternative: str, primary: str) -> Path:
    """An alternative listed first, and the incident.io page that is the primary one."""
    path = home / "beacon.toml"
    path.write_text(
        f"interval = 1\n{loopback_diagnostics(primary)}"
        f'[[sources]]\nname = "Other AI"\nurl = "{alternative}"\nalternative = true\n'
        f'[[sources]]\nname = "Main"\nurl = "{primary}"\ntype = "incidentio"\n'
    )
    return path


def test_an_incidentio_primary_drives_the_verdict_and_wait(
    server: StatuspageServer, isolated_home: Path
) -> None:
    outage = fixture_json("incidentio/widget-1.json")
    server.set(WIDGET, json_reply(outage))
    with StatuspageServer() as other:
        other.set_summary(payloads.summary())  # the alternative is fine: it must not count
        config = two_pages(isolated_home, other.url, server.url)

        doctor = json.loads(cli("doctor", "--json", "--config", str(config)).stdout)
        assert doctor["verdict"]["finding"] == "reported", doctor["verdict"]
        checked = [p["url"] for p in doctor["probes"]]
        assert f"{server.url}{WIDGET}" in checked or any(server.url in u for u in checked)

        waiting = subprocess.Popen(
            [sys.executable, "-m", "claude_beacon", "wait", "--config", str(config)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            server.wait_for_requests(WIDGET, 2, timeout=10)
            time.sleep(0.5)
            assert waiting.poll() is None  # the primary has an outage: still waiting
            server.set(WIDGET, json_reply(QUIET))
            out, err = waiting.communicate(timeout=30)
        finally:
            waiting.kill()
    assert waiting.returncode == 0, err
    assert out == "Main: all systems operational\n"
    assert "waiting; Main: major outage" in err


def test_wait_keeps_waiting_while_claudes_page_cannot_be_read_whatever_another_says(
    server: StatuspageServer, isolated_home: Path
) -> None:
    server.set("/api/v2/summary.json", Reply(status=503))
    with StatuspageServer() as github:
        github.set_summary(payloads.summary())
        path = isolated_home / "beacon.toml"
        path.write_text(
            f"interval = 1\n{loopback_diagnostics(server.url)}"
            f'[[sources]]\nname = "Claude"\nurl = "{server.url}"\n'
            f'[[sources]]\nname = "GitHub"\nurl = "{github.url}"\n'
        )
        result = cli("wait", "--timeout", "3", "--config", str(path))
    assert result.returncode == 3, result.stdout
    assert result.stdout == ""
    assert "waiting; Claude: its status page cannot be read" in result.stderr
