"""``claude-beacon watch`` as a real process: lifecycles, restarts, politeness."""

from __future__ import annotations

import itertools
import subprocess
import sys
import time
from pathlib import Path

from claude_beacon.core.schedule import Cadence
from tests.integration.conftest import Watch, write_config
from tests.support import payloads
from tests.support.statuspage_server import Reply, StatuspageServer, json_reply

SUMMARY = "/api/v2/summary.json"
INCIDENTS = "/api/v2/incidents.json"
API = "Claude API (api.anthropic.com)"


def opened(status: str = "investigating") -> dict:
    return payloads.incident(
        "inc1",
        "Elevated errors on the API",
        status=status,
        impact="major",
        updates=[("u1", "investigating", "We are investigating.")],
        components=[API],
    )


def test_incident_lifecycle_is_reported_once_each(
    server: StatuspageServer, isolated_home: Path
) -> None:
    server.set_summary(payloads.summary())
    watch = Watch(write_config(isolated_home, server.url))
    try:
        server.wait_for_requests(SUMMARY, 2, timeout=10)
        server.set_summary(
            payloads.summary(components={API: "partial_outage"}, incidents=[opened()])
        )
        by_kind = {e["kind"]: e for e in watch.events(2)}
        assert set(by_kind) == {"incident_opened", "component_changed"}
        event = by_kind["incident_opened"]
        assert (event["id"], event["source"], event["level"]) == (
            "inc1",
            "Claude",
            "partial_outage",
        )
        assert event["title"] == "Elevated errors on the API"
        assert event["body"] == "We are investigating."
        assert by_kind["component_changed"]["title"] == f"{API} has a partial outage"

        updated = payloads.incident(
            "inc1",
            "Elevated errors on the API",
            status="identified",
            impact="major",
            updates=[
                ("u2", "identified", "Cause found."),
                ("u1", "investigating", "We are investigating."),
            ],
            components=[API],
        )
        server.set_summary(
            payloads.summary(components={API: "partial_outage"}, incidents=[updated])
        )
        (event,) = watch.events(1)
        assert (event["kind"], event["body"], event["status"]) == (
            "incident_updated",
            "Cause found.",
            "identified",
        )

        resolved = payloads.incident(
            "inc1",
            "Elevated errors on the API",
            status="resolved",
            impact="major",
            updates=[
                ("u3", "resolved", "All good now."),
                ("u2", "identified", "Cause found."),
                ("u1", "investigating", "We are investigating."),
            ],
            components=[API],
        )
        server.set(INCIDENTS, json_reply(payloads.incidents_page([resolved])))
        server.set_summary(payloads.summary())
        events = watch.events(2)
        by_kind = {e["kind"]: e for e in events}
        assert set(by_kind) == {"incident_resolved", "component_changed"}
        assert by_kind["incident_resolved"]["body"] == "All good now."
        assert watch.quiet_for(1.5) == []
    finally:
        code, stderr = watch.stop()
    assert code == 0 and "Traceback" not in stderr
    later = server.requests_to(SUMMARY)[1:]
    assert later and all("if-none-match" in r.headers for r in later)
    assert any(r.status == 304 for r in later)


def test_maintenance_lifecycle(server: StatuspageServer, isolated_home: Path) -> None:
    server.set_summary(payloads.summary())
    watch = Watch(write_config(isolated_home, server.url))
    try:
        server.wait_for_requests(SUMMARY, 2, timeout=10)
        for status in ("scheduled", "in_progress", "verifying"):
            item = payloads.maintenance("m1", "Database upgrade", status=status, components=[API])
            server.set_summary(payloads.summary(maintenances=[item]))
            if status != "verifying":
                (event,) = watch.events(1)
                expected = {
                    "scheduled": "maintenance_scheduled",
                    "in_progress": "maintenance_started",
                }
                assert (event["kind"], event["id"]) == (expected[status], "m1")
                assert event["starts"] and event["ends"]
        server.set_summary(payloads.summary())
        (event,) = watch.events(1)
        assert event["kind"] == "maintenance_completed"
        assert watch.quiet_for(1.0) == []
    finally:
        watch.stop()


def test_a_restart_repeats_nothing(server: StatuspageServer, isolated_home: Path) -> None:
    config = write_config(isolated_home, server.url)
    server.set_summary(payloads.summary(incidents=[opened()]))
    first = Watch(config)
    assert [e["kind"] for e in first.events(1)] == ["incident_opened"]
    first.stop()
    second = Watch(config)
    try:
        server.wait_for_requests(SUMMARY, len(server.requests_to(SUMMARY)) + 3, timeout=10)
        assert second.quiet_for(0.5) == []
        newer = payloads.incident(
            "inc1",
            "Elevated errors on the API",
            status="monitoring",
            impact="major",
            updates=[
                ("u2", "monitoring", "Fix deployed."),
                ("u1", "investigating", "We are investigating."),
            ],
            components=[API],
        )
        server.set_summary(payloads.summary(incidents=[newer]))
        (event,) = second.events(1)
        assert (event["kind"], event["body"]) == ("incident_updated", "Fix deployed.")
    finally:
        second.stop()


def test_source_down_and_recovered(server: StatuspageServer, isolated_home: Path) -> None:
    server.set_summary(payloads.summary())
    watch = Watch(write_config(isolated_home, server.url))
    try:
        server.wait_for_requests(SUMMARY, 1, timeout=10)
        server.set(SUMMARY, Reply(status=502))
        (down,) = watch.events(1, timeout=15)
        assert down["kind"] == "source_down"
        assert "HTTP 502" in down["body"]
        server.set_summary(payloads.summary())
        (back,) = watch.events(1, timeout=15)
        assert back["kind"] == "source_recovered"
    finally:
        watch.stop()


def test_backoff_under_server_errors(server: StatuspageServer, isolated_home: Path) -> None:
    """At a 0.2 s interval, 6 s of 500s would be 30 polls; backoff keeps it to a handful.

    Delays are drawn with full jitter, so one gap may well be shorter than the one before it.
    What always holds: each gap stays under its doubling ceiling, and some wait is longer than
    any healthy poll's.
    """
    interval, jitter, slack = 0.2, Cadence().jitter, 1.0
    server.set(SUMMARY, Reply(status=500))
    watch = Watch(write_config(isolated_home, server.url), interval=interval)
    try:
        time.sleep(6)
        ended = time.monotonic()
    finally:
        watch.stop()
    times = [r.at for r in server.requests_to(SUMMARY)]
    assert 3 <= len(times) <= 14
    gaps = [b - a for a, b in itertools.pairwise(times)]
    for failures, gap in enumerate(gaps, start=1):
        assert gap <= interval * 2**failures + slack, (failures, gaps)
    assert max([*gaps, ended - times[-1]]) > 2 * interval * (1 + jitter), gaps


def test_retry_after_is_honoured(server: StatuspageServer, isolated_home: Path) -> None:
    server.set(
        SUMMARY,
        [Reply(status=503, headers=(("Retry-After", "2"),)), json_reply(payloads.summary())],
    )
    watch = Watch(write_config(isolated_home, server.url))
    try:
        first, second = server.wait_for_requests(SUMMARY, 2, timeout=10)[:2]
    finally:
        watch.stop()
    assert second.at - first.at >= 1.9


def test_a_reader_that_goes_away_ends_watch_quietly(
    server: StatuspageServer, isolated_home: Path
) -> None:
    """`claude-beacon watch --json | head -1`: the next event finds no reader, and watch ends."""
    server.set_summary(payloads.summary(incidents=[opened()]))
    config = write_config(isolated_home, server.url)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "claude_beacon",
            "watch",
            "--json",
            "--interval=0.2",
            f"--config={config}",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None and proc.stderr is not None
        assert '"incident_opened"' in proc.stdout.readline()
        proc.stdout.close()  # what `head -1` does once it has its line
        another = payloads.incident("inc2", "Another incident")  # an event to write
        server.set_summary(payloads.summary(incidents=[opened(), another]))
        assert proc.wait(10) == 0
        assert "Traceback" not in proc.stderr.read()
    finally:
        proc.kill()
        proc.wait()
        for pipe in (proc.stdout, proc.stderr):
            if pipe:
                pipe.close()
