"""``watch`` records what it sees; ``history`` reads it back as a process would."""

from __future__ import annotations

import json
from pathlib import Path

from tests.integration.conftest import Watch, cli, write_config
from tests.support import payloads
from tests.support.statuspage_server import StatuspageServer

API = "Claude API (api.anthropic.com)"


def test_history_after_watching_an_incident_is_one_timeline(
    server: StatuspageServer, isolated_home: Path
) -> None:
    config = write_config(isolated_home, server.url)
    server.set_summary(payloads.summary())
    watch = Watch(config)
    try:
        server.wait_for_requests("/api/v2/summary.json", 2)
        incident = payloads.incident("h1", "API errors", impact="major", components=[API])
        server.set_summary(payloads.summary({API: "major_outage"}, [incident]))
        watch.events(2)
        seen = len(server.requests_to("/api/v2/summary.json"))
        server.wait_for_requests("/api/v2/summary.json", seen + 3)  # the outage lasts a while
        server.set_summary(payloads.summary({API: "operational"}, [incident]))
        watch.events(1)  # the API recovered while the incident is still open
    finally:
        watch.stop()

    text = cli("history", "--config", str(config))
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()

    def where(ending: str) -> list[int]:
        return [n for n, line in enumerate(lines) if line.endswith(ending)]

    (outage,) = where(f"Claude: {API} has a major outage")
    (opened,) = where("Claude: incident opened — API errors")
    up_before, up_after = where(f"Claude: {API} is operational")
    assert up_before < outage < opened < up_after  # one timeline, not levels then events

    data = json.loads(cli("history", "--json", "--config", str(config)).stdout)
    assert sorted(e["kind"] for e in data["events"]) == [
        "component_changed",
        "component_changed",
        "incident_opened",
    ]
    levels = [(x["component"], x["level"]) for x in data["levels"] if x["component"] == API]
    assert levels == [(API, "operational"), (API, "major_outage"), (API, "operational")]
    timeline = data["timeline"]
    assert len(timeline) == len(data["levels"]) + len(data["events"])
    assert [t["at"] for t in timeline] == sorted(t["at"] for t in timeline)
    story = [t.get("kind") or f"{t['component']}: {t['level']}" for t in timeline]
    api = [f"{API}: operational", f"{API}: major_outage", "incident_opened"]
    assert [x for x in story if x in api] == [*api, f"{API}: operational"]
    assert {t["type"] for t in timeline} == {"level", "event"}
    uptime = data["uptime"]["Claude"][API]
    assert 0 < uptime["24h"] < 1 and uptime["24h"] == uptime["30d"]
    assert data["uptime"]["Claude"]["claude.ai"]["24h"] == 1.0
