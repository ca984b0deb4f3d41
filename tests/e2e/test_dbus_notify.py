"""Notifications over D-Bus with jeepney: against real dunst, and against a scripted server.

What the server receives is read on the bus itself (a monitor, or the fake server's own
record), never from the sender's return value. The fake server can also do what only a server
can: send ``ActionInvoked`` and ``NotificationClosed``, or never answer at all.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from jeepney import DBusAddress, HeaderFields, MessageType, new_method_return, new_signal
from jeepney.io.blocking import open_dbus_connection

from claude_beacon.core.model import Level
from claude_beacon.desktop.dbusnotify import DEFAULT_ACTIONS, DBusNotifier, NotifyError
from tests.e2e.desktop import BUS, RigError
from tests.e2e.sni_rig import PrivateBus, SniDesktop, call, require, unavailable, wait_until

SERVICE = "org.freedesktop.Notifications"
EMITTER = DBusAddress("/org/freedesktop/Notifications", interface=SERVICE)
KEYS = ("app_name", "replaces_id", "app_icon", "summary", "body", "actions", "hints", "expire")
BUTTONS = ["default", "Open guide", "snooze", "Snooze 1 hour"]
assert [part for pair in DEFAULT_ACTIONS for part in pair] == BUTTONS


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

    def __init__(self, bus: PrivateBus, capabilities: tuple[str, ...], mute: bool = False) -> None:
        self.capabilities = list(capabilities)
        self.mute = mute
        self.calls: list[dict[str, Any]] = []
        self.asked: list[str] = []
        self._ids = itertools.count(41)
        self._sending = threading.Lock()  # replies from the serving thread, signals from tests
        self.connection = open_dbus_connection(bus.address)
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


@pytest.fixture
def bus() -> Iterator[PrivateBus]:
    require("dbus-daemon")
    try:
        with PrivateBus() as private:
            yield private
    except RigError as exc:
        unavailable(str(exc))


@pytest.fixture
def dunst() -> Iterator[str]:
    """A desktop with dunst, the notification server most tiling setups use; its bus address."""
    require("Xvfb", "dbus-daemon", "dunst")
    rig = SniDesktop(notification_daemon=True, sni_host=False)
    try:
        rig.__enter__()
    except RigError as exc:
        unavailable(str(exc))
        raise
    try:
        yield rig.env["DBUS_SESSION_BUS_ADDRESS"]
    finally:
        rig.close()


def test_real_dunst_gets_escaped_markup_buttons_and_one_bubble_per_incident(dunst: str) -> None:
    recorder = Recorder(dunst)
    notifier = DBusNotifier(address=dunst)
    try:
        assert {"body-markup", "actions"} <= notifier.capabilities  # what dunst 1.9 says
        first = notifier.send(
            "Claude: new incident", '<b>x</b> & "q"', key="inc1", level=Level.MAJOR_OUTAGE
        )
        second = notifier.send("Claude: incident update", "Fixed <soon>", key="inc1")
        other = notifier.send("Claude: maintenance", "Tonight", key="m1", level=Level.MAINTENANCE)
        notifier("claude-beacon: troubleshooting guide", "Open /tmp/guide.html")
        calls = recorder.wait_for(4)
        assert calls[0]["body"] == "&lt;b&gt;x&lt;/b&gt; &amp; &quot;q&quot;"
        assert calls[0]["summary"] == "Claude: new incident"  # the summary is never markup
        assert (calls[0]["app_name"], calls[0]["expire"]) == ("claude-beacon", 10_000)
        assert calls[0]["actions"] == BUTTONS
        assert [c["hints"]["urgency"] for c in calls] == [2, 1, 0, 1]
        assert [c["replaces_id"] for c in calls] == [0, first, 0, 0]
        assert second == first and other != first  # dunst replaced the first bubble
    finally:
        notifier.close()
        recorder.close()


def test_a_click_on_a_button_reaches_the_app_on_a_worker_thread(bus: PrivateBus) -> None:
    server = FakeServer(bus, ("actions", "body"))
    got: list[tuple[str, str | None, str]] = []
    closed: list[tuple[str | None, int]] = []
    notifier = DBusNotifier(
        lambda action, key: got.append((action, key, threading.current_thread().name)),
        on_closed=lambda key, reason: closed.append((key, reason)),
        address=bus.address,
    )
    try:
        number = notifier.send("Claude: new incident", "<b>x</b>", key="inc1")
        (sent,) = server.calls
        assert sent["body"] == "<b>x</b>"  # no body-markup: the text goes as it is
        assert sent["actions"] == BUTTONS

        server.emit("ActionInvoked", "us", (number + 100, "default"))  # someone else's
        server.emit("ActionInvoked", "us", (number, "snooze"))
        wait_until(lambda: len(got) == 1, what="the action")
        assert got == [("snooze", "inc1", "beacon-notify-actions")]

        server.emit("NotificationClosed", "uu", (number, 2))
        wait_until(lambda: closed == [("inc1", 2)], what="the closing")
        notifier.send("Claude: incident update", "later", key="inc1")
        assert server.calls[1]["replaces_id"] == 0  # that bubble is gone: a new one
        assert server.asked.count("GetCapabilities") == 1
    finally:
        notifier.close()
        server.close()


def test_no_buttons_where_the_server_has_no_actions(bus: PrivateBus) -> None:
    server = FakeServer(bus, ("body",))
    notifier = DBusNotifier(address=bus.address)
    try:
        notifier("Claude: resolved", "All good")
        assert server.calls[0]["actions"] == []
    finally:
        notifier.close()
        server.close()


def test_a_server_that_never_answers_costs_at_most_the_timeout(bus: PrivateBus) -> None:
    server = FakeServer(bus, (), mute=True)
    notifier = DBusNotifier(address=bus.address, timeout=1.0)
    started = time.monotonic()
    with pytest.raises(NotifyError, match=r"no answer to GetCapabilities within 1\.0 s"):
        notifier("Claude: new incident", "body")
    assert time.monotonic() - started < 2.0
    notifier.close()
    server.close()


def test_no_server_and_no_bus_are_clear_errors(bus: PrivateBus) -> None:
    notifier = DBusNotifier(address=bus.address)
    with pytest.raises(NotifyError, match="no notification service is running"):
        notifier("title", "body")
    notifier.close()
    with pytest.raises(NotifyError, match="cannot connect to the D-Bus session bus"):
        DBusNotifier(address="unix:path=/nonexistent/bus")("title", "body")
