"""The app's log file: in the user log directory, rotated so it never grows without bound."""

from __future__ import annotations

import logging
from pathlib import Path

from claude_beacon.desktop.app import setup_file_logging
from claude_beacon.store import paths


def test_the_log_is_rotated_and_keeps_three_old_files(isolated_home: Path) -> None:
    logger = logging.getLogger("claude_beacon")
    before = list(logger.handlers)
    setup_file_logging()
    (handler,) = [h for h in logger.handlers if h not in before]
    try:
        line = "x" * 1000
        for _ in range(5000):  # 5 MB: past four rotations of 1 MB
            logger.warning(line)
    finally:
        logger.removeHandler(handler)
        handler.close()
    directory = paths.log_dir()
    assert directory.is_relative_to(isolated_home)
    names = sorted(p.name for p in directory.iterdir())
    assert names == [
        "claude-beacon.log",
        "claude-beacon.log.1",
        "claude-beacon.log.2",
        "claude-beacon.log.3",
    ]
    assert all(p.stat().st_size <= 1_001_000 for p in directory.iterdir())
