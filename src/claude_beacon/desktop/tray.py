"""The tray icon through pystray, loaded only when a tray is wanted (``trayhost`` says which).

Every change to the icon, tooltip or menu goes through ``call_on_ui_thread``: macOS requires UI
changes on the main thread, and one function is one place to fix if a backend changes.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import unicodedata
from collections.abc import Callable
from typing import Any

from claude_beacon.core.model import Level
from claude_beacon.core.text import why
from claude_beacon.desktop import icons, trayhost
from claude_beacon.desktop.trayhost import NoTrayError
from claude_beacon.desktop.trayview import SEPARATOR, Action, Entry, TrayView

log = logging.getLogger(__name__)
NAME = "claude-beacon"
ICON_SIZE = 64


def call_on_ui_thread(fn: Callable[[], None]) -> None:
    if sys.platform == "darwin":
        from PyObjCTools import AppHelper  # type: ignore[import-not-found]

        AppHelper.callAfter(fn)
    else:
        fn()


class Tray:
    """A pystray icon showing a ``TrayView``; ``on_action`` receives the clicked entry.

    ``backend`` is one of pystray's (``appindicator``, ``gtk``, ``xorg``, ``win32``,
    ``darwin``). Without one, ``trayhost`` chooses it; ``trayhost.open_tray`` does the same and
    can also open a tray pystray does not draw.
    """

    def __init__(self, on_action: Callable[[Entry], None], backend: str | None = None) -> None:
        if backend is None:
            choice = trayhost.choose()
            if choice.backend is None:
                raise NoTrayError(choice.reason)
            if choice.backend not in PYSTRAY_BACKENDS:
                raise NoTrayError(f"the {choice.backend} tray opens with trayhost.open_tray")
            log.info("tray backend %s", choice.reason)
            backend = choice.backend
        icon_class = _icon_class(backend)
        import pystray  # loaded by _icon_class: Menu, MenuItem

        self.backend = backend
        self._pystray = pystray
        self._on_action = on_action
        self._view = TrayView(Level.UNKNOWN, "claude-beacon: checking…", ())
        self._look: icons.Look | None = None
        self._stopping = False
        self._showing = threading.Lock()
        try:
            self.icon = icon_class(
                NAME,
                self._image(Level.UNKNOWN, False),
                self._view.tooltip,
                pystray.Menu(self._items),
            )
        except Exception as exc:  # the display or the toolkit refused at the last moment
            raise NoTrayError(f"the {backend} tray could not start ({why(exc)})") from exc

    @property
    def has_menu(self) -> bool:
        return bool(self.icon.HAS_MENU)

    def run(self, ready: Callable[[], None]) -> None:
        """Show the icon and run the toolkit's loop on this (the main) thread until ``stop``."""

        def setup(icon: Any) -> None:
            icon.visible = True
            if self.has_menu:
                icon.update_menu()  # the gtk backend has no menu to pop up until this
            ready()

        try:
            self.icon.run(setup=setup)
        except Exception:
            if not self._stopping:
                raise
            # pystray's GTK backends hide their notification on the way out and raise when
            # no notification service exists; closing must not turn into a crash.
            log.debug("the tray backend failed while closing", exc_info=True)

    def show(self, view: TrayView, local_problem: bool = False) -> None:
        """Show a new view; safe to call from any thread.

        Views come from the poller, the checks and the notifications' threads; one at a time
        reaches the backend (python-xlib's connection is not safe to share between threads)."""

        def apply() -> None:
            with self._showing:
                self._apply(view, local_problem)

        call_on_ui_thread(apply)

    def stop(self) -> None:
        self._stopping = True
        call_on_ui_thread(self.icon.stop)

    def _apply(self, view: TrayView, local_problem: bool) -> None:
        previous, self._view = self._view, view
        look = icons.look_for(view.level, local_problem=local_problem)
        if look != self._look:
            self.icon.icon = self._image(view.level, local_problem)
        if view.tooltip != previous.tooltip:
            self.icon.title = view.tooltip
        if view.menu != previous.menu and self.has_menu:
            self.icon.update_menu()

    def _image(self, level: Level, local_problem: bool) -> Any:
        self._look = icons.look_for(level, local_problem=local_problem)
        return icons.draw(self._look, ICON_SIZE)

    def _items(self) -> tuple[Any, ...]:
        entries = self._view.menu or (Entry("Quit", Action.QUIT),)
        return tuple(self._item(entry) for entry in entries)

    def _item(self, entry: Entry) -> Any:
        pystray = self._pystray
        if entry == SEPARATOR:
            return pystray.Menu.SEPARATOR
        if entry.children:
            return pystray.MenuItem(entry.text, pystray.Menu(*map(self._item, entry.children)))
        checked = entry.checked
        return pystray.MenuItem(
            entry.text,
            lambda _icon, _item: self._on_action(entry),
            checked=(lambda _item: checked) if checked is not None else None,
            default=entry.default,
            enabled=entry.action is not None,
        )


PYSTRAY_BACKENDS = ("appindicator", "gtk", "xorg", "win32", "darwin")


def _icon_class(backend: str) -> Any:
    """pystray's icon class for ``backend``, with this app's fixes; imports pystray.

    pystray picks its own backend when first imported (and the xorg one fails without a
    display), so ``PYSTRAY_BACKEND`` carries the choice made here for that moment.
    """
    before = os.environ.get("PYSTRAY_BACKEND")
    os.environ["PYSTRAY_BACKEND"] = backend
    try:
        return _import_icon_class(backend)
    except Exception as exc:  # python-xlib raises display errors, GTK an ImportError
        raise NoTrayError(f"the {backend} tray could not start ({why(exc)})") from exc
    finally:
        if before is None:
            del os.environ["PYSTRAY_BACKEND"]
        else:
            os.environ["PYSTRAY_BACKEND"] = before


def _import_icon_class(backend: str) -> Any:
    if backend == "xorg":
        from claude_beacon.desktop import tray_xorg

        return tray_xorg.Icon
    if backend == "gtk":
        from claude_beacon.desktop import tray_gtk

        return tray_gtk.Icon
    if backend == "appindicator":
        from pystray import _appindicator

        from claude_beacon.desktop import tray_gtk

        tray_gtk.quiet_known_gdk_critical()
        return _appindicator.Icon
    if backend == "win32":
        from pystray import _win32

        return _win32.Icon
    if backend == "darwin":
        from pystray import _darwin

        return _darwin.Icon
    raise NoTrayError(f"{backend!r} is not one of pystray's tray backends")


PLAIN = str.maketrans(
    {
        "—": "-",
        "–": "-",
        "‒": "-",
        "−": "-",
        "‘": "'",
        "’": "'",
        "‚": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "•": "·",
        "→": "->",
        "←": "<-",
    }
)
"""Punctuation the status text uses that Latin-1 lacks and compatibility forms do not cover."""


def latin1(text: str) -> str:
    """``text`` in Latin-1: ``…`` as ``...``, dashes and quotes as ASCII, anything else as ``?``.

    Accents Latin-1 has (``é``) stay; emoji variation selectors and joiners go rather than
    turn into extra question marks.
    """
    text = unicodedata.normalize("NFKC", text.translate(PLAIN))
    kept = "".join(c for c in text if unicodedata.category(c) not in ("Cf", "Mn", "Me"))
    return kept.encode("latin-1", "replace").decode("latin-1")
