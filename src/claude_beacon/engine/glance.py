"""One look at every source, with no memory, schedule or events: what ``status`` prints.

The poller's first round gives the same snapshot, but it brings the event diff, the state
file and its schedule along; a command that reads once and exits needs none of them, so it
starts in less time (``bench/startup.py``).
"""

from __future__ import annotations

import logging
import random
from datetime import UTC, datetime

from claude_beacon.config.settings import Config
from claude_beacon.core.model import Failure, FailureKind, Reading, Snapshot, failed_reading
from claude_beacon.net.fetcher import Fetcher
from claude_beacon.net.pagereader import PageReader

log = logging.getLogger(__name__)
MAX_CONCURRENCY = 8
"""Sources read at once, as the poller does: enough to hide latency, few enough to be polite."""


def glance(config: Config, fetcher: Fetcher) -> Snapshot:
    """Read every source of ``config`` once, concurrently when there are several."""
    reader = PageReader(fetcher, config.cadence, random.Random(), once=True)

    def read(index: int) -> Reading:
        source = config.sources[index]
        try:
            return reader.read(source)
        except Exception as exc:  # a bug costs this source's reading, not the command
            log.exception("reading %s failed unexpectedly", source.name)
            failure = Failure(FailureKind.BAD_PAYLOAD, f"internal error: {exc!r}")
            return failed_reading(source, datetime.now(UTC), failure)

    count = len(config.sources)
    if count <= 1:  # the common case needs no pool of threads
        readings = [read(index) for index in range(count)]
    else:
        from concurrent.futures import ThreadPoolExecutor

        workers = min(MAX_CONCURRENCY, count)
        with ThreadPoolExecutor(workers, thread_name_prefix="beacon-fetch") as pool:
            readings = list(pool.map(read, range(count)))
    # Your models, as the poller finds them each round (families learned from this reading
    # only: a one-off look keeps no state).
    from claude_beacon.engine.yourmodels import YourModels

    yours = YourModels(config, store=None)
    families = yours.learn(readings)
    return Snapshot(datetime.now(UTC), tuple(readings), yours.models(families), families)
