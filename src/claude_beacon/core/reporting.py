"""How a verdict says what Anthropic reports: the sentences shared by its findings."""

from __future__ import annotations

from collections.abc import Sequence

from claude_beacon.core.model import Level, Reading

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
