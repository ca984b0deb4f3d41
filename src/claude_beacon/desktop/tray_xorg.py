"""pystray's xorg (XEmbed, python-xlib) icon, made to carry any text and to hear clicks.

pystray names the icon's window with ``WM_NAME``, which python-xlib writes as Latin-1: the first
tooltip (``checking…``) and any incident named in Japanese or with an emoji would raise
``UnicodeEncodeError``. Here ``WM_NAME`` gets a Latin-1 rendering of the text and
``_NET_WM_NAME``, which tray hosts and window tools prefer, the full text in UTF-8.

Imported only once the xorg backend has been chosen: importing pystray connects to the display.
"""

from __future__ import annotations

from typing import Any

import Xlib.X
from pystray import _xorg

from claude_beacon.desktop.tray import latin1


class Icon(_xorg.Icon):  # type: ignore[misc]
    """The xorg icon whose title is any text, and whose window listens for button presses."""

    def __init__(self, name: str, icon: Any = None, title: str = "", menu: Any = None) -> None:
        super().__init__(name, icon, latin1(title), menu)
        self.title = title  # not shown yet, so only remembered; the window is named below
        _name(self._window, title)
        # pystray 0.19.5 selects no ButtonPressMask, so clicks would never arrive.
        self._window.change_attributes(
            event_mask=Xlib.X.ExposureMask | Xlib.X.StructureNotifyMask | Xlib.X.ButtonPressMask
        )
        self._display.flush()

    def _update_title(self) -> None:
        """Runs on pystray's X thread (pystray routes it there)."""
        _name(self._window, self.title)


def _name(window: Any, title: str) -> None:
    display = window.display
    window.set_wm_name(latin1(title))
    window.change_text_property(
        display.get_atom("_NET_WM_NAME"), display.get_atom("UTF8_STRING"), title
    )
