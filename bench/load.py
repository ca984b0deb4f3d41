"""The load many copies of claude-beacon put on a status page, from the real scheduling code.

    python3 bench/load.py [--clients 1000] [--hours 1]

Each simulated client follows ``core.schedule.next_delay`` exactly as the poller calls it. The
script prints how evenly their polls spread (including the worst case: every client starting in
the same second, as after a network comes back), how backoff under 503s and ``Retry-After``
cuts the request rate, and what a million copies would cost the page.
"""

from __future__ import annotations

import argparse
import gzip
import random
import statistics
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from claude_beacon.core.schedule import Cadence, next_delay  # noqa: E402

NOT_MODIFIED_BYTES = 389
"""Request plus response of a 304 poll, measured by bench/poll.py."""


def polls(
    clients: int,
    seconds: float,
    *,
    rng: random.Random,
    same_start: bool = False,
    failing: tuple[float, float] | None = None,
    retry_after: float | None = None,
    cadence: Cadence | None = None,
) -> list[float]:
    """Every poll time of every client; ``failing`` is a window of 503s from the page."""
    cadence = cadence or Cadence()
    times = []
    for _ in range(clients):
        now = 0.0 if same_start else rng.uniform(0, cadence.interval)
        failures = 0
        while now < seconds:
            times.append(now)
            down = failing is not None and failing[0] <= now < failing[1]
            failures = failures + 1 if down else 0
            now += next_delay(
                cadence,
                healthy=True,
                failures=failures,
                rng=rng,
                retry_after=retry_after if down else None,
            )
    return times


def spread(times: list[float], start: float, end: float) -> tuple[float, int]:
    """Mean and peak requests per second in ``[start, end)``."""
    per_second = Counter(int(t) for t in times if start <= t < end)
    seconds = int(end - start)
    counts = [per_second.get(int(start) + s, 0) for s in range(seconds)]
    return statistics.fmean(counts), max(counts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--hours", type=float, default=1.0)
    args = parser.parse_args()
    rng = random.Random(20261124)
    seconds = args.hours * 3600
    n = args.clients

    print(f"{n} clients, default settings (60 s ±20 %), {args.hours:g} h simulated")
    steady = polls(n, seconds, rng=rng)
    mean, peak = spread(steady, 600, seconds)
    print(f"  random start:         mean {mean:6.2f} req/s, peak {peak:4d} in one second")
    herd = polls(n, seconds, rng=rng, same_start=True)
    for minute in (0, 1, 5, 10, 30):
        mean_m, peak_m = spread(herd, minute * 60, minute * 60 + 60)
        print(f"  all start together, minute {minute:2d}: mean {mean_m:6.2f}, peak {peak_m:4d}")

    window = (600.0, 1800.0)
    failing = polls(n, seconds, rng=rng, failing=window)
    waiting = polls(n, seconds, rng=rng, failing=window, retry_after=300)
    base, _ = spread(steady, *window)
    for name, times in (("503s", failing), ("503s + Retry-After 300", waiting)):
        during, _ = spread(times, window[0] + 300, window[1])
        share = f"{during / base:.0%}"
        print(f"  {name:<24} minutes 15-30 of the outage: {during:6.2f} req/s ({share})")

    summary = (ROOT / "tests" / "fixtures" / "anthropic-summary-1.json").read_bytes()
    full = len(gzip.compress(summary)) + 600
    million = 1_000_000
    for label, interval in (("all well (60 s)", 60), ("incident (15 s)", 15), ("floor (10 s)", 10)):
        rps = million / interval
        print(
            f"  a million copies, {label:<16} {rps:9,.0f} req/s, "
            f"{rps * NOT_MODIFIED_BYTES / 1e6:6.1f} MB/s unchanged, "
            f"{rps * full / 1e6:7.1f} MB/s if every answer were a full {full} B body"
        )


if __name__ == "__main__":
    main()
