"""The optional inference check, judged: does a model itself fail from here?

One tiny request per model of yours (``net.inference``) says more than any page: a model that
answers 529 or 5xx, or no answer once connected, two rounds in a row while the status page is
green, is told once, as an early warning naming that model. An answer about the key (401, 403,
429) says nothing of the model and is never a warning.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from claude_beacon.core.modelids import display_name
from claude_beacon.core.probes import ProbeResult, Stage

FAILURES_BEFORE_WARNING = 2
"""Failing rounds in a row, for one model, before it is told."""
KEY_STATUSES = frozenset({401, 403, 429})
"""Answers about the key or its limits: not the model failing."""
REASONS: Mapping[int, str] = {
    500: "internal error",
    502: "bad gateway",
    503: "unavailable",
    504: "gateway timeout",
    529: "overloaded",
}


def failure_words(result: ProbeResult) -> str | None:
    """Why an answer is the model failing from here ("HTTP 529 overloaded", "no answer"), or
    None: it worked, it is about the key, or the API was never reached (this machine's link,
    which the other checks speak of)."""
    if result.ok or result.challenge:
        return None
    status = result.status
    if status is not None:
        if status < 500:
            return None
        reason = REASONS.get(status)
        return f"HTTP {status} {reason}" if reason else f"HTTP {status}"
    return "no answer" if result.failed_at is Stage.HTTP else None


@dataclass(frozen=True, slots=True)
class InferenceMemory:
    """Failing rounds in a row per model, and the models already told in this onset."""

    streaks: Mapping[str, int] = field(default_factory=dict)
    told: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Onset:
    model: str
    """The canonical model name: ``opus-4.8``."""
    words: str
    """What it answered: "HTTP 529 overloaded"."""

    @property
    def title(self) -> str:
        return (
            f"{display_name(self.model)} fails from here ({self.words})"
            " while the status page is green"
        )


def judge_round(
    memory: InferenceMemory, results: Iterable[ProbeResult], page_green: bool
) -> tuple[InferenceMemory, tuple[Onset, ...]]:
    """One round folded in: the new memory and the onsets to tell now, each once.

    A model that answers again ends its onset, so a later failure is told again; an answer
    about the key, or a round that never reached the API, neither counts nor ends one.
    """
    streaks = dict(memory.streaks)
    told = set(memory.told)
    onsets: list[Onset] = []
    for result in results:
        model, words = result.name, failure_words(result)
        if words is None:
            if result.ok:
                streaks[model] = 0
                told.discard(model)
            continue
        streaks[model] = streaks.get(model, 0) + 1
        if streaks[model] >= FAILURES_BEFORE_WARNING and page_green and model not in told:
            told.add(model)
            onsets.append(Onset(model, words))
    return InferenceMemory(streaks, frozenset(told)), tuple(onsets)
