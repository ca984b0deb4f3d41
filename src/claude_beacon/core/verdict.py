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

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import Enum

from claude_beacon.core.impact import model_notes
from claude_beacon.core.model import Level, Reading, Snapshot
from claude_beacon.core.probes import ProbeResult, ProbeRole, Stage, gateway_fault
from claude_beacon.core.reporting import (
    join,
    reported,
    reported_advice,
    sentences,
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
UNREACHED = frozenset({Stage.DNS, Stage.CONNECT, Stage.TLS})
"""Stages whose failure means the host was never reached, before any answer."""
OVERLOADED = 529


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
    failing = any(_edge_failure(p) for p in claude)
    latencies = [p.http_ms for p in claude if _answers(p) and p.http_ms is not None]
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


def judge(
    snapshot: Snapshot, probes: Sequence[ProbeResult] = (), memory: ProbeMemory | None = None
) -> Verdict:
    memory = memory or ProbeMemory()
    reading = _claude_reading(snapshot)
    level = max(snapshot.level, snapshot.overall)  # raised while an incident is your model's
    internet = [p for p in probes if p.role is ProbeRole.INTERNET]
    endpoints = [p for p in probes if p.role in ENDPOINTS]
    internet_works = any(p.ok for p in internet) if internet else None
    page_read = reading is not None and reading.ok

    if reading is not None and page_read and level >= Level.DEGRADED:
        advice = reported_advice(level), _local_note(endpoints), _key_advice(probes, True)
        notes = model_notes(snapshot) if reading.level < Level.DEGRADED else ()
        headline = f"An incident touches your model: {notes[0]}" if notes else reported(reading)
        return Verdict(Finding.REPORTED, level, headline, sentences(*advice))
    if probes and not any(_answers(p) for p in probes):
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
    if any(p.certificate_untrusted for p in probes if p.role is not ProbeRole.INTERNET):
        return Verdict(
            Finding.TLS_INTERCEPTED,
            level,
            "A TLS-intercepting proxy is in the way: Claude's certificate is not trusted here",
            "Corporate proxies and security software do this. Ask IT to exempt Claude's hosts,"
            " or give your tools the proxy's CA (SSL_CERT_FILE, NODE_EXTRA_CA_CERTS).",
        )
    said = page_says(reading, level)
    gateway = [p for p in probes if p.role is ProbeRole.GATEWAY and gateway_fault(p)]
    if gateway:
        return Verdict(
            Finding.GATEWAY_DOWN,
            level,
            f"Your gateway {join(_hosts(gateway))} {gateway_fault(gateway[0])}; {said}",
            "Claude is called through ANTHROPIC_BASE_URL here: ask whoever runs the gateway.",
        )
    challenged = [p for p in endpoints if p.challenge]
    if challenged:
        return Verdict(
            Finding.BLOCKED_HERE,
            level,
            f"{said}, but {join(_hosts(challenged))} answered with a CDN's challenge page"
            f" from here (HTTP {challenged[0].status}), not with Claude",
            "The CDN in front of Claude is challenging requests from this network: a VPN exit,"
            " a shared or flagged address, or a proxy. Try without the VPN or proxy, or from"
            " another network. This says nothing about your API key.",
        )
    unreachable = [p for p in endpoints if _unreachable(p)]
    if unreachable:
        return _blocked(said, level, unreachable, probes, internet_works)
    page_green = page_read and level <= Level.MAINTENANCE
    slow = memory.slow_rounds >= FAILURES_BEFORE_WARNING
    if (
        page_green
        and internet_works is not False
        and (memory.failing_rounds >= FAILURES_BEFORE_WARNING or slow)
    ):
        overloaded = any(p.status == OVERLOADED for p in endpoints)
        what = "overloaded (HTTP 529)" if overloaded else "failing"
        return Verdict(
            Finding.EARLY_WARNING,
            level,
            f"The API is {'much slower than usual' if slow else what} from here and the status"
            " page does not say so yet: a problem may be starting",
            sentences(
                "Retry with backoff; if it persists, check the status page in a few minutes.",
                _key_advice(probes, True),
            ),
        )
    if reading is None or not reading.ok:
        why = reading.failure.message if reading and reading.failure else "not read yet"
        works = " Claude's endpoints answer from here." if any(map(_answers, endpoints)) else ""
        return Verdict(
            Finding.PAGE_UNREADABLE,
            level,
            f"The status page cannot be read ({why}).{works}",
            sentences("Open the status page in a browser to confirm.", _page_host_note(probes)),
        )
    failing = [p for p in endpoints if _edge_failure(p)]
    if failing:
        return Verdict(
            Finding.FAILING_NOW,
            level,
            f"{said}, but {join(_hosts(failing))} failed from here just now"
            f" ({_failure(failing[0])})",
            sentences(
                "Retry with backoff. If it keeps failing, claude-beacon warns you after three"
                " rounds.",
                _key_advice(probes, True),
            ),
        )
    if level is Level.MAINTENANCE:
        names = ", ".join(m.name for m in reading.maintenances if m.in_progress)
        return Verdict(Finding.MAINTENANCE, level, f"Scheduled maintenance in progress: {names}")
    answer = " and Claude answers from here" if any(map(_answers, endpoints)) else ""
    return Verdict(
        Finding.ALL_GOOD,
        level,
        f"All good: Anthropic reports all systems operational{answer}",
        sentences(_key_advice(probes, memory.failing_rounds > 0), _page_host_note(probes)),
    )


def _blocked(
    said: str,
    level: Level,
    unreachable: Sequence[ProbeResult],
    probes: Sequence[ProbeResult],
    internet_works: bool | None,
) -> Verdict:
    """Claude's endpoints are never reached from here: say what else is, and at which step."""
    names = join(_hosts(unreachable))
    others = _hosts([p for p in probes if p.role is not ProbeRole.INTERNET and _answers(p)])
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
    advice = sentences(lead, _stage_advice(unreachable, bool(internet_works or others)))
    return Verdict(Finding.BLOCKED_HERE, level, headline, advice)


def _stage_advice(unreachable: Sequence[ProbeResult], others_answer: bool) -> str:
    """Which step fails, in the words that point at the culprit."""
    stages = {p.failed_at for p in unreachable}
    if stages == {Stage.DNS}:
        elsewhere = " while other names do" if others_answer else ""
        return (
            f"Their names do not resolve on this machine{elsewhere}: a DNS filter (the"
            " network's, a VPN's or security software's) or a broken resolver. Try another"
            " DNS server or network."
        )
    if stages == {Stage.CONNECT}:
        elsewhere = " while other hosts connect" if others_answer else ""
        return (
            f"Connections to them are refused or time out{elsewhere}: a firewall or proxy"
            " blocks them. Check VPN, proxy and firewall settings."
        )
    if stages == {Stage.TLS}:
        return (
            "The TLS handshake with them fails: a firewall or filtering proxy cuts these"
            " connections. Check VPN, proxy and firewall settings."
        )
    return "Check VPN, proxy, firewall and DNS settings for these hosts."


def _claude_reading(snapshot: Snapshot) -> Reading | None:
    """The primary source is the one the verdict is about (Claude, by default)."""
    return snapshot.primary


def _answers(probe: ProbeResult) -> bool:
    """The target itself answered, with anything (a 401 to the key's check proves the API)."""
    return (probe.ok or probe.status is not None) and not probe.challenge


def _unreachable(probe: ProbeResult) -> bool:
    return not probe.ok and probe.status is None and probe.failed_at in UNREACHED


def _edge_failure(probe: ProbeResult) -> bool:
    """A failure that says the service struggles, not that this machine cannot get there."""
    if probe.challenge:
        return False  # the CDN's page, not the service's answer
    if probe.status is not None and probe.status >= 500:
        return True  # answered, with a server error (the API's 529 "overloaded" among them)
    if probe.role is ProbeRole.API_AUTH and probe.status is not None:
        return False  # a 4xx to the key's check is about the key or its quota, not the API
    return not probe.ok and probe.failed_at is Stage.HTTP  # connected, then no answer in time


def _failure(probe: ProbeResult) -> str:
    if probe.status == OVERLOADED:
        return "HTTP 529: the API is overloaded"
    if probe.status is not None and probe.status >= 500:
        return f"HTTP {probe.status}"
    return probe.error or "no answer"


def _key_advice(probes: Sequence[ProbeResult], trouble: bool) -> str:
    """What the authenticated check says of the key itself; ``trouble``: other signs of it."""
    for probe in probes:
        if probe.role is not ProbeRole.API_AUTH or probe.challenge:
            continue
        if probe.status == 401:
            return "Your API key was refused (HTTP 401): check or replace it."
        if probe.status == 403:
            return (
                "Your API key was denied (HTTP 403): it lacks permission for this request;"
                " check its workspace and permissions."
            )
        if probe.status == 429 and trouble:
            return (
                "The API also answers your key with HTTP 429 while other checks show trouble:"
                " most likely the API shedding load, not your key's limits."
            )
        if probe.status == 429:
            return "Your API key is being rate-limited (HTTP 429): slow down or check its limits."
    return ""


def _local_note(endpoints: Sequence[ProbeResult]) -> str:
    """While Anthropic reports trouble: endpoints never reached are this machine's part."""
    unreachable = [p for p in endpoints if _unreachable(p) or p.challenge]
    if not unreachable:
        return ""
    return (
        f"This machine also cannot reach {join(_hosts(unreachable))}, which an outage does"
        " not explain: check VPN, proxy, firewall and DNS if it lasts."
    )


def _page_host_note(probes: Sequence[ProbeResult]) -> str:
    """The status page's host failing: worth saying, though it is not Claude failing."""
    down = [
        p
        for p in probes
        if p.role is ProbeRole.STATUS_PAGE and (not _answers(p) or (p.status or 0) >= 500)
    ]
    if not down:
        return ""
    why = down[0].error or (f"HTTP {down[0].status}" if down[0].status else "no answer")
    return f"The status page's host did not answer this check ({why})."


def _hosts(probes: Sequence[ProbeResult]) -> list[str]:
    """Each host once, by name: the key's check is the API's host too."""
    return list(dict.fromkeys(p.name.split(" (")[0] for p in probes))
