"""The polling loop: fetch due sources concurrently, parse, diff, persist, publish.

It knows nothing of trays or notifications: every round ends in one call of ``on_update`` with an
immutable ``Snapshot`` and the new events, on the poller's own thread.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from claude_beacon import feedreader
from claude_beacon.config import Config
from claude_beacon.core import events as core_events
from claude_beacon.core import statuspage
from claude_beacon.core.feed import items_from_feed
from claude_beacon.core.memory import Memory
from claude_beacon.core.model import (
    Event,
    Failure,
    FailureKind,
    Item,
    ItemKind,
    Level,
    Reading,
    Snapshot,
    SourceSpec,
    failed_reading,
)
from claude_beacon.core.providers import PROVIDERS, gather
from claude_beacon.core.schedule import next_delay
from claude_beacon.fetch import Fetcher
from claude_beacon.state import State, StateStore

log = logging.getLogger(__name__)
MAX_CONCURRENCY = 8
"""Sources polled at once: enough to hide latency, few enough to stay polite and light."""
DOWN_AFTER = 3
HISTORY_PATHS: Mapping[ItemKind, str] = {
    ItemKind.INCIDENT: "/api/v2/incidents.json",
    ItemKind.MAINTENANCE: "/api/v2/scheduled-maintenances.json",
}

Listener = Callable[[Snapshot, tuple[Event, ...]], None]


def _host(url: str) -> str:
    return url.split("://", 1)[-1].split("/", 1)[0]


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
        rng: random.Random | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.config = config
        self.fetcher = fetcher
        self.store = store
        self.on_update = on_update
        self.rng = rng or random.Random()
        self.clock = clock
        self.wall = wall
        self.state: State = store.load() if store else State()
        self._readings: dict[str, Reading] = {}
        self._bodies: dict[str, bytes] = {}
        """The last good body per URL, for when the server answers 304 Not Modified."""
        self._parsed: dict[tuple[str, str], tuple[tuple[bytes | None, ...], Reading]] = {}
        """The last good reading per source and base URL, with the bodies it was read from."""
        self._api_failure: dict[str, Reading] = {}
        self._api_blocks: dict[str, int] = {}
        self._api_blocked_until: dict[str, float] = {}
        self._feed_items: dict[str, dict[str, Item]] = {}
        self._due: dict[str, float] = {s.key: 0.0 for s in config.sources}
        self._wake = threading.Event()
        self._stop = fetcher.stop
        self._lock = threading.Lock()
        self._state_lock = threading.Lock()
        self._snapshot = Snapshot(at=wall())
        self._warned: set[tuple[str, str]] = set()
        self._thread: threading.Thread | None = None

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
            workers = min(MAX_CONCURRENCY, len(chosen))
            with ThreadPoolExecutor(workers, thread_name_prefix="beacon-fetch") as pool:
                outcomes = list(pool.map(self._poll_guarded, chosen))
        events: list[Event] = []
        with self._state_lock:
            for source, outcome in zip(chosen, outcomes, strict=True):
                self.state.memories[source.key] = outcome.memory
                events.extend(outcome.events)
                self._remember(source, outcome)
            if self.store:
                self.store.save(self.state)
        snapshot = Snapshot(
            at=self.wall(),
            readings=tuple(
                self._readings[s.key] for s in self.config.sources if s.key in self._readings
            ),
        )
        with self._lock:
            self._snapshot = snapshot
        if self.on_update:
            self.on_update(snapshot, tuple(events))
        return snapshot, tuple(events)

    def setting(self, key: str) -> Any:
        with self._state_lock:
            return self.state.settings.get(key)

    def save_setting(self, key: str, value: Any) -> None:
        """Remember a user choice across restarts (``None`` forgets it); any thread may call."""
        with self._state_lock:
            if value is None:
                self.state.settings.pop(key, None)
            else:
                self.state.settings[key] = value
            if self.store:
                self.store.save(self.state)

    def run(self) -> None:
        """Poll each source when it is due until ``stop``; ``check_now`` polls at once."""
        while not self._stop.is_set():
            now = self.clock()
            due = [s for s in self.config.sources if self._due[s.key] <= now]
            if due:
                self.poll_once(due)
                continue
            wait = min(self._due.values()) - now
            if self._wake.wait(max(0.0, wait)):
                self._wake.clear()
                if not self._stop.is_set():
                    self._due = dict.fromkeys(self._due, 0.0)

    def start(self) -> threading.Thread:
        self._thread = threading.Thread(target=self._run_logged, name="beacon-poller", daemon=True)
        self._thread.start()
        return self._thread

    def check_now(self) -> None:
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
            log.exception("polling %s failed unexpectedly", source.name)
            failure = Failure(FailureKind.BAD_PAYLOAD, f"internal error: {exc!r}")
            memory = self.state.memories.get(source.key, Memory())
            reading = failed_reading(source, self.wall(), failure)
            diff = core_events.diff(memory, reading, self.wall(), down_after=DOWN_AFTER)
            return Outcome(reading, diff.events, diff.memory)

    def _poll(self, source: SourceSpec) -> Outcome:
        memory = self.state.memories.get(source.key, Memory())
        reading = self.read(source)
        history = None
        needed = core_events.needs_confirmation(memory, reading)
        if needed and reading.path == "feed":
            history = self._feed_items.get(source.key)  # the feed tells how items ended
        elif needed:
            history = self._history(source, needed, reading.page_base or source.url)
        diff = core_events.diff(memory, reading, self.wall(), history, down_after=DOWN_AFTER)
        return Outcome(reading, diff.events, diff.memory)

    def read(self, source: SourceSpec) -> Reading:
        """One reading of a source: its API, else its alias hosts, else its history feed.

        The API is asked every poll, except after a challenge: then it waits out its own,
        much longer backoff while the other paths keep the reading current.
        """
        key = source.key
        if self.clock() >= self._api_blocked_until.get(key, 0.0):
            primary = self._read_api(source, source.url, "api")
            if primary.ok:
                self._api_blocks.pop(key, None)
                self._api_blocked_until.pop(key, None)
                return primary
            self._api_failure[key] = primary
            if primary.failure and primary.failure.kind is FailureKind.BLOCKED:
                blocks = self._api_blocks[key] = self._api_blocks.get(key, 0) + 1
                delay = next_delay(
                    self.config.cadence,
                    healthy=True,
                    failures=blocks,
                    rng=self.rng,
                    retry_after=primary.failure.retry_after,
                    blocked=True,
                )
                self._api_blocked_until[key] = self.clock() + delay
                log.info(
                    "%s: %s; asking its API again in %.0f s",
                    source.name,
                    primary.failure.message,
                    delay,
                )
        primary = self._api_failure.get(key) or failed_reading(
            source, self.wall(), Failure(FailureKind.BLOCKED, "the status page API is blocked")
        )
        for alias in source.fallbacks:
            reading = self._read_api(source, alias, "alias")
            if reading.ok:
                where = f"from {_host(alias)}, the page's other address"
                return replace(reading, limitations=(where,))
        return self._read_feed(source) or primary

    def _read_api(self, source: SourceSpec, base: str, path: str) -> Reading:
        """The page's own documents, as its provider reads them."""
        provider = PROVIDERS[source.kind]
        urls = provider.urls(base)
        bodies = gather(urls, self._document)
        if isinstance(bodies, Failure):
            return failed_reading(source, self.wall(), bodies)
        now = self.wall()
        cache_key = (source.key, base)
        cached = self._parsed.get(cache_key)
        if cached and all(a is b for a, b in zip(cached[0], bodies, strict=True)):
            return replace(cached[1], at=now)  # nothing changed: no need to parse again
        reading = replace(provider.read(bodies, source, now), path=path, page_base=base)
        if reading.ok:
            self._parsed[cache_key] = (tuple(bodies), reading)
        else:
            self._forget(urls[0])
            self._parsed.pop(cache_key, None)
        for warning in reading.warnings:
            if (source.key, warning) not in self._warned:
                self._warned.add((source.key, warning))
                log.warning("%s: %s", source.name, warning)
        return reading

    def _document(self, url: str, required: bool) -> bytes | Failure:
        """An optional document that fails this time is taken as it was last read."""
        body = self._body(url)
        if isinstance(body, Failure) and not required:
            return self._bodies.get(url, body)
        return body

    def _body(self, url: str) -> bytes | Failure:
        """A document's body: fresh, or the one kept from before when the server says 304."""
        response = self.fetcher.get(url)
        if isinstance(response, Failure):
            return response
        if response.not_modified:
            cached = self._bodies.get(url)
            if cached is not None:
                return cached
            self.fetcher.forget(url)  # a 304 with nothing kept: ask again for the body
            response = self.fetcher.get(url, conditional=False)
            if isinstance(response, Failure):
                return response
        self._bodies[url] = response.body
        return response.body

    def _forget(self, url: str) -> None:
        """Drop what is kept of a document that did not read well, so it is fetched whole."""
        self.fetcher.forget(url)
        self._bodies.pop(url, None)

    def _read_feed(self, source: SourceSpec) -> Reading | None:
        """The page's Atom feed as a reading: incidents and maintenances, no components."""
        if not PROVIDERS[source.kind].has_history:
            return None
        url = f"{source.url.rstrip('/')}/history.atom"
        response = self.fetcher.get(url)
        if isinstance(response, Failure) or response.status not in (200, 304):
            return None
        if response.not_modified and source.key in self._feed_items:
            items = self._feed_items[source.key]
        else:
            try:
                items = {i.id: i for i in items_from_feed(feedreader.entries(response.body))}
            except feedreader.FeedError as exc:
                log.info("%s: history feed not readable: %s", source.name, exc)
                self.fetcher.forget(url)
                return None
            self._feed_items[source.key] = items
        open_items = [i for i in items.values() if not i.resolved]
        incidents = tuple(i for i in open_items if i.kind is ItemKind.INCIDENT)
        maintenances = tuple(i for i in open_items if i.kind is ItemKind.MAINTENANCE)
        levels = [i.level for i in open_items]
        return Reading(
            source=source,
            at=self.wall(),
            level=max([Level.OPERATIONAL, *levels]),
            page_url=source.url,
            incidents=incidents,
            maintenances=maintenances,
            path="feed",
            limitations=("from the incident feed; component states unavailable",),
        )

    def _history(
        self, source: SourceSpec, kinds: Iterable[ItemKind], base: str
    ) -> dict[str, Item] | None:
        """Items from the page's history endpoints, or ``None`` if any could not be read.

        A page without history documents lists only what is open: what left it has ended.
        """
        items: dict[str, Item] = {}
        if not PROVIDERS[source.kind].has_history:
            return items
        for kind in kinds:
            response = self.fetcher.get(base.rstrip("/") + HISTORY_PATHS[kind], conditional=False)
            if isinstance(response, Failure) or response.status != 200:
                return None
            try:
                items.update((i.id, i) for i in statuspage.parse_history(response.body))
            except statuspage.PayloadError as exc:
                log.warning("%s: history not readable: %s", source.name, exc)
                return None
        return items

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
        failures = self._api_blocks.get(source.key, 1) if blocked else outcome.memory.failures
        delay = next_delay(
            self.config.cadence,
            healthy=shown.level <= Level.OPERATIONAL,
            failures=failures,
            rng=self.rng,
            retry_after=reading.failure.retry_after if reading.failure else None,
            blocked=blocked,
        )
        self._due[source.key] = self.clock() + delay
