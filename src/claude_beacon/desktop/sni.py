"""A StatusNotifierItem tray icon in pure Python: Linux's tray from ``pip install`` alone.

KDE Plasma, GNOME's AppIndicator extension, waybar, XFCE and others host StatusNotifierItems:
icons that an application describes over D-Bus (pixmaps, tooltip, a dbusmenu menu) and the
desktop draws. Nothing here needs GTK, PyGObject, Xlib or pystray; Pillow draws the icons and is
loaded only when the first icon is drawn. ``SniTray`` has the same interface as ``tray.Tray``.

Threads: the bus thread answers the host's calls from a snapshot taken under a lock; ``show``
may run on any thread; clicks are queued to the thread in ``run``, which calls ``on_action``
there, so a slow action never stalls the bus. The item re-registers whenever the watcher
(re)appears, and its name is released on ``stop``, which is how the host learns it is gone.
"""

from __future__ import annotations

import itertools
import logging
import os
import queue
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jeepney import DBusAddress, Message, new_method_call, new_method_return, new_signal

from claude_beacon.core.model import Level
from claude_beacon.desktop import dbuslink, dbusmenu
from claude_beacon.desktop.trayview import Action, Entry, TrayView

log = logging.getLogger(__name__)
NAME = "claude-beacon"
WATCHER = "org.kde.StatusNotifierWatcher"
WATCHER_ADDRESS = DBusAddress("/StatusNotifierWatcher", WATCHER, WATCHER)
ITEM = "org.kde.StatusNotifierItem"
ITEM_PATH = "/StatusNotifierItem"
MENU_PATH = "/MenuBar"
ICON_SIZES = (22, 32, 48, 64)
PRESENCE_TIMEOUT = 1.0
REGISTER_TRIES = 8
_instances = itertools.count(1)

Pixmaps = list[tuple[int, int, bytes]]

INTROSPECTION = """<node>
 <interface name="org.kde.StatusNotifierItem">
  <property name="Category" type="s" access="read"/>
  <property name="Id" type="s" access="read"/>
  <property name="Title" type="s" access="read"/>
  <property name="Status" type="s" access="read"/>
  <property name="WindowId" type="i" access="read"/>
  <property name="IconName" type="s" access="read"/>
  <property name="IconPixmap" type="a(iiay)" access="read"/>
  <property name="OverlayIconName" type="s" access="read"/>
  <property name="OverlayIconPixmap" type="a(iiay)" access="read"/>
  <property name="AttentionIconName" type="s" access="read"/>
  <property name="AttentionIconPixmap" type="a(iiay)" access="read"/>
  <property name="AttentionMovieName" type="s" access="read"/>
  <property name="IconThemePath" type="s" access="read"/>
  <property name="ToolTip" type="(sa(iiay)ss)" access="read"/>
  <property name="ItemIsMenu" type="b" access="read"/>
  <property name="Menu" type="o" access="read"/>
  <method name="ContextMenu"><arg type="i" direction="in"/><arg type="i" direction="in"/></method>
  <method name="Activate"><arg type="i" direction="in"/><arg type="i" direction="in"/></method>
  <method name="SecondaryActivate"><arg type="i" direction="in"/>
   <arg type="i" direction="in"/></method>
  <method name="Scroll"><arg type="i" direction="in"/><arg type="s" direction="in"/></method>
  <signal name="NewTitle"/><signal name="NewIcon"/><signal name="NewAttentionIcon"/>
  <signal name="NewOverlayIcon"/><signal name="NewToolTip"/>
  <signal name="NewStatus"><arg type="s"/></signal>
 </interface>
</node>"""
ROOT_INTROSPECTION = '<node><node name="StatusNotifierItem"/><node name="MenuBar"/></node>'


class NoSniHostError(Exception):
    """No StatusNotifierItem host to show the icon; the message says why."""


def watcher_present(address: str | None = None, timeout: float = PRESENCE_TIMEOUT) -> bool:
    """Whether a StatusNotifierItem host is running; ``False`` on any failure, within ``timeout``.

    Cheap enough for choosing a tray backend: one connection, one ``NameHasOwner``.
    """
    done = threading.Event()
    answer: list[bool] = []

    def ask() -> None:
        try:
            answer.append(_has_owner(address, WATCHER, timeout))
        except Exception as exc:
            log.debug("no StatusNotifierItem host: %s", exc)
        finally:
            done.set()

    # A thread bounds the whole exchange, however its steps share out their own timeouts.
    try:
        threading.Thread(target=ask, name="beacon-sni-probe", daemon=True).start()
    except RuntimeError:  # no thread to be had: the app could not run a tray either
        return False
    return done.wait(timeout + 0.2) and bool(answer and answer[0])


def _has_owner(address: str | None, name: str, timeout: float) -> bool:
    link = dbuslink.Link(dbuslink.connect(address, timeout)).start()
    try:
        reply = link.call(new_method_call(dbuslink.BUS, "NameHasOwner", "s", (name,)), timeout)
        return bool(reply[0])
    finally:
        link.close()


def pixmap(image: Any) -> tuple[int, int, bytes]:
    """A Pillow image as the ``(iiay)`` StatusNotifierItem wants: ARGB32 in network byte order."""
    from PIL import Image

    red, green, blue, alpha = image.convert("RGBA").split()
    argb = Image.merge("RGBA", (alpha, red, green, blue)).tobytes()
    return (image.width, image.height, argb)


def draw_pixmaps(level: Level, local_problem: bool) -> Pixmaps:
    from claude_beacon.desktop import icons

    look = icons.look_for(level, local_problem=local_problem)
    return [pixmap(icons.draw(look, size)) for size in ICON_SIZES]


class SniTray:
    """The tray icon as a StatusNotifierItem; ``on_action`` receives the clicked entry."""

    def __init__(
        self,
        on_action: Callable[[Entry], None],
        address: str | None = None,
        timeout: float = dbuslink.TIMEOUT,
    ) -> None:
        self._on_action = on_action
        self._timeout = timeout
        self._tasks: queue.Queue[Callable[[], None] | None] = queue.Queue()
        self._lock = threading.Lock()
        """Guards what the bus thread reads: the view and the pixmaps."""
        self._showing = threading.Lock()
        """Serialises ``show`` calls, so that a view and its icon always go together."""
        self._view = TrayView(Level.UNKNOWN, "claude-beacon: checking…", ())
        self._look: tuple[Level, bool] = (Level.UNKNOWN, False)
        self._pixmaps = draw_pixmaps(Level.UNKNOWN, False)
        self.menu = dbusmenu.Menu(MENU_PATH, self._clicked)
        self.menu.update(_menu_of(self._view))
        self._running = False
        self._stopping = False
        self._closing = threading.Lock()
        self._tries = 0
        self._retry_at: float | None = None
        self.bus_name = f"org.kde.StatusNotifierItem-{os.getpid()}-{next(_instances)}"
        try:
            connection = dbuslink.connect(address, timeout)
        except dbuslink.BusError as exc:
            raise NoSniHostError(str(exc)) from exc
        self.link = dbuslink.Link(
            connection,
            on_call=self._handle,
            on_signal=self._signal,
            on_lost=lambda _exc: self._tasks.put(None),
            name="beacon-sni-bus",
        ).start()
        try:
            self._claim()
        except (dbuslink.BusError, NoSniHostError) as exc:
            self.link.close()
            raise NoSniHostError(str(exc)) from exc

    def _claim(self) -> None:
        """Check for a host, take this item's bus name and watch the watcher come and go."""
        rule = (
            "type='signal',sender='org.freedesktop.DBus',interface='org.freedesktop.DBus',"
            f"member='NameOwnerChanged',arg0='{WATCHER}'"
        )
        self.link.add_match(rule, self._timeout)
        has = new_method_call(dbuslink.BUS, "NameHasOwner", "s", (WATCHER,))
        if not self.link.call(has, self._timeout)[0]:
            raise NoSniHostError(
                "no StatusNotifierItem host is running on this desktop (no " + WATCHER + ")"
            )
        request = new_method_call(dbuslink.BUS, "RequestName", "su", (self.bus_name, 4))
        if self.link.call(request, self._timeout)[0] != 1:  # 4: do not queue; 1: primary owner
            raise NoSniHostError(f"could not own the bus name {self.bus_name}")

    @property
    def has_menu(self) -> bool:
        return True

    def run(self, ready: Callable[[], None]) -> None:
        """Register with the host and serve clicks on this thread until ``stop``."""
        self._running = True
        try:
            if self._stopping:
                return
            self._register()
            ready()
            while not self._stopping:
                wait = None if self._retry_at is None else self._retry_at - time.monotonic()
                try:
                    task = self._tasks.get(timeout=None if wait is None else max(0.0, wait))
                except queue.Empty:
                    task = self._register  # the host was not ready yet: try again
                if task is None:
                    break
                try:
                    task()
                except Exception:
                    log.exception("a tray action failed")
        finally:
            self._running = False
            self._close()

    def show(self, view: TrayView, local_problem: bool = False) -> None:
        """Show a new view; safe to call from any thread."""
        with self._showing:
            self._show(view, local_problem)

    def _show(self, view: TrayView, local_problem: bool) -> None:
        look = (view.level, local_problem)
        pixmaps = draw_pixmaps(*look) if look != self._look else None
        with self._lock:
            previous, self._view = self._view, view
            if pixmaps is not None:
                self._look, self._pixmaps = look, pixmaps
        changed: dict[str, Any] = {}
        if pixmaps is not None:
            self._emit("NewIcon")
            changed["IconPixmap"] = ("a(iiay)", pixmaps)
        if view.tooltip != previous.tooltip:
            self._emit("NewTitle")
            self._emit("NewToolTip")
            changed["Title"] = ("s", view.tooltip)
            changed["ToolTip"] = ("(sa(iiay)ss)", _tooltip(view))
        if changed:
            emitter = DBusAddress(ITEM_PATH, interface=dbuslink.PROPERTIES)
            body: tuple[str, dict[str, Any], list[str]] = (ITEM, changed, [])
            self.link.send(new_signal(emitter, "PropertiesChanged", "sa{sv}as", body))
        if self.menu.update(_menu_of(view)):
            self.link.send(self.menu.layout_updated())

    def stop(self) -> None:
        """Remove the icon and end ``run``; from any thread, also from an action."""
        self._stopping = True
        self._tasks.put(None)
        if not self._running:
            self._close()

    def _register(self, again: bool = False) -> None:
        """Hand the item to the watcher; retried with backoff while the watcher is starting.

        A watcher may own its name a moment before it serves its object: a registration
        refused then is tried again, up to ``REGISTER_TRIES`` times.
        """
        self._retry_at = None
        if again:
            self._tries = 0
        if self._stopping:
            return
        call = new_method_call(WATCHER_ADDRESS, "RegisterStatusNotifierItem", "s", (self.bus_name,))
        try:
            self.link.call(call, self._timeout)
        except dbuslink.BusError as exc:
            self._tries += 1
            if self._tries < REGISTER_TRIES:
                delay = min(2.0, 0.05 * 2**self._tries)
                self._retry_at = time.monotonic() + delay
                log.debug("the tray host refused the icon (%s); again in %.2f s", exc, delay)
            else:
                log.warning("the tray host did not take the icon (%s); waiting for it", exc)
        else:
            self._tries = 0
            log.info("tray icon registered with the StatusNotifierItem host as %s", self.bus_name)

    def _close(self) -> None:
        """Give up the name, so the watcher drops the item at once, and close the connection."""
        with self._closing:  # ``stop`` and the end of ``run`` may both get here
            if not self.link.alive:
                return
            release = new_method_call(dbuslink.BUS, "ReleaseName", "s", (self.bus_name,))
            try:
                self.link.call(release, min(self._timeout, 1.0))
            except dbuslink.BusError as exc:
                log.debug("could not release %s: %s", self.bus_name, exc)
            self.link.close()

    def _emit(self, name: str) -> None:
        self.link.send(new_signal(DBusAddress(ITEM_PATH, interface=ITEM), name))

    def _clicked(self, entry: Entry) -> None:
        self._tasks.put(lambda: self._on_action(entry))

    # The bus thread's side ------------------------------------------------------------

    def _signal(self, message: Message) -> None:
        name = dbuslink.member(message)[2]
        if name == "NameOwnerChanged" and message.body[0] == WATCHER and message.body[2]:
            log.info("the tray host's watcher (re)started; registering the icon again")
            self._tasks.put(lambda: self._register(again=True))  # blocks: not on this thread

    def _handle(self, call: Message) -> Message | None:
        path, interface, name = dbuslink.member(call)
        if interface == dbuslink.PEER:
            return _peer(call, name)
        if path == MENU_PATH:
            return self.menu.handle(call)
        if path == "/" and interface == dbuslink.INTROSPECTABLE:
            return new_method_return(call, "s", (ROOT_INTROSPECTION,))
        if path != ITEM_PATH:
            return dbuslink.unknown_method(call)
        if interface == dbuslink.INTROSPECTABLE and name == "Introspect":
            return new_method_return(call, "s", (INTROSPECTION,))
        if interface == dbuslink.PROPERTIES:
            return dbusmenu.property_reply(call, name, ITEM, self._properties())
        if interface not in (ITEM, "") or name not in _ITEM_METHODS:
            return dbuslink.unknown_method(call)
        if name == "Activate":
            entry = self.menu.default_entry()
            if entry is not None:
                self._clicked(entry)
        return new_method_return(call)  # ContextMenu, SecondaryActivate, Scroll: nothing to do

    def _properties(self) -> dict[str, tuple[str, Any]]:
        with self._lock:
            view, pixmaps = self._view, self._pixmaps
        return {
            "Category": ("s", "ApplicationStatus"),
            "Id": ("s", NAME),
            "Title": ("s", view.tooltip),
            "Status": ("s", "Active"),
            "WindowId": ("i", 0),
            "IconName": ("s", ""),
            "IconPixmap": ("a(iiay)", pixmaps),
            "OverlayIconName": ("s", ""),
            "OverlayIconPixmap": ("a(iiay)", []),
            "AttentionIconName": ("s", ""),
            "AttentionIconPixmap": ("a(iiay)", []),
            "AttentionMovieName": ("s", ""),
            "IconThemePath": ("s", ""),
            "ToolTip": ("(sa(iiay)ss)", _tooltip(view)),
            "ItemIsMenu": ("b", False),
            "Menu": ("o", MENU_PATH),
        }


_ITEM_METHODS = frozenset({"Activate", "ContextMenu", "SecondaryActivate", "Scroll"})


def _tooltip(view: TrayView) -> tuple[str, list[Any], str, str]:
    """Icon name, icon pixmaps, title, description: hosts all show the title, so it says it all."""
    return ("", [], view.tooltip, "")


def _menu_of(view: TrayView) -> tuple[Entry, ...]:
    return view.menu or (Entry("Quit", Action.QUIT),)


def _peer(call: Message, name: str) -> Message:
    if name == "Ping":
        return new_method_return(call)
    if name == "GetMachineId":
        try:
            machine = Path("/etc/machine-id").read_text(encoding="ascii").strip()
        except OSError:
            machine = ""
        if machine:
            return new_method_return(call, "s", (machine,))
    return dbuslink.unknown_method(call)
