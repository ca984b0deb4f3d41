"""When to poll next: one pure function, so that its behaviour can be tested and simulated.

Every delay is jittered so that many copies never poll in lockstep, failures back off
exponentially with full jitter up to a cap, and a server's ``Retry-After`` is always honoured.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

MAX_RETRY_AFTER = 3600.0
"""A longer ``Retry-After`` is taken as an hour: a typo on the server must not silence us."""
BLOCKED_FACTOR = 5.0
"""A blocked request (a CDN challenge) waits this many intervals at first, doubling after."""
BLOCKED_CAP = 1800.0
"""The longest a blocked request waits, unless a ``Retry-After`` asks for more."""


@dataclass(frozen=True, slots=True)
class Cadence:
    interval: float = 60.0
    """Seconds between polls while everything is operational."""
    fast_interval: float = 15.0
    """Seconds between polls while something is not operational; never longer than ``interval``."""
    backoff_cap: float = 600.0
    jitter: float = 0.2
    """Each healthy delay is drawn from ``base * (1 ± jitter)``."""

    @property
    def floor(self) -> float:
        """No delay, even under backoff jitter, is shorter than the fastest normal one."""
        return min(self.interval, self.fast_interval) * (1 - self.jitter)


def next_delay(
    cadence: Cadence,
    *,
    healthy: bool,
    failures: int,
    rng: random.Random,
    retry_after: float | None = None,
    blocked: bool = False,
) -> float:
    """Seconds to wait before the next poll of one source.

    ``failures`` counts consecutive failed polls; ``healthy`` is whether the last good reading
    was fully operational. ``blocked`` (a CDN challenge, 403/405/429) backs off much harder:
    asking again soon only prolongs the block.
    """
    if blocked and failures > 0:
        ceiling = min(BLOCKED_CAP, cadence.interval * BLOCKED_FACTOR * 2.0 ** min(failures - 1, 32))
        delay = rng.uniform(ceiling / 2, ceiling)
    elif failures <= 0:
        base = cadence.interval if healthy else min(cadence.interval, cadence.fast_interval)
        delay = base * rng.uniform(1 - cadence.jitter, 1 + cadence.jitter)
    else:
        # From the fast interval: a page that just failed is asked again within a minute or
        # so, and "cannot read the page" is told in about a minute, not four; the doubling
        # still reaches the cap after a few more failures.
        fast = min(cadence.interval, cadence.fast_interval)
        ceiling = min(cadence.backoff_cap, fast * 2.0 ** min(failures, 32))
        delay = rng.uniform(cadence.floor, max(cadence.floor, ceiling))
    if retry_after is not None and retry_after > 0:
        delay = max(delay, min(retry_after, MAX_RETRY_AFTER))
    return delay


class PathBackoff:
    """When each way of reading a page (its API, its other host, its feed) may be tried again.

    A way that failed waits out a backoff of its own while the others keep the reading current,
    so neither a blocked API nor a fallback that fails too is asked every round. Times are the
    caller's clock readings; nothing here reads a clock.
    """

    def __init__(self, cadence: Cadence, rng: random.Random) -> None:
        self.cadence = cadence
        self.rng = rng
        self._failures: dict[object, int] = {}
        self._until: dict[object, float] = {}

    def ready(self, path: object, now: float) -> bool:
        return now >= self._until.get(path, 0.0)

    def failures(self, path: object) -> int:
        """Failures of this way in a row."""
        return self._failures.get(path, 0)

    def failed(
        self, path: object, now: float, *, blocked: bool, retry_after: float | None = None
    ) -> float:
        """Record a failure; returns the seconds this way now waits."""
        failures = self._failures[path] = self._failures.get(path, 0) + 1
        delay = next_delay(
            self.cadence,
            healthy=True,
            failures=failures,
            rng=self.rng,
            retry_after=retry_after,
            blocked=blocked,
        )
        self._until[path] = now + delay
        return delay

    def succeeded(self, path: object) -> None:
        self._failures.pop(path, None)
        self._until.pop(path, None)
