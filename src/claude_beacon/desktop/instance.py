"""One tray icon per user: an OS file lock, and a signal asking the running copy to show itself.

The lock is held by the operating system for as long as the process lives, so a crash never
leaves a stale lock behind, and no network port is opened.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from pathlib import Path
from typing import IO

SHOW_SIGNAL = getattr(signal, "SIGUSR1", None)
"""Sent by a second copy to ask the first to open the troubleshooting guide (POSIX only)."""


class InstanceLock:
    """``acquire`` returns False when another live process holds the lock."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: IO[str] | None = None
        self.problem: str | None = None

    def acquire(self) -> bool:
        """False only when another copy holds the lock.

        The lock file is never followed through a link (a link planted there would have its
        target truncated); a lock that cannot be taken at all (a link, a state directory that
        cannot be written) is said once on stderr, and this copy runs without it.
        """
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
            handle = os.fdopen(os.open(self.path, flags, 0o600), "r+", encoding="utf-8")
        except OSError as exc:
            why = "it is a symbolic link" if self.path.is_symlink() else exc.strerror or str(exc)
            self.problem = f"cannot take the lock {self.path} ({why}); running without it"
            print(f"claude-beacon: {self.problem}", file=sys.stderr)
            return True
        try:
            _lock(handle)
        except OSError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._handle = handle
        return True

    def owner(self) -> int | None:
        """The process id the running copy wrote, if it can be read."""
        try:
            text = self.path.read_text(encoding="utf-8").strip()
        except OSError:
            return None
        return int(text) if text.isdigit() else None

    def release(self) -> None:
        if self._handle is not None:
            with contextlib.suppress(OSError):
                self._handle.close()
            self._handle = None


def ask_to_show(pid: int) -> bool:
    """Ask the running copy to open its guide; False where signals cannot carry that."""
    if SHOW_SIGNAL is None or pid == os.getpid():
        return False
    try:
        os.kill(pid, SHOW_SIGNAL)
    except OSError:
        return False
    return True


def _lock(handle: IO[str]) -> None:
    if sys.platform == "win32":
        import msvcrt

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
    else:
        import fcntl

        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
