"""Opening links and files for the user: in the browser, or with the desktop's own application.

Both run off the UI thread (some browsers and openers block), and only addresses that are
safe to hand to a browser are opened: https, or plain http to this machine.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
import webbrowser
from pathlib import Path
from urllib.parse import urlsplit

from claude_beacon.config.settings import is_loopback

log = logging.getLogger(__name__)


def open_url(url: str) -> None:
    """Open a web page in the default browser, off the UI thread (some browsers block).

    Only https, or plain http to this machine: the address is parsed, never prefix-matched,
    so ``http://localhost@elsewhere.example/`` is refused."""
    parts = urlsplit(url)
    if not parts.hostname or not (
        parts.scheme == "https" or (parts.scheme == "http" and is_loopback(url))
    ):
        log.warning("refused to open a link that is not https: %r", url)
        return
    threading.Thread(target=_open_in_browser, args=(url,), name="beacon-open", daemon=True).start()


_browser_lock = threading.Lock()


def _open_in_browser(url: str) -> None:
    # webbrowser finds its browsers lazily, and two first calls at once can lose one of them.
    with _browser_lock:
        if not webbrowser.open(url):
            log.warning("no browser could be opened for %s", url)


def open_path(path: Path) -> None:
    """Open a local file with the desktop's default application."""
    if sys.platform == "win32":
        import os

        os.startfile(path)  # type: ignore[attr-defined]
        return
    opener = "open" if sys.platform == "darwin" else "xdg-open"
    try:
        process = subprocess.Popen(
            [opener, str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
    except OSError as exc:
        log.warning("cannot open %s (%s); edit it by hand", path, exc)
        return
    # Collect its exit status when it ends, or it lingers as a zombie for as long as the app
    # runs; a thread, because some openers wait for the editor to close.
    threading.Thread(target=process.wait, name="beacon-opener", daemon=True).start()
