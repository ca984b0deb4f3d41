"""The statusline's two requests for a fresh answer: a detached refresh, and a poke.

``start_refresh`` starts one ``claude-beacon status --quiet`` in the background when no poll
has left a fresh cache; a lock file taken with ``O_EXCL`` (holding the refresh's pid) keeps a
second from starting while it runs. ``poke`` touches the file a running tray or ``watch`` looks
at (``engine.statuscache.PokeWatch``) so that it polls and checks at once. Both are cheap enough
to sit on the statusline's path: no pathlib, no typing; ``subprocess`` only when starting.
"""

# os.path, not pathlib, on purpose: importing pathlib costs every statusline run milliseconds.
# ruff: noqa: PTH103, PTH108, PTH116, PTH118, PTH120
from __future__ import annotations

import contextlib
import os
import sys
import time

from claude_beacon.store import statuscache

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

LOCK_NAME = "refresh.lock"
LOCK_STALE = 90.0
"""A refresh lock older than this is left over from a refresh that died: taken over."""
POKE_GAP = 30.0
"""The statusline pokes at most this often, and only for an error newer than its last poke."""


def poke(error_at: float) -> None:
    """Ask a running engine to poll and check now, once per new error and at most every
    ``POKE_GAP`` seconds."""
    path = statuscache.poke_file()
    try:
        touched = os.stat(path).st_mtime
        if touched >= error_at or time.time() - touched < POKE_GAP:
            return
    except FileNotFoundError:
        pass
    except OSError:
        return
    try:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NONBLOCK", 0)
        fd = os.open(path, flags, 0o600)  # a FIFO in its place fails at once, never blocks
        try:
            os.write(fd, f"{time.time():.3f}\n".encode("ascii"))
        finally:
            os.close(fd)
    except OSError:
        pass


def start_refresh(config: str | None) -> bool:
    """Start one detached ``status --quiet`` unless one is under way; True if started."""
    lock = os.path.join(statuscache.cache_dir(), LOCK_NAME)
    fd = _take_lock(lock)
    if fd is None:
        return False
    import subprocess

    argv = [sys.executable, "-m", "claude_beacon", "status", "--quiet"]
    argv += ["--config", config] if config else []
    options: dict[str, Any] = {"start_new_session": True}
    if sys.platform == "win32":
        flags = subprocess.DETACHED_PROCESS | subprocess.CREATE_NEW_PROCESS_GROUP
        options = {"creationflags": flags}
    try:
        child = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            close_fds=True,
            **options,
        )
        os.write(fd, f"{child.pid}\n".encode("ascii"))
    except OSError:
        os.close(fd)
        _unlink(lock)
        return False
    os.close(fd)
    return True


def _take_lock(lock: str) -> int | None:
    for attempt in (1, 2):
        try:
            os.makedirs(os.path.dirname(lock), mode=0o700, exist_ok=True)
            return os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            if attempt == 2 or not _lock_is_stale(lock):
                return None
            _unlink(lock)
        except OSError:
            return None
    return None


def _lock_is_stale(lock: str) -> bool:
    """Left over: too old, its refresh gone, or the cache written since it was taken."""
    found = statuscache.read_regular(lock, 32)
    if found is None:
        return False
    text, taken = found[0].decode("ascii", "replace").strip(), found[1].st_mtime
    if not -60.0 <= time.time() - taken <= LOCK_STALE:
        return True
    try:
        if os.stat(statuscache.cache_file()).st_mtime > taken:
            return True
    except OSError:
        pass
    return text.isdigit() and not alive(int(text))


def alive(pid: object) -> bool:
    """Whether process ``pid`` runs (POSIX only: on Windows ``os.kill`` would end it)."""
    if os.name != "posix" or not isinstance(pid, int) or isinstance(pid, bool) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists; it is someone else's
    return True


def _unlink(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)
