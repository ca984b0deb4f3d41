"""What an incident means for this user, through snapshots, events, alerts and the outbox."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from claude_beacon.core import outbox
from claude_beacon.core.alerts import NotifyRules, quiet, should_notify
from claude_beacon.core.impact import annotate, learned_families, model_notes
from claude_beacon.core.model import (
    Event,
    EventKind,
    Item,
    ItemKind,
    Level,
    Reading,
    Snapshot,
    SourceSpec,
    Update,
)
from claude_beacon.core.modelids import KNOWN_FAMILIES
from claude_beacon.core.verdict import Finding, judge

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
CLAUDE = SourceSpec("Claude", "https://status.claude.com")
OTHER = SourceSpec("OpenAI", "https://status.openai.com", alternative=True)


def incident(title: str, body: str = "", status: str = "investigating") -> Item:
    updates = (Update("u1", status, body, NOW),) if body else ()
    return Item("i1", ItemKind.INCIDENT, title, status, "none", Level.OPERATIONAL, None, updates)


def snapshot(*items: Item, yours: tuple[str, ...] = ()) -> Snapshot:
    reading = Reading(CLAUDE, NOW, Level.OPERATIONAL, incidents=items)
    return Snapshot(NOW, (reading,), yours)


def test_an_incident_naming_your_model_shows_degraded_though_its_impact_is_none() -> None:
    shot = snapshot(incident("Elevated errors on Claude Opus 4.8"), yours=("opus-4.8",))
    assert shot.overall is Level.DEGRADED
    assert model_notes(shot) == (
        "Opus 4.8 has elevated errors; Sonnet is not affected: /model sonnet",
    )
    verdict = judge(shot)
    assert verdict.finding is Finding.REPORTED and verdict.level is Level.DEGRADED
    assert "Opus 4.8 has elevated errors" in verdict.headline


def test_your_alias_is_named_by_the_version_the_page_names() -> None:
    shot = snapshot(incident("Elevated errors on Claude Opus 4.8"), yours=("sonnet-5", "opus"))
    assert shot.overall is Level.DEGRADED
    (note,) = model_notes(shot)
    assert note == "Opus 4.8 has elevated errors; Sonnet 5 is not affected: /model claude-sonnet-5"


def test_an_incident_naming_only_other_models_leaves_your_level_alone() -> None:
    shot = snapshot(incident("Elevated errors on Claude Haiku 4.5"), yours=("opus-4.8",))
    assert shot.overall is Level.OPERATIONAL
    assert model_notes(shot) == ("Haiku 4.5 has elevated errors: not your model",)
    assert judge(shot).finding is Finding.ALL_GOOD


@pytest.mark.parametrize(
    "title", ["Elevated errors across many models", "Elevated errors on all Claude models"]
)
def test_an_incident_about_many_or_all_models_affects_you_and_offers_no_switch(title: str) -> None:
    shot = snapshot(incident(title), yours=("opus-4.8",))
    assert shot.overall is Level.DEGRADED
    (note,) = model_notes(shot)
    assert note == "Opus 4.8 may be affected (the incident speaks of models it does not name)"


def test_with_no_model_known_the_level_is_the_pages_and_the_models_are_still_named() -> None:
    shot = snapshot(incident("Elevated errors on Claude Opus 4.8"))
    assert shot.overall is Level.OPERATIONAL
    assert model_notes(shot) == ("Models named: Opus 4.8",)


def test_a_resolved_incident_or_one_on_an_alternative_page_does_not_raise_the_level() -> None:
    done = snapshot(incident("Elevated errors on Opus 4.8", status="resolved"), yours=("opus",))
    assert done.overall is Level.OPERATIONAL
    other = Reading(OTHER, NOW, Level.OPERATIONAL, incidents=(incident("All models erroring"),))
    claude = Reading(CLAUDE, NOW, Level.OPERATIONAL)
    assert Snapshot(NOW, (claude, other), ("opus",)).overall is Level.OPERATIONAL


def test_the_newest_update_saying_your_model_recovered_is_read_with_the_title() -> None:
    item = incident("Elevated errors on Sonnet 4.6", "Sonnet 4.6 is healthy; Opus 4.8 still fails.")
    assert snapshot(item, yours=("opus-4.8",)).overall is Level.DEGRADED


def event(title: str, kind: EventKind = EventKind.INCIDENT_OPENED) -> Event:
    return Event(kind, "Claude", CLAUDE.key, "i1", title, "We are investigating.", at=NOW)


def test_events_carry_the_models_and_whether_they_are_yours_through_the_outbox() -> None:
    told = annotate(event("Elevated errors on Claude Opus 4.8"), ("opus",), KNOWN_FAMILIES)
    assert (told.models, told.any_model, told.affects_you) == (("opus-4.8",), False, True)
    many = annotate(event("Errors across many models"), (), KNOWN_FAMILIES)
    assert (many.models, many.any_model, many.affects_you) == ((), True, None)
    for original in (told, many):
        assert outbox.from_dict(outbox.to_dict(original)) == original
    old = outbox.to_dict(told)
    for key in ("models", "any_model", "affects_you"):
        del old[key]  # an outbox written before these fields existed
    assert outbox.from_dict(old) == replace(told, models=(), affects_you=None)


def test_an_early_warning_or_a_component_change_is_left_as_it_is() -> None:
    warning = event("The API is failing from here", EventKind.EARLY_WARNING)
    assert annotate(warning, ("opus",), KNOWN_FAMILIES) == warning


@pytest.mark.parametrize(
    ("choice", "shown", "hushed"),
    [("quiet", True, True), ("notify", True, False), ("silent", False, False)],
)
def test_other_models_incidents_notify_as_the_setting_says(
    choice: str, shown: bool, hushed: bool
) -> None:
    theirs = annotate(event("Elevated errors on Claude Haiku 4.5"), ("opus",), KNOWN_FAMILIES)
    assert theirs.affects_you is False
    assert should_notify(theirs, CLAUDE, NotifyRules(), {}, None, NOW, choice) is shown
    assert quiet(theirs, choice) is hushed
    yours = annotate(event("Elevated errors on Claude Opus 4.8"), ("opus",), KNOWN_FAMILIES)
    unknown = annotate(event("Elevated errors on Claude Opus 4.8"), (), KNOWN_FAMILIES)
    for told in (yours, unknown):
        assert should_notify(told, CLAUDE, NotifyRules(), {}, None, NOW, choice)
        assert not quiet(told, choice)


def test_a_family_the_page_teaches_is_learned_once_and_alternatives_teach_none() -> None:
    taught = Reading(
        CLAUDE, NOW, Level.OPERATIONAL, incidents=(incident("Errors on Claude Mythos 5"),)
    )
    assert learned_families((taught,), KNOWN_FAMILIES) == {"mythos"}
    assert learned_families((taught,), KNOWN_FAMILIES | {"mythos"}) == frozenset()
    other = replace(taught, source=OTHER)
    assert learned_families((other,), KNOWN_FAMILIES) == frozenset()
    later = Snapshot(NOW, (replace(taught, incidents=(incident("Mythos errors"),)),), ("mythos-5",))
    assert later.overall is Level.OPERATIONAL  # a bare "Mythos" is not known yet...
    learned = replace(later, families=KNOWN_FAMILIES | {"mythos"})
    assert learned.overall is Level.DEGRADED  # ...and is, once learned


def test_the_note_on_your_model_comes_first_though_another_models_incident_is_newer() -> None:
    shot = snapshot(
        incident("Elevated errors on Claude Haiku 4.5"),
        incident("Elevated errors on Claude Opus 4.8"),
        yours=("opus-4.8",),
    )
    assert model_notes(shot) == (
        "Opus 4.8 has elevated errors; Sonnet is not affected: /model sonnet",
        "Haiku 4.5 has elevated errors: not your model",
    )
    assert judge(shot).headline.startswith("An incident touches your model: Opus 4.8 has")
