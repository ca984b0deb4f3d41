"""Notification servers' side of the bus, for tests: a recorder and a scripted server.

``Recorder`` reads every ``Notify`` call as a bus monitor. ``FakeServer`` owns the notification
service's name and plays a server's part: it answers, or stays mute, and sends what only a
server can, ``ActionInvoked`` and ``NotificationClosed``.
"""

from __future__ import annotations

import itertools
import threading
from typing import Any

from jeepney import DBusAddress, HeaderFields, MessageType, new_method_return, new_signal
from jeepney.io.blocking import open_dbus_connection

from tests.e2e.desktop import BUS
from tests.e2e.sni_rig import call, wait_until

SERVICE = "org.freedesktop.Notifications"
EMITTER = DBusAddress("/org/freedesktop/Notifications", interface=SERVICE)
KEYS = ("app_name", "replaces_id", "app_icon", "summary", "body", "actions", "hints", "expire")


class Recorder:
    """Reads every ``Notify`` call on a bus as a monitor, from a thread."""

    def __init__(self, address: str) -> None:
        self.connection = open_dbus_connection(address)
        monitoring = DBusAddress(BUS.object_path, BUS.bus_name, "org.freedesktop.DBus.Monitoring")
        rule = f"type='method_call',interface='{SERVICE}',member='Notify'"
        call(self.connection, monitoring, "BecomeMonitor", "asu", ([rule], 0))
        self.calls: list[dict[str, Any]] = []
        self.closed = threading.Event()
        self._thread = threading.Thread(target=self._listen, daemon=True)
        self._thread.start()

    def _listen(self) -> None:
        while (message := _next(self.connection, self.closed)) is not None:
            if message.header.message_type is MessageType.method_call:
                record = dict(zip(KEYS, message.body, strict=True))
                record["hints"] = {k: v[1] for k, v in record["hints"].items()}
                self.calls.append(record)

    def close(self) -> None:
        self.closed.set()
        self._thread.join(2)
        self.connection.close()

    def wait_for(self, count: int) -> list[dict[str, Any]]:
        wait_until(lambda: len(self.calls) >= count, what=f"{count} Notify calls")
        return self.calls


class FakeServer:
    """Owns the notification service's name on a private bus and plays a server's part."""

    def __init__(self, address: str, capabilities: tuple[str, ...], mute: bool = False) -> None:
        self.capabilities = list(capabilities)
        self.mute = mute
        self.calls: list[dict[str, Any]] = []
        self.asked: list[str] = []
        self.answered: list[dict[str, Any]] = []
        self._ids = itertools.count(41)
        self._sending = threading.Lock()  # replies from the serving thread, signals from tests
        self.connection = open_dbus_connection(address)
        request = ("su", (SERVICE, 4))
        assert call(self.connection, BUS, "RequestName", *request) == (1,)
        self.closed = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while (message := _next(self.connection, self.closed)) is not None:
            if message.header.message_type is not MessageType.method_call:
                continue
            member = message.header.fields[HeaderFields.member]
            self.asked.append(member)
            if self.mute:
                continue
            if member == "GetCapabilities":
                self._send(new_method_return(message, "as", (self.capabilities,)))
            elif member == "Notify":
                record = dict(zip(KEYS, message.body, strict=True))
                self.calls.append(record)
                number = record["replaces_id"] or next(self._ids)
                self._send(new_method_return(message, "u", (number,)))
                # a signal a test sends for a bubble in ``answered`` follows its reply
                self.answered.append(record)

    def emit(self, name: str, signature: str, body: tuple[Any, ...]) -> None:
        self._send(new_signal(EMITTER, name, signature, body))

    def _send(self, message: Any) -> None:
        with self._sending:
            self.connection.send(message)

    def close(self) -> None:
        self.closed.set()
        self._thread.join(2)
        self.connection.close()


def _next(connection: Any, closed: threading.Event) -> Any:
    """The next message, or ``None`` once ``closed`` is set or the bus has gone."""
    while not closed.is_set():
        try:
            return connection.receive(timeout=0.1)
        except TimeoutError:
            continue
        except (OSError, ValueError):
            return None
    return None
