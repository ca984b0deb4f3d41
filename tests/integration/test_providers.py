"""incident.io and Instatus pages as real processes read them, and ``add`` telling them apart."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from claude_beacon.config.settings import load
from claude_beacon.engine.poller import Poller
from claude_beacon.net.fetcher import Fetcher
from tests.conftest import fixture_bytes, fixture_json
from tests.integration.conftest import Watch, cli, loopback_diagnostics, write_config
from tests.support import payloads
from tests.support.statuspage_server import Reply, StatuspageServer, html_reply, json_reply

WIDGET = "/api/v1/summary"
INSTATUS_SUMMARY, INSTATUS_COMPONENTS = "/summary.json", "/v2/components.json"
STATUSPAGE = "/api/v2/summary.json"


def test_status_of_an_incidentio_page(server: StatuspageServer, isolated_home: Path) -> None:
    server.set(WIDGET, json_reply(fixture_bytes("incidentio/widget-1.json")))
    config = write_config(isolated_home, server.url, source='type = "incidentio"')
    result = cli("status", "--json", "--config", str(config))
    assert result.returncode == 2, result.stderr  # a major outage is critical
    (source,) = json.loads(result.stdout)["sources"]
    assert source["level"] == "major_outage" and source["error"] is None
    assert (source["type"], source["alternative"]) == ("incidentio", False)
    assert [i["name"] for i in source["incidents"]] == ["Elevated errors on the Responses API"]
    assert {m["name"] for m in source["maintenances"]} == {
        "Database upgrade",
        "Essential maintenance",
    }
    assert server.requests_to(STATUSPAGE) == []  # only the provider's own document is asked


def test_status_of_an_instatus_page(server: StatuspageServer, isolated_home: Path) -> None:
    server.set(INSTATUS_SUMMARY, json_reply(fixture_bytes("instatus/summary-1.json")))
    server.set(INSTATUS_COMPONENTS, json_reply(fixture_bytes("instatus/components-1.json")))
    config = write_config(isolated_home, server.url, source='type = "instatus"\nalternative = true')
    result = cli("status", "--config", str(config))
    assert result.returncode == 2, result.stderr  # alone, an alternative is what is watched
    assert result.stdout.startswith("Claude (alternative): major outage")
    assert "Trading API degraded" in result.stdout
    assert "Trading API (CLOB)" in result.stdout


def test_watch_tells_an_incidentio_lifecycle_once_each(
    server: StatuspageServer, isolated_home: Path
) -> None:
    quiet = {"ongoing_incidents": [], "in_progress_maintenances": [], "scheduled_maintenances": []}
    server.set(WIDGET, json_reply(quiet))
    data = fixture_json("incidentio/widget-1.json")
    incident = data["ongoing_incidents"][0]
    watch = Watch(write_config(isolated_home, server.url, source='type = "incidentio"'))
    try:
        server.wait_for_requests(WIDGET, 2, timeout=10)
        server.set(WIDGET, json_reply(quiet | {"ongoing_incidents": [incident]}))
        (opened,) = watch.events(1)
        assert (opened["kind"], opened["id"]) == ("incident_opened", incident["id"])
        later = incident | {
            "last_update_at": "2026-07-09T20:00:00Z",
            "last_update_message": "Fixed.",
        }
        server.set(WIDGET, json_reply(quiet | {"ongoing_incidents": [later]}))
        (updated,) = watch.events(1)
        assert (updated["kind"], updated["body"]) == ("incident_updated", "Fixed.")
        server.set(WIDGET, json_reply(quiet))
        (resolved,) = watch.events(1)
        assert (resolved["kind"], resolved["id"]) == ("incident_resolved", incident["id"])
        assert watch.quiet_for(1.0) == []
    finally:
        code, stderr = watch.stop()
    assert code == 0, stderr


def sources_of(config: Path) -> list[dict]:
    return tomllib.loads(config.read_text())["sources"]


@pytest.mark.parametrize(
    ("kind", "documents"),
    [
        ("statuspage", {STATUSPAGE: payloads.summary()}),
        ("incidentio", {WIDGET: fixture_json("incidentio/widget-1.json")}),
        (
            "instatus",
            {
                INSTATUS_SUMMARY: fixture_json("instatus/summary-1.json"),
                INSTATUS_COMPONENTS: fixture_json("instatus/components-1.json"),
            },
        ),
    ],
)
def test_add_detects_the_provider_and_keeps_claude(
    server: StatuspageServer, isolated_home: Path, kind: str, documents: dict
) -> None:
    for path, body in documents.items():
        server.set(path, json_reply(body))
    config = isolated_home / "beacon.toml"
    config.write_text("# my settings\ninterval = 60\n" + loopback_diagnostics(server.url))
    result = cli("add", server.url + "/", "--config", str(config))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("added: ")
    text = config.read_text()
    assert text.startswith("# my settings\ninterval = 60\n")  # what was there stays
    claude, added = sources_of(config)
    assert claude == {"type": "statuspage", "name": "Claude", "url": "https://status.claude.com"}
    assert added["type"] == kind and added["url"] == server.url
    assert added["name"]  # the page's own name, or its host

    again = cli("add", server.url, "--config", str(config))
    assert again.returncode == 0 and again.stdout.startswith("already watched: ")
    assert config.read_text() == text

    loaded = load(config)  # the real parser takes the edited file
    assert [s.kind for s in loaded.sources] == ["statuspage", kind]


def test_add_refuses_what_is_not_a_status_page(
    server: StatuspageServer, isolated_home: Path
) -> None:
    server.set("/", html_reply("<html><body>a blog</body></html>"))
    config = isolated_home / "beacon.toml"
    result = cli("add", server.url, "--config", str(config))
    assert result.returncode == 2
    assert "is not a status page claude-beacon can read" in result.stderr
    assert "Statuspage" in result.stderr and "Instatus" in result.stderr
    assert "Traceback" not in result.stderr
    assert not config.exists() or "sources" not in tomllib.loads(config.read_text())


def test_add_a_preset_and_list_them(isolated_home: Path) -> None:
    config = isolated_home / "beacon.toml"
    listing = cli("add", "--config", str(config))
    assert listing.returncode == 0 and "openai" in listing.stdout
    result = cli("add", "openai", "--config", str(config))
    assert result.returncode == 0, result.stderr
    claude, openai = sources_of(config)
    assert claude["name"] == "Claude"
    assert openai == {
        "type": "statuspage",
        "name": "OpenAI",
        "url": "https://status.openai.com",
        "alternative": True,
    }
    assert "# claude-beacon settings" in config.read_text()  # the commented template stays


def test_adding_claudes_old_address_is_adding_claude(isolated_home: Path) -> None:
    config = isolated_home / "beacon.toml"
    result = cli("add", "https://status.anthropic.com/", "--config", str(config))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("already watched: Claude (https://status.claude.com")
    assert not config.exists()  # nothing changes, so nothing is written


def test_instatus_components_that_fail_once_are_kept_from_before(
    server: StatuspageServer, isolated_home: Path
) -> None:
    server.set(INSTATUS_SUMMARY, json_reply(fixture_bytes("instatus/summary-1.json")))
    server.set(INSTATUS_COMPONENTS, json_reply(fixture_bytes("instatus/components-1.json")))
    config = load(write_config(isolated_home, server.url, source='type = "instatus"'))
    fetcher = Fetcher()
    try:
        poller = Poller(config, fetcher)
        first, _ = poller.poll_once()
        server.set(INSTATUS_COMPONENTS, Reply(status=502))
        second, _ = poller.poll_once()
    finally:
        fetcher.client.close()
    assert [c.name for c in second.readings[0].components] == ["Trading API (CLOB)"]
    assert second.readings[0].components == first.readings[0].components
