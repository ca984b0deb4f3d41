"""The statusline's cache: one small JSON file every poll writes and the statusline reads.

The statusline runs as often as every 300 ms inside Claude Code, so it never polls: the tray,
``watch`` and ``status`` leave their latest answer here. This module knows only the file, its
format version and the poke file beside it; it imports nothing heavy, since the statusline
imports it on every run. What goes into the document is ``engine.statuscache``'s business.
"""

# os.path, not pathlib, on purpose: importing pathlib costs every statusline run milliseconds.
# ruff: noqa: PTH100, PTH111, PTH116, PTH117, PTH118
from __future__ import annotations

import json
import os
import stat
import sys

TYPE_CHECKING = False  # typing itself costs a statusline run a few milliseconds
if TYPE_CHECKING:
    from typing import Any

FORMAT = 1
"""Raised when a field changes meaning; a reader treats any other format as no cache."""
CACHE_NAME = "status.json"
POKE_NAME = "poke"
"""Touched by the statusline when Claude Code saw API errors: the engine checks again at once."""
MAX_BYTES = 256 * 1024
"""The cache is a few kilobytes; anything larger was not written by claude-beacon."""


def cache_dir() -> str:
    """The platform's cache folder for claude-beacon, as ``store.paths`` has it.

    On Linux and the BSDs the XDG rule is applied here directly, as platformdirs applies it:
    importing platformdirs (and pathlib) costs about as much as the rest of a statusline run.
    Paths here are strings for the same reason.
    """
    if sys.platform.startswith("linux") or "bsd" in sys.platform:
        configured = os.environ.get("XDG_CACHE_HOME", "")
        base = configured if os.path.isabs(configured) else os.path.expanduser("~/.cache")
        return os.path.join(base, "claude-beacon")
    from claude_beacon.store import paths  # macOS and Windows: platformdirs knows best

    return str(paths.cache_dir())


def settings_file(explicit: str | None = None) -> str:
    """The settings file a run with ``--config explicit`` reads, absolute, as
    ``config.settings.locate`` finds it; on Linux without platformdirs, as ``cache_dir``."""
    named = explicit or os.environ.get("CLAUDE_BEACON_CONFIG")
    if named:
        return os.path.abspath(os.path.expanduser(named))
    if sys.platform.startswith("linux") or "bsd" in sys.platform:
        configured = os.environ.get("XDG_CONFIG_HOME", "")
        base = configured if os.path.isabs(configured) else os.path.expanduser("~/.config")
        return os.path.join(base, "claude-beacon", "config.toml")
    from claude_beacon.store import paths

    return os.path.abspath(paths.config_file())


def settings_stamp(path: str | os.PathLike[str]) -> str:
    """What ties a cached answer to the settings it was read with: the settings file's path,
    modification time and size (one stat: the statusline checks it on every run). Any edit,
    ``add`` or ``remove`` changes it; so does deleting the file."""
    where = os.path.abspath(path)
    try:
        info = os.stat(where)
    except OSError:
        return f"{where}|none"
    return f"{where}|{info.st_mtime_ns}|{info.st_size}"


def cache_file() -> str:
    return os.path.join(cache_dir(), CACHE_NAME)


def poke_file() -> str:
    return os.path.join(cache_dir(), POKE_NAME)


def read_regular(
    path: str | os.PathLike[str], limit: int, from_end: bool = False
) -> tuple[bytes, os.stat_result] | None:
    """Up to ``limit`` bytes of a regular file (its last ones with ``from_end``) and its stat;
    None for anything else. Opened without blocking, so that a FIFO put in its place cannot
    hang a statusline."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None
        if from_end and info.st_size > limit:
            os.lseek(fd, info.st_size - limit, os.SEEK_SET)
        chunks: list[bytes] = []
        size = 0
        while size < limit and (chunk := os.read(fd, limit - size)):
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks), info
    except OSError:
        return None
    finally:
        os.close(fd)


def read(path: str | os.PathLike[str] | None = None) -> dict[str, Any] | None:
    """The cached document, or None when there is none usable: missing, not a regular file,
    too large, not JSON, not an object, another format, or without its time."""
    found = read_regular(path or cache_file(), MAX_BYTES + 1)
    if found is None:
        return None
    data = found[0]
    if len(data) > MAX_BYTES:
        return None
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        return None
    written = document.get("written")
    if not isinstance(written, int | float) or isinstance(written, bool):
        return None
    return document


def write(document: dict[str, Any], path: str | os.PathLike[str] | None = None) -> None:
    """Replace the cache at once: a statusline reading meanwhile sees the old file or the new."""
    from pathlib import Path

    from claude_beacon.store.atomic import write_atomically

    data = json.dumps({**document, "format": FORMAT}, ensure_ascii=False, indent=1)
    # Rewritten every poll, and only a cache: no fsync, so a poll never waits for the disk.
    write_atomically(Path(path or cache_file()), data.encode("utf-8"), mode=0o600, durable=False)
