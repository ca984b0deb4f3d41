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

NOT_MODIFIED_BYTES = 439
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


def replay(clients: int, rng: random.Random) -> None:
    """Closed loop against a real server: each client's next poll comes from ``next_delay`` fed
    with the answers it actually got; virtual time travels in a header, so no waiting."""
    import heapq
    import http.client
    import json

    sys.path.insert(0, str(ROOT))
    from tests.support import payloads
    from tests.support.statuspage_server import SUMMARY, Reply, StatuspageServer, json_reply

    outage, end = (600.0, 1200.0), 1500.0
    cadence = Cadence()
    body = json.dumps(payloads.summary()).encode()
    with StatuspageServer() as server:
        server.set(SUMMARY, json_reply(body))
        connection = http.client.HTTPConnection(server.url.removeprefix("http://"))
        queue = [(rng.uniform(0, cadence.interval), n) for n in range(clients)]
        etags: dict[int, str] = {}
        failures = [0] * clients
        phase = "normal"
        while queue:
            now, client = heapq.heappop(queue)
            if now >= end:
                continue
            wanted = "outage" if outage[0] <= now < outage[1] else "normal"
            if wanted != phase:
                phase = wanted
                down = Reply(status=503, headers=(("Retry-After", "120"),))
                server.set(SUMMARY, down if phase == "outage" else json_reply(body))
            headers = {"X-Virtual-Time": f"{now:.3f}"}
            if client in etags:
                headers["If-None-Match"] = etags[client]
            connection.request("GET", SUMMARY, headers=headers)
            reply = connection.getresponse()
            reply.read()
            if reply.status in (200, 304):
                failures[client] = 0
                etags[client] = reply.getheader("ETag") or etags.get(client, "")
            else:
                failures[client] += 1
            wait = reply.getheader("Retry-After")
            delay = next_delay(
                cadence,
                healthy=True,
                failures=failures[client],
                rng=rng,
                retry_after=float(wait) if wait else None,
            )
            heapq.heappush(queue, (now + delay, client))
        connection.close()
        log = server.requests_to(SUMMARY)
    times = [float(r.headers["x-virtual-time"]) for r in log]
    conditional = sum("if-none-match" in r.headers for r in log) / len(log)
    not_modified = sum(r.status == 304 for r in log) / len(log)
    print(f"replayed against a loopback server: {len(log)} requests from {clients} clients")
    print(f"  conditional: {conditional:.1%} of requests; answered 304: {not_modified:.1%}")
    for label, start, stop in (
        ("before the outage (min 2-10)", 120.0, outage[0]),
        ("503 + Retry-After 120 (min 12-20)", outage[0] + 120, outage[1]),
        ("after it (min 22-25)", outage[1] + 120, end),
    ):
        mean, peak = spread(times, start, stop)
        print(f"  {label:<34} mean {mean:6.2f} req/s, peak {peak:3d}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--hours", type=float, default=1.0)
    parser.add_argument("--replay", action="store_true", help="also replay against a server")
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

    if args.replay:
        replay(n, rng)


if __name__ == "__main__":
    main()
