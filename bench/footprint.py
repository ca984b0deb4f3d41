"""What the tray app costs while idling, beside a minimal pystray + httpx poller.

Both run on the test desktop (Xvfb, trayer, a private bus) with the same pystray backend and
poll the same loopback page every second, so their difference is claude-beacon's own cost.
Then claude-beacon runs once more on a desktop with a StatusNotifierItem host and no XEmbed
tray, where it picks its pure-Python SNI tray (no pystray, no GTK); its start-up there ends
when the host's watcher lists the item.

    python3 bench/footprint.py [--seconds 60] [--interval 1]

Prints start-up time to a visible (or registered) icon, peak RSS, and CPU seconds per hour
(measured over the run, extrapolated to an hour at that interval, and scaled to the default
60 s interval).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from claude_beacon.desktop.icons import COLOURS, Look  # noqa: E402
from tests.e2e.desktop import Desktop  # noqa: E402
from tests.integration.conftest import loopback_diagnostics  # noqa: E402
from tests.support import payloads  # noqa: E402
from tests.support.statuspage_server import StatuspageServer  # noqa: E402

BASELINE = """
import json, sys, threading, time
import httpx, pystray
from PIL import Image

url, interval = sys.argv[1], float(sys.argv[2])
icon = pystray.Icon("baseline", Image.new("RGB", (64, 64), (0x1A, 0x7F, 0x37)), "baseline")

def poll():
    with httpx.Client(timeout=10) as client:
        while True:
            status = json.loads(client.get(url).content)["status"]["indicator"]
            colour = (0x1A, 0x7F, 0x37) if status == "none" else (0xF9, 0x73, 0x16)
            icon.icon = Image.new("RGB", (64, 64), colour)
            icon.title = f"baseline: {status}"
            time.sleep(interval)

def setup(icon):
    icon.visible = True
    threading.Thread(target=poll, daemon=True).start()

icon.run(setup=setup)
"""


@dataclass
class Figures:
    name: str
    startup: float
    peak_rss_mib: float
    cpu_per_hour: float
    polls: int


def import_seconds(statement: str, env: dict[str, str]) -> float:
    """Median wall time of a fresh interpreter running ``statement``, minus a bare one."""

    def run(code: str) -> float:
        started = time.monotonic()
        subprocess.run([sys.executable, "-c", code], env=env, check=True)
        return time.monotonic() - started

    bare = statistics.median(run("pass") for _ in range(3))
    return statistics.median(run(statement) for _ in range(3)) - bare


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def measure(
    name: str,
    argv: list[str],
    desktop: Desktop,
    server: StatuspageServer,
    seconds: float,
    env: dict[str, str],
    shown: Callable[[], None] | None = None,
) -> Figures:
    """Start ``argv``, wait until ``shown`` returns (the icon is green in the XEmbed tray by
    default), then let it idle for ``seconds``."""
    requests_before = len(server.requests)
    started = time.monotonic()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        if shown is None:
            desktop.wait_for_colour(COLOURS[Look.OPERATIONAL][0], timeout=30)
        else:
            shown()
        startup = time.monotonic() - started
        time.sleep(5)  # warm-up: imports done, first polls made
        cpu_before, polls_before = cpu_seconds(proc.pid), len(server.requests)
        time.sleep(seconds)
        cpu = cpu_seconds(proc.pid) - cpu_before
        polls = len(server.requests) - polls_before
        rss = peak_rss_mib(proc.pid)
    finally:
        proc.terminate()
        proc.wait(5)
    assert len(server.requests) > requests_before
    return Figures(name, startup, rss, cpu * 3600 / seconds, polls)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--interval", type=float, default=1.0)
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as home, StatuspageServer() as server, Desktop() as desk:
        server.set_summary(payloads.summary())
        config = Path(home, "beacon.toml")
        source = f'[[sources]]\nname = "Claude"\nurl = "{server.url}"\n'
        # Probes at their default pace (every 120 s), aimed at the loopback server.
        probes = loopback_diagnostics(server.url).replace("interval = 1\n", "interval = 120\n")
        config.write_text(f"interval = {args.interval}\n{probes}{source}")
        env = desk.env | {"HOME": home, "PYSTRAY_BACKEND": "appindicator"}
        env |= {key: f"{home}/{key}" for key in ("XDG_CONFIG_HOME", "XDG_STATE_HOME")}
        beacon = [sys.executable, "-m", "claude_beacon", "--config", str(config)]
        imports = (
            import_seconds("import pystray, httpx, PIL.Image", env),
            import_seconds("import claude_beacon.desktop.app, claude_beacon.desktop.tray", env),
        )
        baseline = [
            sys.executable,
            "-c",
            BASELINE,
            server.url + "/api/v2/summary.json",
            str(args.interval),
        ]
        results.append(
            measure("pystray + httpx baseline", baseline, desk, server, args.seconds, env)
        )
        results.append(measure("claude-beacon", beacon, desk, server, args.seconds, env))
    with tempfile.TemporaryDirectory() as home, StatuspageServer() as server:
        server.set_summary(payloads.summary())
        with Desktop(tray_host=False, sni_host=True) as desk:
            config = Path(home, "beacon.toml")
            source = f'[[sources]]\nname = "Claude"\nurl = "{server.url}"\n'
            probes = loopback_diagnostics(server.url).replace("interval = 1\n", "interval = 120\n")
            config.write_text(f"interval = {args.interval}\n{probes}{source}")
            env = desk.env | {"HOME": home}
            env |= {key: f"{home}/{key}" for key in ("XDG_CONFIG_HOME", "XDG_STATE_HOME")}
            env.pop("PYSTRAY_BACKEND", None)  # it picks the SNI tray by itself
            beacon = [sys.executable, "-m", "claude_beacon", "--config", str(config)]
            shown = registered_on(desk)
            sni = measure("claude-beacon (SNI)", beacon, desk, server, args.seconds, env, shown)
            results.append(sni)
    machine = f"{platform.machine()}, {os.cpu_count()} CPUs"
    print(f"machine: {machine}, Python {platform.python_version()}")
    print(f"each idles {args.seconds:.0f} s after a 5 s warm-up, polling every {args.interval:g} s")
    print(f"{'':26} {'start-up':>9} {'peak RSS':>10} {'CPU s/h':>9} {'at 60 s':>8} {'polls':>6}")
    for r in results:
        at_default = r.cpu_per_hour * args.interval / 60
        print(
            f"{r.name:26} {r.startup:8.2f}s {r.peak_rss_mib:7.1f} MiB {r.cpu_per_hour:9.1f}"
            f" {at_default:8.2f} {r.polls:6d}"
        )
    base_ms, ours_ms = (round(seconds * 1000) for seconds in imports)
    print(f"import time: baseline {base_ms} ms, claude-beacon {ours_ms} ms")
    base, *ours = results
    for figures in ours:
        print(
            f"{figures.name} / baseline: RSS {figures.peak_rss_mib / base.peak_rss_mib:.2f}x, "
            f"CPU {figures.cpu_per_hour / base.cpu_per_hour:.2f}x"
        )


def registered_on(desktop: Desktop, timeout: float = 30) -> Callable[[], None]:
    """Waits until the SNI host's watcher lists an item."""

    def wait() -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if desktop.registered():
                    return
            except Exception:  # the item's bus connection may still be coming up
                pass
            time.sleep(0.02)
        raise RuntimeError(f"no StatusNotifierItem registered within {timeout} s")

    return wait


if __name__ == "__main__":
    main()
