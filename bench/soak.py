"""Soak the real app against a page cycling through lifecycles and every fault.

    python3 bench/soak.py [--minutes 30]            # `claude-beacon watch`
    python3 bench/soak.py --tray [--minutes 30]     # the tray app on a test desktop (Xvfb)

Prints what the page's script expected against what the app told (missing, repeated): the
events `watch` printed, or the notifications that reached the D-Bus daemon; the faults served;
and the process's RSS (start, after warm-up, at each quarter of the run), threads and open files.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.soak import Sample, soak, soak_tray  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--tray", action="store_true", help="soak the tray app under Xvfb")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        if args.tray:
            tray(args.minutes, Path(home))
        else:
            watch(args.minutes, Path(home))


def watch(minutes: float, home: Path) -> None:
    report = soak(minutes * 60, home)
    print(f"watch soaked {minutes:g} min at a 0.2 s interval; exit code {report.exit_code}")
    print(f"  page script: {len(report.expected)} events expected, {report.faults_served} faults")
    print(f"  requests served: {report.requests}; events told: {len(report.events)}")
    print(f"  longest a state waited past its step to be read: {report.longest_wait:.1f} s")
    if report.stalled:
        print(f"  the script stopped early: {report.stalled}")
    print(
        f"  missing {len(report.missing)}, repeated {len(report.repeated)}, "
        f"unexpected {len(report.unexpected)}"
    )
    for kind, item in report.missing + report.repeated + report.unexpected:
        print(f"    {kind} {item}: expected once, told {report.told[kind, item]} times")
    resources(report.samples)


def tray(minutes: float, home: Path) -> None:
    from tests.e2e.desktop import Desktop, NotifyMonitor, missing_tools

    if missing := missing_tools():
        sys.exit(f"cannot soak the tray: missing {', '.join(missing)}")
    with Desktop() as desktop:
        monitor = NotifyMonitor(desktop)
        try:
            report = soak_tray(minutes * 60, home, desktop, monitor, step=3.0)
        finally:
            monitor.close()
    print(f"tray soaked {minutes:g} min at a 0.2 s interval; exit code {report.exit_code}")
    print(f"  page script: {len(report.expected)} events expected, {report.faults_served} faults")
    print(f"  notifications that reached the D-Bus daemon: {len(report.calls)}")
    if report.stalled:
        print(f"  the script stopped early: {report.stalled}")
    print(f"  missing {len(report.missing)}, repeated {len(report.repeated)}")
    for kind, item in report.missing + report.repeated:
        print(f"    {kind} {item}: expected once, told {report.told[kind, item]} times")
    resources(report.samples)


def resources(samples: list[Sample]) -> None:
    warm = [s for s in samples if s.at - samples[0].at >= 10] or samples
    quarters = [warm[min(len(warm) - 1, len(warm) * q // 4)] for q in (1, 2, 3)] + [warm[-1]]
    trend = " → ".join(f"{s.rss_kib / 1024:.1f}" for s in [warm[0], *quarters])
    start = samples[0].rss_kib / 1024
    print(f"  RSS at start {start:.1f} MiB; after warm-up, then at each quarter: {trend} MiB")
    print(f"  RSS peak {max(s.rss_kib for s in warm) / 1024:.1f} MiB")
    threads, files = sorted({s.threads for s in warm}), sorted({s.fds for s in warm})
    print(f"  threads: {threads}; open files: {files}")


if __name__ == "__main__":
    main()
