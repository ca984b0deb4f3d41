"""Desktop notifications over ``org.freedesktop.Notifications`` in pure Python (jeepney).

Richer than ``notify-send``: buttons ("Open guide", "Snooze 1 hour") where the server has
actions, the body escaped where the server reads markup, an urgency from the health level, and
one bubble per incident that is replaced as the incident moves on instead of piling up. Clicks
and closings come back as signals and are handed to callbacks on a worker thread of their own.
Every exchange is bounded: a hung server costs a caller at most ``timeout`` seconds, then an
exception, as the app's other senders raise.
"""

from __future__ import annotations

import html
import logging
import queue
import threading
from collections.abc import Callable, Sequence
from typing import Any

from jeepney import DBusAddress, Message, new_method_call

from claude_beacon.core.model import Level
from claude_beacon.desktop import dbuslink

log = logging.getLogger(__name__)
APP_NAME = "claude-beacon"
SERVICE = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"
ADDRESS = DBusAddress(PATH, SERVICE, SERVICE)
DEFAULT_ACTIONS: tuple[tuple[str, str], ...] = (
    ("default", "Open guide"),
    ("snooze", "Snooze 1 hour"),
)
"""(action key, button label); ``default`` is what clicking the bubble itself does."""
EXPIRE_MS = 10_000
LOW, NORMAL, CRITICAL = 0, 1, 2
CLOSED_REASONS = {1: "expired", 2: "dismissed", 3: "closed by call", 4: "undefined"}

OnAction = Callable[[str, str | None], None]
"""Called with the action's key and the notification's key (``None`` when it had none)."""
OnClosed = Callable[[str | None, int], None]
"""Called with the notification's key and the reason (see ``CLOSED_REASONS``)."""


class NotifyError(Exception):
    """A notification could not be shown; the message says why."""


def urgency(level: Level | None) -> int:
    """Critical for a major outage, low for maintenance, normal for everything else."""
    if level is Level.MAJOR_OUTAGE:
        return CRITICAL
    if level is Level.MAINTENANCE:
        return LOW
    return NORMAL


class DBusNotifier:
    """Sends notifications; callable as ``(title, body)``, the app's ``Send``.

    Connects on first use, and again after losing the bus. ``on_action`` and ``on_closed`` run
    on a worker thread, never on the bus's receive thread, so they may take their time.
    """

    def __init__(
        self,
        on_action: OnAction | None = None,
        *,
        on_closed: OnClosed | None = None,
        actions: Sequence[tuple[str, str]] = DEFAULT_ACTIONS,
        app_name: str = APP_NAME,
        app_icon: str = "",
        expire_ms: int = EXPIRE_MS,
        timeout: float = dbuslink.TIMEOUT,
        address: str | None = None,
    ) -> None:
        self.on_action = on_action
        self.on_closed = on_closed
        self.actions = tuple(actions)
        self.app_name = app_name
        self.app_icon = app_icon
        self.expire_ms = expire_ms
        self.timeout = timeout
        self._address = address
        self._link: dbuslink.Link | None = None
        self._capabilities: frozenset[str] | None = None
        self._connecting = threading.Lock()
        """Held across calls on the bus: never taken on the receive thread."""
        self._state = threading.Lock()
        """Guards the id maps, which the receive thread reads; never held across a call."""
        self._by_key: dict[str, int] = {}
        self._keys: dict[int, str | None] = {}
        self._callbacks: queue.Queue[Callable[[], None]] = queue.Queue()
        self._worker: threading.Thread | None = None

    def __call__(self, title: str, body: str) -> None:
        self.send(title, body)

    def send(
        self, title: str, body: str, *, key: str | None = None, level: Level | None = None
    ) -> int:
        """Show a notification and return its id; one with the same ``key`` as an earlier one
        replaces it. Raises ``NotifyError`` when there is no bus, no server or no answer."""
        with self._connecting:
            link = self._connected()
            capabilities = self._capabilities_of(link)
            if "body-markup" in capabilities:
                body = html.escape(body, quote=True)
            actions = [part for pair in self.actions for part in pair]
            with self._state:
                replaces = self._by_key.get(key, 0) if key is not None else 0
            hints = {"urgency": ("y", urgency(level)), "desktop-entry": ("s", APP_NAME)}
            args = (
                self.app_name,
                replaces,
                self.app_icon,
                title,
                body,
                actions if "actions" in capabilities else [],
                hints,
                self.expire_ms,
            )
            reply = self._call(link, new_method_call(ADDRESS, "Notify", "susssasa{sv}i", args))
        notification = int(reply[0])
        with self._state:
            if key is not None:
                self._by_key[key] = notification
            self._keys[notification] = key
        return notification

    @property
    def capabilities(self) -> frozenset[str]:
        """What the server supports (``GetCapabilities``), asked once per server."""
        with self._connecting:
            return self._capabilities_of(self._connected())

    def close(self) -> None:
        with self._connecting:
            if self._link is not None:
                self._link.close()
                self._link = None

    def _connected(self) -> dbuslink.Link:
        if self._link is not None and self._link.alive:
            return self._link
        try:
            connection = dbuslink.connect(self._address, self.timeout)
        except dbuslink.BusError as exc:
            raise NotifyError(f"notifications unavailable: {exc}") from exc
        link = dbuslink.Link(connection, on_signal=self._signal, name="beacon-notify-bus").start()
        rules = (
            f"type='signal',sender='{SERVICE}',interface='{SERVICE}',path='{PATH}'",
            "type='signal',sender='org.freedesktop.DBus',interface='org.freedesktop.DBus',"
            f"member='NameOwnerChanged',arg0='{SERVICE}'",
        )
        try:
            for rule in rules:
                link.add_match(rule, self.timeout)
        except dbuslink.BusError as exc:
            link.close()
            raise NotifyError(f"notifications unavailable: {exc}") from exc
        self._link, self._capabilities = link, None
        self._forget_all()
        return link

    def _capabilities_of(self, link: dbuslink.Link) -> frozenset[str]:
        if self._capabilities is None:
            reply = self._call(link, new_method_call(ADDRESS, "GetCapabilities"))
            self._capabilities = frozenset(reply[0])
            log.debug("notification server capabilities: %s", sorted(self._capabilities))
        return self._capabilities

    def _call(self, link: dbuslink.Link, message: Message) -> tuple[Any, ...]:
        try:
            return link.call(message, self.timeout)
        except dbuslink.BusError as exc:
            text = str(exc)
            if "ServiceUnknown" in text or "NameHasNoOwner" in text:
                text = f"no notification service is running ({SERVICE} is not on the bus)"
            raise NotifyError(f"notifications unavailable: {text}") from exc

    def _forget_all(self) -> None:
        with self._state:
            self._by_key.clear()
            self._keys.clear()

    # The receive thread's side -----------------------------------------------------------

    def _signal(self, message: Message) -> None:
        name = dbuslink.member(message)[2]
        if name == "NameOwnerChanged":
            # A new server: its capabilities may differ and our ids mean nothing to it.
            self._capabilities = None
            self._forget_all()
        elif name == "ActionInvoked":
            notification, action = message.body
            with self._state:
                if notification not in self._keys:
                    return  # another application's notification
                key = self._keys[notification]
            if self.on_action is not None:
                self._later(self.on_action, action, key)
        elif name == "NotificationClosed":
            notification, reason = message.body
            with self._state:
                if notification not in self._keys:
                    return
                key = self._keys.pop(notification)
                if key is not None and self._by_key.get(key) == notification:
                    del self._by_key[key]
            if self.on_closed is not None:
                self._later(self.on_closed, key, reason)

    def _later(self, callback: Callable[..., None], *args: Any) -> None:
        self._callbacks.put(lambda: callback(*args))
        if self._worker is None:
            self._worker = threading.Thread(target=self._work, name="beacon-notify-actions")
            self._worker.daemon = True
            self._worker.start()

    def _work(self) -> None:
        while True:
            task = self._callbacks.get()
            try:
                task()
            except Exception:
                log.exception("a notification callback failed")
