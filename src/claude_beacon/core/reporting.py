"""How a verdict says what Anthropic reports: the sentences shared by its findings."""

from __future__ import annotations

from collections.abc import Sequence

from claude_beacon.core.model import Level, Reading
from claude_beacon.core.probes import ProbeResult, ProbeRole, Stage, answers, hosts, unreachable

REPORTED_AS = {
    Level.DEGRADED: "degraded performance",
    Level.PARTIAL_OUTAGE: "a partial outage",
    Level.MAJOR_OUTAGE: "a major outage",
}


def said(reading: Reading | None, level: Level) -> str:
    if reading is None or not reading.ok:
        return "The status page cannot be read"
    if level is Level.OPERATIONAL:
        return "Anthropic reports all systems operational"
    if level in REPORTED_AS:
        return f"Anthropic reports {REPORTED_AS[level]}"
    return f"Claude's status page says Claude {level.phrase}"


def sentences(*parts: str) -> str:
    return " ".join(part for part in parts if part)


def reported(reading: Reading) -> str:
    names = [c.name for c in reading.problem_components]
    if not names:
        names = [i.name for i in reading.incidents if not i.resolved][:1]
    what = f" of {join(names)}" if names else ""
    if reading.level not in REPORTED_AS:
        return f"Claude's status page says it {reading.level.phrase}{what.replace(' of', ':', 1)}"
    return f"Anthropic reports {REPORTED_AS[reading.level]}{what}"


def reported_advice(level: Level) -> str:
    if level >= Level.PARTIAL_OUTAGE:
        return "It is not you. Retry with backoff, or switch to a fallback until it is resolved."
    return "Expect slower or failing requests; retry with backoff."


def join(names: Sequence[str]) -> str:
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + f" and {names[-1]}"


def stage_advice(never: Sequence[ProbeResult], others_answer: bool) -> str:
    """Which step fails, in the words that point at the culprit."""
    stages = {p.failed_at for p in never}
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


def key_advice(probes: Sequence[ProbeResult], trouble: bool) -> str:
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


def local_note(endpoints: Sequence[ProbeResult]) -> str:
    """While Anthropic reports trouble: endpoints never reached are this machine's part."""
    never = [p for p in endpoints if unreachable(p) or p.challenge]
    if not never:
        return ""
    return (
        f"This machine also cannot reach {join(hosts(never))}, which an outage does"
        " not explain: check VPN, proxy, firewall and DNS if it lasts."
    )


def page_host_note(probes: Sequence[ProbeResult]) -> str:
    """The status page's host failing: worth saying, though it is not Claude failing."""
    down = [
        p
        for p in probes
        if p.role is ProbeRole.STATUS_PAGE and (not answers(p) or (p.status or 0) >= 500)
    ]
    if not down:
        return ""
    why = down[0].error or (f"HTTP {down[0].status}" if down[0].status else "no answer")
    return f"The status page's host did not answer this check ({why})."
