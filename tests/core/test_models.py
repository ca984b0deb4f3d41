"""Reading models from incidents: 230 real titles of the Claude status page, then the hard cases.

The titles, their hand-read answers and where each was found are in
``tests/fixtures/models/incident-titles.json`` (provenance per title: source, incident id, date).
"""

from __future__ import annotations

from typing import Any

import pytest

from claude_beacon.core.modelids import KNOWN_FAMILIES
from claude_beacon.core.models import ModelMention, Scope, read_models
from tests.conftest import fixture_json

TABLE: dict[str, Any] = fixture_json("models/incident-titles.json")
TITLES: list[dict[str, Any]] = TABLE["titles"]
FAMILIES = frozenset(TABLE["families"])


def models(title: str, *bodies: str, known: frozenset[str] = FAMILIES) -> tuple[str, ...]:
    return read_models(title, bodies, known).models


def test_the_table_is_real_and_large_enough() -> None:
    assert len(TITLES) >= 50
    assert len({row["title"] for row in TITLES}) == len(TITLES)
    for row in TITLES:
        source = TABLE["sources"][row["source"]]
        assert row["date"] and (row["incident"] or "url" in source), row
    named = [row for row in TITLES if row["models"]]
    assert len(named) >= 100
    assert {row["scope"] for row in TITLES} == {None, *(scope.value for scope in Scope)}


@pytest.mark.parametrize(
    "row", TITLES, ids=[f"{row['date']}-{row['incident'] or n}" for n, row in enumerate(TITLES)]
)
def test_real_title(row: dict[str, Any]) -> None:
    mention = read_models(row["title"], known=FAMILIES)
    assert list(mention.models) == row["models"]
    assert (mention.scope.value if mention.scope else None) == row["scope"]
    assert mention.any_model == (row["scope"] is not None)
    assert mention.learned == frozenset()


def test_replaying_the_page_from_the_start_learns_its_families_once_each() -> None:
    known = KNOWN_FAMILIES
    taught: dict[str, str] = {}
    for row in TITLES:
        mention = read_models(row["title"], known=known)
        for family in mention.learned:
            taught[family] = row["title"]
        known = known | mention.learned
    assert taught == {
        "instant": "claude.ai and claude-instant-1.2 were partially degraded",
        "mythos": "We’ve suspended access to Claude Mythos 5 and Claude Fable 5",
        "fable": "We’ve suspended access to Claude Mythos 5 and Claude Fable 5",
    }
    assert known == FAMILIES


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        # Shared versions, lists, lower case, old word order.
        ("Opus and Sonnet 4.6 elevated errors", ("opus-4.6", "sonnet-4.6")),
        ("Elevated errors on Opus, Haiku and Sonnet 4.6", ("opus-4.6", "haiku-4.6", "sonnet-4.6")),
        ("Errors on Sonnet 4.6 and Opus", ("sonnet-4.6", "opus")),
        ("elevated errors on claude opus 4.6 and sonnet 4.6", ("opus-4.6", "sonnet-4.6")),
        ("ELEVATED ERRORS ON CLAUDE HAIKU 4.5", ("haiku-4.5",)),
        ("Claude 3.5 Sonnet errors", ("sonnet-3.5",)),
        ("Opus 4.8, 4.7 and 4.6 errors", ("opus-4.8", "opus-4.7", "opus-4.6")),
        ("Outage for Opus 4.5 and Sonnet 4/4.5", ("opus-4.5", "sonnet-4", "sonnet-4.5")),
        # One model, many spellings.
        ("Sonnet 4 errors", ("sonnet-4",)),
        ("Sonnet 4.0 errors", ("sonnet-4",)),
        ("Errors on Opus 4-6", ("opus-4.6",)),
        ("Errors on Sonet 4.5", ("sonnet-4.5",)),
        ("Errors on Opsu 4.6", ("opus-4.6",)),
        ("Errors on Hiaku 4.5", ("haiku-4.5",)),
        ("Elevated errors on Opus 4.8 Fast Mode", ("opus-4.8",)),
        ("Fast Mode errors for Claude Opus 4.6", ("opus-4.6",)),
        ("Errors for requests to claude-opus-4-1-20250805", ("opus-4.1",)),
        ("Errors on us.anthropic.claude-sonnet-4-5-20250929-v1:0", ("sonnet-4.5",)),
        (
            "Errors on anthropic.claude-v2:1 and claude-3-5-sonnet-v2@20241022",
            ("claude-2.1", "sonnet-3.5"),
        ),
        ("Errors on claude-sonnet-4-5[1m]: long context only", ("sonnet-4.5",)),
        # Surfaces, versions of apps and numbers that are not models.
        ("Claude Code 2.1 crashes on start", ()),
        ("Claude Code v2.1.120 Crashes on Startup", ()),
        ("Elevated errors on Claude.ai, Claude API and Console", ()),
        ("Claude for Government 2 rollout", ()),
        ("Elevated errors on Claude 4 models", ()),
        ("Errors across the Claude 3 family", ()),
        ("Opus errors 10:22 UTC", ("opus",)),
        ("Opus at 10% error rate", ("opus",)),
        ("Sonnet 4.6 — 9:23 PT / 16:23 UTC, Opus 4.8 — 9:59 PT", ("sonnet-4.6", "opus-4.8")),
        ("Errors for 5 users of Claude Tag 2", ()),
        ("Sonnets and a bonnet 4", ()),
        ("See table 2 for details", ()),
        ("Opus", ("opus",)),
        ("Opsu is down", ()),
        ("", ()),
    ],
)
def test_messy_spellings(title: str, expected: tuple[str, ...]) -> None:
    assert models(title) == expected


def test_a_mention_is_a_frozen_value() -> None:
    mention = read_models("Elevated errors on Claude Opus 4.6")
    assert mention == ModelMention(("opus-4.6",))
    with pytest.raises(AttributeError):
        mention.models = ()  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "scope"),
    [
        ("Elevated errors across all models", Scope.ALL),
        ("Errors on every Claude model", Scope.ALL),
        ("Errors on all of the Claude models", Scope.ALL),
        ("Elevated errors on many Claude models", Scope.MANY),
        ("Elevated error rate on multiple models", Scope.MANY),
        ("Errors on most models", Scope.MANY),
        ("Elevated errors on several models", Scope.SEVERAL),
        ("The issue affecting various models has been identified", Scope.SEVERAL),
        ("Elevated error rates on requests to some models", Scope.UNNAMED),
        ("Elevated errors across Claude Models", Scope.UNNAMED),
        ("Elevated errors across models", Scope.UNNAMED),
        ("Elevated errors on Claude 4 models", Scope.UNNAMED),  # a generation, not one model
        ("Elevated errors for Claude Haiku 4.5, and other models", Scope.OTHER),
        ("Errors on requests to models other than Claude Opus 4.6", Scope.OTHER),
        ("Errors on non-Opus models", Scope.OTHER),
        ("Elevated errors across the Haiku family of models", None),
        ("all Sonnet and Opus models were affected", None),
        ("Fable not available in the model picker", None),
        ("Brief model downtime", None),
        ("All models except Opus 5 have recovered.", None),
        ("Success rates across all models have returned to expected levels.", None),
    ],
)
def test_scope(text: str, scope: Scope | None) -> None:
    assert read_models(text, known=FAMILIES).scope is scope


def test_the_widest_scope_of_all_texts_wins() -> None:
    mention = read_models(
        "Degraded performance for multiple models",
        [
            "We are investigating elevated errors on requests to Claude Mythos 5, Claude Fable 5,"
            " Claude Opus 5, Claude Sonnet 5, Claude Haiku 4.5, and other Claude models.",
        ],
        FAMILIES,
    )  # status.claude.com/incidents/q7txxvbsftgq, 2026-08-18
    assert mention.scope is Scope.MANY
    assert mention.models == ("mythos-5", "fable-5", "opus-5", "sonnet-5", "haiku-4.5")


def test_real_update_bodies() -> None:
    # status.claude.com/incidents/fprlnsvdnr2k, 2026-06-05 (the archive above)
    recovery = (
        "The incident started at 8:08 PT / 15:08 UTC. Recovery times per model were:  "
        "Opus 4.6 - 8:25 PT / 15:25 UTC Sonnet 4.6 — 9:23 PT / 16:23 UTC Opus 4.8 — 9:59 PT / "
        "16:59 UTC Opus 4.7 — 10:12 PT / 17:12 UTC Opus 4.5 — 10:29 PT / 17:29 UTC  All models "
        "have now fully recovered."
    )
    ongoing = (
        "We have identified the issue and we are working to mitigate the issue. Current ongoing"
        " issues with frontier models are with Opus 4.7 and Opus 4.8 and other models have"
        " recovered."
    )
    mention = read_models("Elevated errors on many Claude models", [ongoing], FAMILIES)
    assert mention.models == ("opus-4.7", "opus-4.8")
    assert mention.scope is Scope.MANY  # the title's, not the recovered "other models"
    assert models(recovery) == ("opus-4.6", "sonnet-4.6", "opus-4.8", "opus-4.7", "opus-4.5")
    assert read_models(ongoing).scope is None
    # status.claude.com/incidents/xmhsglsz3h3w, 2026-06-16: families, then a version.
    postmortem = (
        "The incident has now been resolved. We had two phases: * between 10:23 PT / 17:23 UTC"
        " to 11:00 PT / 18:00 UTC -- all Sonnet and Opus models were affected, reaching an error"
        " rate of around 10% * after 11:00 PT / 18:00 UTC and until 12:20 PT / 19:20 UTC -- Opus"
        " 4.8 had an average error rate of 10%  The incident is now resolved."
    )
    assert models(postmortem) == ("sonnet", "opus", "opus-4.8")
    # status.claude.com/incidents/9g6qpr72ttbr, 2025-12-14 (captured from the incident page)
    assert models(
        "We have identified that the outage is related to Sonnet 4.0, Sonnet 4.5, and Opus 4.5."
    ) == ("sonnet-4", "sonnet-4.5", "opus-4.5")
    assert models(
        "Between 13:25 and 14:43 PT today, Claude Opus 4.5 and Sonnet models experienced"
        " degraded availability."
    ) == ("opus-4.5", "sonnet")
    # status.claude.com/incidents/q5qk1234v205, 2026-03-29: an app's release, not Claude 1.1.
    assert (
        models(
            "We've identified an issue in the latest Claude Desktop release (Claude 1.1.9310) where"
            " Dispatch sessions stop responding. Please update to Claude desktop app 1.1.9493."
        )
        == ()
    )
    # status.claude.com/incidents/yf39k9sw8rqx, 2024-10-29: ids in prose.
    assert models(
        "This issue primarily affected requests to claude-3-5-sonnet-20241022 and"
        " claude-3-haiku-20240307, and has now been resolved."
    ) == ("sonnet-3.5", "haiku-3")


def test_models_the_page_spares() -> None:
    """tests/fixtures/anthropic-incidents-1.json, incident 411xbc51v608 (2026-04-10)."""
    incident = next(
        i for i in fixture_json("anthropic-incidents-1.json")["incidents"]
        if i["id"] == "411xbc51v608"
    )  # fmt: skip
    bodies = [update["body"] for update in reversed(incident["incident_updates"])]
    mention = read_models(incident["name"], bodies)
    assert incident["name"] == "Elevated errors on requests to Claude models"
    assert mention.models == ()
    assert mention.scope is Scope.UNNAMED
    assert mention.excluded == ("opus-4.6", "opus")
    only_the_first = read_models(
        "Errors on models other than Claude Opus 4.6 and Claude Sonnet 4.6, and on Haiku 4.5"
    )
    assert only_the_first.excluded == ("opus-4.6", "sonnet-4.6")
    assert only_the_first.models == ("haiku-4.5",)
    assert only_the_first.scope is Scope.OTHER


class TestFamilyLearning:
    def test_a_new_family_is_learned_from_claude_word_version(self) -> None:
        mention = read_models("Elevated errors for Claude Mythos 5")
        assert mention.models == ("mythos-5",)
        assert mention.learned == frozenset({"mythos"})

    def test_and_afterwards_recognised_without_the_prefix(self) -> None:
        assert models("Elevated errors for Mythos 5", known=KNOWN_FAMILIES) == ()
        known = KNOWN_FAMILIES | read_models("Elevated errors for Claude Mythos 5").learned
        mention = read_models("Elevated errors for Mythos 5 and Mythos 5.1", known=known)
        assert mention.models == ("mythos-5", "mythos-5.1")
        assert mention.learned == frozenset()  # nothing new to the caller
        assert models("Mythos not available in the model picker", known=known) == ("mythos",)

    def test_a_learned_family_bare_must_be_written_as_a_name(self) -> None:
        known = KNOWN_FAMILIES | {"fable", "instant"}
        assert models("Fable missing from the picker", known=known) == ("fable",)
        assert models("an old fable about errors", known=known) == ()
        assert models("Instant messaging errors", known=known) == ("instant",)
        assert models("errors for an instant", known=known) == ()
        assert models("errors on haiku", known=known) == ("haiku",)  # built in: any case

    def test_learned_in_the_title_counts_in_the_bodies(self) -> None:
        mention = read_models("Errors for Claude Nova 6", ["Nova 6 and Nova 6.1 recovered."])
        assert mention.models == ("nova-6", "nova-6.1")
        assert mention.learned == frozenset({"nova"})

    def test_from_a_model_id_in_the_text(self) -> None:
        mention = read_models("Errors on requests to claude-nova-6-20270101")
        assert mention.models == ("nova-6",)
        assert mention.learned == frozenset({"nova"})

    @pytest.mark.parametrize(
        "title",
        [
            "Claude Code 2.1 crashes",
            "Some users are experiencing memory leaks in Claude Code 2.1.27",
            "Claude Tag 2 is out",
            "Claude Desktop 1.2 fails to start",
            "Claude for Government 2",
            "Claude Cowork 3 outage",
            "Claude Nova v6 is a version tag, not a model",
            "Claude Nova 6.1.2 is a release, not a model",
            "claude nova 6",
            "Claude Sonnett 5",
        ],
    )
    def test_not_learned(self, title: str) -> None:
        assert read_models(title).learned == frozenset()

    def test_a_typo_of_a_known_family_is_that_family_not_a_new_one(self) -> None:
        mention = read_models("Elevated errors on Claude Sonet 4.5")
        assert mention.models == ("sonnet-4.5",)
        assert mention.learned == frozenset()

    def test_known_families_are_not_reported_as_learned(self) -> None:
        assert read_models("Claude Mythos 5", known=FAMILIES).learned == frozenset()
