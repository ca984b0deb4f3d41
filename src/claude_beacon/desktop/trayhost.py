"""Which tray this desktop gets, and why: one ordered table, consulted once, in one place.

Each row is a backend with a test that says why it fits this desktop (or does not), and a way
to make its tray. The first row that fits wins; when none does, the app runs without a tray and
says why. ``PYSTRAY_BACKEND`` forces a row, which must still find what it needs to run. The facts
the rows ask about (an X display, an XEmbed tray, PyGObject, a session bus, a StatusNotifierItem
host) are found out lazily, each once: a desktop that has an XEmbed tray and no PyGObject never
loads GObject, and nothing here imports pystray.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Protocol

from claude_beacon.desktop.trayview import Entry, TrayView

log = logging.getLogger(__name__)

STATUS_NOTIFIER_WATCHER = "org.kde.StatusNotifierWatcher"
"""The service that hosts StatusNotifierItems: KDE, GNOME's AppIndicator extension, waybar."""
BUS_TIMEOUT_MS = 2000


class NoTrayError(Exception):
    """There is no system tray to put an icon in; the message says why."""


class TrayIcon(Protocol):
    """What the app needs of a tray, whichever backend draws it."""

    @property
    def has_menu(self) -> bool: ...

    def run(self, ready: Callable[[], None]) -> None:
        """Show the icon and serve it on this (the main) thread until ``stop``."""

    def show(self, view: TrayView, local_problem: bool = False) -> None:
        """Show a new view; safe to call from any thread."""

    def stop(self) -> None: ...


OnAction = Callable[[Entry], None]
MakeTray = Callable[[OnAction], TrayIcon]


class Desktop:
    """What this desktop offers a tray icon; each fact is found out once, when first asked.

    Facts already known (a test's, or another probe's) can be given by name, e.g.
    ``Desktop(xembed_tray=True, pygobject=False)``.
    """

    FACTS = ("x_display", "xembed_tray", "pygobject", "appindicator", "session_bus", "sni_host")

    def __init__(self, platform: str = sys.platform, **known: bool) -> None:
        if unknown := set(known) - set(self.FACTS):
            raise TypeError(f"unknown desktop facts: {', '.join(sorted(unknown))}")
        self.platform = platform
        self.__dict__.update(known)  # cached_property reads its value from here first

    @property
    def linux_like(self) -> bool:
        return not self.platform.startswith(("win32", "darwin"))

    @cached_property
    def x_display(self) -> bool:
        """An X server answers on ``$DISPLAY`` (XWayland counts)."""
        return self._x_tray is not None

    @cached_property
    def xembed_tray(self) -> bool:
        """An XEmbed tray manager owns the screen's ``_NET_SYSTEM_TRAY_S<n>`` selection."""
        return bool(self._x_tray)

    @cached_property
    def _x_tray(self) -> bool | None:
        """``None`` without an X display, else whether a tray owns the selection.

        Asked over python-xlib's protocol-level connection: the full ``Xlib.display.Display``
        also loads and queries every X extension, which costs the icon's start-up 10 to 30 ms
        (the xorg backend's own connection loads them in any case)."""
        try:
            from Xlib.protocol import display, request

            bare = type("BareDisplay", (display.Display,), {"resource_classes": {}})
            connection = bare()  # $DISPLAY and the Xauthority cookie, as Xlib.display reads them
        except Exception:  # no python-xlib, no $DISPLAY, a dead display, refused auth
            return None
        try:
            name = f"_NET_SYSTEM_TRAY_S{connection.get_default_screen()}"
            atom = request.InternAtom(display=connection, name=name, only_if_exists=True).atom
            if not atom:  # no tray has ever claimed it on this server
                return False
            owner = request.GetSelectionOwner(display=connection, selection=atom).owner
            return int(getattr(owner, "id", owner) or 0) != 0
        except Exception:
            log.debug("could not ask the X server for its tray", exc_info=True)
            return False
        finally:
            connection.close()

    @cached_property
    def pygobject(self) -> bool:
        """PyGObject with GTK 3, which starts on this display."""
        try:
            import gi

            gi.require_version("Gtk", "3.0")
            from gi.repository import Gtk
        except (ImportError, ValueError):
            return False
        return bool(Gtk.init_check()[0])

    @cached_property
    def appindicator(self) -> bool:
        """The (Ayatana) AppIndicator library, for pystray's appindicator backend."""
        if not self.pygobject:
            return False
        import gi

        for namespace in ("AppIndicator3", "AyatanaAppIndicator3"):
            try:
                gi.require_version(namespace, "0.1")
            except ValueError:
                continue
            return True
        return False

    @cached_property
    def session_bus(self) -> bool:
        """A D-Bus session bus to connect to (asked through GIO, hence only with PyGObject)."""
        return self._bus is not None

    @cached_property
    def sni_host(self) -> bool:
        """A StatusNotifierWatcher, the sign of a StatusNotifierItem host, is on the session
        bus (asked in pure Python: no PyGObject needed)."""
        from claude_beacon.desktop.sni import watcher_present

        return watcher_present()

    @cached_property
    def _bus(self) -> Any:
        try:
            import gi

            gi.require_version("Gio", "2.0")
            from gi.repository import Gio, GLib
        except (ImportError, ValueError):
            return None
        try:
            return Gio.bus_get_sync(Gio.BusType.SESSION, None)
        except GLib.Error as exc:
            log.info("no session bus: %s", exc.message)
            return None


@dataclass(frozen=True)
class Choice:
    """The tray chosen for this desktop; ``backend`` is ``None`` when there can be none."""

    backend: str | None
    reason: str
    """One sentence for people, e.g. ``appindicator: a StatusNotifierItem host is on the
    session bus``, or why no tray can be shown."""
    make: MakeTray | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Candidate:
    """One row of the table: a backend, when it fits, and how to make its tray."""

    backend: str
    fits: Callable[[Desktop], str | None]
    """Why this backend suits the desktop (the ``Choice`` reason), or ``None``."""
    lacks: Callable[[Desktop], str | None]
    """What it lacks to run at all, or ``None``; asked only when ``PYSTRAY_BACKEND`` forces it."""
    make: MakeTray


def _pystray_tray(backend: str) -> MakeTray:
    def make(on_action: OnAction) -> TrayIcon:
        from claude_beacon.desktop.tray import (
            Tray,  # loads pystray, which is why it waits until now
        )

        return Tray(on_action, backend)

    return make


def _platform(name: str, where: str) -> Callable[[Desktop], str | None]:
    return lambda desktop: f"{name}: {where}" if desktop.platform.startswith(name) else None


def _appindicator_fits(desktop: Desktop) -> str | None:
    if desktop.linux_like and desktop.appindicator and desktop.sni_host:
        return "appindicator: a StatusNotifierItem host is on the session bus"
    return None


def _appindicator_lacks(desktop: Desktop) -> str | None:
    if not desktop.appindicator:
        return "it needs PyGObject and the AppIndicator library"
    if not desktop.session_bus:
        return "it needs a D-Bus session bus, and there is none"
    if desktop.sni_host or desktop.xembed_tray:
        return None
    return "no system tray is running on this desktop (no StatusNotifierItem host, no XEmbed tray)"


def _gtk_fits(desktop: Desktop) -> str | None:
    if _gtk_lacks(desktop) is None:
        return "gtk: an XEmbed system tray is running, and PyGObject and a session bus give a menu"
    return None


def _gtk_lacks(desktop: Desktop) -> str | None:
    if not desktop.linux_like or not desktop.xembed_tray:
        return "no XEmbed system tray is running on this desktop"
    if not desktop.pygobject:
        return "it needs PyGObject with GTK 3"
    if not desktop.session_bus:
        return "it needs a D-Bus session bus, and there is none"
    return None


def _xorg_fits(desktop: Desktop) -> str | None:
    if _xorg_lacks(desktop) is not None:
        return None
    if not desktop.pygobject:
        why = "PyGObject is not installed"
    elif not desktop.session_bus:
        why = "there is no D-Bus session bus"
    else:
        why = "GTK could not be used"
    return f"xorg: an XEmbed system tray is running (no menu: {why})"


def _xorg_lacks(desktop: Desktop) -> str | None:
    if desktop.linux_like and desktop.xembed_tray:
        return None
    return "no XEmbed system tray is running on this desktop"


def _nothing(_desktop: Desktop) -> None:
    return None


def _sni_fits(desktop: Desktop) -> str | None:
    if desktop.linux_like and desktop.sni_host:
        return "sni: a StatusNotifierItem host is on the session bus (pure Python, full menu)"
    return None


def _sni_lacks(desktop: Desktop) -> str | None:
    return None if desktop.sni_host else "no StatusNotifierItem host is on the session bus"


def _sni_tray(on_action: OnAction) -> TrayIcon:
    from claude_beacon.desktop.sni import NoSniHostError, SniTray

    try:
        return SniTray(on_action)
    except NoSniHostError as exc:
        raise NoTrayError(str(exc)) from exc


CANDIDATES: tuple[Candidate, ...] = (
    Candidate(
        "win32", _platform("win32", "the notification area"), _nothing, _pystray_tray("win32")
    ),
    Candidate("darwin", _platform("darwin", "the menu bar"), _nothing, _pystray_tray("darwin")),
    Candidate("sni", _sni_fits, _sni_lacks, _sni_tray),
    Candidate(
        "appindicator", _appindicator_fits, _appindicator_lacks, _pystray_tray("appindicator")
    ),
    Candidate("gtk", _gtk_fits, _gtk_lacks, _pystray_tray("gtk")),
    Candidate("xorg", _xorg_fits, _xorg_lacks, _pystray_tray("xorg")),
)
"""Best first. A new backend (a class with ``Tray``'s interface) is one more row."""


def choose(
    desktop: Desktop | None = None,
    environ: Mapping[str, str] | None = None,
    candidates: tuple[Candidate, ...] = CANDIDATES,
) -> Choice:
    """The tray backend for this desktop, and why (or why there can be none)."""
    desktop = desktop or Desktop()
    forced = (os.environ if environ is None else environ).get("PYSTRAY_BACKEND", "").strip()
    if forced:
        return _forced(forced, desktop, candidates)
    for candidate in candidates:
        if reason := candidate.fits(desktop):
            return Choice(candidate.backend, reason, candidate.make)
    return Choice(None, _no_tray(desktop))


def _forced(name: str, desktop: Desktop, candidates: tuple[Candidate, ...]) -> Choice:
    known = {candidate.backend: candidate for candidate in candidates}
    candidate = known.get(name)
    if candidate is None:
        names = ", ".join(known)
        return Choice(None, f"PYSTRAY_BACKEND={name} names no tray backend (known: {names})")
    if lack := candidate.lacks(desktop):
        return Choice(None, f"PYSTRAY_BACKEND={name} asks for the {name} tray, but {lack}")
    return Choice(name, f"{name}: PYSTRAY_BACKEND asks for it", candidate.make)


def _no_tray(desktop: Desktop) -> str:
    if desktop.linux_like and not desktop.x_display and not desktop.sni_host:
        return "no desktop to show a tray icon on (no X display, no StatusNotifierItem host)"
    return "no system tray is running on this desktop (no StatusNotifierItem host, no XEmbed tray)"


def open_tray(on_action: OnAction) -> TrayIcon:
    """The tray this desktop supports; ``NoTrayError`` says why there is none."""
    choice = choose()
    if choice.make is None:
        raise NoTrayError(choice.reason)
    log.info("tray backend %s", choice.reason)
    return choice.make(on_action)
