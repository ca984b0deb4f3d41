"""Launch to a visible icon, on every Linux tray backend, beside a minimal pystray app.

    python3 bench/launch.py [--runs 7] [--backends xorg,gtk,appindicator,sni]

For each backend, claude-beacon and two baselines start in turn (A B C A B C ...) on the same test
desktop: Xvfb with trayer (an XEmbed tray) for ``xorg`` and ``gtk``, Xvfb with
gtk-sni-tray-standalone (a StatusNotifierItem host) for ``appindicator`` and ``sni``. The
clock runs from the process start to the first screenshot in which the tray shows at least
100 pixels of a colour the empty tray did not have: the first icon, whatever it says
(claude-beacon's first icon may be "checking", before its first poll has answered). pystray has
no pure-Python SNI backend, so ``sni`` is compared with pystray's appindicator on the same host.

The baselines: the minimal pystray + httpx poller of ``bench/footprint.py`` (the least a status
icon does: it imports its HTTP client and shows the icon, then polls), and a bare pystray icon
with no HTTP client at all, the stricter of the two.

Both run with bytecode cached (as after ``pip install``, which compiles it), in a scratch
``PYTHONPYCACHEPREFIX`` warmed by a first run: were ``PYTHONDONTWRITEBYTECODE`` set, an
editable checkout would compile every module at every start, and only claude-beacon would pay.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import footprint  # noqa: E402

from tests.e2e.desktop import Desktop  # noqa: E402
from tests.e2e.sni_rig import SniDesktop  # noqa: E402
from tests.support import payloads  # noqa: E402
from tests.support.statuspage_server import StatuspageServer  # noqa: E402

BARE = """
import pystray
from PIL import Image

icon = pystray.Icon("baseline", Image.new("RGB", (64, 64), (0x1A, 0x7F, 0x37)), "baseline")
icon.run()
"""
"""The least a pystray app does to show an icon."""
POLLER = footprint.BASELINE
"""A minimal pystray + httpx status poller (``bench/footprint.py``)."""

BACKENDS = {  # backend: (desktop with an SNI host?, pystray backend of the baseline)
    "xorg": (False, "xorg"),
    "gtk": (False, "gtk"),
    "appindicator": (True, "appindicator"),
    "sni": (True, "appindicator"),
}


def seconds_to_icon(
    argv: list[str], env: dict[str, str], colours: Callable[[], dict[tuple[int, int, int], int]]
) -> float:
    empty = set(colours())
    started = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while time.perf_counter() - started < 30:
            new = sum(n for colour, n in colours().items() if colour not in empty)
            if new >= 100:
                return time.perf_counter() - started
            time.sleep(0.01)
        raise AssertionError(f"{argv[:3]} showed no icon in 30 s")
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        time.sleep(0.3)  # let the tray drop the icon before the next start


def measure(backend: str, runs: int, server: StatuspageServer) -> tuple[float, float, float]:
    """Medians for claude-beacon, the pystray + httpx poller and the bare pystray icon."""
    sni_host, baseline_backend = BACKENDS[backend]
    with tempfile.TemporaryDirectory() as home:
        desk: Desktop = SniDesktop(notification_daemon=True) if sni_host else Desktop()
        with desk:
            config = Path(home, "beacon.toml")
            config.write_text(f'[[sources]]\nname = "Claude"\nurl = "{server.url}"\n')
            env = desk.env | {"HOME": home, "PYTHONPYCACHEPREFIX": f"{home}/pycache"}
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env |= {key: f"{home}/{key}" for key in ("XDG_CONFIG_HOME", "XDG_STATE_HOME")}
            summary = server.url + "/api/v2/summary.json"
            commands = {
                "ours": ([sys.executable, "-m", "claude_beacon", "--config", str(config)], backend),
                "poller": ([sys.executable, "-c", POLLER, summary, "60"], baseline_backend),
                "bare": ([sys.executable, "-c", BARE], baseline_backend),
            }
            colours: Callable[[], dict[tuple[int, int, int], int]] = (
                desk.bar_colours if isinstance(desk, SniDesktop) else desk.tray_colours
            )
            times: dict[str, list[float]] = {name: [] for name in commands}
            for argv, chosen in commands.values():  # warm the file and bytecode caches
                seconds_to_icon(argv, env | {"PYSTRAY_BACKEND": chosen}, colours)
            for _ in range(runs):
                for name, (argv, chosen) in commands.items():
                    times[name].append(
                        seconds_to_icon(argv, env | {"PYSTRAY_BACKEND": chosen}, colours)
                    )
    ours, poller, bare = (statistics.median(times[name]) for name in commands)
    return ours, poller, bare


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--backends", default=",".join(BACKENDS))
    args = parser.parse_args()
    rows = []
    with StatuspageServer() as server:
        server.set_summary(payloads.summary())
        for backend in args.backends.split(","):
            ours, poller, bare = measure(backend, args.runs, server)
            rows.append((backend, ours, poller, bare))
            print(f"  {backend}: {ours:.3f} s / {poller:.3f} s / {bare:.3f} s", flush=True)
    machine = f"{platform.machine()}, {os.cpu_count()} CPUs"
    print(f"machine: {machine}, Python {platform.python_version()}")
    print(f"launch to a visible icon, median of {args.runs} interleaved runs each")
    print(
        f"{'backend':13} {'claude-beacon':>13} {'poller':>8} {'ratio':>6} {'bare':>8} {'ratio':>6}"
    )
    for backend, ours, poller, bare in rows:
        print(
            f"{backend:13} {ours:11.3f} s {poller:6.3f} s {ours / poller:5.2f}x"
            f" {bare:6.3f} s {ours / bare:5.2f}x"
        )


if __name__ == "__main__":
    main()
