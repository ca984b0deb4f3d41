"""Notifications over D-Bus with jeepney: against real dunst, and against a scripted server.

What the server receives is read on the bus itself (a monitor, or the fake server's own
record), never from the sender's return value. The fake server can also do what only a server
can: send ``ActionInvoked`` and ``NotificationClosed``, or never answer at all.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from claude_beacon.core.model import Level
from claude_beacon.desktop.dbusnotify import DEFAULT_ACTIONS, DBusNotifier, NotifyError
from tests.e2e.desktop import RigError
from tests.e2e.fakenotify import FakeServer, Recorder
from tests.e2e.sni_rig import PrivateBus, SniDesktop, require, unavailable, wait_until

BUTTONS = ["default", "Open guide", "snooze", "Snooze 1 hour"]
assert [part for pair in DEFAULT_ACTIONS for part in pair] == BUTTONS


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
    server = FakeServer(bus.address, ("actions", "body"))
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
    server = FakeServer(bus.address, ("body",))
    notifier = DBusNotifier(address=bus.address)
    try:
        notifier("Claude: resolved", "All good")
        assert server.calls[0]["actions"] == []
    finally:
        notifier.close()
        server.close()


def test_a_server_that_never_answers_costs_at_most_the_timeout(bus: PrivateBus) -> None:
    server = FakeServer(bus.address, (), mute=True)
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
