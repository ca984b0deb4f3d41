"""The endpoint the user really calls: a gateway in ANTHROPIC_BASE_URL, Bedrock, Vertex AI."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from claude_beacon.config.settings import Config
from claude_beacon.core.model import Level, Reading, Snapshot, SourceSpec
from claude_beacon.core.probes import ProbeResult, ProbeRole, Stage
from claude_beacon.core.serving import Serving, serving, serving_note
from claude_beacon.core.verdict import Finding, judge
from claude_beacon.engine.diagnostics import gateway_url, targets

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
GREEN = Snapshot(
    NOW, (Reading(SourceSpec("Claude", "https://status.claude.com"), NOW, Level.OPERATIONAL),)
)


def probe(
    role: ProbeRole, name: str, *, status: int | None = 200, stage: Stage | None = None
) -> ProbeResult:
    ok = status is not None and status < 500
    return ProbeResult(name, f"https://{name}/", role, NOW, ok, failed_at=stage, status=status)


def test_an_unreachable_gateway_is_named_while_anthropic_reports_no_problem() -> None:
    probes = [
        probe(ProbeRole.CLAUDE, "api.anthropic.com"),
        probe(ProbeRole.GATEWAY, "gw.example", status=None, stage=Stage.CONNECT),
        probe(ProbeRole.INTERNET, "www.gstatic.com"),
    ]
    verdict = judge(GREEN, probes)
    assert verdict.finding is Finding.GATEWAY_DOWN and verdict.seen_from_here
    assert verdict.headline == (
        "Your gateway gw.example is unreachable; Anthropic reports all systems operational"
    )


def test_a_gateway_answering_404_at_its_root_works_and_a_502_does_not() -> None:
    claude = probe(ProbeRole.CLAUDE, "api.anthropic.com")
    assert judge(GREEN, [claude, probe(ProbeRole.GATEWAY, "gw.example", status=404)]).finding is (
        Finding.ALL_GOOD
    )
    failing = judge(GREEN, [claude, probe(ProbeRole.GATEWAY, "gw.example", status=502)])
    assert failing.finding is Finding.GATEWAY_DOWN and "answers HTTP 502" in failing.headline


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://gw.example/anthropic", "https://gw.example/anthropic"),
        ("http://127.0.0.1:4000", "http://127.0.0.1:4000"),
        ("http://gw.example", None),  # plain http to another machine is not probed
        ("https://api.anthropic.com", None),  # Anthropic's own API is probed already
        ("", None),
    ],
)
def test_the_gateway_probed_is_the_base_url_when_it_is_one(
    value: str, expected: str | None
) -> None:
    assert gateway_url({"ANTHROPIC_BASE_URL": value}) == expected


def test_the_checks_include_the_gateway(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_BASE_URL", "https://gw.example")
    gateways = [t for t in targets(Config()) if t.role is ProbeRole.GATEWAY]
    assert [(t.name, t.url) for t in gateways] == [("gw.example", "https://gw.example")]


@pytest.mark.parametrize(
    ("environ", "models", "expected"),
    [
        ({"CLAUDE_CODE_USE_BEDROCK": "1"}, (), Serving.BEDROCK),
        ({"CLAUDE_CODE_USE_VERTEX": "true"}, (), Serving.VERTEX),
        ({"ANTHROPIC_MODEL": "us.anthropic.claude-opus-4-1-20250805-v1:0"}, (), Serving.BEDROCK),
        ({}, ("claude-opus-4-1@20250805",), Serving.VERTEX),
        ({"CLAUDE_CODE_USE_BEDROCK": "0", "ANTHROPIC_MODEL": "opus"}, (), Serving.ANTHROPIC),
    ],
)
def test_bedrock_and_vertex_are_told_apart_from_anthropic(
    environ: dict[str, str], models: tuple[str, ...], expected: Serving
) -> None:
    assert serving(environ, models) is expected
    note = serving_note(expected)
    assert ("does not cover" in note) is (expected is not Serving.ANTHROPIC)


def test_the_cloud_serving_note_says_how_to_watch_that_clouds_status() -> None:
    assert serving_note(Serving.BEDROCK).endswith("claude-beacon add aws-bedrock")
    assert serving_note(Serving.VERTEX).endswith("claude-beacon add vertex-ai")
