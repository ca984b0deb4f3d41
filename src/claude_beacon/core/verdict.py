"""Is it me or them? One plain-language answer from the status page and the probes.

Pure: the status page's snapshot, this round's probe results and a little memory of earlier
rounds go in; a verdict comes out. The order of the rules is the order of the questions a
person would ask: what does Anthropic say, does anything work from here, does the rest of the
internet work, what exactly fails.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import Enum

from claude_beacon.core.model import Level, Reading, Snapshot
from claude_beacon.core.probes import ProbeResult, ProbeRole, Stage

FAILURES_BEFORE_WARNING = 3
"""Consecutive failing rounds of the API while the page is green before warning early."""
SLOW_FACTOR = 3.0
SLOW_FLOOR_MS = 1500.0
"""A round is 'sharply slower' above both the factor times the usual latency and this floor."""
BASELINE_WEIGHT = 0.2


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


REPORTED_AS = {
    Level.DEGRADED: "degraded performance",
    Level.PARTIAL_OUTAGE: "a partial outage",
    Level.MAJOR_OUTAGE: "a major outage",
}
LOCAL = frozenset(
    {Finding.OFFLINE, Finding.DNS_FAILS, Finding.TLS_INTERCEPTED, Finding.BLOCKED_HERE}
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
    claude = [p for p in probes if p.role is not ProbeRole.INTERNET]
    if not claude:
        return memory
    failing = any(_edge_failure(p) for p in claude)
    latencies = [p.http_ms for p in claude if p.ok and p.http_ms is not None]
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


def judge(
    snapshot: Snapshot, probes: Sequence[ProbeResult] = (), memory: ProbeMemory | None = None
) -> Verdict:
    memory = memory or ProbeMemory()
    reading = _claude_reading(snapshot)
    level = snapshot.level
    internet = [p for p in probes if p.role is ProbeRole.INTERNET]
    claude = [p for p in probes if p.role is not ProbeRole.INTERNET]
    internet_works = any(p.ok for p in internet) if internet else None

    if reading is not None and reading.ok and level >= Level.DEGRADED:
        return Verdict(Finding.REPORTED, level, _reported(reading), _reported_advice(level))
    if probes and not any(p.ok for p in probes):
        if all(p.failed_at is Stage.DNS for p in probes):
            return Verdict(
                Finding.DNS_FAILS,
                level,
                "DNS lookups fail: no name resolves from this machine",
                "Check the DNS server your network or VPN hands out; try another network.",
            )
        if internet and not any(p.certificate_untrusted for p in probes):
            return Verdict(
                Finding.OFFLINE,
                level,
                "You appear to be offline: neither Claude nor other sites answer",
                "Check Wi-Fi or cable, a captive portal (open any web page), VPN and proxy.",
            )
    if any(p.certificate_untrusted for p in claude):
        return Verdict(
            Finding.TLS_INTERCEPTED,
            level,
            "A TLS-intercepting proxy is in the way: Claude's certificate is not trusted here",
            "Corporate proxies and security software do this. Ask IT to exempt Claude's hosts,"
            " or give your tools the proxy's CA (SSL_CERT_FILE, NODE_EXTRA_CA_CERTS).",
        )
    said = "all systems operational" if level is Level.OPERATIONAL else level.label
    unreachable = [p for p in claude if not p.ok and p.failed_at in (Stage.DNS, Stage.CONNECT)]
    if unreachable and internet_works is not False:
        names = ", ".join(sorted({p.name for p in unreachable}))
        rest = " while the rest of the internet works" if internet_works else ""
        return Verdict(
            Finding.BLOCKED_HERE,
            level,
            f"Anthropic reports {said}, but this machine cannot reach {names}{rest}",
            "Check VPN, proxy, firewall and DNS settings for these hosts.",
        )
    page_green = reading is not None and reading.ok and level <= Level.MAINTENANCE
    slow = memory.slow_rounds >= FAILURES_BEFORE_WARNING
    if (
        page_green
        and internet_works is not False
        and (memory.failing_rounds >= FAILURES_BEFORE_WARNING or slow)
    ):
        what = "much slower than usual" if slow else "failing"
        return Verdict(
            Finding.EARLY_WARNING,
            level,
            f"The API is {what} from here and the status page does not say so yet:"
            " a problem may be starting",
            "Retry with backoff; if it persists, check the status page in a few minutes.",
        )
    if reading is None or not reading.ok:
        why = reading.failure.message if reading and reading.failure else "not read yet"
        works = (
            " Claude's endpoints answer from here." if claude and any(p.ok for p in claude) else ""
        )
        return Verdict(
            Finding.PAGE_UNREADABLE,
            level,
            f"The status page cannot be read ({why}).{works}",
            "Open the status page in a browser to confirm.",
        )
    failing = [p for p in claude if _edge_failure(p)]
    if failing:
        names = _join(sorted({p.name for p in failing}))
        return Verdict(
            Finding.FAILING_NOW,
            level,
            f"Anthropic reports {said}, but {names} failed from here just now"
            f" ({failing[0].error or f'HTTP {failing[0].status}'})",
            "Retry with backoff. If it keeps failing, claude-beacon warns you after three rounds.",
        )
    if level is Level.MAINTENANCE:
        names = ", ".join(m.name for m in reading.maintenances if m.in_progress)
        return Verdict(Finding.MAINTENANCE, level, f"Scheduled maintenance in progress: {names}")
    answer = " and Claude answers from here" if any(p.ok for p in claude) else ""
    return Verdict(
        Finding.ALL_GOOD,
        level,
        f"All good: Anthropic reports all systems operational{answer}",
        _key_advice(probes),
    )


def _claude_reading(snapshot: Snapshot) -> Reading | None:
    """The primary source is the one the verdict is about (Claude, by default)."""
    return snapshot.primary


def _edge_failure(probe: ProbeResult) -> bool:
    """A failure that says the service struggles, not that this machine cannot get there."""
    if probe.status is not None and probe.status >= 500:
        return True  # answered, with a server error (the API's 529 "overloaded" among them)
    if probe.role is ProbeRole.API_AUTH and probe.status is not None:
        return False  # a 4xx to the key's check is about the key or its quota, not the API
    return not probe.ok and probe.failed_at is Stage.HTTP  # connected, then no answer in time


def _key_advice(probes: Sequence[ProbeResult]) -> str:
    """What the authenticated check says of the key itself, when it was refused or limited."""
    for probe in probes:
        if probe.role is ProbeRole.API_AUTH and probe.status in (401, 403):
            return f"Your API key was refused (HTTP {probe.status}): check or replace it."
        if probe.role is ProbeRole.API_AUTH and probe.status == 429:
            return "Your API key is being rate-limited (HTTP 429): slow down or check its limits."
    return ""


def _reported(reading: Reading) -> str:
    names = [c.name for c in reading.problem_components]
    if not names:
        names = [i.name for i in reading.incidents if not i.resolved][:1]
    what = f" of {_join(names)}" if names else ""
    return f"Anthropic reports {REPORTED_AS.get(reading.level, reading.level.label)}{what}"


def _reported_advice(level: Level) -> str:
    if level >= Level.PARTIAL_OUTAGE:
        return "It is not you. Retry with backoff, or switch to a fallback until it is resolved."
    return "Expect slower or failing requests; retry with backoff."


def _join(names: Sequence[str]) -> str:
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + f" and {names[-1]}"
