"""The XEmbed icon a plain ``pip install`` draws (pystray's xorg backend through python-xlib),
in this process, on a real X server with a real tray: changes from many threads at once."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from claude_beacon.desktop import icons
from claude_beacon.desktop.icons import COLOURS, Look
from claude_beacon.desktop.tray import _icon_class
from tests.e2e.desktop import Desktop

LOOKS = (Look.OPERATIONAL, Look.DEGRADED, Look.PARTIAL_OUTAGE, Look.MAJOR_OUTAGE)
THREADS, CHANGES = 4, 40


def test_changes_from_many_threads_all_land_and_none_hangs(
    desktop: Desktop, monkeypatch: pytest.MonkeyPatch
) -> None:
    # python-xlib used from several threads through one connection could leave the X thread
    # waiting forever for a reply: the icon froze, and every later change waited with it.
    monkeypatch.setenv("DISPLAY", desktop.display)
    icon = _icon_class("xorg")("xembed-test", icons.draw(Look.UNKNOWN, 64), "checking…")
    shown = threading.Event()

    def setup(started: Any) -> None:
        started.visible = True
        shown.set()

    loop = threading.Thread(target=icon.run, args=(setup,), daemon=True)
    loop.start()
    try:
        assert shown.wait(10), "the icon was never shown"
        desktop.wait_for_colour(COLOURS[Look.UNKNOWN][0])

        def change(worker: int) -> None:
            for step in range(CHANGES):
                look = LOOKS[(worker + step) % len(LOOKS)]
                icon.icon = icons.draw(look, 64)
                icon.title = f"worker {worker}, change {step} — ☁️"

        workers = [threading.Thread(target=change, args=(n,), daemon=True) for n in range(THREADS)]
        started = time.monotonic()
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(max(1.0, 60 - (time.monotonic() - started)))
        assert not any(w.is_alive() for w in workers), "a change never came back from the X thread"

        icon.icon = icons.draw(Look.PARTIAL_OUTAGE, 64)
        icon.title = "Claude: partial outage — 障害"
        # The last image fills its slot: docked once, it keeps the size the tray gave it.
        assert desktop.wait_for_colour(COLOURS[Look.PARTIAL_OUTAGE][0]) >= 400
    finally:
        icon.stop()
        loop.join(10)
    assert not loop.is_alive(), "the X thread did not end with stop()"
