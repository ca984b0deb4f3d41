"""Plain RSS/Atom status feeds (the clouds'): recent entries that do not say they ended are
open incidents; a filter keeps the entries that name a product; unsafe XML is refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from claude_beacon.core.cloudfeed import read_feed
from claude_beacon.core.model import FailureKind, Level, SourceSpec

FIXTURES = Path(__file__).parent.parent / "fixtures"
NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
BEDROCK = SourceSpec("Amazon Bedrock", "https://status.aws.amazon.com/rss/x.rss", "feed")
VERTEX = SourceSpec(
    "Vertex AI", "https://status.cloud.google.com/en/feed.atom", "feed", ("vertex ai",)
)


def feed(name: str, at: datetime) -> bytes:
    text = (FIXTURES / name).read_text()
    text = text.replace("__RECENT_RFC822__", at.strftime("%a, %d %b %Y %H:%M:%S +0000"))
    return text.replace("__RECENT_ISO__", at.isoformat()).encode()


def test_an_open_bedrock_entry_is_one_degraded_incident_and_resolved_ones_are_not() -> None:
    reading = read_feed(feed("aws-bedrock-rss-1.xml", NOW - timedelta(minutes=20)), BEDROCK, NOW)
    assert reading.ok and reading.level is Level.DEGRADED
    assert reading.page_name == "Amazon Bedrock (N. Virginia) Service Status"
    (incident,) = reading.incidents
    assert incident.name == "Informational message: Increased Error Rates"
    assert incident.id == "http://status.aws.amazon.com/#bedrock-us-east-1_1767225600"
    assert "Anthropic Claude models" in (incident.latest.body if incident.latest else "")
    assert incident.url is None  # http:// links are not offered to open


def test_entries_older_than_six_hours_are_history() -> None:
    reading = read_feed(feed("aws-bedrock-rss-1.xml", NOW - timedelta(hours=7)), BEDROCK, NOW)
    assert reading.ok and reading.incidents == () and reading.level is Level.OPERATIONAL


def test_google_clouds_feed_filtered_to_vertex_ai_keeps_only_its_entry() -> None:
    reading = read_feed(feed("gcp-feed-1.atom", NOW - timedelta(hours=1)), VERTEX, NOW)
    (incident,) = reading.incidents
    assert incident.name.startswith("Vertex Gemini API customers are experiencing elevated")
    assert incident.url == "https://status.cloud.google.com/incidents/vTx3kq9LrGm2PdWn8sZa"
    assert incident.component_names == ("vertex ai",)
    unfiltered = read_feed(feed("gcp-feed-1.atom", NOW), VERTEX.__class__("GCP", VERTEX.url), NOW)
    assert len(unfiltered.incidents) == 2  # the 2022 "RESOLVED:" entry is never open


def test_a_document_with_a_dtd_or_entities_is_refused_unread() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><rss><channel><title>&b;</title>'
        b"</channel></rss>"
    )
    reading = read_feed(bomb, BEDROCK, NOW)
    assert not reading.ok and reading.failure is not None
    assert "declaration (refused)" in reading.failure.message


def test_an_html_page_or_json_is_not_a_feed() -> None:
    html = read_feed(b"<!doctype html><html><body>Just a moment</body></html>", BEDROCK, NOW)
    assert html.failure is not None and html.failure.kind is FailureKind.BLOCKED
    json = read_feed(b'{"page": {}}', BEDROCK, NOW)
    assert json.failure is not None and json.failure.kind is FailureKind.BAD_PAYLOAD
