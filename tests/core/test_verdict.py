"""The verdict on a table of situations: what the page says × what the probes found."""

from __future__ import annotations

from dataclasses import replace
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
from claude_beacon.core.verdict import (
    CONFIRM_INTERVAL,
    FAILURES_BEFORE_WARNING,
    Finding,
    ProbeMemory,
    judge,
    next_round,
    remember,
)

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
        "api.anthropic.com and claude.ai while the rest of the internet works",
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


HOST = "status.claude.com"
RED = page(Level.MAJOR_OUTAGE, "Claude API")
GOOD = "All good: Anthropic reports all systems operational and Claude answers from here"
REACH = "Anthropic reports all systems operational, but this machine cannot reach"
OTHERS_FAIL = "from here, and other sites fail too"
GRID = [
    # (internet, api.anthropic.com, claude.ai, status page host), finding, words in the headline
    (("ok", "ok", "ok", "ok"), Finding.ALL_GOOD, GOOD),
    (("ok", "ok", "ok", "fail"), Finding.ALL_GOOD, GOOD),
    (("ok", "ok", "fail", "ok"), Finding.BLOCKED_HERE, f"{REACH} claude.ai while the rest"),
    (("ok", "ok", "fail", "fail"), Finding.BLOCKED_HERE, f"{REACH} claude.ai while the rest"),
    (("ok", "fail", "ok", "ok"), Finding.BLOCKED_HERE, f"{REACH} {API} while the rest"),
    (("ok", "fail", "ok", "fail"), Finding.BLOCKED_HERE, f"{REACH} {API} while the rest"),
    (("ok", "fail", "fail", "ok"), Finding.BLOCKED_HERE, f"{REACH} {API} and {AI} while the"),
    (("ok", "fail", "fail", "fail"), Finding.BLOCKED_HERE, f"{REACH} {API} and {AI} while the"),
    (("fail", "ok", "ok", "ok"), Finding.ALL_GOOD, GOOD),
    (("fail", "ok", "ok", "fail"), Finding.ALL_GOOD, GOOD),
    (
        ("fail", "ok", "fail", "ok"),
        Finding.BLOCKED_HERE,
        f"{REACH} {AI}; only {API} and {HOST} answer {OTHERS_FAIL}",
    ),
    (
        ("fail", "ok", "fail", "fail"),
        Finding.BLOCKED_HERE,
        f"{AI}; only {API} answers {OTHERS_FAIL}",
    ),
    (
        ("fail", "fail", "ok", "ok"),
        Finding.BLOCKED_HERE,
        f"{REACH} {API}; only {AI} and {HOST} answer {OTHERS_FAIL}",
    ),
    (
        ("fail", "fail", "ok", "fail"),
        Finding.BLOCKED_HERE,
        f"{API}; only {AI} answers {OTHERS_FAIL}",
    ),
    (
        ("fail", "fail", "fail", "ok"),
        Finding.BLOCKED_HERE,
        f"{REACH} {API} and {AI}; only {HOST} answers {OTHERS_FAIL}",
    ),
    (("fail", "fail", "fail", "fail"), Finding.DNS_FAILS, "DNS lookups fail"),
]


def round_of(internet: str, api: str, ai: str, host: str) -> list[ProbeResult]:
    """One round; each failing check fails its DNS lookup, as behind a filtering proxy."""
    checks = [
        ("example.net", internet, ProbeRole.INTERNET),
        (API, api, ProbeRole.CLAUDE),
        (AI, ai, ProbeRole.CLAUDE),
        (HOST, host, ProbeRole.STATUS_PAGE),
    ]
    return [ok(n, role) if state == "ok" else fail(n, Stage.DNS, role) for n, state, role in checks]


@pytest.mark.parametrize("snapshot", [page(), RED], ids=["page-green", "page-red"])
@pytest.mark.parametrize(("checks", "finding", "words"), GRID, ids=["-".join(g[0]) for g in GRID])
def test_every_combination_of_checks_and_page(
    snapshot: Snapshot, checks: tuple[str, str, str, str], finding: Finding, words: str
) -> None:
    verdict = judge(snapshot, round_of(*checks))
    if snapshot is RED:
        finding, words = Finding.REPORTED, "Anthropic reports a major outage of Claude API"
    assert (verdict.finding, verdict.level) == (finding, snapshot.level)
    assert words in verdict.headline
    if checks[1:3] == ("fail", "fail"):  # never all clear while the API and claude.ai fail
        assert verdict.finding is not Finding.ALL_GOOD
        assert "Claude answers" not in verdict.headline
        assert "Claude's endpoints answer" not in verdict.headline


def test_only_the_status_page_host_answering_points_at_an_allow_list_and_the_failing_step() -> None:
    verdict = judge(page(), round_of("fail", "fail", "fail", "ok"))
    assert "a proxy's allow-list, a captive portal" in verdict.advice
    assert "Their names do not resolve on this machine while other names do" in verdict.advice
    refused = [ok(HOST, ProbeRole.STATUS_PAGE), NET]
    refused += [fail(API, Stage.CONNECT), fail(AI, Stage.CONNECT)]
    verdict = judge(page(), refused)
    assert verdict.headline.endswith("while the rest of the internet works")
    assert "refused or time out while other hosts connect: a firewall or proxy" in verdict.advice


def test_a_failing_status_page_host_is_told_but_is_not_claude_failing() -> None:
    host_down = fail(HOST, Stage.HTTP, ProbeRole.STATUS_PAGE, status=503, error="HTTP 503")
    verdict = judge(page(), [ok(API), ok(AI), host_down, NET], ProbeMemory())
    assert verdict.finding is Finding.ALL_GOOD
    assert "The status page's host did not answer this check (HTTP 503)." in verdict.advice
    assert remember(ProbeMemory(), [ok(API), host_down]).failing_rounds == 0
    readable_elsewhere = judge(UNREADABLE, [ok(HOST, ProbeRole.STATUS_PAGE), fail(API, Stage.HTTP)])
    assert "Claude's endpoints answer" not in readable_elsewhere.headline


def key_check(status: int, challenge: bool = False) -> ProbeResult:
    name = f"{API} (with your key)"
    return ProbeResult(
        name, f"https://{API}/v1/models", ProbeRole.API_AUTH, NOW, False, Stage.HTTP,
        f"{API} answered HTTP {status}", status, challenge=challenge,
    )  # fmt: skip


def test_a_challenge_page_from_the_cdn_is_not_a_refused_key() -> None:
    verdict = judge(page(), [ok(API), ok(AI), key_check(403, challenge=True), NET])
    assert verdict.finding is Finding.BLOCKED_HERE and verdict.seen_from_here
    assert f"{API} answered with a CDN's challenge page from here (HTTP 403)" in verdict.headline
    assert "key" not in verdict.headline and "refused" not in verdict.advice
    assert "nothing about your API key" in verdict.advice
    plain = judge(page(), [ok(API), ok(AI), key_check(403), NET])
    assert (plain.finding, plain.advice.split(":")[0]) == (
        Finding.ALL_GOOD,
        "Your API key was denied (HTTP 403)",
    )
    # On the unauthenticated check too, a challenge is not Claude answering.
    challenged = replace(ok(API), status=403, challenge=True)
    assert judge(page(), [challenged, NET]).finding is Finding.BLOCKED_HERE


def test_a_429_is_about_the_key_only_when_nothing_else_shows_trouble() -> None:
    alone = judge(page(), [ok(API), ok(AI), key_check(429), NET])
    assert alone.advice.startswith("Your API key is being rate-limited (HTTP 429)")
    overloaded = ProbeResult(API, f"https://{API}/", ProbeRole.CLAUDE, NOW, True, status=503)
    with_errors = judge(page(), [overloaded, key_check(429), NET])
    assert with_errors.finding is Finding.FAILING_NOW
    assert "most likely the API shedding load, not your key's limits" in with_errors.advice
    reported = judge(RED, [ok(API), key_check(429), NET])
    assert "shedding load" in reported.advice and "rate-limited" not in reported.advice
    after_failures = judge(page(), [ok(API), key_check(429), NET], ProbeMemory(failing_rounds=1))
    assert "shedding load" in after_failures.advice


def test_529_is_the_api_overloaded() -> None:
    verdict = judge(page(), [ok(API), key_check(529), NET], ProbeMemory(failing_rounds=1))
    assert verdict.finding is Finding.FAILING_NOW
    assert verdict.headline.endswith("failed from here just now (HTTP 529: the API is overloaded)")
    warned = judge(page(), [ok(API), key_check(529), NET], FAILING)
    assert warned.finding is Finding.EARLY_WARNING
    assert warned.headline.startswith("The API is overloaded (HTTP 529) from here")


def test_an_outage_with_claude_unreachable_from_here_says_both() -> None:
    verdict = judge(RED, round_of("ok", "fail", "fail", "ok"))
    assert verdict.finding is Finding.REPORTED
    assert f"This machine also cannot reach {API} and {AI}" in verdict.advice


def test_a_first_failing_round_is_confirmed_within_seconds_then_rounds_slow_to_the_retry() -> None:
    memory, delays = ProbeMemory(), []
    for _ in range(FAILURES_BEFORE_WARNING + 1):
        memory = remember(memory, [fail(API, Stage.HTTP), NET])
        delays.append(next_round(memory, 120.0, failing=True, retry=30.0))
    assert delays == [CONFIRM_INTERVAL, CONFIRM_INTERVAL, 30.0, 30.0]
    memory = remember(memory, [ok(API), NET])
    assert next_round(memory, 120.0, failing=False, retry=30.0) == 120.0


def test_a_sharply_slow_round_is_confirmed_at_once_too() -> None:
    assert next_round(ProbeMemory(slow_rounds=1), 120.0, failing=False, retry=30.0) == 5.0
    assert next_round(ProbeMemory(slow_rounds=3), 120.0, failing=False, retry=30.0) == 30.0


def test_all_well_keeps_the_configured_pace_and_no_round_waits_longer_than_it() -> None:
    assert next_round(ProbeMemory(), 120.0, failing=False, retry=30.0) == 120.0
    assert next_round(ProbeMemory(failing_rounds=1), 2.0, failing=True, retry=30.0) == 2.0
    assert next_round(ProbeMemory(), 10.0, failing=True, retry=30.0) == 10.0
