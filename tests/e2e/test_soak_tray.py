"""A shortened soak of the tray app: every script event notified exactly once, nothing leaked."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.e2e.desktop import Desktop, NotifyMonitor
from tests.support.soak import soak_tray

SECONDS = float(os.environ.get("CLAUDE_BEACON_TRAY_SOAK_SECONDS", "90"))


@pytest.mark.usefixtures("flavour")  # the soak runs this interpreter, which needs PyGObject
def test_tray_soak(desktop: Desktop, notifications: NotifyMonitor, tmp_path: Path) -> None:
    report = soak_tray(SECONDS, tmp_path, desktop, notifications, step=3.0)
    assert report.exit_code == 0
    assert report.stalled is None
    assert len(report.expected) >= 6
    assert report.missing == [] and report.repeated == [], report.calls
    warm = [s for s in report.samples if s.at - report.samples[0].at >= 10] or report.samples
    assert max(s.rss_kib for s in warm) - warm[0].rss_kib < 8 * 1024
    assert max(s.fds for s in warm) - min(s.fds for s in warm) <= 3
