"""A private desktop with a real StatusNotifierItem host, and the tools the SNI tests drive.

``SniDesktop`` is ``desktop.Desktop`` with ``gtk-sni-tray-standalone --watcher`` instead of
trayer: a GTK bar at the bottom of the screen that hosts StatusNotifierItems and renders their
dbusmenu menus. Its watcher can be stopped and started again, as when a panel restarts.
``PrivateBus`` is just a session bus, for tests that need no screen. Everything is read and
clicked over D-Bus with jeepney; the app side runs in ``sni_harness.py``, a process of its own.
"""

from __future__ import annotations

import contextlib
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from jeepney import DBusAddress, HeaderFields, MessageType, new_method_call
from jeepney.io.blocking import DBusConnection, open_dbus_connection

from tests.e2e.desktop import BUS, BUS_CONFIG, Desktop, RigError

BAR_BOX = (0, 448, 640, 480)
"""Where the host draws its bar: the bottom of the 640 x 480 screen, 32 px high."""
WATCHER = DBusAddress(
    "/StatusNotifierWatcher", "org.kde.StatusNotifierWatcher", "org.kde.StatusNotifierWatcher"
)
HARNESS = Path(__file__).with_name("sni_harness.py")
IN_CI = os.environ.get("CI") == "true"


def unavailable(reason: str) -> None:
    """Skip with the reason on a contributor's machine; in CI a missing tool is a failure."""
    if IN_CI:
        pytest.fail(f"desktop tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def require(*tools: str) -> None:
    if missing := [tool for tool in tools if shutil.which(tool) is None]:
        unavailable(f"missing {', '.join(missing)} (see .ci/desktop-packages.txt)")


def call(
    connection: DBusConnection,
    address: DBusAddress,
    method: str,
    signature: str | None = None,
    body: tuple[Any, ...] = (),
    timeout: float = 5,
) -> tuple[Any, ...]:
    """Call a method and return the reply's body; ``DBusCallError`` for an error reply."""
    message = new_method_call(address, method, signature, body)
    reply = connection.send_and_get_reply(message, timeout=timeout)
    if reply.header.message_type is MessageType.error:
        raise DBusCallError(reply.header.fields.get(HeaderFields.error_name, ""), reply.body)
    return tuple(reply.body)


class DBusCallError(Exception):
    def __init__(self, name: str, body: Any) -> None:
        super().__init__(f"{name}: {body}")
        self.name = name


class SniDesktop(Desktop):
    """Xvfb, a session bus, the SNI host with its watcher (no trayer) and, if asked, dunst.

    Starting, stopping and asking the watcher are ``Desktop``'s: one way for every test."""

    def __init__(self, notification_daemon: bool = False, sni_host: bool = True) -> None:
        super().__init__(
            notification_daemon=notification_daemon, tray_host=False, sni_host=sni_host
        )

    def bar_colours(self) -> dict[tuple[int, int, int], int]:
        image = self.screenshot().crop(BAR_BOX).convert("RGB")
        return {colour: count for count, colour in image.getcolors(1 << 16) or []}

    def wait_for_bar_colour(self, rgb: tuple[int, int, int], timeout: float = 10) -> None:
        """Wait until the host draws at least 100 pixels close to ``rgb`` (the icon's badge)."""
        deadline = time.monotonic() + timeout
        seen: dict[tuple[int, int, int], int] = {}
        while time.monotonic() < deadline:
            seen = self.bar_colours()
            near = sum(n for colour, n in seen.items() if _near(colour, rgb))
            if near >= 100:
                return
            time.sleep(0.1)
        common = sorted(seen.items(), key=lambda item: -item[1])[:4]
        raise AssertionError(f"{rgb} never showed in the SNI bar; it shows {common}")

    def icon_centre(self, rgb: tuple[int, int, int]) -> tuple[int, int]:
        """Screen coordinates of the middle of the pixels close to ``rgb`` in the bar."""
        image = self.screenshot().crop(BAR_BOX).convert("RGB")
        points = [
            (x, y)
            for x in range(image.width)
            for y in range(image.height)
            if _near(image.getpixel((x, y)), rgb)
        ]
        assert points, f"{rgb} is not in the bar"
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        return BAR_BOX[0] + (min(xs) + max(xs)) // 2, BAR_BOX[1] + (min(ys) + max(ys)) // 2


def _near(colour: Any, rgb: tuple[int, int, int]) -> bool:
    return bool(max(abs(a - b) for a, b in zip(colour, rgb, strict=True)) <= 12)


class PrivateBus:
    """Only a session bus (no screen), with no service activation; closed on exit."""

    def __init__(self) -> None:
        self._dir = Path(tempfile.mkdtemp(prefix="beacon-bus-"))
        self._proc: subprocess.Popen[bytes] | None = None
        self.address = ""

    def __enter__(self) -> PrivateBus:
        config = self._dir / "bus.conf"
        config.write_text(BUS_CONFIG.format(dir=self._dir))
        self._proc = subprocess.Popen(
            ["dbus-daemon", "--nofork", "--print-address=1", f"--config-file={config}"],
            stdout=subprocess.PIPE,
            start_new_session=True,
        )
        assert self._proc.stdout
        self.address = self._proc.stdout.readline().decode().strip()
        if not self.address:
            self.close()
            raise RigError("dbus-daemon did not start")
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def connect(self) -> DBusConnection:
        return open_dbus_connection(bus=self.address)

    def close(self) -> None:
        if self._proc is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._proc.pid, signal.SIGKILL)
            self._proc.wait(5)
            if self._proc.stdout:
                self._proc.stdout.close()
        shutil.rmtree(self._dir, ignore_errors=True)


class Signals:
    """Records the signals matching ``rule`` from a thread, by member name."""

    def __init__(self, connection: DBusConnection, rule: str) -> None:
        self._connection = connection
        call(connection, BUS, "AddMatch", "s", (rule,))
        self._seen: list[tuple[str, tuple[Any, ...]]] = []
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
            if message.header.message_type is MessageType.signal:
                with self._lock:
                    name = message.header.fields.get(HeaderFields.member, "")
                    self._seen.append((name, tuple(message.body)))
                    self._lock.notify_all()

    def count(self, name: str) -> int:
        with self._lock:
            return sum(1 for seen, _body in self._seen if seen == name)

    def wait_for(self, name: str, count: int = 1, timeout: float = 5) -> None:
        deadline = time.monotonic() + timeout
        with self._lock:
            while sum(1 for seen, _body in self._seen if seen == name) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no {count}x {name} among {[s for s, _ in self._seen]}")
                self._lock.wait(left)

    def close(self) -> None:
        self._closed.set()
        self._thread.join(2)
        self._connection.close()


class Harness:
    """``sni_harness.py`` in its own process: commands in, its lines out (see its docstring)."""

    def __init__(self, env: dict[str, str]) -> None:
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            [sys.executable, str(HARNESS)],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        assert self.proc.stdout
        threading.Thread(target=self._read, args=(self.proc.stdout,), daemon=True).start()

    def _read(self, stream: Any) -> None:
        for line in stream:
            self.lines.put(line.rstrip("\n"))

    def expect(self, prefix: str, timeout: float = 10) -> str:
        """The next line starting with ``prefix``; lines before it are kept in ``seen``."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                break
            self.seen.append(line)
            if line.startswith(prefix):
                return line
        raise AssertionError(f"no line {prefix!r} in {timeout} s; got {self.seen}{self._err()}")

    def quiet(self, seconds: float = 0.5) -> list[str]:
        """Lines that arrive within ``seconds`` (to show that nothing happened)."""
        time.sleep(seconds)
        found = []
        while not self.lines.empty():
            found.append(self.lines.get())
        self.seen.extend(found)
        return found

    def command(self, text: str) -> None:
        assert self.proc.stdin
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()

    def wait(self, timeout: float = 5) -> int:
        return self.proc.wait(timeout)

    def _err(self) -> str:
        if self.proc.poll() is None or self.proc.stderr is None:
            return ""
        return "\nstderr: " + self.proc.stderr.read()[-2000:]

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(5)
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if stream:
                with contextlib.suppress(OSError):
                    stream.close()


@contextlib.contextmanager
def harness(env: dict[str, str]) -> Iterator[Harness]:
    process = Harness(env)
    try:
        yield process
    finally:
        process.close()


def wait_until(condition: Callable[[], bool], timeout: float = 5, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{what or condition} stayed false for {timeout} s"
        time.sleep(0.05)


class SniItem:
    """The harness's tray item, as a host sees it: its properties and its dbusmenu."""

    def __init__(self, connection: DBusConnection, bus_name: str) -> None:
        self.connection = connection
        self.bus_name = bus_name
        self.item = DBusAddress("/StatusNotifierItem", bus_name, "org.kde.StatusNotifierItem")
        self.menu = DBusAddress("/MenuBar", bus_name, "com.canonical.dbusmenu")

    def prop(self, name: str, address: DBusAddress | None = None) -> Any:
        address = address or self.item
        properties = DBusAddress(
            address.object_path, self.bus_name, "org.freedesktop.DBus.Properties"
        )
        (value,) = call(self.connection, properties, "Get", "ss", (address.interface, name))
        return value[1]

    def layout(self) -> tuple[int, MenuNode]:
        revision, root = call(self.connection, self.menu, "GetLayout", "iias", (0, -1, []))
        return revision, MenuNode.of(root)

    def find(self, *path: str) -> MenuNode:
        """The item labelled ``path[-1]`` under the submenus ``path[:-1]`` name."""
        node = self.layout()[1]
        for label in path:
            found = [child for child in node.children if child.label == label]
            assert found, f"no {label!r} among {[c.label for c in node.children]}"
            node = found[0]
        return node

    def click(self, item_id: int) -> None:
        call(self.connection, self.menu, "Event", "isvu", (item_id, "clicked", ("i", 0), 0))

    def activate(self) -> None:
        call(self.connection, self.item, "Activate", "ii", (0, 0))


class MenuNode:
    def __init__(self, item_id: int, props: dict[str, Any], children: list[MenuNode]) -> None:
        self.id = item_id
        self.props = props
        self.children = children

    @property
    def label(self) -> str:
        return str(self.props.get("label", ""))

    @classmethod
    def of(cls, layout: Any) -> MenuNode:
        item_id, props, children = layout
        values = {name: value for name, (_signature, value) in props.items()}
        return cls(item_id, values, [cls.of(child) for _signature, child in children])

    def labels(self) -> list[str]:
        return [child.label for child in self.children]

    def walk(self) -> Iterator[MenuNode]:
        for child in self.children:
            yield child
            yield from child.walk()


def registered_item(desktop: Desktop, connection: DBusConnection, timeout: float = 15) -> SniItem:
    """The one item the watcher knows, once it knows one (the app under test)."""
    found: list[str] = []

    def one() -> bool:
        with contextlib.suppress(RigError, OSError):
            found[:] = desktop.registered()
        return len(found) == 1

    wait_until(one, timeout, "one registered StatusNotifierItem")
    return SniItem(connection, found[0])


def label_starting(item: SniItem, prefix: str) -> str | None:
    """The first label anywhere in the item's menu that starts with ``prefix``."""
    return next((n.label for n in item.layout()[1].walk() if n.label.startswith(prefix)), None)
