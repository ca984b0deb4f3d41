"""A real, private Linux desktop for end-to-end tests: Xvfb, a session bus, dunst, trayer.

Nothing is shared with the machine's own session: the display is found with ``-displayfd``
(no race for a free number), the bus runs from its own config file (no service activation, so
nothing starts behind the test's back), and every process is killed on exit. ``Notify`` calls
are recorded by a D-Bus monitor, and the tray's menu is read and clicked through dbusmenu, the
protocol the appindicator backend exports it on: exact labels, no pixels or OCR.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from jeepney import DBusAddress, HeaderFields, MessageType, new_method_call  # type: ignore[import-untyped]
from jeepney.io.blocking import DBusConnection, open_dbus_connection  # type: ignore[import-untyped]

TOOLS = ("Xvfb", "dbus-daemon", "dunst", "trayer")
SNI_HOST = "gtk-sni-tray-standalone"
"""A StatusNotifierItem host that is its own watcher (Debian: haskell-gtk-sni-tray-utils)."""
SNI_HOST_ARGS = ("--bottom", "--watcher", "--size", "32")
"""A 32 px bar along the bottom of the screen, with the watcher in the same process."""
WATCHER = "org.kde.StatusNotifierWatcher"
WATCHER_PATH = "/StatusNotifierWatcher"
SCREEN = (640, 480)
TRAY_BOX = (440, 0, 640, 32)
"""Where trayer draws its panel: the top right corner, 200 x 32 px."""
XVFB_ARGS = ("-screen", "0", f"{SCREEN[0]}x{SCREEN[1]}x24", "-nolisten", "tcp")
TRAYER_ARGS = (
    *("--edge", "top", "--align", "right", "--widthtype", "pixel", "--width", "200"),
    *("--heighttype", "pixel", "--height", "32", "--expand", "false"),
    *("--SetDockType", "true", "--transparent", "false"),
)
BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={dir}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""
BUS = DBusAddress("/org/freedesktop/DBus", "org.freedesktop.DBus", "org.freedesktop.DBus")


class RigError(RuntimeError):
    """A part of the desktop did not start; the message names it and says why."""


def missing_tools(sni_host: bool = False) -> list[str]:
    tools = (*TOOLS, SNI_HOST) if sni_host else TOOLS
    return [tool for tool in tools if shutil.which(tool) is None]


@dataclass(frozen=True)
class Notification:
    app_name: str
    summary: str
    body: str
    at: float
    replaces_id: int = 0
    actions: tuple[str, ...] = ()
    hints: tuple[tuple[str, Any], ...] = ()
    id: int = 0
    """The id the server answered with (0 until its answer is seen)."""


class Desktop:
    def __init__(
        self, notification_daemon: bool = True, tray_host: bool = True, sni_host: bool = False
    ) -> None:
        self.notification_daemon = notification_daemon
        self.tray_host = tray_host
        self.sni_host = sni_host
        self._dir = Path(tempfile.mkdtemp(prefix="beacon-desktop-"))
        self._procs: list[subprocess.Popen[bytes]] = []
        self.watcher: subprocess.Popen[bytes] | None = None
        """The SNI host's process, while one runs."""
        self.env: dict[str, str] = {}
        self.display = ""
        self._tray: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Desktop:
        try:
            self._start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _start(self) -> None:
        read, write = os.pipe()
        self._spawn(
            ["Xvfb", "-displayfd", str(write), *XVFB_ARGS],
            pass_fds=(write,),
        )
        os.close(write)
        with os.fdopen(read) as pipe:
            number = pipe.readline().strip()
        if not number:
            raise RigError(f"Xvfb did not start: {self._log('Xvfb')}")
        self.display = f":{number}"
        config = self._dir / "bus.conf"
        config.write_text(BUS_CONFIG.format(dir=self._dir))
        bus = self._spawn(
            ["dbus-daemon", "--nofork", "--print-address=1", f"--config-file={config}"],
            stdout=subprocess.PIPE,
        )
        assert bus.stdout
        address = bus.stdout.readline().decode().strip()
        if not address:
            raise RigError(f"dbus-daemon did not start: {self._log('dbus-daemon')}")
        self.env = os.environ | {
            "DISPLAY": self.display,
            "DBUS_SESSION_BUS_ADDRESS": address,
            "NO_AT_BRIDGE": "1",
            "GDK_BACKEND": "x11",
        }
        self.env.pop("WAYLAND_DISPLAY", None)
        if self.notification_daemon:
            self._spawn(["dunst"])
        if self.tray_host:
            self._tray = self._spawn(["trayer", *TRAYER_ARGS])
        if self.notification_daemon:
            self._wait(lambda: "org.freedesktop.Notifications" in self.bus_names(), "dunst")
        if self.tray_host:
            self._wait(self._tray_owned, "trayer")
        if self.sni_host:
            self.start_watcher()

    def restart_tray_host(self, down: float = 0.5) -> None:
        """Kill the XEmbed tray and start a new one ``down`` seconds later, as a panel that
        crashed and came back."""
        assert self._tray is not None, "this desktop has no XEmbed tray"
        os.killpg(self._tray.pid, 9)
        self._tray.wait(5)
        self._wait(lambda: not self._tray_owned(), "trayer's end")
        time.sleep(down)
        self._tray = self._spawn(["trayer", *TRAYER_ARGS])
        self._wait(self._tray_owned, "trayer")

    def start_watcher(self, attempts: int = 3) -> None:
        """Start the SNI host with its watcher, and wait until the watcher answers.

        The one way the rig starts it, at set-up and again after ``stop_watcher``.
        gtk-sni-tray 0.1.8 races itself: its host may ask its own watcher before that serves
        its object, and then exits at once ("Pattern match failure ... Main.hs:177"). A host
        still alive shortly after its watcher answers has passed that point.
        """
        if self.watcher is not None and self.watcher.poll() is None:
            raise RigError(f"{SNI_HOST} is already running (pid {self.watcher.pid})")
        for _ in range(attempts):
            watcher = self.watcher = self._spawn([SNI_HOST, *SNI_HOST_ARGS])
            self._wait(lambda w=watcher: w.poll() is not None or self._watcher_serves(), SNI_HOST)
            time.sleep(0.3)
            if watcher.poll() is None:
                return
        raise RigError(f"{SNI_HOST} kept exiting at start: {self._log(SNI_HOST)}")

    def stop_watcher(self) -> None:
        """End the SNI host as a crashing or restarting panel would; its items stay running."""
        assert self.watcher is not None, "no SNI host was started"
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.watcher.pid, signal.SIGTERM)
        self.watcher.wait(5)
        self._wait(lambda: WATCHER not in self.bus_names(), SNI_HOST)

    def _watcher_serves(self) -> bool:
        self.registered()
        return True

    def registered(self) -> list[str]:
        """The StatusNotifierItems the watcher knows (as it names them: their bus names)."""
        properties = DBusAddress(WATCHER_PATH, WATCHER, "org.freedesktop.DBus.Properties")
        get = new_method_call(properties, "Get", "ss", (WATCHER, "RegisteredStatusNotifierItems"))
        with self.connect() as connection:
            reply = connection.send_and_get_reply(get, timeout=5)
        if reply.header.message_type is MessageType.error:
            raise RigError(f"the watcher refused Get: {reply.body}")
        return list(reply.body[0][1])

    def has_owner(self, name: str) -> bool:
        with self.connect() as connection:
            reply = connection.send_and_get_reply(
                new_method_call(BUS, "NameHasOwner", "s", (name,))
            )
        return bool(reply.body[0])

    def _spawn(self, argv: list[str], **kwargs: Any) -> subprocess.Popen[bytes]:
        log = (self._dir / f"{argv[0]}.log").open("wb")
        kwargs.setdefault("stdout", log)
        proc = subprocess.Popen(
            argv, stderr=log, env=self.env or None, start_new_session=True, **kwargs
        )
        log.close()
        self._procs.append(proc)
        return proc

    def _log(self, tool: str) -> str:
        with contextlib.suppress(OSError):
            return (self._dir / f"{tool}.log").read_text(errors="replace").strip()[-500:]
        return ""

    def _wait(self, ready: Any, tool: str, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(Exception):
                if ready():
                    return
            time.sleep(0.05)
        raise RigError(f"{tool} was not ready in {timeout} s: {self._log(tool)}")

    def _tray_owned(self) -> bool:
        from Xlib import display  # type: ignore[import-untyped, unused-ignore]

        connection = display.Display(self.display)
        try:
            atom = connection.intern_atom("_NET_SYSTEM_TRAY_S0")
            return bool(connection.get_selection_owner(atom))
        finally:
            connection.close()

    def close(self) -> None:
        for proc in reversed(self._procs):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, 9)
        for proc in self._procs:
            proc.wait(5)
            if proc.stdout:
                proc.stdout.close()
        self._procs.clear()
        shutil.rmtree(self._dir, ignore_errors=True)

    def connect(self) -> DBusConnection:
        return open_dbus_connection(bus=self.env["DBUS_SESSION_BUS_ADDRESS"])

    def bus_names(self) -> list[str]:
        with self.connect() as connection:
            return list(connection.send_and_get_reply(new_method_call(BUS, "ListNames")).body[0])

    def screenshot(self) -> Any:
        from PIL import ImageGrab

        return ImageGrab.grab(xdisplay=self.display)

    def tray_colours(self) -> Counter[tuple[int, int, int]]:
        """How many pixels of each colour the tray panel shows."""
        image = self.screenshot().crop(TRAY_BOX).convert("RGB")
        return Counter({colour: count for count, colour in image.getcolors(1 << 16) or []})

    def wait_for_colour(self, rgb: tuple[int, int, int], timeout: float = 15) -> int:
        """Wait until 100 pixels near ``rgb`` show in the tray (icons are scaled to fit)."""
        deadline = time.monotonic() + timeout
        seen: Counter[tuple[int, int, int]] = Counter()
        while time.monotonic() < deadline:
            seen = self.tray_colours()
            near = sum(n for colour, n in seen.items() if _distance(colour, rgb) <= 12)
            if near >= 100:
                return near
            time.sleep(0.1)
        raise AssertionError(f"{rgb} never showed in the tray; it shows {seen.most_common(4)}")

    def where_colour(self, rgb: tuple[int, int, int]) -> tuple[int, int]:
        """The screen point at the middle of the tray's pixels near ``rgb`` (the icon)."""
        self.wait_for_colour(rgb)
        image = self.screenshot().crop(TRAY_BOX).convert("RGB")
        points = [
            (x, y)
            for y in range(image.height)
            for x in range(image.width)
            if _distance(image.getpixel((x, y)), rgb) <= 12
        ]
        left, top = TRAY_BOX[:2]
        return (
            left + sum(x for x, _ in points) // len(points),
            top + sum(y for _, y in points) // len(points),
        )


class NotifyMonitor:
    """Records every ``Notify`` call on the desktop's bus, from a background thread."""

    RULE = "type='method_call',interface='org.freedesktop.Notifications',member='Notify'"
    ANSWERS = "type='method_return'"
    """Every answer on the bus; those to a recorded ``Notify`` give its notification's id."""

    def __init__(self, desktop: Desktop) -> None:
        self._connection = desktop.connect()
        monitoring = DBusAddress(
            "/org/freedesktop/DBus", "org.freedesktop.DBus", "org.freedesktop.DBus.Monitoring"
        )
        self._connection.send_and_get_reply(
            new_method_call(monitoring, "BecomeMonitor", "asu", ([self.RULE, self.ANSWERS], 0))
        )
        self._calls: list[Notification] = []
        self._asked: dict[tuple[str, int], int] = {}
        """(sender, serial) of each recorded call, to its index in ``_calls``."""
        self._lock = threading.Condition()
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._listen, daemon=True)
        self._thread.start()

    def _listen(self) -> None:
        while not self._closed.is_set():
            try:
                message = self._connection.receive(timeout=0.2)
            except TimeoutError:
                continue
            except (OSError, ValueError):
                return
            fields = message.header.fields
            kind = message.header.message_type
            if kind is MessageType.method_call and fields.get(HeaderFields.member) == "Notify":
                app_name, replaces, _icon, summary, body, actions, hints = message.body[:7]
                hints = tuple((k, v[1]) for k, v in sorted(hints.items()))
                call = Notification(
                    app_name, summary, body, time.monotonic(), replaces, tuple(actions), hints
                )
                with self._lock:
                    asked = (fields.get(HeaderFields.sender, ""), message.header.serial)
                    self._asked[asked] = len(self._calls)
                    self._calls.append(call)
                    self._lock.notify_all()
            elif kind is MessageType.method_return:
                answered = (
                    fields.get(HeaderFields.destination, ""),
                    fields.get(HeaderFields.reply_serial, 0),
                )
                with self._lock:
                    if (index := self._asked.pop(answered, None)) is not None:
                        number = int(message.body[0])
                        self._calls[index] = replace(self._calls[index], id=number)
                        self._lock.notify_all()

    @property
    def calls(self) -> list[Notification]:
        with self._lock:
            return list(self._calls)

    def wait_for(
        self, count: int, timeout: float = 15, answered: bool = False
    ) -> list[Notification]:
        """The first ``count`` calls or more, once made (and, if ``answered``, answered)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self._calls) < count or (
                answered and not all(call.id for call in self._calls[:count])
            ):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"expected {count} notifications, got {self._calls}")
                self._lock.wait(left)
            return list(self._calls)

    def close(self) -> None:
        self._closed.set()
        self._thread.join(2)
        self._connection.close()


@dataclass(frozen=True)
class MenuItem:
    id: int
    label: str
    children: tuple[MenuItem, ...]


class TrayMenu:
    """The app's menu as exported over dbusmenu by pystray's appindicator backend."""

    def __init__(self, desktop: Desktop, icon_name: str = "claude_beacon") -> None:
        self._desktop = desktop
        self._path = f"/org/ayatana/NotificationItem/{icon_name}/Menu"

    def _address(self) -> DBusAddress:
        for name in self._desktop.bus_names():
            if not name.startswith(":"):
                continue
            address = DBusAddress(self._path, name, "com.canonical.dbusmenu")
            with contextlib.suppress(Exception), self._desktop.connect() as connection:
                reply = connection.send_and_get_reply(
                    new_method_call(address, "GetLayout", "iias", (0, -1, ["label"])), timeout=2
                )
                if reply.header.message_type is MessageType.method_return:
                    return address
        raise AssertionError(f"no application exports {self._path}")

    def items(self, timeout: float = 10) -> list[MenuItem]:
        deadline = time.monotonic() + timeout
        while True:
            try:
                address = self._address()
                break
            except AssertionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        with self._desktop.connect() as connection:
            reply = connection.send_and_get_reply(
                new_method_call(address, "GetLayout", "iias", (0, -1, ["label"]))
            )
        _revision, (_id, _props, children) = reply.body
        return [_item(child) for child in children]

    def labels(self) -> list[str]:
        return [item.label for item in self.items()]

    def all_labels(self) -> list[str]:
        """Every label, submenus included."""
        return [item.label for item in _walk(self.items())]

    def click(self, *path: str, attempts: int = 5) -> None:
        """Click the item labelled ``path[-1]``, found under the submenus ``path[:-1]`` names.

        Item ids change whenever the app rebuilds its menu; a click that raced a rebuild is
        refused as an unknown id, and is then looked up and sent again.
        """
        label = path[-1]
        errors: list[str] = []
        for _ in range(attempts):
            item = _find(self.items(), path)
            if item is None:
                raise AssertionError(f"no menu item {' > '.join(path)} in {self.all_labels()}")
            with self._desktop.connect() as connection:
                reply = connection.send_and_get_reply(
                    new_method_call(
                        self._address(), "Event", "isvu", (item.id, "clicked", ("i", 0), 0)
                    )
                )
            if reply.header.message_type is not MessageType.error:
                return
            errors.append(f"{reply.header.fields.get(HeaderFields.error_name)}: {reply.body}")
            time.sleep(0.1)
        raise AssertionError(f"the menu kept changing under a click on {label!r}: {errors}")


def _distance(a: tuple[int, int, int], b: tuple[int, int, int]) -> int:
    return max(abs(x - y) for x, y in zip(a, b, strict=True))


def _item(variant: Any) -> MenuItem:
    _signature, (item_id, props, children) = variant
    label = props.get("label", ("s", ""))[1]
    return MenuItem(item_id, label, tuple(_item(child) for child in children))


def _find(items: list[MenuItem] | tuple[MenuItem, ...], path: tuple[str, ...]) -> MenuItem | None:
    """The first item labelled ``path[0]`` anywhere, then each next label below the last."""
    found = next((i for i in _walk(items) if i.label == path[0]), None)
    for label in path[1:]:
        if found is None:
            return None
        found = next((i for i in _walk(found.children) if i.label == label), None)
    return found


def _walk(items: list[MenuItem] | tuple[MenuItem, ...]) -> Iterator[MenuItem]:
    for item in items:
        yield item
        yield from _walk(item.children)
