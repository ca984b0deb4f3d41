"""Every notification path the app has, each on the service it talks to, for the contract.

A rig makes the app's own sender for its path and reads back what the service was given:
the Linux D-Bus sender on a real dbus-daemon with the scripted server of tests/e2e (which can
click a button, as only a server can);
desktop-notifier's adapter (macOS and Windows) on the library's own placeholder backend,
whose calls it records: the library's macOS and WinRT backends take the same ``Notification``
and report clicks through the same ``handle_clicked`` and ``handle_button``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest

from claude_beacon.desktop.notifier import Notice, OnAction, Send

CASES = ("show", "replace", "actions", "close", "failure")


@dataclass(frozen=True)
class Shown:
    """One notification as the service holds it."""

    ref: Any
    """The service's handle on it, for a click."""
    title: str
    body: str
    buttons: tuple[str, ...]


class Rig:
    name = ""
    lacks: dict[str, str] = {}  # noqa: RUF012  (a class-level table, never mutated)
    """Cases this path cannot pass, and why (printed as the skip reason)."""

    def sender(self, on_action: OnAction) -> Send:
        raise NotImplementedError

    def on_screen(self) -> list[Shown]:
        """What is showing now, oldest first, after replacements."""
        raise NotImplementedError

    def click(self, shown: Shown, action: str) -> None:
        raise NotImplementedError

    def break_service(self) -> None:
        raise NotImplementedError


class DBusRig(Rig):
    """The app's D-Bus sender, on a private bus where the scripted server owns the name."""

    name = "dbus"

    def __init__(self, address: str, monkeypatch: pytest.MonkeyPatch) -> None:
        from tests.e2e.fakenotify import FakeServer

        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
        self.server = FakeServer(address, ("actions", "body"))

    def sender(self, on_action: OnAction) -> Send:
        from claude_beacon.desktop.notifier import _dbus_sender

        return _dbus_sender(on_action)

    def on_screen(self) -> list[Shown]:
        showing: dict[int, Shown] = {}
        numbers = iter(range(41, 10_000))  # as the server numbers them
        for call in self.server.calls:
            number = call["replaces_id"] or next(numbers)
            labels = tuple(call["actions"][1::2])
            showing[number] = Shown(number, call["summary"], call["body"], labels)
        return list(showing.values())

    def click(self, shown: Shown, action: str) -> None:
        self.server.emit("ActionInvoked", "us", (shown.ref, action))

    def break_service(self) -> None:
        self.server.close()  # the name goes, and nothing on this bus can start it again

    def close(self) -> None:
        self.server.close()


class PlyerRig(Rig):
    """plyer: the Windows fallback when desktop-notifier cannot load."""

    name = "plyer"
    lacks = dict.fromkeys(
        CASES,
        "plyer is the Windows fallback (a balloon, no buttons, no replacement); its Windows "
        "call leaves nothing a test can read back, and Linux never uses it",
    )


class ButtonedRig(Rig):
    """desktop-notifier's adapter on the library's placeholder backend, calls recorded."""

    name = "desktop-notifier"

    def __init__(self) -> None:
        from desktop_notifier.backends.dummy import DummyNotificationCenter
        from desktop_notifier.common import Notification

        rig = self

        class Recorded(DummyNotificationCenter):
            async def _send(self, notification: Notification) -> None:
                if rig.refusing:
                    raise RuntimeError("the notification centre refused it")
                rig.sent.append(notification)

        self.refusing = False
        self.sent: list[Notification] = []
        self.backend = Recorded("claude-beacon")

    def sender(self, on_action: OnAction) -> Send:
        from claude_beacon.desktop.notify.buttoned import ButtonedSend

        return ButtonedSend(on_action, backend=self.backend, timeout=5)

    def on_screen(self) -> list[Shown]:
        # Notification centres and toasts replace the one with the same identifier (tag).
        showing = {
            n.identifier: Shown(n, n.title, n.message, tuple(b.title for b in n.buttons))
            for n in self.sent
        }
        return list(showing.values())

    def click(self, shown: Shown, action: str) -> None:
        if action == "default":
            self.backend.handle_clicked(shown.ref.identifier, shown.ref)
        else:
            self.backend.handle_button(shown.ref.identifier, action, shown.ref)

    def break_service(self) -> None:
        self.refusing = True

    def close(self) -> None:
        pass


class OsascriptRig(Rig):
    name = "osascript"
    lacks = dict.fromkeys(
        CASES,
        "osascript runs only on macOS and leaves nothing a test can read back "
        "(the macOS bundle's smoke test runs there)",
    )


@contextmanager
def rig_for(name: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Rig]:
    """The rig for the path ``name``, skipped with the reason when it cannot run here."""
    if name == "desktop-notifier":
        yield ButtonedRig()
        return
    if name in ("osascript", "plyer"):
        yield OsascriptRig() if name == "osascript" else PlyerRig()
        return
    from tests.e2e.desktop import RigError
    from tests.e2e.sni_rig import PrivateBus, require, unavailable

    if not sys.platform.startswith("linux"):
        pytest.skip(f"the {name} path is the Linux one")
    require("dbus-daemon")
    try:
        bus = PrivateBus().__enter__()
    except RigError as exc:
        unavailable(str(exc))
        raise
    rig = DBusRig(bus.address, monkeypatch)
    try:
        yield rig
    finally:
        rig.close()
        bus.close()


def notice(title: str, body: str, key: str = "") -> Notice:
    return Notice(title, body, key)
