"""The engine: polls the pages, runs the reachability checks, judges, and tells every sink.

The tray, ``watch`` and ``wait`` each run one. Page events and the early warning leave by the
same path: into the state's outbox in the same write that marks them seen, then to every sink
through the dispatcher. Nothing here knows of a tray or a terminal.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from claude_beacon.config.settings import Config
from claude_beacon.core.community import Pulse, corroborate
from claude_beacon.core.model import Event, EventKind, FailureKind, Level, Snapshot
from claude_beacon.core.probes import ProbeResult
from claude_beacon.core.verdict import Finding, Verdict
from claude_beacon.engine.community import CommunityWatch
from claude_beacon.engine.diagnostics import Diagnostics
from claude_beacon.engine.dispatch import Dispatcher, Sink
from claude_beacon.engine.hooks import HookSink
from claude_beacon.engine.inference import InferenceCheck
from claude_beacon.engine.poller import Poller
from claude_beacon.engine.recording import HistorySink
from claude_beacon.engine.statuscache import PokeWatch, StatusCacheSink
from claude_beacon.engine.webhooks import WebhookSink
from claude_beacon.net.fetcher import Fetcher
from claude_beacon.store import paths
from claude_beacon.store.history import History
from claude_beacon.store.state import StateStore

log = logging.getLogger(__name__)
EARLY_WARNING_SINCE = "early_warning_since"
"""State setting: when the early warning now in force began, so a restart does not repeat it."""
OTHERS_TOLD = "early_warning_others_told"
"""State setting: the early warning in force has said that others see it too."""
SPIKE_SINCE = "community_spike_since"
"""State setting: when the community spike now in force was told."""
OTHERS = "others see it too"

Listener = Callable[[Snapshot], None]


@dataclass(frozen=True, slots=True)
class Outputs:
    """Where a run's events go besides the standard sinks (history, hooks, webhooks)."""

    extra: tuple[Sink, ...] = ()
    """The notifications, the terminal: sinks only some runs have."""
    record: bool = True
    """The history, hooks and webhooks; off for runs that only wait for an answer."""


def standard_sinks(config: Config, record: bool) -> list[Sink]:
    """The sinks every watching run has, from the configuration: one line each."""
    if not record:
        return []
    sinks: list[Sink] = [HistorySink(History(paths.history_file()))]
    sinks += [HookSink(argv, config.hook_timeout) for argv in config.hooks]
    sinks += [WebhookSink(hook) for hook in config.webhooks]
    sinks.append(StatusCacheSink(config.cadence.interval, settings=config.stamp))
    return sinks


class Engine:
    """One watching run. ``on_snapshot`` is called after every round and every check round."""

    def __init__(
        self,
        config: Config,
        *,
        store: StateStore | None = None,
        outputs: Outputs = Outputs(),
        on_snapshot: Listener | None = None,
        probes: bool = True,
        fetcher: Fetcher | None = None,
    ) -> None:
        self.config = config
        self.store = store or StateStore()
        self.on_snapshot = on_snapshot or (lambda _snapshot: None)
        sinks = [*standard_sinks(config, outputs.record), *outputs.extra]
        self.dispatcher = Dispatcher(sinks, self.store.acknowledge)
        self.store.sinks = self.dispatcher.names
        self.poller = Poller(config, fetcher or Fetcher(), store=self.store, on_update=self._round)
        self.diagnostics = Diagnostics(config, on_round=self._checked)
        if probes and config.diagnostics.enabled:
            self.poller.add_job("probes", self.diagnostics)
        if probes and config.claude.inference_check:
            client = self.poller.fetcher.client  # bounded by the total deadline, closed on stop
            check = InferenceCheck(config, self.store, lambda: self.snapshot, self.tell, client)
            self.poller.add_job("inference", check)
        self.community: CommunityWatch | None = None
        if probes and config.community.enabled:
            self.community = CommunityWatch(
                config,
                self.store,
                self.poller.fetcher.client,
                self.poller.fetcher.stop,
                on_pulse=self._pulse,
            )
            self.poller.add_job("community", self.community)
        self._warning = threading.Lock()
        if outputs.record:  # a statusline that saw Claude Code's API errors asks for a look now
            self.poller.add_job("poke", PokeWatch(self.check_now))
        self._publishing = threading.Lock()
        self._thread: threading.Thread | None = None

    @property
    def snapshot(self) -> Snapshot:
        return self.poller.snapshot

    def verdict(self, snapshot: Snapshot | None = None) -> Verdict:
        verdict = self.diagnostics.verdict(snapshot or self.snapshot)
        return corroborate(verdict, self.community.pulse if self.community else None)

    def start(self) -> threading.Thread:
        """Tell each sink what it was still owed, then start polling; returns the poll thread."""
        self.dispatcher.start(self.snapshot, self.store.pending())
        self._thread = self.poller.start()
        return self._thread

    def check_now(self) -> None:
        self.poller.check_now()

    def stop(self, budget: float = 1.0) -> None:
        """Stop polling and the sinks within ``budget`` seconds in all; what a sink has not
        taken stays in the outbox for the next run."""
        self.poller.stop(budget / 2)
        self.dispatcher.stop(budget / 2)
        self.poller.fetcher.close()  # a request still in flight ends with an error

    def _round(self, snapshot: Snapshot, events: tuple[Event, ...]) -> None:
        with self._publishing:
            self.dispatcher.publish(snapshot, events)
        self.on_snapshot(snapshot)

    def tell(self, events: Sequence[Event]) -> None:
        """Events the engine finds itself (early warnings) leave as page events do: into the
        state's outbox, then to every sink."""
        with self._publishing:
            self.store.commit({}, events)
            self.dispatcher.publish(self.snapshot, events)

    def _checked(self, results: tuple[ProbeResult, ...]) -> None:
        """After each check round: the early warning's start, told once; a recovery, seen soon."""
        snapshot = self.snapshot
        verdict = self.verdict(snapshot)
        early = verdict.finding is Finding.EARLY_WARNING
        with self._warning:
            warned = self.store.setting(EARLY_WARNING_SINCE) is not None
            if early and not warned:
                event = early_warning_event(verdict, self.config, datetime.now(UTC))
                at = event.at.isoformat() if event.at else ""
                self.store.set_setting(EARLY_WARNING_SINCE, at)
                self.store.set_setting(OTHERS_TOLD, True if OTHERS in verdict.headline else None)
                self.tell([event])
            elif not early and warned:
                self.store.set_setting(EARLY_WARNING_SINCE, None)
                self.store.set_setting(OTHERS_TOLD, None)
        self._poll_page_if_it_answers(snapshot, results)
        self.on_snapshot(snapshot)

    def _pulse(self, pulse: Pulse) -> None:
        """After each community round: a spike's start, told once (shown, not notified by
        default); during an early warning already told, once, that others see it too."""
        now = datetime.now(UTC)
        with self._warning:
            told = self.store.setting(SPIKE_SINCE) is not None
            events = []
            if pulse.spike and not told:
                self.store.set_setting(SPIKE_SINCE, now.isoformat())
                events.append(community_event(pulse, now))
            elif not pulse.spike and told:
                self.store.set_setting(SPIKE_SINCE, None)
            warned = self.store.setting(EARLY_WARNING_SINCE) is not None
            if pulse.spike and warned and self.store.setting(OTHERS_TOLD) is None:
                self.store.set_setting(OTHERS_TOLD, True)
                events.append(others_event(pulse, self.verdict(), self.config, now))
            if events:
                self.tell(events)

    def _poll_page_if_it_answers(self, snapshot: Snapshot, results: Sequence[ProbeResult]) -> None:
        """A page shown as unreadable whose host answers a check is read again at once,
        rather than after its backoff: recovery shows in seconds, not minutes."""
        primary = self.config.primary
        reading = next((r for r in snapshot.readings if r.source.key == primary.key), None)
        if reading is None or reading.failure is None:
            return
        if reading.failure.retry_after is not None or reading.failure.kind is FailureKind.BLOCKED:
            return  # the page asked to be left alone for a while: its wish is kept
        host = urlsplit(primary.url).hostname
        if any(_answered(p) and urlsplit(p.url).hostname == host for p in results):
            self.poller.poll_soon(primary.key)


def _answered(probe: ProbeResult) -> bool:
    return probe.ok and probe.status is not None and probe.status < 400


def early_warning_event(verdict: Verdict, config: Config, now: datetime) -> Event:
    primary = config.primary
    return Event(
        EventKind.EARLY_WARNING,
        primary.name,
        primary.key,
        "early-warning",
        verdict.headline,
        verdict.advice,
        level=verdict.level,
        url=primary.url,
        at=now,
    )


def community_event(pulse: Pulse, now: datetime) -> Event:
    """The spike as an event: its summary and links to the newest posts."""
    links = "\n".join(f"{p.title} {p.url}" for p in pulse.posts[:5])
    return Event(
        EventKind.COMMUNITY_SPIKE,
        "Community",
        "community",
        "community-spike",
        pulse.summary,
        links,
        level=Level.OPERATIONAL,
        url=pulse.posts[0].url if pulse.posts else None,
        at=now,
        models=tuple(m for m, _n in pulse.models),
    )


def others_event(pulse: Pulse, verdict: Verdict, config: Config, now: datetime) -> Event:
    """The early warning in force, strengthened: the community reports it too."""
    primary = config.primary
    return Event(
        EventKind.EARLY_WARNING,
        primary.name,
        primary.key,
        "early-warning:community",
        f"The API fails from here and {OTHERS}: {pulse.summary}",
        verdict.advice,
        level=verdict.level,
        url=pulse.posts[0].url if pulse.posts else primary.url,
        at=now,
        models=tuple(m for m, _n in pulse.models),
    )
