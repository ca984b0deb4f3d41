"""One connection to the D-Bus session bus in pure Python (jeepney), for tray and notifications.

A ``Link`` owns a receive thread that dispatches everything arriving: replies go to whoever is
waiting for them, method calls to the object handler, signals to the signal handler. Sending is
safe from any thread. Every wait has a deadline, so a hung bus or peer never blocks a caller for
longer than the timeout it passed: connecting, saying Hello and each call are all bounded.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Any

from jeepney import (
    DBusAddress,
    HeaderFields,
    Message,
    MessageFlag,
    MessageType,
    new_error,
    new_method_call,
)
from jeepney.bus import get_bus
from jeepney.io.blocking import prep_socket
from jeepney.io.threading import (
    DBusConnection,
    ReceiveStopped,
)

from claude_beacon.core.text import why

log = logging.getLogger(__name__)

TIMEOUT = 3.0
"""Seconds any single exchange with the bus or a peer may take."""
BUS = DBusAddress("/org/freedesktop/DBus", "org.freedesktop.DBus", "org.freedesktop.DBus")
PROPERTIES = "org.freedesktop.DBus.Properties"
INTROSPECTABLE = "org.freedesktop.DBus.Introspectable"
PEER = "org.freedesktop.DBus.Peer"
UNKNOWN_METHOD = "org.freedesktop.DBus.Error.UnknownMethod"
INVALID_ARGS = "org.freedesktop.DBus.Error.InvalidArgs"
FAILED = "org.freedesktop.DBus.Error.Failed"

Handler = Callable[[Message], Message | None]


class BusError(Exception):
    """The session bus cannot be reached, or a call over it failed; the message says which."""


def session_address() -> str:
    """The session bus address: the environment's, else systemd's per-user socket."""
    address = os.environ.get("DBUS_SESSION_BUS_ADDRESS", "").strip()
    if address:
        return address
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    if runtime and (Path(runtime) / "bus").exists():
        return f"unix:path={Path(runtime) / 'bus'}"
    raise BusError("no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)")


def connect(address: str | None = None, timeout: float = TIMEOUT) -> DBusConnection:
    """A thread-safe connection, authenticated and named, or ``BusError`` within ``timeout``."""
    address = address or session_address()
    try:
        sock = prep_socket(get_bus(address), timeout=timeout)
    except (OSError, RuntimeError, ValueError, KeyError, StopIteration) as exc:
        raise BusError(f"cannot connect to the D-Bus session bus at {address}: {why(exc)}") from exc
    connection = DBusConnection(sock)
    try:
        hello = new_method_call(BUS, "Hello")
        serial = next(connection.outgoing_serial)
        connection.send(hello, serial=serial)
        reply = _await_reply(connection, serial, timeout)
        connection.unique_name = reply.body[0]
    except (OSError, TimeoutError, ReceiveStopped) as exc:
        connection.close()
        raise BusError(f"the D-Bus session bus at {address} did not answer: {why(exc)}") from exc
    return connection


def _await_reply(connection: DBusConnection, serial: int, timeout: float) -> Message:
    """Read until the reply to ``serial``; only used before the receive thread runs."""
    deadline = time.monotonic() + timeout
    while True:
        message = connection.receive(timeout=max(0.0, deadline - time.monotonic()))
        if message.header.fields.get(HeaderFields.reply_serial) == serial:
            if message.header.message_type is MessageType.error:
                raise BusError(error_text(message))
            return message


def error_text(message: Message) -> str:
    name = message.header.fields.get(HeaderFields.error_name, "error")
    detail = message.body[0] if message.body and isinstance(message.body[0], str) else ""
    return f"{name}: {detail}" if detail else str(name)


def member(message: Message) -> tuple[str, str, str]:
    """(path, interface, member) of a call or signal."""
    fields = message.header.fields
    return (
        fields.get(HeaderFields.path, ""),
        fields.get(HeaderFields.interface, ""),
        fields.get(HeaderFields.member, ""),
    )


def sender(message: Message) -> str:
    return str(message.header.fields.get(HeaderFields.sender, ""))


def unknown_method(call: Message) -> Message:
    path, interface, name = member(call)
    return new_error(call, UNKNOWN_METHOD, "s", (f"no method {interface}.{name} on {path}",))


class Link:
    """A connection with a receive thread; see the module's docstring."""

    def __init__(
        self,
        connection: DBusConnection,
        *,
        on_call: Handler | None = None,
        on_signal: Callable[[Message], None] | None = None,
        on_lost: Callable[[BaseException], None] | None = None,
        name: str = "beacon-dbus",
    ) -> None:
        self.connection = connection
        self._on_call = on_call
        self._on_signal = on_signal
        self._on_lost = on_lost
        self._pending: dict[int, Future[Message]] = {}
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._receive, name=name, daemon=True)

    @property
    def unique_name(self) -> str:
        return str(self.connection.unique_name)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive() and not self._closed.is_set()

    def start(self) -> Link:
        self._thread.start()
        return self

    def send(self, message: Message) -> None:
        """Send without waiting; from any thread."""
        try:
            self.connection.send(message)
        except (OSError, ValueError) as exc:
            if not self._closed.is_set():
                log.debug("could not send on the session bus: %s", exc)

    def call(self, message: Message, timeout: float = TIMEOUT) -> tuple[Any, ...]:
        """Call a method and return its reply's body; ``BusError`` on an error or timeout.

        Never from the receive thread (its reply could not arrive): use ``call_later`` there.
        """
        if threading.current_thread() is self._thread:
            raise RuntimeError("a blocking D-Bus call from the receive thread would deadlock")
        future = self._submit(message)
        try:
            reply = future.result(timeout)
        except FutureTimeout:
            raise BusError(f"no answer to {member(message)[2]} within {timeout} s") from None
        finally:
            self._forget(future)
        if reply.header.message_type is MessageType.error:
            raise BusError(error_text(reply))
        return tuple(reply.body)

    def call_later(self, message: Message, done: Callable[[Message], None] | None = None) -> None:
        """Call a method without waiting; ``done`` gets the reply on the receive thread."""
        future = self._submit(message)
        if done is None:
            return

        def finished(f: Future[Message]) -> None:
            self._forget(f)
            if f.exception() is None:
                done(f.result())

        future.add_done_callback(finished)

    def add_match(self, rule: str, timeout: float = TIMEOUT) -> None:
        self.call(new_method_call(BUS, "AddMatch", "s", (rule,)), timeout)

    def close(self) -> None:
        """Stop receiving and close the connection; waiting callers fail at once."""
        if self._closed.is_set():
            return
        self._closed.set()
        self.connection.close()  # interrupts the receive thread
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(1.0)
        self._fail_pending(BusError("the D-Bus connection was closed"))

    def _submit(self, message: Message) -> Future[Message]:
        future: Future[Message] = Future()
        if not self.alive:
            future.set_exception(BusError("the D-Bus connection is closed"))
            return future
        serial = next(self.connection.outgoing_serial)
        future.serial = serial  # type: ignore[attr-defined]
        with self._lock:
            self._pending[serial] = future
        try:
            self.connection.send(message, serial=serial)
        except (OSError, ValueError) as exc:
            self._forget(future)
            future.set_exception(BusError(f"cannot send on the session bus: {why(exc)}"))
        return future

    def _forget(self, future: Future[Message]) -> None:
        with self._lock:
            self._pending.pop(getattr(future, "serial", -1), None)

    def _fail_pending(self, exc: BaseException) -> None:
        with self._lock:
            pending, self._pending = self._pending, {}
        for future in pending.values():
            if not future.done():
                future.set_exception(exc)

    def _receive(self) -> None:
        try:
            while True:
                self._dispatch(self.connection.receive())
        except ReceiveStopped:
            pass
        except (OSError, ValueError) as exc:
            if not self._closed.is_set():
                log.warning("lost the D-Bus session bus: %s", exc)
                self._closed.set()
                self.connection.close()
                self._fail_pending(BusError(f"lost the D-Bus session bus: {why(exc)}"))
                if self._on_lost:
                    self._on_lost(exc)
        finally:
            self._fail_pending(BusError("the D-Bus connection was closed"))

    def _dispatch(self, message: Message) -> None:
        kind = message.header.message_type
        if kind in (MessageType.method_return, MessageType.error):
            serial = message.header.fields.get(HeaderFields.reply_serial)
            with self._lock:
                future = self._pending.pop(serial, None)
            if future is not None and not future.done():
                future.set_result(message)
        elif kind is MessageType.method_call:
            self._answer(message)
        elif kind is MessageType.signal and self._on_signal:
            try:
                self._on_signal(message)
            except Exception:
                log.exception("a D-Bus signal handler failed")

    def _answer(self, call: Message) -> None:
        try:
            reply = self._on_call(call) if self._on_call else unknown_method(call)
        except Exception as exc:
            log.exception("a D-Bus method handler failed")
            reply = new_error(call, FAILED, "s", (why(exc),))
        if reply is not None and not call.header.flags & MessageFlag.no_reply_expected:
            self.send(reply)
