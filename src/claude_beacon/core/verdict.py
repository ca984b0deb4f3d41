"""Is it me or them? One plain-language answer from the status page and the probes.

Pure: the status page's snapshot, this round's probe results and a little memory of earlier
rounds go in; a verdict comes out. The order of the rules is the order of the questions a
person would ask: what does Anthropic say, does anything work from here, does the rest of the
internet work, what exactly fails.

Claude answers from here only when one of Claude's endpoints does: the status page's host
answering (a proxy's allow-list, a captive portal) proves the page readable, not Claude usable.
An answer is read for what it is: a CDN's challenge page is not the API refusing a key, a 429
while other things fail is not about the key, and 529 is the API overloaded.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from enum import Enum

from claude_beacon.core.impact import model_notes
from claude_beacon.core.model import Level, Reading, Snapshot
from claude_beacon.core.probes import (
    OVERLOADED,
    ProbeResult,
    ProbeRole,
    Stage,
    answers,
    edge_failure,
    failure_words,
    gateway_fault,
    hosts,
    unreachable,
)
from claude_beacon.core.reporting import (
    join,
    key_advice,
    local_note,
    page_host_note,
    reported,
    reported_advice,
    sentences,
    stage_advice,
)
from claude_beacon.core.reporting import (
    said as page_says,
)

FAILURES_BEFORE_WARNING = 3
"""Consecutive failing rounds of the API while the page is green before warning early."""
CONFIRM_INTERVAL = 5.0
"""Seconds between the rounds that confirm a first failing (or sharply slow) one."""
SLOW_FACTOR = 3.0
SLOW_FLOOR_MS = 1500.0
"""A round is 'sharply slower' above both the factor times the usual latency and this floor."""
BASELINE_WEIGHT = 0.2
ENDPOINTS = frozenset({ProbeRole.CLAUDE, ProbeRole.API_AUTH})
"""Claude itself: what must answer for Claude to be usable from here."""


class Finding(Enum):
    ALL_GOOD = "all_good"
    REPORTED = "reported"
    MAINTENANCE = "maintenance"
    OFFLINE = "offline"
    DNS_FAILS = "dns_fails"
    TLS_INTERCEPTED = "tls_intercepted"
    BLOCKED_HERE = "blocked_here"
    EARLY_WARNING = "early_warning"
    FAILING_NOW = "failing_now"
    """Claude fails from here this round, the page is green: not yet enough for a warning."""
    PAGE_UNREADABLE = "page_unreadable"
    GATEWAY_DOWN = "gateway_down"
    """The gateway in ``ANTHROPIC_BASE_URL`` fails: Anthropic's page cannot speak for it."""
    COMMUNITY_SPIKE = "community_spike"
    """All looks good, but the community reports an outage (``core.community.corroborate``)."""


LOCAL = frozenset(
    {
        Finding.OFFLINE,
        Finding.DNS_FAILS,
        Finding.TLS_INTERCEPTED,
        Finding.BLOCKED_HERE,
        Finding.GATEWAY_DOWN,
    }
)


@dataclass(frozen=True, slots=True)
class Verdict:
    finding: Finding
    level: Level
    """The status page's level; what exit codes and the icon's colour follow."""
    headline: str
    advice: str = ""

    @property
    def seen_from_here(self) -> bool:
        """A problem this machine sees that the status page does not show (its own tray look)."""
        return self.finding in LOCAL or self.finding is Finding.EARLY_WARNING


@dataclass(frozen=True, slots=True)
class ProbeMemory:
    """What earlier rounds taught: how long the API failed in a row, and its usual latency."""

    failing_rounds: int = 0
    slow_rounds: int = 0
    usual_ms: float | None = None


def remember(memory: ProbeMemory, probes: Sequence[ProbeResult]) -> ProbeMemory:
    """Fold one round of probes into the memory the early-warning rule reads."""
    claude = [p for p in probes if p.role in ENDPOINTS]
    if not claude:
        return memory
    failing = any(edge_failure(p) for p in claude)
    latencies = [p.http_ms for p in claude if answers(p) and p.http_ms is not None]
    latency = max(latencies) if latencies else None
    usual, slow = memory.usual_ms, 0
    if latency is not None:
        if usual is not None and latency > max(usual * SLOW_FACTOR, SLOW_FLOOR_MS):
            slow = memory.slow_rounds + 1  # a slow round does not move the usual latency
        else:
            usual = latency if usual is None else usual + BASELINE_WEIGHT * (latency - usual)
    return replace(
        memory,
        failing_rounds=memory.failing_rounds + 1 if failing else 0,
        slow_rounds=slow,
        usual_ms=usual,
    )


def next_round(memory: ProbeMemory, interval: float, failing: bool, retry: float) -> float:
    """Seconds until the next round of probes, from what the rounds so far taught.

    All well: ``interval``. A first failing or slow round is confirmed at once (rounds
    ``CONFIRM_INTERVAL`` apart), so that the warning waits on the evidence, not on the clock;
    while a failure stands (``failing``: any check of Claude or its page not answering), rounds
    come every ``retry`` seconds to see it clear.
    """
    rounds = (memory.failing_rounds, memory.slow_rounds)
    if any(0 < n < FAILURES_BEFORE_WARNING for n in rounds):
        return min(CONFIRM_INTERVAL, interval)
    return min(retry, interval) if failing or any(rounds) else interval


@dataclass(frozen=True, slots=True)
class _Case:
    """What every rule reads: the page's word and this round's checks, sorted once."""

    snapshot: Snapshot
    probes: Sequence[ProbeResult]
    memory: ProbeMemory
    reading: Reading | None
    level: Level
    internet: list[ProbeResult]
    endpoints: list[ProbeResult]
    internet_works: bool | None
    said: str

    @property
    def page_read(self) -> bool:
        return self.reading is not None and self.reading.ok


def judge(
    snapshot: Snapshot, probes: Sequence[ProbeResult] = (), memory: ProbeMemory | None = None
) -> Verdict:
    """The first rule that has something to say, in the order a person would ask."""
    reading = snapshot.primary
    level = max(snapshot.level, snapshot.overall)  # raised while an incident is your model's
    internet = [p for p in probes if p.role is ProbeRole.INTERNET]
    case = _Case(
        snapshot,
        probes,
        memory or ProbeMemory(),
        reading,
        level,
        internet,
        [p for p in probes if p.role in ENDPOINTS],
        any(p.ok for p in internet) if internet else None,
        page_says(reading, level),
    )
    for rule in RULES:
        if (verdict := rule(case)) is not None:
            return verdict
    return _all_good(case)


def _reported(case: _Case) -> Verdict | None:
    """Anthropic says there is trouble (or an open incident is your model's)."""
    reading, level = case.reading, case.level
    if reading is None or not case.page_read or level < Level.DEGRADED:
        return None
    advice = reported_advice(level), local_note(case.endpoints), key_advice(case.probes, True)
    notes = model_notes(case.snapshot) if reading.level < Level.DEGRADED else ()
    headline = f"An incident touches your model: {notes[0]}" if notes else reported(reading)
    return Verdict(Finding.REPORTED, level, headline, sentences(*advice))


def _nothing_answers(case: _Case) -> Verdict | None:
    probes = case.probes
    if not probes or any(answers(p) for p in probes):
        return None
    if all(p.failed_at is Stage.DNS for p in probes):
        return Verdict(
            Finding.DNS_FAILS,
            case.level,
            "DNS lookups fail: no name resolves from this machine",
            "Check the DNS server your network or VPN hands out; try another network.",
        )
    if case.internet and not any(p.certificate_untrusted for p in probes):
        return Verdict(
            Finding.OFFLINE,
            case.level,
            "You appear to be offline: neither Claude nor other sites answer",
            "Check Wi-Fi or cable, a captive portal (open any web page), VPN and proxy.",
        )
    return None


def _intercepted(case: _Case) -> Verdict | None:
    if not any(p.certificate_untrusted for p in case.probes if p.role is not ProbeRole.INTERNET):
        return None
    return Verdict(
        Finding.TLS_INTERCEPTED,
        case.level,
        "A TLS-intercepting proxy is in the way: Claude's certificate is not trusted here",
        "Corporate proxies and security software do this. Ask IT to exempt Claude's hosts,"
        " or give your tools the proxy's CA (SSL_CERT_FILE, NODE_EXTRA_CA_CERTS).",
    )


def _gateway_down(case: _Case) -> Verdict | None:
    gateway = [p for p in case.probes if p.role is ProbeRole.GATEWAY and gateway_fault(p)]
    if not gateway:
        return None
    return Verdict(
        Finding.GATEWAY_DOWN,
        case.level,
        f"Your gateway {join(hosts(gateway))} {gateway_fault(gateway[0])}; {case.said}",
        "Claude is called through ANTHROPIC_BASE_URL here: ask whoever runs the gateway.",
    )


def _challenged(case: _Case) -> Verdict | None:
    challenged = [p for p in case.endpoints if p.challenge]
    if not challenged:
        return None
    return Verdict(
        Finding.BLOCKED_HERE,
        case.level,
        f"{case.said}, but {join(hosts(challenged))} answered with a CDN's challenge page"
        f" from here (HTTP {challenged[0].status}), not with Claude",
        "The CDN in front of Claude is challenging requests from this network: a VPN exit,"
        " a shared or flagged address, or a proxy. Try without the VPN or proxy, or from"
        " another network. This says nothing about your API key.",
    )


def _cannot_reach(case: _Case) -> Verdict | None:
    never = [p for p in case.endpoints if unreachable(p)]
    if not never:
        return None
    return _blocked(case.said, case.level, never, case.probes, case.internet_works)


def _early_warning(case: _Case) -> Verdict | None:
    memory = case.memory
    page_green = case.page_read and case.level <= Level.MAINTENANCE
    slow = memory.slow_rounds >= FAILURES_BEFORE_WARNING
    failing = memory.failing_rounds >= FAILURES_BEFORE_WARNING
    if not page_green or case.internet_works is False or not (failing or slow):
        return None
    overloaded = any(p.status == OVERLOADED for p in case.endpoints)
    what = "overloaded (HTTP 529)" if overloaded else "failing"
    return Verdict(
        Finding.EARLY_WARNING,
        case.level,
        f"The API is {'much slower than usual' if slow else what} from here and the status"
        " page does not say so yet: a problem may be starting",
        sentences(
            "Retry with backoff; if it persists, check the status page in a few minutes.",
            key_advice(case.probes, True),
        ),
    )


def _page_unreadable(case: _Case) -> Verdict | None:
    reading = case.reading
    if reading is not None and reading.ok:
        return None
    why = reading.failure.message if reading and reading.failure else "not read yet"
    works = " Claude's endpoints answer from here." if any(map(answers, case.endpoints)) else ""
    return Verdict(
        Finding.PAGE_UNREADABLE,
        case.level,
        f"The status page cannot be read ({why}).{works}",
        sentences("Open the status page in a browser to confirm.", page_host_note(case.probes)),
    )


def _failing_now(case: _Case) -> Verdict | None:
    failing = [p for p in case.endpoints if edge_failure(p)]
    if not failing:
        return None
    return Verdict(
        Finding.FAILING_NOW,
        case.level,
        f"{case.said}, but {join(hosts(failing))} failed from here just now"
        f" ({failure_words(failing[0])})",
        sentences(
            "Retry with backoff. If it keeps failing, claude-beacon warns you after three rounds.",
            key_advice(case.probes, True),
        ),
    )


def _maintenance(case: _Case) -> Verdict | None:
    if case.level is not Level.MAINTENANCE or case.reading is None:
        return None
    names = ", ".join(m.name for m in case.reading.maintenances if m.in_progress)
    return Verdict(Finding.MAINTENANCE, case.level, f"Scheduled maintenance in progress: {names}")


def _all_good(case: _Case) -> Verdict:
    answer = " and Claude answers from here" if any(map(answers, case.endpoints)) else ""
    return Verdict(
        Finding.ALL_GOOD,
        case.level,
        f"All good: Anthropic reports all systems operational{answer}",
        sentences(
            key_advice(case.probes, case.memory.failing_rounds > 0),
            page_host_note(case.probes),
        ),
    )


RULES: tuple[Callable[[_Case], Verdict | None], ...] = (
    _reported,
    _nothing_answers,
    _intercepted,
    _gateway_down,
    _challenged,
    _cannot_reach,
    _early_warning,
    _page_unreadable,
    _failing_now,
    _maintenance,
)
"""The questions, in order: what Anthropic says, does anything answer from here, is the
connection tampered with, what exactly fails, and only then: all good."""


def _blocked(
    said: str,
    level: Level,
    never: Sequence[ProbeResult],
    probes: Sequence[ProbeResult],
    internet_works: bool | None,
) -> Verdict:
    """Claude's endpoints are never reached from here: say what else is, and at which step."""
    names = join(hosts(never))
    others = hosts([p for p in probes if p.role is not ProbeRole.INTERNET and answers(p)])
    headline = f"{said}, but this machine cannot reach {names}"
    lead = ""
    if internet_works:
        headline += " while the rest of the internet works"
    elif internet_works is False and others:
        verb = "answers" if len(others) == 1 else "answer"
        headline += f"; only {join(others)} {verb} from here, and other sites fail too"
        lead = (
            "Something on this network lets only some hosts through: a proxy's allow-list,"
            " a captive portal (open any web page to sign in) or a filtering DNS."
        )
    advice = sentences(lead, stage_advice(never, bool(internet_works or others)))
    return Verdict(Finding.BLOCKED_HERE, level, headline, advice)
