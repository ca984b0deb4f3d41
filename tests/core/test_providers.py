"""incident.io and Instatus pages, read into the same model as Statuspage pages."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from claude_beacon.core import events
from claude_beacon.core.memory import Memory
from claude_beacon.core.model import EventKind, FailureKind, ItemKind, Level, Reading, SourceSpec
from claude_beacon.core.providers import PROVIDERS
from tests.conftest import fixture_bytes, fixture_json

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
INCIDENTIO = SourceSpec(name="Example AI", url="https://status.example-ai.com", kind="incidentio")
INSTATUS = SourceSpec(name="Polymarket", url="https://status.polymarket.com", kind="instatus")


def read(source: SourceSpec, *bodies: bytes | None) -> Reading:
    return PROVIDERS[source.kind].read(bodies, source, NOW)


def widget(**changes: object) -> bytes:
    data = fixture_json("incidentio/widget-1.json") | changes
    return json.dumps(data).encode()


def test_incidentio_widget_reads_incidents_maintenances_and_affected_components() -> None:
    reading = read(INCIDENTIO, fixture_bytes("incidentio/widget-1.json"))
    assert reading.ok and reading.warnings == ()
    assert reading.page_name == "Example AI Status"
    assert reading.level is Level.MAJOR_OUTAGE  # full_outage is a major outage
    by_name = {c.name: c for c in reading.components}
    assert by_name["Responses API"].level is Level.MAJOR_OUTAGE
    assert by_name["Responses API"].group == "APIs"
    assert by_name["Login"].level is Level.DEGRADED
    assert by_name["Files"].level is Level.OPERATIONAL
    (incident,) = reading.incidents
    assert incident.status == "identified" and incident.level is Level.MAJOR_OUTAGE
    assert incident.latest and incident.latest.body.startswith("We have identified the cause")
    assert incident.url == ("https://status.example-ai.com/incidents/01JZ3K6Q8N1V4T2B7C9D0E5F6G")
    started, scheduled = reading.maintenances
    assert started.in_progress and started.kind is ItemKind.MAINTENANCE
    assert scheduled.status == "scheduled"
    assert scheduled.scheduled_for == datetime(2026, 7, 12, 2, 0, tzinfo=UTC)
    assert scheduled.scheduled_until == datetime(2026, 7, 12, 4, 0, tzinfo=UTC)


def test_incidentio_quiet_page_is_operational() -> None:
    body = widget(ongoing_incidents=[], in_progress_maintenances=[], scheduled_maintenances=[])
    reading = read(INCIDENTIO, body)
    assert reading.ok and reading.level is Level.OPERATIONAL
    assert reading.incidents == () and reading.components == ()


def test_incidentio_each_new_update_is_told_once_and_departure_resolves() -> None:
    first = read(INCIDENTIO, fixture_bytes("incidentio/widget-1.json"))
    opened = events.diff(Memory(), first, NOW, {})
    kinds = [e.kind for e in opened.events]
    assert kinds.count(EventKind.INCIDENT_OPENED) == 1

    again = events.diff(opened.memory, first, NOW, {})
    assert again.events == ()

    data = fixture_json("incidentio/widget-1.json")
    data["ongoing_incidents"][0]["last_update_at"] = "2026-07-09T19:55:00Z"
    data["ongoing_incidents"][0]["last_update_message"] = "A fix is rolling out."
    newer = read(INCIDENTIO, json.dumps(data).encode())
    updated = events.diff(again.memory, newer, NOW, {})
    assert [(e.kind, e.body) for e in updated.events] == [
        (EventKind.INCIDENT_UPDATED, "A fix is rolling out.")
    ]

    data["ongoing_incidents"] = []
    gone = read(INCIDENTIO, json.dumps(data).encode())
    assert PROVIDERS["incidentio"].has_history is False
    resolved = events.diff(updated.memory, gone, NOW, {})  # no history: gone means ended
    assert [e.kind for e in resolved.events] == [EventKind.INCIDENT_RESOLVED]


def test_incidentio_unknown_values_count_cautiously_and_warn() -> None:
    data = fixture_json("incidentio/widget-1.json")
    data["ongoing_incidents"][0]["current_worst_impact"] = "catastrophic"
    data["ongoing_incidents"][0]["affected_components"][0]["current_status"] = "on_fire"
    reading = read(INCIDENTIO, json.dumps(data).encode())
    assert reading.ok and reading.level is not Level.OPERATIONAL
    assert any("catastrophic" in w for w in reading.warnings)
    assert any("on_fire" in w for w in reading.warnings)


def test_instatus_summary_with_components() -> None:
    reading = read(
        INSTATUS,
        fixture_bytes("instatus/summary-1.json"),
        fixture_bytes("instatus/components-1.json"),
    )
    assert reading.ok and reading.warnings == ()
    assert reading.page_name == "Polymarket"
    assert reading.description == "Some systems have issues"
    (component,) = reading.components  # "Predictions" is the group of the other
    assert component.name == "Trading API (CLOB)" and component.group == "Predictions"
    (incident,) = reading.incidents
    assert incident.status == "investigating" and incident.level is Level.MAJOR_OUTAGE
    assert reading.level is Level.MAJOR_OUTAGE
    (maintenance,) = reading.maintenances
    assert maintenance.status == "scheduled" and not maintenance.in_progress
    assert maintenance.scheduled_for == datetime(2026, 8, 9, 18, 0, tzinfo=UTC)
    assert maintenance.scheduled_until == datetime(2026, 8, 9, 19, 0, tzinfo=UTC)


def test_instatus_without_components_uses_the_page_state() -> None:
    reading = read(INSTATUS, fixture_bytes("instatus/summary-2.json"), None)
    assert reading.ok and reading.components == ()
    assert reading.level is Level.MAINTENANCE
    (maintenance,) = reading.maintenances
    assert maintenance.in_progress
    # A JavaScript date string, as older Instatus pages write them.
    assert maintenance.scheduled_for == datetime(2022, 6, 11, 20, 0, tzinfo=UTC)


def test_instatus_components_document_that_is_junk_is_left_out() -> None:
    reading = read(INSTATUS, fixture_bytes("instatus/summary-1.json"), b"<html>oops</html>")
    assert reading.ok and reading.components == ()
    assert reading.level is Level.MAJOR_OUTAGE  # the open incident still counts


@pytest.mark.parametrize("source", [INCIDENTIO, INSTATUS])
@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (b"<!DOCTYPE html><title>Just a moment...</title>", FailureKind.BLOCKED),
        (b'{"something": "else"}', FailureKind.BLOCKED),
        (b"\x00\x01garbage{", FailureKind.BAD_PAYLOAD),
        (b"[1, 2]", FailureKind.BAD_PAYLOAD),
    ],
)
def test_bad_bodies_are_failures_never_exceptions(
    source: SourceSpec, body: bytes, kind: FailureKind
) -> None:
    reading = read(source, body, None)
    assert not reading.ok and reading.failure and reading.failure.kind is kind
    assert reading.level is Level.UNKNOWN


def test_instatus_documented_example_items_without_ids() -> None:
    """Instatus's own documentation example: no ``id`` on items, JavaScript dates."""
    reading = read(INSTATUS, fixture_bytes("instatus/summary-docs.json"), None)
    assert reading.ok and reading.warnings == ()
    (incident,) = reading.incidents
    assert incident.id == (
        "https://testing-widget.instatus.com/incident/cl4a8n3070721qtmzvts760c4"
    )  # the item's own page stands in for an id, stable across polls
    assert incident.started_at == datetime(2022, 6, 11, 18, 55, 50, tzinfo=UTC)
    assert incident.level is Level.MAJOR_OUTAGE
    (maintenance,) = reading.maintenances
    assert maintenance.scheduled_until == datetime(2022, 6, 11, 19, 55, 54, tzinfo=UTC)
    first = events.diff(Memory(), reading, NOW, {})
    again = events.diff(
        first.memory, read(INSTATUS, fixture_bytes("instatus/summary-docs.json")), NOW, {}
    )
    assert again.events == ()  # the same page twice tells nothing new
