"""The community pulse as a job of the poller: each endpoint at most every five minutes.

Off unless ``[community] enabled = true``. An endpoint that answers 403 or 429 is unavailable,
never a signal: it is left alone for its ``Retry-After`` or a doubling wait. The hourly counts
the baseline needs are kept in the state, so that a restart knows the usual rate.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime

import httpx

from claude_beacon.config.settings import Config
from claude_beacon.core.community import Pulse, baseline_from, pulse, record
from claude_beacon.core.communityposts import Post
from claude_beacon.core.model import FailureKind
from claude_beacon.net import community
from claude_beacon.net.fetcher import Fetcher
from claude_beacon.store.state import StateStore

log = logging.getLogger(__name__)
BASELINE_SETTING = "community_baseline"
LONGEST_WAIT = 6 * 3600.0
"""The longest an endpoint that keeps refusing is left alone."""


class CommunityWatch:
    """A poller job (``Poller.add_job``): ``run_once`` reads the endpoints due and judges."""

    def __init__(
        self,
        config: Config,
        store: StateStore,
        client: httpx.Client | None = None,
        stop: threading.Event | None = None,
        on_pulse: Callable[[Pulse], None] | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.settings = config.community
        self.store = store
        self.fetcher = Fetcher(client, max_bytes=community.MAX_BYTES, stop=stop)
        self.on_pulse = on_pulse
        self.clock = clock
        self._lock = threading.Lock()
        self._posts: dict[str, tuple[Post, ...]] = {}
        self._unavailable: dict[str, str] = {}
        self._blocks: dict[str, int] = {}
        self._due: dict[str, datetime] = {}
        self._pulse: Pulse | None = None

    @property
    def pulse(self) -> Pulse | None:
        """The latest pulse, or ``None`` before the first round read anything."""
        with self._lock:
            return self._pulse

    def run_once(self) -> float:
        now = self.clock()
        baseline = baseline_from(self.store.setting(BASELINE_SETTING))
        waits = []
        for source in self.settings.sources:
            due = self._due.get(source)
            if due is not None and due > now:
                waits.append((due - now).total_seconds())
                continue
            wait, baseline = self._read(source, now, baseline)
            self._due[source] = datetime.fromtimestamp(now.timestamp() + wait, UTC)
            waits.append(wait)
        self.store.set_setting(BASELINE_SETTING, baseline)
        read = {s: p for s, p in self._posts.items() if s not in self._unavailable}
        found = pulse(read, baseline, now, self._unavailable) if read else None
        with self._lock:
            self._pulse = found
        if found is not None and self.on_pulse:
            self.on_pulse(found)
        return max(1.0, min(waits, default=self.settings.interval))

    def _read(
        self, source: str, now: datetime, baseline: dict[str, dict[str, int]]
    ) -> tuple[float, dict[str, dict[str, int]]]:
        """One endpoint: its posts and the baseline they teach, and the seconds to its next."""
        interval = self.settings.interval
        answer = community.read(self.fetcher, source, self.settings.url(source), now)
        failure = answer.failure
        if failure is not None:
            self._unavailable[source] = failure.message
            log.info("community: %s unavailable: %s", source, failure.message)
            if failure.kind is not FailureKind.BLOCKED:
                return interval, baseline
            blocks = self._blocks[source] = self._blocks.get(source, 0) + 1
            wait = failure.retry_after or interval * 2 ** min(blocks, 6)
            return min(max(interval, wait), LONGEST_WAIT), baseline
        self._blocks.pop(source, None)
        self._unavailable.pop(source, None)
        if not answer.not_modified:
            self._posts[source] = answer.posts
        covered = answer.covered_from or now
        return interval, record(baseline, source, self._posts.get(source, ()), now, covered)


def read_once(config: Config, client: httpx.Client | None = None) -> Pulse | None:
    """One round for ``doctor`` and ``guide``, or ``None`` when the source is off.

    Its baseline is its own (``community-once.json``): a one-off command never writes the
    state a running tray or ``watch`` keeps, and the listing's own earlier hours teach it."""
    if not config.community.enabled:
        return None
    from claude_beacon.store import paths

    watch = CommunityWatch(config, StateStore(paths.state_dir() / "community-once.json"), client)
    watch.run_once()
    return watch.pulse
