"""Start-up of the command line: ``--version``, ``--help`` and ``status``, beside baselines.

    python3 bench/startup.py [--runs 15] [--from-source [--bytecode] [--keep-ca-env]]

By default claude-beacon is built as a wheel and installed into a fresh venv (``bench/wheel.py``:
bytecode compiled as pip does), and every figure is printed twice: without ``SSL_CERT_*``, and
with ``SSL_CERT_FILE`` naming the system's CA bundle, as company machines have it. Both sides run
on that venv's interpreter. ``--from-source`` times this interpreter's install instead.

Every figure is a median over ``--runs`` fresh processes, run interleaved with its baseline
(A B A B ...), and printed with the baseline's median and the ratio:

- ``--version``, ``--help`` and every command's ``--help`` against a bare ``python -c pass``
  (target: within 4x);
- ``status`` and ``status --json`` against a twelve-line httpx script that fetches the same
  loopback page and prints its indicator (target: within 1.15x).

The source tree is compiled on every start where ``PYTHONDONTWRITEBYTECODE`` is set (as on the
development machines); ``--bytecode`` times the installed case instead, with bytecode cached in
a scratch ``PYTHONPYCACHEPREFIX`` that is warmed first.

``SSL_CERT_FILE`` and ``SSL_CERT_DIR`` are unset for both sides, as on a desktop: a CA bundle
they name is parsed at every start (about 15 ms), where claude-beacon otherwise reads the
system's hashed CA directory as a chain needs it and the baseline reads certifi's bundle.
``--keep-ca-env`` keeps them as the environment has them.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import wheel  # noqa: E402

from tests.support import payloads  # noqa: E402
from tests.support.statuspage_server import StatuspageServer  # noqa: E402

BASELINE_STATUS = """
import json, sys
import httpx

with httpx.Client(timeout=10, headers={"User-Agent": "baseline"}) as client:
    response = client.get(sys.argv[1])
response.raise_for_status()
status = json.loads(response.content)["status"]
print(f"{status['description']} ({status['indicator']})")
code = {"none": 0, "minor": 1, "maintenance": 1, "major": 2, "critical": 2}
sys.exit(code.get(status["indicator"], 3))
"""
"""Twelve lines: the least a status check can do with the same HTTP client."""

COMMANDS = ("tray", "status", "watch", "doctor", "guide", "history", "wait", "add", "sources")


def wall(argv: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def compare(
    name: str, ours: list[str], base: list[str], env: dict[str, str], runs: int
) -> tuple[str, float, float, str]:
    """Median wall time of ``ours`` and ``base``, run one after the other ``runs`` times."""
    wall(ours, env)  # warm the file cache (and the bytecode cache where one is kept)
    wall(base, env)
    ours_times, base_times = [], []
    for _ in range(runs):
        ours_times.append(wall(ours, env))
        base_times.append(wall(base, env))
    what = "httpx fetch-and-print" if "-c" in base and len(base) > 3 else "python -c pass"
    return name, statistics.median(ours_times), statistics.median(base_times), what


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--from-source", action="store_true", help="this interpreter's install")
    parser.add_argument("--bytecode", action="store_true", help="time with cached bytecode")
    parser.add_argument("--keep-ca-env", action="store_true", help="keep SSL_CERT_FILE/_DIR")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home, StatuspageServer() as server:
        env = os.environ | {"HOME": home, "NO_COLOR": "1"}
        env |= {key: f"{home}/{key}" for key in ("XDG_CONFIG_HOME", "XDG_STATE_HOME")}
        if args.from_source:
            python = sys.executable
            if not args.keep_ca_env:
                env.pop("SSL_CERT_FILE", None)
                env.pop("SSL_CERT_DIR", None)
            if args.bytecode:
                env.pop("PYTHONDONTWRITEBYTECODE", None)
                env["PYTHONPYCACHEPREFIX"] = f"{home}/pycache"
            cache = "cached bytecode" if args.bytecode else "source compiled at each start"
            if not args.bytecode and not os.environ.get("PYTHONDONTWRITEBYTECODE"):
                cache = "bytecode as Python keeps it"
            certificates = "as the environment names them" if args.keep_ca_env else "no SSL_CERT_*"
            cases = [(f"{cache}, CAs {certificates}", env)]
        else:
            python = str(wheel.install(Path(home)))
            cases = [(f"wheel install, {name}", case) for name, case in wheel.environments(env)]
        server.set_summary(payloads.summary())
        config = Path(home, "XDG_CONFIG_HOME", "claude-beacon", "config.toml")
        config.parent.mkdir(parents=True)  # where a user's settings are: no --config needed
        config.write_text(f'[[sources]]\nname = "Claude"\nurl = "{server.url}"\n')
        machine = f"{platform.machine()}, {os.cpu_count()} CPUs"
        print(f"machine: {machine}, Python {platform.python_version()}")
        for title, case in cases:
            rows = measure_all(python, server.url, case, args.runs)
            print(f"\nmedian of {args.runs} interleaved runs each, {title}")
            print(
                f"{'command':20} {'claude-beacon':>14} {'baseline':>10} {'ratio':>7}  baseline is"
            )
            for name, ours_s, base_s, what in rows:
                print(
                    f"{name:20} {ours_s * 1000:11.1f} ms {base_s * 1000:7.1f} ms"
                    f" {ours_s / base_s:6.2f}x  {what}"
                )


def measure_all(
    python: str, url: str, env: dict[str, str], runs: int
) -> list[tuple[str, float, float, str]]:
    beacon = [python, "-m", "claude_beacon"]
    bare = [python, "-c", "pass"]
    rows = [compare(" ".join(f), beacon + f, bare, env, runs) for f in (["--version"], ["--help"])]
    for command in COMMANDS:
        rows.append(compare(f"{command} --help", [*beacon, command, "--help"], bare, env, runs))
    baseline = [python, "-c", BASELINE_STATUS, url + "/api/v2/summary.json"]
    for flags in ([], ["--json"]):
        name = " ".join(["status", *flags])
        rows.append(compare(name, [*beacon, "status", *flags], baseline, env, runs))
    return rows


if __name__ == "__main__":
    main()
