"""Does an incident touch your model, and which model would not be touched."""

from __future__ import annotations

import pytest

from claude_beacon.core.modelids import KNOWN_FAMILIES
from claude_beacon.core.models import (
    ModelMention,
    Scope,
    affects,
    read_models,
    switch_advice,
    unaffected_alternatives,
)

FAMILIES = KNOWN_FAMILIES | {"mythos", "fable"}


def mention(title: str, *bodies: str) -> ModelMention:
    return read_models(title, bodies, FAMILIES)


@pytest.mark.parametrize(
    ("title", "yours", "expected"),
    [
        # Your model is named.
        ("Elevated errors on Claude Opus 4.6", ("opus-4.6",), True),
        ("Sonnet 4.6 and Opus 4.6 elevated error rate", ("opus-4.6",), True),
        ("Elevated errors on Opus 4.8 Fast Mode", ("opus-4.8",), True),
        ("Elevated errors on Claude Opus 4.8", ("sonnet-5", "opus-4.8"), True),
        (
            "Elevated errors for Claude Mythos 5, Claude Fable 5, and Claude Sonnet 5",
            ("fable-5",),
            True,
        ),
        # A family on either side matches its versions.
        ("Elevated errors on Claude Opus 4.8", ("opus",), True),
        ("Increase error rates on Opus", ("opus-4.8",), True),
        ("all Sonnet and Opus models were affected", ("sonnet-4.6",), True),
        # Only other models are named.
        ("Elevated errors on Claude Opus 4.6", ("opus-4.8",), False),
        ("Elevated errors on Claude Opus 4.6", ("sonnet-4.6",), False),
        ("Elevated errors on Claude Opus 4.6", ("sonnet",), False),
        ("Elevated errors on Claude Sonnet 4", ("sonnet-4.5",), False),
        ("Elevated errors for Claude Fable 5", ("opus-5", "haiku-4.5"), False),
        ("all Sonnet and Opus models were affected", ("haiku-4.5",), False),
        # Models the page does not name.
        ("Elevated errors across many models", ("haiku-4.5",), True),
        ("Elevated errors across all models", ("opus",), True),
        ("Elevated errors on several models", ("sonnet-5",), True),
        ("Elevated errors for some models", ("opus-4.8",), True),
        ("Elevated errors on requests to Claude models", ("claude-2.1",), True),
        (
            "Elevated errors for Claude Fable 5, Claude Haiku 4.5, and other models",
            ("opus-5",),
            True,
        ),
        # Spared explicitly.
        ("Errors on requests to models other than Claude Opus 4.6", ("opus-4.6",), False),
        ("Errors on requests to models other than Claude Opus 4.6", ("opus-4.8",), True),
        ("Errors on requests to models other than Claude Opus 4.6", ("opus",), True),
        ("Errors on non-Opus models", ("opus-4.8",), False),
        ("Errors on non-Opus models", ("sonnet-5",), True),
        # No model known, or no model spoken of: the models say nothing.
        ("Elevated errors on Claude Opus 4.6", (), None),
        ("Elevated errors across all models", (), None),
        ("Claude.ai down", ("opus-4.8",), None),
        ("Elevated errors on Claude.ai, API, Claude Code", ("sonnet-4.5",), None),
    ],
)
def test_affects(title: str, yours: tuple[str, ...], expected: bool | None) -> None:
    assert affects(mention(title), yours) is expected


def test_named_beats_spared_when_the_page_names_yours_later() -> None:
    incident = mention(
        "Errors on requests to models other than Claude Opus 4.6",
        "We are now also seeing elevated errors on Claude Opus 4.6.",
    )
    assert affects(incident, ("opus-4.6",)) is True


def test_a_real_incident_over_its_updates() -> None:
    """status.claude.com/incidents/411xbc51v608 (tests/fixtures/anthropic-incidents-1.json)."""
    title = "Elevated errors on requests to Claude models"
    first = mention(title, "We are investigating reports of elevated errors on requests to Claude")
    assert affects(first, ("opus-4.6",)) is True
    later = mention(
        title,
        "We have identified the current issue as affecting requests to models other than Claude"
        " Opus 4.6, and are working to fully resolve this issue.",
    )
    assert affects(later, ("opus-4.6",)) is False
    assert affects(later, ("sonnet-4.6",)) is True
    assert affects(later, ("opus-4.6", "sonnet-4.6")) is True


def test_a_mention_built_by_hand() -> None:
    assert affects(ModelMention(("opus-4.8",)), ("opus-4.8",)) is True
    assert affects(ModelMention(scope=Scope.OTHER), ("opus-4.8",)) is True
    assert affects(ModelMention(), ("opus-4.8",)) is None


class TestAlternatives:
    CANDIDATES = ("opus-4.8", "sonnet-5", "haiku-4.5")

    def test_the_models_no_open_incident_names(self) -> None:
        open_now = [
            mention("Elevated errors for Claude Opus 4.8"),
            mention("Elevated errors on Haiku 4.5"),
            mention("Claude.ai down"),
        ]
        assert unaffected_alternatives(open_now, self.CANDIDATES) == ("sonnet-5",)

    def test_none_while_unnamed_models_fail(self) -> None:
        open_now = [mention("Elevated errors across many models")]
        assert unaffected_alternatives(open_now, self.CANDIDATES) == ()

    def test_except_those_the_page_spares(self) -> None:
        open_now = [mention("Errors on requests to models other than Claude Sonnet 5")]
        assert unaffected_alternatives(open_now, self.CANDIDATES) == ("sonnet-5",)

    def test_a_family_alias_is_touched_by_any_of_its_versions(self) -> None:
        open_now = [mention("Elevated errors on Claude Sonnet 4.6")]
        assert unaffected_alternatives(open_now, ("sonnet", "opus", "opus")) == ("opus",)

    def test_nothing_open(self) -> None:
        assert unaffected_alternatives([], self.CANDIDATES) == self.CANDIDATES


def test_switch_advice() -> None:
    assert switch_advice("sonnet-5", alias=True) == "Sonnet 5 is not affected: /model sonnet"
    assert switch_advice("sonnet-5") == "Sonnet 5 is not affected: /model claude-sonnet-5"
    assert switch_advice("haiku") == "Haiku is not affected: /model haiku"
