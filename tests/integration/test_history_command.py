"""``watch`` records what it sees; ``history`` reads it back as a process would."""

from __future__ import annotations

import json
from pathlib import Path

from tests.integration.conftest import Watch, cli, write_config
from tests.support import payloads
from tests.support.statuspage_server import StatuspageServer

API = "Claude API (api.anthropic.com)"


def test_history_after_watching_an_incident(server: StatuspageServer, isolated_home: Path) -> None:
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
    finally:
        watch.stop()

    text = cli("history", "--config", str(config))
    assert text.returncode == 0, text.stderr
    assert f"Claude: {API} is major outage" in text.stdout
    assert "Claude: incident opened — API errors" in text.stdout

    data = json.loads(cli("history", "--json", "--config", str(config)).stdout)
    assert sorted(e["kind"] for e in data["events"]) == ["component_changed", "incident_opened"]
    levels = [(x["component"], x["level"]) for x in data["levels"] if x["component"] == API]
    assert levels == [(API, "operational"), (API, "major_outage")]
    api = data["uptime"]["Claude"][API]
    assert 0 < api["24h"] < 1 and api["24h"] == api["30d"]
    assert data["uptime"]["Claude"]["claude.ai"]["24h"] == 1.0
