"""Notifications with buttons on macOS and Windows, through ``desktop-notifier``.

It speaks UNUserNotificationCenter on macOS and WinRT toasts on Windows: the same "Open guide"
and "Snooze 1 hour" the Linux bubbles carry, one notification per incident that its next update
replaces (the same identifier), and an urgency from the level. Its calls are coroutines; they
run on an event loop of this module's own, on a thread of its own, so a click can come back
while the tray owns the main thread. Where the library cannot load, or can only pretend (a
macOS Python that is not an app bundle gets its dummy backend), ``platform_or`` hands back the
fallback it was given: osascript on macOS, plyer on Windows.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import threading
import uuid
from functools import partial
from typing import TYPE_CHECKING

from claude_beacon.core.model import Level

if TYPE_CHECKING:
    from desktop_notifier.backends.base import DesktopNotifierBackend
    from desktop_notifier.common import Urgency

    from claude_beacon.desktop.notifier import Notice, OnAction, Send

log = logging.getLogger(__name__)
APP_NAME = "claude-beacon"
BUTTONS: tuple[tuple[str, str], ...] = (("default", "Open guide"), ("snooze", "Snooze 1 hour"))
"""(action, label), as on Linux; ``default`` is also what a click on the notification does."""
TIMEOUT = 10.0
"""Seconds a notification may take to be handed over before the sink hears it failed."""


class UnavailableError(Exception):
    """desktop-notifier cannot notify here; the message says why."""


class NotDeliveredError(Exception):
    """The notification service did not take the notification."""


def platform_backend() -> DesktopNotifierBackend:
    """The library's backend for this system, or ``UnavailableError`` with the reason."""
    try:
        from desktop_notifier.backends.dummy import DummyNotificationCenter
        from desktop_notifier.main import get_backend_class
    except ImportError as exc:
        raise UnavailableError(f"desktop-notifier is not installed ({exc})") from exc
    try:
        backend = get_backend_class()
    except Exception as exc:  # a missing winrt or rubicon part, an odd platform version
        raise UnavailableError(f"desktop-notifier cannot load here ({exc})") from exc
    if issubclass(backend, DummyNotificationCenter):
        # Its placeholder shows nothing: macOS outside an app bundle, too old a Windows.
        raise UnavailableError("desktop-notifier has no notification service here")
    return backend(APP_NAME)


class ButtonedSend:
    """A ``Send`` over a desktop-notifier backend; ``on_action`` gets ``(action, key)``."""

    def __init__(
        self,
        on_action: OnAction | None = None,
        backend: DesktopNotifierBackend | None = None,
        timeout: float = TIMEOUT,
    ) -> None:
        self.backend = backend if backend is not None else platform_backend()
        self.on_action = on_action
        self.timeout = timeout
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread()
        self._started = threading.Lock()

    def _running_loop(self) -> asyncio.AbstractEventLoop:
        """The loop, started on first use and again after ``close``."""
        with self._started:
            if not self._thread.is_alive():
                if self._loop.is_closed():
                    self._loop = asyncio.new_event_loop()
                self._thread = threading.Thread(
                    target=self._loop.run_forever, name="desktop-notifier", daemon=True
                )
                self._thread.start()
        return self._loop

    def __call__(self, notice: Notice) -> None:
        from desktop_notifier.common import Button, Notification

        key = notice.key or None
        buttons = tuple(
            Button(label, on_pressed=partial(self._act, action, key), identifier=action)
            for action, label in BUTTONS
        )
        dispatched = threading.Event()
        notification = Notification(
            notice.title,
            notice.body,
            urgency=urgency(Level.MAINTENANCE if notice.quiet else notice.level),
            buttons=buttons,
            on_clicked=partial(self._act, "default", key),
            on_dispatched=dispatched.set,
            timeout=int(self.timeout),
            identifier=identifier(notice.key) if notice.key else str(uuid.uuid4()),
        )
        loop = self._running_loop()
        future = asyncio.run_coroutine_threadsafe(self.backend.send(notification), loop)
        future.result(self.timeout)
        if not dispatched.is_set():  # the library logs the cause and returns
            raise NotDeliveredError("the notification service did not take it (see the log)")

    def close(self) -> None:
        """Stop the event loop; the sink calls this when it stops."""
        with self._started:
            if self._thread.is_alive():
                self._loop.call_soon_threadsafe(self._loop.stop)
                self._thread.join(self.timeout)
            if not self._thread.is_alive():
                self._loop.close()

    def _act(self, action: str, key: str | None) -> None:
        if self.on_action is None:
            return
        try:
            self.on_action(action, key)
        except Exception:  # a click must never take the notification service's thread down
            log.exception("the notification's %s action failed", action)


def identifier(key: str) -> str:
    """The notification's identifier for an incident's key: the same key, the same
    identifier, so that an update replaces the notification (a toast's tag is at most 64
    characters, and the key holds text from the network)."""
    return "claude-beacon-" + hashlib.sha256(key.encode()).hexdigest()[:32]


def urgency(level: Level) -> Urgency:
    from desktop_notifier.common import Urgency

    if level is Level.MAJOR_OUTAGE:
        return Urgency.Critical
    if level is Level.MAINTENANCE:
        return Urgency.Low
    return Urgency.Normal


def platform_or(fallback: Send, on_action: OnAction | None = None) -> Send:
    """desktop-notifier's sender where it can notify, else ``fallback``."""
    try:
        return ButtonedSend(on_action)
    except UnavailableError as exc:
        log.info("notifications without buttons: %s", exc)
        return fallback
