"""A shortened soak: ``watch`` through lifecycles and faults, nothing lost, repeated or leaked.

``CLAUDE_BEACON_SOAK_SECONDS`` sets its length (default 70: one whole cycle of the script);
``bench/soak.py`` runs longer.
"""

from __future__ import annotations

import os
from pathlib import Path

from tests.support.soak import soak

SECONDS = float(os.environ.get("CLAUDE_BEACON_SOAK_SECONDS", "70"))


def test_soak(tmp_path: Path) -> None:
    report = soak(SECONDS, tmp_path)
    assert report.exit_code == 0
    assert report.stalled is None
    assert len(report.expected) >= 6 and report.faults_served >= 7  # a whole cycle at least
    assert report.missing == [] and report.repeated == [] and report.unexpected == []
    warm = [s for s in report.samples if s.at - report.samples[0].at >= 10] or report.samples
    assert max(s.rss_kib for s in warm) - warm[0].rss_kib < 8 * 1024  # flat after warm-up
    assert len({s.threads for s in warm}) <= 2  # the poller and a request in flight, no more
    assert max(s.fds for s in warm) - min(s.fds for s in warm) <= 3
