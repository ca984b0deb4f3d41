"""Detection latency, end to end: the page changes, the ``Notify`` call reaches D-Bus.

    python3 bench/latency.py [--changes 20]

The tray app runs on the test desktop at its default adaptive intervals (60 s while all is
well, 15 s while something is wrong), against a loopback page that alternates between an
incident opening and its resolution. For each change it reports the total delay, and the
part that is claude-beacon's own pipeline: from the poll that first saw the change (the
server's log) to the notification arriving at the notification daemon.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=20)
    changes = parser.parse_args().changes
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
