"""The Statuspage parser on every recorded real payload, and on what a future API may send."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime

import pytest

from claude_beacon.core.model import FailureKind, ItemKind, Level, SourceSpec
from claude_beacon.core.statuspage import (
    COMPONENT_LEVELS,
    PayloadError,
    parse_history,
    parse_summary,
)
from tests.conftest import FIXTURES, fixture_bytes, fixture_json

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
SOURCE = SourceSpec(name="Claude", url="https://status.claude.com")
JSON_FIXTURES = sorted(p.name for p in FIXTURES.glob("*.json"))


def parse(payload: object, components: tuple[str, ...] = ()) -> object:
    source = SourceSpec(name="Test", url="https://status.example.com", components=components)
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return parse_summary(body, source, NOW)


@pytest.mark.parametrize("name", JSON_FIXTURES)
def test_every_recorded_payload_parses_into_a_known_level(name: str) -> None:
    """Real payloads from several pages and years parse without failure or warnings."""
    reading = parse_summary(fixture_bytes(name), SOURCE, NOW)
    assert reading.ok, reading.failure
    assert reading.level is not Level.UNKNOWN
    assert reading.warnings == ()
    raw = fixture_json(name)
    real_rows = [c for c in raw.get("components", []) if not c.get("group")]
    # Every real component row survives, with its level taken from its own status.
    assert {c.id for c in reading.components} >= {r["id"] for r in real_rows}
    for component in reading.components:
        assert component.level is COMPONENT_LEVELS[component.status]


@pytest.mark.parametrize(
    ("name", "level", "components", "incidents", "maintenances"),
    [
        # Console degraded; the open incident (impact major) is being monitored.
        ("anthropic-summary-1.json", Level.DEGRADED, 6, 1, 0),
        ("anthropic-status-1.json", Level.OPERATIONAL, 0, 0, 0),
        # 50 incidents, one still investigating with impact minor.
        ("anthropic-incidents-1.json", Level.DEGRADED, 0, 1, 0),
        ("anthropic-scheduled-maintenances-1.json", Level.OPERATIONAL, 0, 0, 0),
        # Trimmed page: group "Africa" stands alone, its children's groups are missing.
        ("cloudflare-summary-1.json", Level.PARTIAL_OUTAGE, 3, 0, 3),
        ("github-summary-1.json", Level.OPERATIONAL, 12, 0, 0),
        ("github-status-11.json", Level.PARTIAL_OUTAGE, 0, 0, 0),
        ("github-components-1.json", Level.PARTIAL_OUTAGE, 10, 0, 0),
        ("openai-summary-1.json", Level.OPERATIONAL, 25, 0, 0),
        ("reddit-components-1.json", Level.OPERATIONAL, 45, 0, 0),
        ("dropbox-components-11.json", Level.OPERATIONAL, 7, 0, 0),
        ("linode-components-1.json", Level.PARTIAL_OUTAGE, 62, 0, 0),
        ("discord-incidents-1.json", Level.OPERATIONAL, 0, 0, 0),
        ("discord-scheduled-maintenances-1.json", Level.OPERATIONAL, 0, 0, 0),
        ("github-incidents-1.json", Level.OPERATIONAL, 0, 0, 0),
        ("github-incidents-11.json", Level.OPERATIONAL, 0, 0, 0),
    ],
)
def test_recorded_payload_reads_as_the_page_showed_it(
    name: str, level: Level, components: int, incidents: int, maintenances: int
) -> None:
    reading = parse_summary(fixture_bytes(name), SOURCE, NOW)
    assert (reading.level, len(reading.components)) == (level, components)
    assert (len(reading.incidents), len(reading.maintenances)) == (incidents, maintenances)


def test_claude_summary_details() -> None:
    """Names, groups, the incident's latest update and link come through intact."""
    reading = parse_summary(fixture_bytes("anthropic-summary-1.json"), SOURCE, NOW)
    console = next(c for c in reading.components if c.id == "0qbwn08sd68x")
    assert (console.name, console.level) == ("Claude Console (platform.claude.com)", Level.DEGRADED)
    incident = reading.incidents[0]
    raw = fixture_json("anthropic-summary-1.json")["incidents"][0]
    assert incident.name == raw["name"]
    assert incident.url == raw["shortlink"]
    assert incident.latest is not None
    assert incident.latest.id == raw["incident_updates"][0]["id"]
    assert [u.id for u in incident.updates] == [u["id"] for u in raw["incident_updates"]]
    assert incident.component_names == ("Claude Console (platform.claude.com)",)
    assert reading.page_url == "https://status.claude.com"


def test_groups_are_replaced_by_their_children_which_carry_the_group_name() -> None:
    raw = fixture_json("linode-components-1.json")["components"]
    groups = {c["id"]: c["name"] for c in raw if c.get("group")}
    reading = parse_summary(fixture_bytes("linode-components-1.json"), SOURCE, NOW)
    assert not {c.id for c in reading.components} & set(groups)
    for component in reading.components:
        row = next(r for r in raw if r["id"] == component.id)
        assert component.group == groups.get(row.get("group_id"))


def test_a_group_whose_children_were_trimmed_stands_alone() -> None:
    reading = parse_summary(fixture_bytes("cloudflare-summary-1.json"), SOURCE, NOW)
    assert "Africa" in {c.name for c in reading.components}
    # The children point at groups the trimmed list lacks, so they carry no group name.
    assert {c.group for c in reading.components} == {None}
    assert sorted(c.status for c in reading.components) == [
        "partial_outage",
        "partial_outage",
        "under_maintenance",
    ]
    assert all(m.scheduled_for and m.scheduled_until for m in reading.maintenances)


def test_update_order_is_newest_first_even_with_null_display_at() -> None:
    items = parse_history(fixture_bytes("anthropic-incidents-1.json"))
    assert len(items) == 50
    for item in items:
        stamps = [u.at for u in item.updates if u.at is not None]
        assert stamps == sorted(stamps, reverse=True)
    postmortem = next(i for i in items if i.status == "postmortem")
    assert postmortem.resolved
    assert sum(not i.resolved for i in items) == 1


def test_history_of_maintenances() -> None:
    items = parse_history(fixture_bytes("anthropic-scheduled-maintenances-1.json"))
    assert [i.kind for i in items] == [ItemKind.MAINTENANCE, ItemKind.MAINTENANCE]
    assert all(i.status == "completed" and i.resolved for i in items)
    assert all(i.impact == "maintenance" and i.level is Level.MAINTENANCE for i in items)


def test_history_refuses_a_summary() -> None:
    with pytest.raises(PayloadError):
        parse_history(b'{"page": {}, "status": {"indicator": "none"}}')


def test_unknown_enum_values_are_cautious_and_reported() -> None:
    """A value from a future API is never operational, and never a crash."""
    data = copy.deepcopy(fixture_json("anthropic-summary-1.json"))
    data["components"][0]["status"] = "quantum_flux"
    data["incidents"][0]["impact"] = "apocalyptic"
    data["incidents"][0]["status"] = "contemplating"
    reading = parse(data)
    assert reading.ok
    flux = next(c for c in reading.components if c.status == "quantum_flux")
    assert flux.level is Level.DEGRADED
    assert reading.incidents[0].level is Level.DEGRADED
    assert reading.level >= Level.DEGRADED
    assert len(reading.warnings) == 3
    assert any("quantum_flux" in w for w in reading.warnings)


def test_unknown_indicator_without_components_is_not_operational() -> None:
    reading = parse({"page": {}, "status": {"indicator": "purple", "description": "?"}})
    assert reading.level is Level.DEGRADED
    assert reading.warnings


def test_maintenance_indicator_is_understood() -> None:
    reading = parse({"status": {"indicator": "maintenance", "description": "Under Maintenance"}})
    assert (reading.level, reading.warnings) == (Level.MAINTENANCE, ())


@pytest.mark.parametrize(
    ("body", "words", "kind"),
    [
        (b"<!DOCTYPE html><html><body>Just a moment...</body></html>", "HTML", "blocked"),
        (b'{"page": {"id": "x"}, "components": [', "invalid JSON", "bad_payload"),
        (b"[1, 2, 3]", "JSON object", "bad_payload"),
        (b"", "empty answer", "blocked"),
        (b"\xff\xfe\x00garbage\x81", "invalid JSON", "bad_payload"),
        (b'{"hello": "world"}', "JSON without", "blocked"),
        (b'{"status": "blocked"}', "JSON without", "blocked"),
        (b'{"incidents": []}', "JSON without", "blocked"),
        (b"Access denied\n", "text page", "blocked"),
        (b"\xef\xbb\xbf  <html><body>Checking your browser</body></html>", "HTML", "blocked"),
        (
            b'{"page": {}, "components": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
            "JSON",
            "bad_payload",
        ),
    ],
)
def test_bad_bodies_become_a_failed_reading(body: bytes, words: str, kind: str) -> None:
    """Broken bodies are bad payloads; well-formed bodies of another shape are challenges."""
    reading = parse(body)
    assert reading.failure is not None
    assert reading.failure.kind is FailureKind(kind)
    assert words in reading.failure.message
    assert reading.level is Level.UNKNOWN


def test_wrong_types_inside_a_valid_document_are_tolerated() -> None:
    data = {
        "page": "not an object",
        "status": None,
        "components": [None, 3, {"id": "a", "name": "A", "status": "operational"}, {"name": "x"}],
        "incidents": {"not": "a list"},
        "scheduled_maintenances": [{"id": "m", "status": "in_progress", "incident_updates": None}],
    }
    reading = parse(data)
    assert [c.id for c in reading.components] == ["a"]
    assert reading.maintenances[0].in_progress
    assert reading.level is Level.MAINTENANCE


def test_component_filter_by_name_or_id() -> None:
    data = fixture_json("anthropic-summary-1.json")
    only_code = parse(data, components=("claude code",))
    assert [c.name for c in only_code.components] == ["Claude Code"]
    # The open incident concerns the Console only, so it does not count here.
    assert (only_code.level, only_code.incidents) == (Level.OPERATIONAL, ())
    by_id = parse(data, components=("0qbwn08sd68x",))
    assert by_id.level is Level.DEGRADED
    assert len(by_id.incidents) == 1


def test_component_filter_names_a_missing_component() -> None:
    reading = parse(fixture_json("anthropic-summary-1.json"), components=("Claude Mobile",))
    assert reading.components == ()
    assert any("claude mobile" in w for w in reading.warnings)


def test_component_filter_by_group_name() -> None:
    reading = parse(fixture_json("linode-components-1.json"), components=("Regions",))
    assert reading.components
    assert {c.group for c in reading.components} == {"Regions"}
