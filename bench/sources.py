"""One polling round over many status pages, each answering after 50 ms.

    python3 bench/sources.py [--latency 0.05]

Sources are polled concurrently with a bound (``poller.MAX_CONCURRENCY``), so a round costs far
less than the sum of the latencies, without opening a hundred connections at once.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from claude_beacon.config.settings import Config  # noqa: E402
from claude_beacon.core.model import SourceSpec  # noqa: E402
from claude_beacon.desktop.trayview import view  # noqa: E402
from claude_beacon.engine.poller import MAX_CONCURRENCY, Poller  # noqa: E402
from claude_beacon.net.fetcher import Fetcher  # noqa: E402
from tests.support import payloads  # noqa: E402
from tests.support.statuspage_server import SUMMARY, StatuspageServer, json_reply  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.05)
    latency = parser.parse_args().latency
    body = payloads.summary()
    print(f"each page answers after {latency * 1000:.0f} ms; at most {MAX_CONCURRENCY} at once")
    print(f"{'sources':>8} {'sum of latencies':>17} {'first round':>12} {'304 round':>10}  menu")
    with ExitStack() as stack:
        servers = [stack.enter_context(StatuspageServer()) for _ in range(100)]
        for server in servers:
            server.set(SUMMARY, replace(json_reply(body), delay=latency))
        for count in (1, 10, 100):
            sources = tuple(SourceSpec(f"Page {n}", s.url) for n, s in enumerate(servers[:count]))
            fetcher = Fetcher()
            poller = Poller(Config(sources=sources), fetcher)
            started = time.monotonic()
            poller.poll_once()
            first = time.monotonic() - started
            rounds = []
            for _ in range(3):
                started = time.monotonic()
                snapshot, _ = poller.poll_once()
                rounds.append(time.monotonic() - started)
            fetcher.client.close()
            started = time.monotonic()
            menu = view(snapshot).menu
            built = (time.monotonic() - started) * 1000
            print(
                f"{count:>8} {count * latency:>16.2f}s {first:>11.2f}s "
                f"{statistics.median(rounds):>9.2f}s {len(menu):>3} items, built in {built:.1f} ms"
            )


if __name__ == "__main__":
    main()
