"""Detection latency, end to end: the page changes, the ``Notify`` call reaches D-Bus.

    python3 bench/latency.py [--changes 20]
    python3 bench/latency.py --early-warning [--onsets 10] [--scale 0.1]

The tray app runs on the test desktop at its default adaptive intervals (60 s while all is
well, 15 s while something is wrong), against a loopback page that alternates between an
incident opening and its resolution. For each change it reports the total delay, and the
part that is claude-beacon's own pipeline: from the poll that first saw the change (the
server's log) to the notification arriving at the notification daemon. One poll's events go
to the notification sink at once (``engine/dispatch.py``), so the pipeline is the parse, the
diff, the state write and one D-Bus call.

``--early-warning`` measures the other path: the API starts failing (529 from its probe
endpoint) while the page stays green and the internet answers, until the verdict turns to the
early warning (the notification follows it through the same pipeline). It runs the real poller
and probes against the loopback server, with every probe interval scaled by ``--scale`` (the
default settings' 120 s becomes 12 s at 0.1), the onsets spread evenly over the probe cycle
(onset k of N at (k + 1/2)/N of it: ten onsets stand for the whole cycle, where ten random
moments could all fall early or late in it), and compares the current rule (first failure
confirmed at once) with the previous one (every confirming round at the 30 s retry pace), onset
by onset, interleaved.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.desktop import Desktop, NotifyMonitor  # noqa: E402
from tests.integration.conftest import loopback_diagnostics  # noqa: E402
from tests.support import payloads  # noqa: E402
from tests.support.statuspage_server import SUMMARY, StatuspageServer, json_reply  # noqa: E402

API = "Claude API (api.anthropic.com)"


def early_warning(onsets: int, scale: float) -> None:
    """Onset of API failures -> early-warning verdict, current rule beside the previous one."""
    import threading

    from claude_beacon.config.settings import load
    from claude_beacon.core import verdict
    from claude_beacon.engine import diagnostics
    from claude_beacon.engine.poller import Poller
    from claude_beacon.net.fetcher import Fetcher

    interval = 120.0  # the default [diagnostics] interval
    rules = {  # (confirm, retry) in real seconds
        "confirmed at once": (verdict.CONFIRM_INTERVAL, diagnostics.RETRY_INTERVAL),
        "previous: 30 s retries": (diagnostics.RETRY_INTERVAL, diagnostics.RETRY_INTERVAL),
    }
    delays: dict[str, list[float]] = {name: [] for name in rules}
    with tempfile.TemporaryDirectory() as home, StatuspageServer() as server:
        server.set_summary(payloads.summary())
        server.set("/generate_204", json_reply({}, status=204))
        probes = loopback_diagnostics(server.url).replace(
            "interval = 1\n", f"interval = {interval * scale:g}\n"
        )
        config_file = Path(home, "beacon.toml")
        config_file.write_text(f'{probes}[[sources]]\nname = "Claude"\nurl = "{server.url}"\n')
        config = load(config_file)
        for n in range(onsets):
            for name, (confirm, retry) in rules.items():
                verdict.CONFIRM_INTERVAL = confirm * scale
                diagnostics.RETRY_INTERVAL = retry * scale
                server.set("/v1/models", json_reply({"data": []}))
                fetcher = Fetcher()
                poller = Poller(config, fetcher)
                job = diagnostics.Diagnostics(config)
                poller.add_job("probes", job)
                poller.start()
                try:
                    # All well first (a round at start), then the onset at its point of the cycle.
                    time.sleep(0.5 + (n + 0.5) / onsets * interval * scale)
                    server.set("/v1/models", json_reply({"error": "overloaded"}, status=529))
                    onset = time.monotonic()
                    warned = threading.Event()
                    while not warned.wait(0.02):
                        finding = job.verdict(poller.snapshot).finding
                        if finding is verdict.Finding.EARLY_WARNING:
                            warned.set()
                    delays[name].append((time.monotonic() - onset) / scale)
                finally:
                    poller.stop(2)
                    fetcher.client.close()
                print(f"  onset {n + 1:2d} {name}: {delays[name][-1]:5.1f} s", flush=True)
        before = len(server.requests)
        diagnostics.Diagnostics(config).run_round()
        round_requests = server.requests[before:]
    print(f"{onsets} onsets each, intervals scaled by {scale:g} and figures scaled back")
    for name, values in delays.items():
        print(
            f"  API fails -> early warning, {name}: median {statistics.median(values):.1f} s,"
            f" worst {max(values):.1f} s"
        )
    per_day = 86400 / interval
    wire = sum(r.bytes_sent + r.bytes_received for r in round_requests)
    print(
        f"  probe traffic while all is well: {len(round_requests)} requests a round every"
        f" {interval:g} s = {per_day * len(round_requests):.0f} requests/day"
        f" ({wire} B a round on the loopback server, {per_day * wire / 1e6:.2f} MB/day)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--early-warning", action="store_true")
    parser.add_argument("--onsets", type=int, default=10)
    parser.add_argument("--scale", type=float, default=0.1)
    args = parser.parse_args()
    if args.early_warning:
        early_warning(args.onsets, args.scale)
        return
    changes = args.changes
    totals, pipeline = [], []
    with tempfile.TemporaryDirectory() as home, StatuspageServer() as server, Desktop() as desk:
        server.set_summary(payloads.summary())
        probes = loopback_diagnostics(server.url).replace("interval = 1\n", "interval = 120\n")
        config = Path(home, "beacon.toml")
        config.write_text(f'{probes}[[sources]]\nname = "Claude"\nurl = "{server.url}"\n')
        env = desk.env | {"HOME": home, "PYSTRAY_BACKEND": "appindicator"}
        env |= {key: f"{home}/{key}" for key in ("XDG_CONFIG_HOME", "XDG_STATE_HOME")}
        monitor = NotifyMonitor(desk)
        app = subprocess.Popen(
            [sys.executable, "-m", "claude_beacon", "--config", str(config)],
            env=env,
            stderr=subprocess.DEVNULL,
        )
        try:
            server.wait_for_requests(SUMMARY, 1, timeout=30)
            resolved: list[dict] = []
            for n in range(changes):
                item_id = f"lat{n // 2}"
                if n % 2 == 0:
                    opened = payloads.incident(item_id, f"Incident {n // 2}", components=[API])
                    summary = payloads.summary({API: "partial_outage"}, [opened])
                else:
                    done = payloads.incident(item_id, f"Incident {n // 2}", status="resolved")
                    resolved.insert(0, done)
                    server.set(
                        "/api/v2/incidents.json", json_reply(payloads.incidents_page(resolved))
                    )
                    summary = payloads.summary()
                count = len(monitor.calls)
                changed = time.monotonic()
                server.set_summary(summary)
                call = monitor.wait_for(count + 1, timeout=200)[count]
                seen = next(
                    r.at for r in server.requests_to(SUMMARY) if r.at >= changed and r.status == 200
                )
                totals.append(call.at - changed)
                pipeline.append(call.at - seen)
                print(
                    f"  change {n + 1:2d}: {call.summary!r} after {call.at - changed:5.1f} s "
                    f"(pipeline {(call.at - seen) * 1000:.0f} ms)",
                    flush=True,
                )
        finally:
            app.terminate()
            app.wait(5)
            monitor.close()
    print(f"{changes} changes at the default adaptive intervals")
    print(
        f"  page change -> Notify: median {statistics.median(totals):.1f} s, "
        f"worst {max(totals):.1f} s"
    )
    print(
        f"  poll that saw it -> Notify: median {statistics.median(pipeline) * 1000:.0f} ms, "
        f"worst {max(pipeline) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
