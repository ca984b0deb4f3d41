"""The polling loop: fetch due sources concurrently, parse, diff, persist, publish.

It knows nothing of trays or notifications: every round ends in one call of ``on_update`` with an
immutable ``Snapshot`` and the new events, on the poller's own thread. The reachability probes
are a source of another kind, a ``Job`` it schedules beside the status pages.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from claude_beacon.config.settings import Config
from claude_beacon.core import events as core_events
from claude_beacon.core.memory import Memory
from claude_beacon.core.model import (
    Event,
    Failure,
    FailureKind,
    Level,
    Reading,
    Snapshot,
    SourceSpec,
    failed_reading,
)
from claude_beacon.core.schedule import next_delay
from claude_beacon.engine.glance import MAX_CONCURRENCY
from claude_beacon.engine.yourmodels import YourModels, annotated
from claude_beacon.net.fetcher import Fetcher
from claude_beacon.net.pagereader import PageReader
from claude_beacon.store.state import StateStore

log = logging.getLogger(__name__)
DOWN_AFTER = 3
MAX_WAIT = 3600.0
"""The loop wakes at least this often, whatever is (not) scheduled."""
RUNNING = float("inf")
"""The due time of a job whose round is under way."""

Listener = Callable[[Snapshot, tuple[Event, ...]], None]


class Job(Protocol):
    """Another kind of source the poller runs on its schedule: the reachability probes."""

    def run_once(self) -> float:
        """One round; returns the seconds until the next."""
        ...


@dataclass(frozen=True, slots=True)
class Outcome:
    reading: Reading
    events: tuple[Event, ...]
    memory: Memory


class Poller:
    """Owns the per-source memories and schedule; thread-safe to read ``snapshot`` from."""

    def __init__(
        self,
        config: Config,
        fetcher: Fetcher,
        *,
        store: StateStore | None = None,
        on_update: Listener | None = None,
        your_models: YourModels | None = None,
        rng: random.Random | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.config = config
        self.fetcher = fetcher
        self.store = store or StateStore()
        self.on_update = on_update
        self.your_models = your_models or YourModels(config, self.store)
        self.rng = rng or random.Random()
        self.clock = clock
        self.wall = wall
        self._readings: dict[str, Reading] = {}
        self.reader = PageReader(fetcher, config.cadence, self.rng, clock=clock, wall=wall)
        self._due: dict[str, float] = {s.key: 0.0 for s in config.sources}
        self._wake = threading.Event()
        self._check_requested = threading.Event()
        self._jobs: dict[str, Job] = {}
        self._job_due: dict[str, float] = {}
        self._job_lock = threading.Lock()
        self._stop = fetcher.stop
        self._lock = threading.Lock()
        self._snapshot = Snapshot(at=wall())
        self._thread: threading.Thread | None = None
        self.errors = 0
        """Rounds, polls and job rounds that failed on an unexpected error, since the start."""

    @property
    def snapshot(self) -> Snapshot:
        with self._lock:
            return self._snapshot

    def poll_once(
        self, sources: Iterable[SourceSpec] | None = None
    ) -> tuple[Snapshot, tuple[Event, ...]]:
        """Poll the given sources (default: all) once, concurrently, and publish the result."""
        chosen = list(self.config.sources if sources is None else sources)
        if len(chosen) <= 1:  # the common case needs no pool of threads
            outcomes = [self._poll_guarded(source) for source in chosen]
        else:
            from concurrent.futures import ThreadPoolExecutor  # not for a single source

            workers = min(MAX_CONCURRENCY, len(chosen))
            with ThreadPoolExecutor(workers, thread_name_prefix="beacon-fetch") as pool:
                outcomes = list(pool.map(self._poll_guarded, chosen))
        if self._stop.is_set():  # stopped while fetching: a later run owns the state now
            return self.snapshot, ()
        events: list[Event] = []
        for source, outcome in zip(chosen, outcomes, strict=True):
            events.extend(outcome.events)
            self._remember(source, outcome)
        readings = tuple(
            self._readings[s.key] for s in self.config.sources if s.key in self._readings
        )
        families = self.your_models.learn(readings)
        models = self.your_models.models(families)
        alternatives = frozenset(s.key for s in self.config.sources if s.alternative)
        events = annotated(events, alternatives, models, families)
        # One write: the memories that mark these events as seen, and the events owed to sinks.
        self.store.commit({s.key: o.memory for s, o in zip(chosen, outcomes, strict=True)}, events)
        snapshot = Snapshot(self.wall(), readings, models, families)
        with self._lock:
            self._snapshot = snapshot
        if self.on_update:
            self.on_update(snapshot, tuple(events))
        return snapshot, tuple(events)

    def add_job(self, name: str, job: Job) -> None:
        """Run ``job`` on this poller's schedule too, first at once; before ``start``."""
        self._jobs[name] = job
        self._job_due[name] = 0.0

    def run(self) -> None:
        """Poll each source and run each job when due until ``stop``; ``check_now``: at once.

        A job's round runs on a thread of its own, so that probes waiting out their timeouts
        never hold up a status page's poll; the next round is scheduled when it ends.
        """
        while not self._stop.is_set():
            now = self.clock()
            with self._job_lock:
                for name, due_at in self._job_due.items():
                    if due_at <= now:
                        self._job_due[name] = RUNNING  # scheduled again when it ends
                        threading.Thread(
                            target=self._run_job, args=(name,), name=f"beacon-{name}", daemon=True
                        ).start()
                next_job = min(self._job_due.values(), default=RUNNING)
            due = [s for s in self.config.sources if self._due[s.key] <= now]
            if due:
                self._round_guarded(due)
                continue
            wait = min(min(self._due.values()), next_job, now + MAX_WAIT) - now
            if self._wake.wait(max(0.0, wait)):
                self._wake.clear()
                if self._check_requested.is_set() and not self._stop.is_set():
                    self._check_requested.clear()
                    self._due = dict.fromkeys(self._due, 0.0)
                    with self._job_lock:
                        for name, due_at in self._job_due.items():
                            if due_at != RUNNING:
                                self._job_due[name] = 0.0

    def _round_guarded(self, due: list[SourceSpec]) -> None:
        """One round; what escapes every guard below costs this round, never the loop."""
        try:
            self.poll_once(due)
        except Exception:
            self.errors += 1
            log.exception("a polling round failed unexpectedly (%d so far)", self.errors)
            retry = self.clock() + self.config.cadence.interval
            for source in due:  # not at once again: a round that always fails must not spin
                self._due[source.key] = max(self._due[source.key], retry)

    def _run_job(self, name: str) -> None:
        job = self._jobs[name]
        try:
            delay = job.run_once()
        except Exception:  # a bug costs one round, never the job
            self.errors += 1
            log.exception("%s: a round failed unexpectedly", name)
            delay = self.config.cadence.interval
        with self._job_lock:
            self._job_due[name] = self.clock() + delay
        self._wake.set()  # the loop's wait may now be shorter

    def start(self) -> threading.Thread:
        self._thread = threading.Thread(target=self._run_logged, name="beacon-poller", daemon=True)
        self._thread.start()
        return self._thread

    def poll_soon(self, key: str) -> None:
        """Poll the source of ``key`` at the loop's next turn instead of on its schedule."""
        if key in self._due:
            self._due[key] = 0.0
            self._wake.set()

    def check_now(self) -> None:
        self._check_requested.set()
        self._wake.set()

    def stop(self, timeout: float = 1.0) -> None:
        """Ask the loop to end and wait up to ``timeout``; an in-flight request is abandoned."""
        self._stop.set()
        self._wake.set()
        if self._thread and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def _run_logged(self) -> None:
        try:
            self.run()
        except Exception:
            log.exception("the poller stopped on an unexpected error")
            raise

    def _poll_guarded(self, source: SourceSpec) -> Outcome:
        try:
            return self._poll(source)
        except Exception as exc:  # a bug must cost one poll, never the loop
            self.errors += 1
            log.exception("polling %s failed unexpectedly", source.name)
            failure = Failure(FailureKind.BAD_PAYLOAD, f"internal error: {type(exc).__name__}")
            memory = self.store.memory(source.key)
            reading = failed_reading(source, self.wall(), failure)
            try:
                diff = core_events.diff(memory, reading, self.wall(), down_after=DOWN_AFTER)
            except Exception:  # the memory itself is what fails: keep it, tell nothing
                log.exception("%s: its memory could not take a failed reading", source.name)
                return Outcome(reading, (), memory)
            return Outcome(reading, diff.events, diff.memory)

    def _poll(self, source: SourceSpec) -> Outcome:
        memory = self.store.memory(source.key)
        reading = self.reader.read(source)
        history = None
        needed = core_events.needs_confirmation(memory, reading)
        if reading.from_feed:
            history = self.reader.feed_items(source)  # the feed tells how items ended
        elif needed:
            history = self.reader.history(source, needed, reading.page_base or source.url)
        diff = core_events.diff(memory, reading, self.wall(), history, down_after=DOWN_AFTER)
        return Outcome(reading, diff.events, diff.memory)

    def _remember(self, source: SourceSpec, outcome: Outcome) -> None:
        """Keep the reading to show and schedule the next poll of this source."""
        reading = outcome.reading
        previous = self._readings.get(source.key)
        # A brief failure keeps showing the last good reading; only a source that is down, or
        # never read, shows as unknown.
        if reading.ok or outcome.memory.down or previous is None or not previous.ok:
            self._readings[source.key] = reading
        shown = self._readings[source.key]
        blocked = bool(reading.failure and reading.failure.kind is FailureKind.BLOCKED)
        # A block backs off by the blocks in a row, not by every failure before it: a page that
        # answered 503s for a while and then one 429 is not silenced for half an hour.
        api_blocks = self.reader.api_blocks(source)
        failures = max(1, api_blocks) if blocked else outcome.memory.failures
        delay = next_delay(
            self.config.cadence,
            healthy=shown.level <= Level.OPERATIONAL,
            failures=failures,
            rng=self.rng,
            retry_after=reading.failure.retry_after if reading.failure else None,
            blocked=blocked,
        )
        self._due[source.key] = self.clock() + delay
