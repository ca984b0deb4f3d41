"""The single-instance lock, held and contested by real processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from claude_beacon.desktop.instance import InstanceLock, ask_to_show

HOLD = """
import signal, sys, time
from pathlib import Path
from claude_beacon.desktop.instance import InstanceLock, SHOW_SIGNAL
lock = InstanceLock(Path(sys.argv[1]))
assert lock.acquire()
if SHOW_SIGNAL is not None:
    signal.signal(SHOW_SIGNAL, lambda *_: print("asked to show", flush=True))
print("holding", flush=True)
time.sleep(30)
"""


def holder(path: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout and proc.stdout.readline() == "holding\n"
    return proc


def test_a_second_process_is_refused_and_learns_the_first(tmp_path: Path) -> None:
    path = tmp_path / "run" / "tray.lock"
    first = holder(path)
    try:
        second = InstanceLock(path)
        assert not second.acquire()
        assert second.owner() == first.pid
    finally:
        first.kill()
        first.wait()
        assert first.stdout
        first.stdout.close()


def test_a_killed_holder_leaves_no_stale_lock(tmp_path: Path) -> None:
    path = tmp_path / "tray.lock"
    first = holder(path)
    first.send_signal(signal.SIGKILL)
    first.wait()
    assert first.stdout
    first.stdout.close()
    lock = InstanceLock(path)
    assert lock.acquire()
    assert lock.owner() == os.getpid()
    lock.release()


def test_release_lets_the_next_one_in(tmp_path: Path) -> None:
    first, second = InstanceLock(tmp_path / "l"), InstanceLock(tmp_path / "l")
    assert first.acquire()
    first.release()
    assert second.acquire()
    second.release()


@pytest.mark.skipif(sys.platform == "win32", reason="no signals to carry the request")
def test_the_running_copy_is_asked_to_show_itself(tmp_path: Path) -> None:
    first = holder(tmp_path / "tray.lock")
    try:
        assert ask_to_show(first.pid)
        assert first.stdout
        deadline = time.monotonic() + 5
        line = first.stdout.readline()
        assert line == "asked to show\n" and time.monotonic() < deadline
    finally:
        first.kill()
        first.wait()
        assert first.stdout
        first.stdout.close()
    assert not ask_to_show(os.getpid())


def test_a_lock_file_that_is_a_link_never_has_its_target_truncated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me\n")
    link = tmp_path / "tray.lock"
    link.symlink_to(precious)
    lock = InstanceLock(link)
    assert lock.acquire()  # runs, without the lock
    lock.release()
    assert precious.read_text() == "keep me\n"
    assert "is a symbolic link" in capsys.readouterr().err


def test_a_state_directory_that_cannot_be_created_is_said_not_raised(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Root may write to read-only directories: a path under a regular file fails for anyone."""
    blocker = tmp_path / "state"
    blocker.write_text("a file where the directory should be")
    lock = InstanceLock(blocker / "claude-beacon" / "tray.lock")
    assert lock.acquire()
    assert lock.problem and "running without it" in capsys.readouterr().err
