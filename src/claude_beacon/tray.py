"""The tray icon: the only module that imports pystray, loaded only when a tray is wanted.

Every change to the icon, tooltip or menu goes through ``call_on_ui_thread``: macOS requires UI
changes on the main thread, and one function is one place to fix if a backend changes.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

from claude_beacon import icons
from claude_beacon.core.model import Level
from claude_beacon.trayview import SEPARATOR, Entry, TrayView

log = logging.getLogger(__name__)
NAME = "claude-beacon"
ICON_SIZE = 64


class NoTrayError(Exception):
    """There is no system tray to put an icon in; the message says why."""


def call_on_ui_thread(fn: Callable[[], None]) -> None:
    if sys.platform == "darwin":
        from PyObjCTools import AppHelper  # type: ignore[import-not-found]

        AppHelper.callAfter(fn)
    else:
        fn()


class Tray:
    """A pystray icon showing a ``TrayView``; ``on_action`` receives the clicked entry."""

    def __init__(self, on_action: Callable[[Entry], None]) -> None:
        try:
            import pystray
        except Exception as exc:  # python-xlib raises display errors, not ImportError
            raise NoTrayError(f"no desktop to show a tray icon on ({_why(exc)})") from exc
        self._pystray = pystray
        self._on_action = on_action
        self._view = TrayView(Level.UNKNOWN, "claude-beacon: checking…", ())
        self._look: icons.Look | None = None
        self._stopping = False
        self.icon = pystray.Icon(
            NAME, self._image(Level.UNKNOWN, False), self._view.tooltip, pystray.Menu(self._items)
        )
        if missing := _missing_host(_backend(self.icon)):
            raise NoTrayError(missing)

    @property
    def has_menu(self) -> bool:
        return bool(self.icon.HAS_MENU)

    def run(self, ready: Callable[[], None]) -> None:
        """Show the icon and run the toolkit's loop on this (the main) thread until ``stop``."""

        def setup(icon: Any) -> None:
            icon.visible = True
            if _backend(icon) == "xorg":
                _enable_xorg_clicks(icon)
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
        """Show a new view; safe to call from any thread."""
        call_on_ui_thread(lambda: self._apply(view, local_problem))

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
        return tuple(self._item(entry) for entry in self._view.menu or (Entry("Quit", "quit"),))

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


def _backend(icon: Any) -> str:
    return type(icon).__module__.rsplit("._", 1)[-1]


def _missing_host(backend: str) -> str | None:
    """Why this desktop cannot show the icon, or ``None`` when, as far as can be told, it can.

    Without a tray host an icon would be invisible and the app silent; the GTK backends also
    need the session bus, without which they fail to start and hang the process.
    """
    if backend == "xorg":
        return None if _xorg_tray_present() else "no system tray is running on this desktop"
    if backend not in ("gtk", "appindicator"):
        return None  # Windows and macOS always have their tray / menu bar
    bus = _session_bus()
    if bus is None:
        return "no D-Bus session bus, which the tray needs on this desktop"
    if backend == "appindicator" and _bus_has(bus, STATUS_NOTIFIER_WATCHER):
        return None
    if _xorg_tray_present():
        return None
    return "no system tray is running on this desktop (no StatusNotifierItem host, no XEmbed tray)"


STATUS_NOTIFIER_WATCHER = "org.kde.StatusNotifierWatcher"
"""The service that hosts AppIndicator icons: KDE, GNOME's AppIndicator extension, waybar."""


def _session_bus() -> Any:
    from gi.repository import Gio, GLib  # present: the GTK backends are built on it

    try:
        return Gio.bus_get_sync(Gio.BusType.SESSION, None)
    except GLib.Error as exc:
        log.info("no session bus: %s", exc.message)
        return None


def _bus_has(bus: Any, name: str) -> bool:
    from gi.repository import Gio, GLib

    try:
        reply = bus.call_sync(
            "org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus",
            "NameHasOwner",
            GLib.Variant("(s)", (name,)),
            GLib.VariantType("(b)"),
            Gio.DBusCallFlags.NONE,
            2000,
            None,
        )
    except GLib.Error:
        return False
    return bool(reply.unpack()[0])


def _xorg_tray_present() -> bool:
    """Whether an XEmbed tray manager owns this screen's system-tray selection."""
    from Xlib import display, error

    try:
        connection = display.Display()
    except (error.DisplayError, OSError):
        return False  # no X display (Wayland only, or none at all)
    try:
        screen = connection.get_default_screen()
        atom = connection.intern_atom(f"_NET_SYSTEM_TRAY_S{screen}")
        owner = connection.get_selection_owner(atom)
        return int(getattr(owner, "id", owner) or 0) != 0
    finally:
        connection.close()


def _enable_xorg_clicks(icon: Any) -> None:
    """pystray's xorg backend never asks for button presses, so clicks would never arrive."""
    import Xlib.X

    try:
        icon._window.change_attributes(
            event_mask=Xlib.X.ExposureMask | Xlib.X.StructureNotifyMask | Xlib.X.ButtonPressMask
        )
        icon._display.flush()
    except Exception:  # private attributes: a future pystray may differ, clicks are a bonus
        log.debug("could not enable clicks on the xorg tray icon", exc_info=True)


def _why(exc: Exception) -> str:
    return str(exc).strip() or type(exc).__name__
