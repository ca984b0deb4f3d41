"""The optional inference check as a job of the poller: one tiny request per model of yours.

Off unless ``[claude] inference_check = true``, and silent without a key (``ANTHROPIC_API_KEY``
or ``[diagnostics] api_key``). Only models known by version are asked (``opus-4.8``): a bare
alias such as ``opus`` names no model the API serves. A model that fails from here two rounds in
a row while the status page is green is told once, as an early warning naming it; the models
told are kept in the state, so that a restart does not tell the same onset again.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence

import httpx

from claude_beacon.config.settings import Config
from claude_beacon.core.inference import InferenceMemory, Onset, failure_words, judge_round
from claude_beacon.core.model import Event, EventKind, Level, Snapshot
from claude_beacon.core.modelids import api_id, display_name, model_command, version_of
from claude_beacon.core.probes import ProbeResult
from claude_beacon.net.fetcher import new_client
from claude_beacon.net.inference import ask, messages_url
from claude_beacon.store.state import StateStore

log = logging.getLogger(__name__)
TOLD_SETTING = "inference_warned"
"""State setting: the models whose failing from here has been told, until they answer again."""
CONFIRM_INTERVAL = 30.0
"""Seconds before asking again a model that failed and is not told yet."""

Tell = Callable[[Sequence[Event]], None]


def page_green(snapshot: Snapshot) -> bool:
    """Whether the primary status page was read and shows nothing wrong for this user."""
    primary = snapshot.primary
    return primary is not None and primary.ok and snapshot.shown_level(primary) <= Level.OPERATIONAL


def asked_models(models: Sequence[str]) -> tuple[str, ...]:
    """The models the check can ask for by name: those known by version, each once."""
    return tuple(dict.fromkeys(m for m in models if version_of(m) is not None))


class InferenceCheck:
    """A poller job (``Poller.add_job``): ``run_once`` asks each model and tells onsets."""

    def __init__(
        self,
        config: Config,
        store: StateStore,
        snapshot: Callable[[], Snapshot],
        tell: Tell,
        client: httpx.Client | None = None,
    ) -> None:
        self.config = config
        self.store = store
        self.snapshot = snapshot
        self.tell = tell
        self.client = client or new_client()
        self._lock = threading.Lock()
        self._results: tuple[ProbeResult, ...] = ()
        self._memory = InferenceMemory(told=self._told())
        self._said: set[str] = set()

    @property
    def results(self) -> tuple[ProbeResult, ...]:
        """The latest round: one result per model asked, named after the model."""
        with self._lock:
            return self._results

    def run_once(self) -> float:
        """One round; returns the seconds until the next (sooner while a failure is unconfirmed)."""
        interval = self.config.claude.inference_interval
        key = self.config.diagnostics.key()
        snapshot = self.snapshot()
        if not snapshot.readings:  # the first poll, which finds your models, is under way
            return self._soon()
        models = asked_models(snapshot.your_models)
        if not key:
            self._say_once("no-key", "inference check: no API key (ANTHROPIC_API_KEY), not run")
            return interval
        if not models:
            self._say_once("no-model", "inference check: no model of yours known by version")
            return interval
        url = messages_url(self.config.diagnostics.api_check)
        timeout = self.config.diagnostics.timeout
        results = tuple(ask(self.client, url, m, api_id(m), key, timeout=timeout) for m in models)
        with self._lock:
            self._results = results
            before = self._memory
            self._memory, onsets = judge_round(before, results, page_green(self.snapshot()))
            memory = self._memory
        if memory.told != before.told:
            self.store.set_setting(TOLD_SETTING, sorted(memory.told))
        if onsets:
            self.tell([self._event(onset, results) for onset in onsets])
        waiting = any(failure_words(r) and r.name not in memory.told for r in results)
        return self._soon() if waiting else interval

    def _soon(self) -> float:
        """A round to come soon: at the checks' pace, at most ``CONFIRM_INTERVAL``."""
        interval = self.config.claude.inference_interval
        return min(CONFIRM_INTERVAL, interval, self.config.diagnostics.interval)

    def _event(self, onset: Onset, results: Sequence[ProbeResult]) -> Event:
        primary = self.config.primary
        answering = [r.name for r in results if r.ok and r.name != onset.model]
        advice = "Anthropic's status page does not show it (yet)."
        if answering:
            other = answering[0]
            advice += f" {display_name(other)} answers from here: {model_command(other)}"
        result = next((r for r in results if r.name == onset.model), None)
        return Event(
            EventKind.EARLY_WARNING,
            primary.name,
            primary.key,
            f"inference:{onset.model}",
            onset.title,
            advice,
            level=Level.DEGRADED,
            url=primary.url,
            at=result.at if result else None,
            models=(onset.model,),
            affects_you=True,
        )

    def _told(self) -> frozenset[str]:
        stored = self.store.setting(TOLD_SETTING)
        if not isinstance(stored, list):
            return frozenset()
        return frozenset(m for m in stored if isinstance(m, str) and version_of(m) is not None)

    def _say_once(self, what: str, message: str) -> None:
        if what not in self._said:
            self._said.add(what)
            log.info(message)
