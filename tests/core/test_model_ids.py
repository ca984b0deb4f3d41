"""Every real spelling of a model setting or id comes to one canonical name."""

from __future__ import annotations

import pytest

from claude_beacon.core.modelids import (
    KNOWN_FAMILIES,
    api_id,
    canonical_model,
    clean_text,
    covers,
    display_name,
    model_command,
    one_edit_apart,
    same_model,
    setting_models,
)


@pytest.mark.parametrize(
    ("spelling", "canonical"),
    [
        # Anthropic API ids, with and without a date.
        ("claude-opus-4-8", "opus-4.8"),
        ("claude-sonnet-4-5-20250929", "sonnet-4.5"),
        ("claude-sonnet-4-5", "sonnet-4.5"),
        ("claude-haiku-4-5-20251001", "haiku-4.5"),
        ("claude-opus-4-20250514", "opus-4"),
        ("claude-opus-4-0", "opus-4"),
        ("claude-sonnet-4-0", "sonnet-4"),
        ("claude-3-5-haiku-20241022", "haiku-3.5"),
        ("claude-3-5-sonnet-latest", "sonnet-3.5"),
        ("claude-3-7-sonnet-20250219", "sonnet-3.7"),
        ("claude-3-opus-20240229", "opus-3"),
        ("claude-3-haiku-20240307", "haiku-3"),
        ("claude-2.1", "claude-2.1"),
        ("claude-2.0", "claude-2"),
        ("claude-instant-1.2", "instant-1.2"),
        ("claude-v1.0", "claude-1"),
        # Google Vertex AI.
        ("claude-opus-4-1@20250805", "opus-4.1"),
        ("claude-3-5-sonnet-v2@20241022", "sonnet-3.5"),
        ("claude-sonnet-4-5@20250929", "sonnet-4.5"),
        # Amazon Bedrock ids, cross-region profiles and ARNs.
        ("us.anthropic.claude-opus-4-1-20250805-v1:0", "opus-4.1"),
        ("global.anthropic.claude-sonnet-4-5-20250929-v1:0", "sonnet-4.5"),
        ("anthropic.claude-3-haiku-20240307-v1:0", "haiku-3"),
        ("anthropic.claude-v2:1", "claude-2.1"),
        ("anthropic.claude-v2", "claude-2"),
        ("anthropic.claude-instant-v1", "instant-1"),
        (
            "arn:aws:bedrock:us-east-1:123456789012:inference-profile/"
            "us.anthropic.claude-sonnet-4-20250514-v1:0",
            "sonnet-4",
        ),
        # Other gateways' names.
        ("anthropic/claude-opus-4.1", "opus-4.1"),
        ("anthropic/claude-3.5-sonnet", "sonnet-3.5"),
        # Claude Code: the context suffix and the aliases.
        ("claude-sonnet-4-5[1m]", "sonnet-4.5"),
        ("claude-opus-4-8[1m]", "opus-4.8"),
        ("sonnet[1m]", "sonnet"),
        ("opus", "opus"),
        ("Sonnet", "sonnet"),
        ("haiku", "haiku"),
        ("  opus\n", "opus"),
        # Display names.
        ("Opus 4.1", "opus-4.1"),
        ("Claude Opus 4.8", "opus-4.8"),
        ("Claude Sonnet 4.6 (1M context)", "sonnet-4.6"),
        ("Claude 3.5 Sonnet", "sonnet-3.5"),
        ("Claude 4 Opus", "opus-4"),
        ("Claude 2.1", "claude-2.1"),
        ("Sonet 4.5", "sonnet-4.5"),
        # Families not known yet.
        ("claude-mythos-5", "mythos-5"),
        ("claude-mythos-5-20260601", "mythos-5"),
        ("Claude Fable 5", "fable-5"),
        ("us.anthropic.claude-nova-6-1-20270101-v1:0", "nova-6.1"),
    ],
)
def test_spelling(spelling: str, canonical: str) -> None:
    assert canonical_model(spelling) == canonical


@pytest.mark.parametrize(
    "spelling",
    [
        "default",
        "opusplan",
        "best",
        "",
        "   ",
        "4.5",
        "mythos",  # a family not known yet says nothing without a version
        "Claude Code",
        "claude-code-2.1",
        "Claude API",
        "Claude.ai",
        "gpt-4o",
        "[31mopus[0m-but-not-quite",
    ],
)
def test_no_single_model(spelling: str) -> None:
    assert canonical_model(spelling) is None


def test_a_known_new_family_alone_is_its_alias() -> None:
    assert canonical_model("mythos", KNOWN_FAMILIES | {"mythos"}) == "mythos"
    assert canonical_model("claude-mythos", KNOWN_FAMILIES | {"mythos"}) == "mythos"


def test_gpt_4o_is_no_family_and_long_words_are_cut() -> None:
    assert canonical_model("gpt-4o") is None
    assert canonical_model("opus-" + "4" * 10_000) == "opus"
    assert canonical_model("claude-" + "x" * 10_000 + "-5") is None


def test_settings_that_run_on_two_models() -> None:
    assert setting_models("opusplan") == ("opus", "sonnet")
    assert setting_models("claude-opus-4-8") == ("opus-4.8",)
    assert setting_models("default") == ()


def test_clean_text_drops_control_and_direction_characters() -> None:
    assert clean_text("\x1b]0;x\x07op\u202eus\x00 ") == "opus"
    assert clean_text("\x1b[31mopus\x1b[0m") == "opus"
    assert clean_text("\x1b[2J\x1bcsonnet\x1b") == "sonnet"
    assert canonical_model("\x1b[1mclaude-opus-4-8\x1b[0m") == "opus-4.8"
    assert clean_text("o" * 1000) == "o" * 200
    assert clean_text("\ufeffsonnet\r\n") == "sonnet"


def test_matching() -> None:
    assert same_model("opus", "opus-4.8")
    assert same_model("opus-4.8", "opus")
    assert same_model("opus-4.8", "opus-4.8")
    assert not same_model("opus-4.8", "opus-4.7")
    assert not same_model("opus", "sonnet-4.5")
    assert not same_model("opus-4", "opus-4.1")  # "Opus 4" is Opus 4.0
    assert covers("opus", "opus-4.8")
    assert not covers("opus-4.6", "opus")


def test_typos_are_one_edit() -> None:
    assert one_edit_apart("sonet", "sonnet")
    assert one_edit_apart("opsu", "opus")
    assert one_edit_apart("haiku", "haiky")
    assert not one_edit_apart("opus", "opus")
    assert not one_edit_apart("opus", "plus")
    assert not one_edit_apart("sonnet", "snonte")


@pytest.mark.parametrize(
    ("model", "name", "exact", "alias"),
    [
        ("opus-4.8", "Opus 4.8", "/model claude-opus-4-8", "/model opus"),
        ("sonnet-5", "Sonnet 5", "/model claude-sonnet-5", "/model sonnet"),
        ("haiku-3.5", "Haiku 3.5", "/model claude-3-5-haiku-latest", "/model haiku"),
        ("opus", "Opus", "/model opus", "/model opus"),
        ("mythos-5", "Mythos 5", "/model claude-mythos-5", "/model claude-mythos-5"),
        ("claude-2.1", "Claude 2.1", "/model claude-2.1", "/model claude-2.1"),
    ],
)
def test_names_and_commands(model: str, name: str, exact: str, alias: str) -> None:
    assert display_name(model) == name
    assert model_command(model) == exact
    assert model_command(model, alias=True) == alias
    assert canonical_model(api_id(model), KNOWN_FAMILIES | {"mythos"}) == model
