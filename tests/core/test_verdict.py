"""The verdict on a table of situations: what the page says × what the probes found."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from claude_beacon.core.model import (
    Component,
    Failure,
    FailureKind,
    Level,
    Reading,
    Snapshot,
    SourceSpec,
    failed_reading,
)
from claude_beacon.core.probes import ProbeResult, ProbeRole, Stage
from claude_beacon.core.verdict import Finding, ProbeMemory, judge, remember

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
CLAUDE = SourceSpec("Claude", "https://status.claude.com")


def page(level: Level = Level.OPERATIONAL, component: str = "Claude API") -> Snapshot:
    status = {Level.OPERATIONAL: "operational", Level.MAJOR_OUTAGE: "major_outage"}
    components = (Component("c1", component, level, status.get(level, level.key)),)
    return Snapshot(NOW, (Reading(CLAUDE, NOW, level, components=components),))


UNREADABLE = Snapshot(
    NOW, (failed_reading(CLAUDE, NOW, Failure(FailureKind.CONNECT, "cannot connect")),)
)


def ok(name: str, role: ProbeRole = ProbeRole.CLAUDE, ms: float = 80.0) -> ProbeResult:
    return ProbeResult(name, f"https://{name}/", role, NOW, True, status=200, http_ms=ms)


def fail(
    name: str, stage: Stage, role: ProbeRole = ProbeRole.CLAUDE, **extra: object
) -> ProbeResult:
    return ProbeResult(name, f"https://{name}/", role, NOW, False, failed_at=stage, **extra)  # type: ignore[arg-type]


NET = ok("example.net", ProbeRole.INTERNET)
NET_DOWN = fail("example.net", Stage.CONNECT, ProbeRole.INTERNET)
API, AI = "api.anthropic.com", "claude.ai"
FAILING = ProbeMemory(failing_rounds=3)

SITUATIONS = [
    # (page, probes, memory, finding, level, words in the headline)
    (page(), [ok(API), ok(AI), NET], None, Finding.ALL_GOOD, Level.OPERATIONAL, "All good"),
    (page(), [], None, Finding.ALL_GOOD, Level.OPERATIONAL, "all systems operational"),
    (
        page(Level.MAJOR_OUTAGE, "Claude API (api.anthropic.com)"),
        [ok(API), NET],
        None,
        Finding.REPORTED,
        Level.MAJOR_OUTAGE,
        "Anthropic reports a major outage of Claude API (api.anthropic.com)",
    ),
    (
        page(Level.DEGRADED, "Claude Code"),
        [fail(API, Stage.CONNECT), NET_DOWN],
        None,
        Finding.REPORTED,
        Level.DEGRADED,
        "degraded performance of Claude Code",
    ),
    (
        page(),
        [fail(API, Stage.CONNECT), fail(AI, Stage.CONNECT), NET],
        None,
        Finding.BLOCKED_HERE,
        Level.OPERATIONAL,
        "Anthropic reports all systems operational, but this machine cannot reach "
        "api.anthropic.com, claude.ai while the rest of the internet works",
    ),
    (
        UNREADABLE,
        [fail(API, Stage.CONNECT), NET_DOWN],
        None,
        Finding.OFFLINE,
        Level.UNKNOWN,
        "You appear to be offline",
    ),
    (
        UNREADABLE,
        [fail(API, Stage.DNS), fail("example.net", Stage.DNS, ProbeRole.INTERNET)],
        None,
        Finding.DNS_FAILS,
        Level.UNKNOWN,
        "DNS lookups fail",
    ),
    (
        page(),
        [fail(API, Stage.TLS, certificate_untrusted=True), NET],
        None,
        Finding.TLS_INTERCEPTED,
        Level.OPERATIONAL,
        "TLS-intercepting proxy",
    ),
    (
        page(),
        [fail(API, Stage.HTTP, error="no answer in 5 s"), NET],
        FAILING,
        Finding.EARLY_WARNING,
        Level.OPERATIONAL,
        "The API is failing from here and the status page does not say so yet",
    ),
    (
        page(),
        [fail(API, Stage.HTTP, error="no answer from api.anthropic.com in 5 s"), NET],
        ProbeMemory(failing_rounds=1),
        Finding.FAILING_NOW,
        Level.OPERATIONAL,
        "Anthropic reports all systems operational, but api.anthropic.com failed from here just"
        " now (no answer from api.anthropic.com in 5 s)",
    ),
    (
        page(),
        [ProbeResult(API, f"https://{API}/", ProbeRole.CLAUDE, NOW, True, status=503), NET],
        None,
        Finding.FAILING_NOW,
        Level.OPERATIONAL,
        "api.anthropic.com failed from here just now (HTTP 503)",
    ),
    (
        page(),
        [fail(API, Stage.CONNECT)],  # no neutral site configured to compare with
        None,
        Finding.BLOCKED_HERE,
        Level.OPERATIONAL,
        "Anthropic reports all systems operational, but this machine cannot reach"
        " api.anthropic.com",
    ),
    (
        page(),
        [ok(API, ms=4000), NET],
        ProbeMemory(slow_rounds=3, usual_ms=100),
        Finding.EARLY_WARNING,
        Level.OPERATIONAL,
        "much slower than usual",
    ),
    (
        UNREADABLE,
        [ok(API), NET],
        None,
        Finding.PAGE_UNREADABLE,
        Level.UNKNOWN,
        "The status page cannot be read (cannot connect). Claude's endpoints answer from here.",
    ),
]


@pytest.mark.parametrize(
    ("snapshot", "probes", "memory", "finding", "level", "words"),
    SITUATIONS,
    ids=[f"{s[3].value}-{i}" for i, s in enumerate(SITUATIONS)],
)
def test_situation(
    snapshot: Snapshot,
    probes: list[ProbeResult],
    memory: ProbeMemory | None,
    finding: Finding,
    level: Level,
    words: str,
) -> None:
    verdict = judge(snapshot, probes, memory)
    assert (verdict.finding, verdict.level) == (finding, level)
    assert words in verdict.headline
    local = finding in {
        Finding.OFFLINE,
        Finding.DNS_FAILS,
        Finding.TLS_INTERCEPTED,
        Finding.BLOCKED_HERE,
        Finding.EARLY_WARNING,
    }
    assert verdict.seen_from_here is local


def test_memory_counts_failing_rounds_and_resets_on_success() -> None:
    memory = ProbeMemory()
    for expected in (1, 2, 3):
        memory = remember(memory, [fail(API, Stage.HTTP), NET])
        assert memory.failing_rounds == expected
    memory = remember(memory, [ok(API), NET])
    assert memory.failing_rounds == 0


def test_a_server_error_counts_even_when_it_proves_the_edge_reachable() -> None:
    overloaded = ProbeResult(API, "https://api/", ProbeRole.CLAUDE, NOW, True, status=529)
    assert remember(ProbeMemory(), [overloaded]).failing_rounds == 1


def test_a_server_error_counts_a_connection_refusal_does_not() -> None:
    five_hundred = ProbeResult(API, "https://api/", ProbeRole.API_AUTH, NOW, False, status=529)
    assert remember(ProbeMemory(), [five_hundred]).failing_rounds == 1
    assert remember(ProbeMemory(), [fail(API, Stage.CONNECT)]).failing_rounds == 0


def test_latency_baseline_learns_and_slow_rounds_do_not_move_it() -> None:
    memory = ProbeMemory()
    for _ in range(10):
        memory = remember(memory, [ok(API, ms=100)])
    assert memory.usual_ms == pytest.approx(100)
    for expected in (1, 2, 3):
        memory = remember(memory, [ok(API, ms=2500)])
        assert (memory.slow_rounds, memory.usual_ms) == (expected, pytest.approx(100))
    memory = remember(memory, [ok(API, ms=120)])
    assert memory.slow_rounds == 0
    assert remember(ProbeMemory(), [NET]) == ProbeMemory()  # only Claude's probes count


def test_a_refused_or_limited_key_is_not_an_api_failure() -> None:
    refused = fail("api.anthropic.com/v1/models", Stage.HTTP, ProbeRole.API_AUTH, status=401)
    memory = ProbeMemory()
    for _ in range(5):
        memory = remember(memory, [ok(API), refused, NET])
    assert memory.failing_rounds == 0
    verdict = judge(page(), [ok(API), refused, NET], memory)
    assert verdict.finding is Finding.ALL_GOOD
    assert verdict.advice == "Your API key was refused (HTTP 401): check or replace it."
    limited = fail("api.anthropic.com/v1/models", Stage.HTTP, ProbeRole.API_AUTH, status=429)
    assert "rate-limited" in judge(page(), [ok(API), limited, NET]).advice


def test_all_good_claims_claude_answers_only_when_a_probe_did() -> None:
    assert "Claude answers from here" in judge(page(), [ok(API), NET]).headline
    assert "Claude answers" not in judge(page(), [NET]).headline
