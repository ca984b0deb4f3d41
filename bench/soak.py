"""Soak the real ``watch`` against a page cycling through lifecycles and every fault.

    python3 bench/soak.py [--minutes 30]

Prints what the page's script expected against what ``watch`` told (missing, repeated), the
faults served, and the process's RSS, threads and open files over the run.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.soak import soak  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30)
    minutes = parser.parse_args().minutes
    with tempfile.TemporaryDirectory() as home:
        report = soak(minutes * 60, Path(home))
    samples = report.samples
    warm = [s for s in samples if s.at - samples[0].at >= 10] or samples
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
    print(
        f"  RSS: {samples[0].rss_kib / 1024:.1f} MiB at start, {warm[0].rss_kib / 1024:.1f} after"
        f" warm-up, {max(s.rss_kib for s in warm) / 1024:.1f} peak, "
        f"{samples[-1].rss_kib / 1024:.1f} at the end"
    )
    for kind, item in report.missing + report.repeated + report.unexpected:
        told = report.told[kind, item]
        print(f"    {kind} {item}: expected once, told {told} times")
    threads, files = sorted({s.threads for s in warm}), sorted({s.fds for s in warm})
    print(f"  threads: {threads}; open files: {files}")


if __name__ == "__main__":
    main()
