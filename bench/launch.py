"""Launch to a visible icon, on every Linux tray backend, beside a minimal pystray app.

    python3 bench/launch.py [--runs 7] [--backends xorg,gtk,appindicator,sni]

For each backend, claude-beacon and the baseline start in turn (A B A B ...) on the same test
desktop: Xvfb with trayer (an XEmbed tray) for ``xorg`` and ``gtk``, Xvfb with
gtk-sni-tray-standalone (a StatusNotifierItem host) for ``appindicator`` and ``sni``. The
clock runs from the process start to the first screenshot in which the tray shows at least
100 pixels of a colour the empty tray did not have: the first icon, whatever it says
(claude-beacon's first icon may be "checking", before its first poll has answered). pystray has
no pure-Python SNI backend, so ``sni`` is compared with pystray's appindicator on the same host.

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

from tests.e2e.desktop import Desktop  # noqa: E402
from tests.e2e.sni_rig import SniDesktop  # noqa: E402
from tests.support import payloads  # noqa: E402
from tests.support.statuspage_server import StatuspageServer  # noqa: E402

BASELINE = """
import pystray
from PIL import Image

icon = pystray.Icon("baseline", Image.new("RGB", (64, 64), (0x1A, 0x7F, 0x37)), "baseline")
icon.run()
"""
"""The least a pystray app does to show an icon."""

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


def measure(backend: str, runs: int, server: StatuspageServer) -> tuple[float, float]:
    sni_host, baseline_backend = BACKENDS[backend]
    with tempfile.TemporaryDirectory() as home:
        desk: Desktop = SniDesktop(notification_daemon=True) if sni_host else Desktop()
        with desk:
            config = Path(home, "beacon.toml")
            config.write_text(f'[[sources]]\nname = "Claude"\nurl = "{server.url}"\n')
            env = desk.env | {"HOME": home, "PYTHONPYCACHEPREFIX": f"{home}/pycache"}
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env |= {key: f"{home}/{key}" for key in ("XDG_CONFIG_HOME", "XDG_STATE_HOME")}
            ours = [sys.executable, "-m", "claude_beacon", "--config", str(config)]
            base = [sys.executable, "-c", BASELINE]
            colours: Callable[[], dict[tuple[int, int, int], int]] = (
                desk.bar_colours if isinstance(desk, SniDesktop) else desk.tray_colours
            )
            ours_env = env | {"PYSTRAY_BACKEND": backend}
            base_env = env | {"PYSTRAY_BACKEND": baseline_backend}
            seconds_to_icon(ours, ours_env, colours)  # warm the file cache
            ours_times, base_times = [], []
            for _ in range(runs):
                ours_times.append(seconds_to_icon(ours, ours_env, colours))
                base_times.append(seconds_to_icon(base, base_env, colours))
    return statistics.median(ours_times), statistics.median(base_times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--backends", default=",".join(BACKENDS))
    args = parser.parse_args()
    rows = []
    with StatuspageServer() as server:
        server.set_summary(payloads.summary())
        for backend in args.backends.split(","):
            ours, base = measure(backend, args.runs, server)
            rows.append((backend, ours, base))
            print(f"  {backend}: {ours:.2f} s / {base:.2f} s", flush=True)
    machine = f"{platform.machine()}, {os.cpu_count()} CPUs"
    print(f"machine: {machine}, Python {platform.python_version()}")
    print(f"launch to a visible icon, median of {args.runs} interleaved runs each")
    print(f"{'backend':14} {'claude-beacon':>14} {'pystray':>9} {'ratio':>7}")
    for backend, ours, base in rows:
        print(f"{backend:14} {ours:12.2f} s {base:7.2f} s {ours / base:6.2f}x")


if __name__ == "__main__":
    main()
