"""History feeds read into items: Statuspage's and incident.io's, and entries of unknown state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from claude_beacon.core.feed import UNREAD_OPEN_WINDOW, FeedEntry, items_from_feed
from claude_beacon.core.model import Item, ItemKind, Level
from claude_beacon.net.feedreader import entries
from tests.conftest import fixture_bytes

OPENAI_84 = "incidentio/openai-history-2.atom"
OPENAI_4 = "incidentio/openai-history-1.atom"
OPENAI_OPEN = "incidentio/openai-history-open-1.atom"
CAPTURED_84 = datetime(2026, 8, 31, 22, 16, 4, tzinfo=UTC)
"""The 84-entry feed's own ``<updated>``: its newest entry is two hours old by then."""
CAPTURED_OPEN = datetime(2026, 9, 3, 15, 17, tzinfo=UTC)


def read(name: str, now: datetime | None) -> tuple[Item, ...]:
    return items_from_feed(entries(fixture_bytes(name)), now)


def open_items(items: tuple[Item, ...]) -> list[Item]:
    return [i for i in items if not i.resolved]


def test_an_incidentio_feed_of_eighty_four_resolved_incidents_has_none_open() -> None:
    items = read(OPENAI_84, CAPTURED_84)
    assert len(items) == 84
    assert open_items(items) == []
    assert {i.status for i in items} == {"resolved"}
    assert {i.level for i in items} == {Level.OPERATIONAL}
    assert {i.kind for i in items} == {ItemKind.INCIDENT}


def test_an_incidentio_entry_keeps_its_title_link_time_update_and_components() -> None:
    first, *_, last = read(OPENAI_4, CAPTURED_OPEN)
    assert first.id == "01M1KWEDH417T2CF44YYHZDFCR"
    assert first.name == "Elevated errors across ChatGPT and Codex"
    # incident.io writes "status.openai.com//incidents/...": the link shown has one slash.
    assert first.url == "https://status.openai.com/incidents/01M1KWEDH417T2CF44YYHZDFCR"
    (update,) = first.updates
    assert update.at == datetime(2026, 9, 3, 16, 55, 49, 46000, tzinfo=UTC)
    assert first.updated_at == update.at
    assert (update.status, update.id) == ("resolved", "feed-202609031655")
    assert update.body.startswith("The issue causing elevated errors across ChatGPT and Codex")
    assert "Affected components" not in update.body and "<" not in update.body
    assert first.component_names[:3] == ("File uploads", "ChatGPT Atlas", "CLI")
    assert len(first.component_names) == 19
    assert last.name == "Elevated latency in the Responses API"
    assert last.component_names == ("Responses",)


def test_a_component_listed_twice_in_an_entry_is_named_once() -> None:
    items = {i.id: i for i in read(OPENAI_84, CAPTURED_84)}
    assert items["01KY2ZF047ZNVDX0Z6F3QFXB1K"].component_names == ("Login",)
    assert items["01KXRHE25717D2WQ1WFMT2B7WZ"].component_names == ()  # no components listed


def test_an_open_incidentio_entry_is_open_at_the_worst_impact_it_names() -> None:
    items = read(OPENAI_OPEN, CAPTURED_OPEN)
    (found,) = open_items(items)
    assert (found.id, found.status, found.level) == (
        "01M1KWEDH417T2CF44YYHZDFCR",
        "investigating",
        Level.PARTIAL_OUTAGE,
    )
    assert found.impact == "major"
    assert found.component_names == ("Conversations", "Codex Web", "CLI")
    assert found.latest is not None
    assert found.latest.body == "We are investigating elevated errors across ChatGPT and Codex."
    # A readable state needs no recency: the same entry is open days later, until it says not.
    assert open_items(read(OPENAI_OPEN, CAPTURED_OPEN + timedelta(days=3))) == [found]


def test_incidentio_rss_reads_as_its_atom() -> None:
    def facts(items: tuple[Item, ...]) -> list[tuple[object, ...]]:
        return [(i.id, i.name, i.status, i.level, i.url, i.component_names) for i in items]

    rss = read("incidentio/openai-history-open-1.rss", CAPTURED_OPEN)
    atom = read(OPENAI_OPEN, CAPTURED_OPEN)
    assert facts(rss) == facts(atom)
    assert rss[0].updates[0].at == datetime(2026, 9, 3, 14, 58, 23, tzinfo=UTC)  # pubDate


def test_an_incidentio_state_in_words_this_code_does_not_know_is_read_by_its_signs() -> None:
    """A page in Portuguese says 'Resolvido': not a state read here, so time and words decide."""
    recorded = fixture_bytes(OPENAI_4)
    renamed = recorded.replace(b"Status: Resolved", b"Status: Resolvido")
    assert renamed != recorded
    later = datetime(2026, 9, 3, 21, 0, tzinfo=UTC)
    items = items_from_feed(entries(renamed), later)
    # The newest entry is four hours old, and every body says it recovered or was resolved.
    assert open_items(items) == []
    silent = renamed.replace(b"has been resolved", b"is being looked at")
    just_after = datetime(2026, 9, 3, 17, 0, tzinfo=UTC)
    (still_open,) = open_items(items_from_feed(entries(silent), just_after))
    assert (still_open.name, still_open.level) == (
        "Elevated errors across ChatGPT and Codex",
        Level.DEGRADED,
    )


def test_every_recorded_statuspage_entry_has_a_readable_state() -> None:
    items = read("saucelabs-history-1.atom", datetime(2020, 11, 15, tzinfo=UTC))
    assert len(items) == 25 and open_items(items) == []


def test_a_statuspage_feed_without_labels_is_history_once_it_is_old() -> None:
    """Labels stripped from the real feed: nothing is readable, every entry is months old."""
    recorded = fixture_bytes("saucelabs-history-1.atom")
    unlabelled = recorded.replace(b"&lt;strong&gt;", b"&lt;em&gt;").replace(
        b"&lt;/strong&gt;", b"&lt;/em&gt;"
    )
    assert unlabelled != recorded
    later = datetime(2020, 11, 20, tzinfo=UTC)
    assert open_items(items_from_feed(entries(unlabelled), later)) == []


def test_a_feed_with_no_entries_has_no_items() -> None:
    assert read("azure-rss-1.xml", datetime(2026, 7, 31, tzinfo=UTC)) == ()


NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
LINK = "https://status.example.com/incidents/abc123"


def entry(content: str, age: timedelta, title: str = "Elevated errors") -> FeedEntry:
    return FeedEntry(LINK, title, content, NOW - age, NOW - age)


UNLABELLED = "<p>We are looking into elevated errors.</p>"
SITUATIONS = [
    # (entry, now, open?)
    (entry(UNLABELLED, timedelta(hours=1)), NOW, True),
    (entry(UNLABELLED, UNREAD_OPEN_WINDOW - timedelta(minutes=1)), NOW, True),
    (entry(UNLABELLED, UNREAD_OPEN_WINDOW + timedelta(minutes=1)), NOW, False),
    (entry(UNLABELLED, timedelta(days=40)), NOW, False),
    (entry(UNLABELLED, timedelta(hours=1)), None, False),
    (entry("<p>This incident has been resolved.</p>", timedelta(minutes=5)), NOW, False),
    (entry("<p>A fix was deployed and errors RECOVERED.</p>", timedelta(minutes=5)), NOW, False),
    (entry("<p>The migration is completed.</p>", timedelta(minutes=5)), NOW, False),
    (entry("<p>Fixed.</p>", timedelta(minutes=5)), NOW, False),
    (entry(UNLABELLED, timedelta(minutes=5), title="Postmortem: API errors"), NOW, False),
    (entry("<p><strong>Résolu</strong> - Tout fonctionne.</p>", timedelta(hours=1)), NOW, True),
    (entry("<p><strong>Update</strong> - Still looking.</p>", timedelta(hours=6)), NOW, False),
    (entry("<b>Status: Investigating</b><br/><br/>On it.", timedelta(days=3)), NOW, True),
    (entry("<p><strong>Investigating</strong> - On it.</p>", timedelta(days=3)), NOW, True),
    (entry("<b>Status: Resolved</b><br/><br/>Done.", timedelta(minutes=1)), NOW, False),
    (entry("<p><strong>Resolved</strong> - Done.</p>", timedelta(minutes=1)), NOW, False),
]


@pytest.mark.parametrize(("feed_entry", "now", "is_open"), SITUATIONS)
def test_an_entry_of_unreadable_state_is_open_only_if_recent_and_not_said_to_have_ended(
    feed_entry: FeedEntry, now: datetime | None, is_open: bool
) -> None:
    (item,) = items_from_feed([feed_entry], now)
    assert (not item.resolved) is is_open
    assert item.level is (Level.DEGRADED if is_open else Level.OPERATIONAL)
    if item.updates:
        assert item.updates[0].status == item.status
