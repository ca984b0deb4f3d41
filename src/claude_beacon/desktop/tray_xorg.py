"""pystray's xorg (XEmbed, python-xlib) icon, made to carry any text, hear clicks and stay up.

pystray names the icon's window with ``WM_NAME``, which python-xlib writes as Latin-1: the first
tooltip (``checking…``) and any incident named in Japanese or with an emoji would raise
``UnicodeEncodeError``. Here ``WM_NAME`` gets a Latin-1 rendering of the text and
``_NET_WM_NAME``, which tray hosts and window tools prefer, the full text in UTF-8.

pystray runs every change on its X thread by having the caller send a message through the X
thread's own connection. python-xlib can then leave the X thread waiting forever for a reply (a
thread that stops sending early wakes no waiter): the icon froze at start or at a later change.
Here only the X thread uses its connection; other threads queue the change and wake it through
a connection of their own. A change of image only redraws: pystray asked the tray to dock the
window anew on each one, and after a few trayer left the icon one pixel wide. And the icon docks
again when a tray announces itself, so that it comes back after a panel restarts.

Imported only once the xorg backend has been chosen: importing pystray connects to the display.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
from collections.abc import Callable
from typing import Any

import Xlib.display
import Xlib.X
from pystray import _xorg

from claude_beacon.desktop.tray import latin1

log = logging.getLogger(__name__)

ANSWER_TIMEOUT = 10.0
"""How long a change waits for the X thread before it gives up (the loop has ended)."""

_Call = tuple[Callable[[], None], "queue.SimpleQueue[BaseException | None]"]


class Icon(_xorg.Icon):  # type: ignore[misc]
    """The xorg icon whose title is any text, and whose window listens for button presses."""

    def __init__(self, name: str, icon: Any = None, title: str = "", menu: Any = None) -> None:
        self._calls: queue.SimpleQueue[_Call] = queue.SimpleQueue()
        self._waking = threading.Lock()
        self._wake_display: Any = None
        self._x_thread: threading.Thread | None = None
        self._ended = False
        super().__init__(name, icon, latin1(title), menu)
        self.title = title  # not shown yet, so only remembered; the window is named below
        _name(self._window, title)
        # pystray 0.19.5 selects no ButtonPressMask, so clicks would never arrive.
        self._window.change_attributes(
            event_mask=Xlib.X.ExposureMask | Xlib.X.StructureNotifyMask | Xlib.X.ButtonPressMask
        )
        # A tray that starts (again: a panel restarted) says so on the root window (MANAGER).
        self._manager_atom = self._display.intern_atom("MANAGER")
        self._display.screen().root.change_attributes(event_mask=Xlib.X.StructureNotifyMask)
        self._display.flush()

    def __del__(self) -> None:
        # pystray closes the connection here; the X server may be gone by then (end of session).
        with contextlib.suppress(Exception):
            super().__del__()

    def _rewrite_implementation(self, *methods: Callable[[], None]) -> None:
        """Make each of ``methods`` run on the X thread, whichever thread calls it."""
        self._wake_atom = self._display.intern_atom("_CLAUDE_BEACON_WAKE")
        for method in methods:
            setattr(self, method.__name__, self._on_x_thread(method))
        self._message_handlers[Xlib.X.ClientMessage] = self._on_client_message

    def _on_x_thread(self, method: Callable[[], None]) -> Callable[[], None]:
        def call() -> None:
            if self._ended:
                return  # the icon is gone with its window; nothing is left to change
            if self._x_thread is None or self._x_thread is threading.current_thread():
                method()  # before the loop runs, or on the X thread itself
                return
            answer: queue.SimpleQueue[BaseException | None] = queue.SimpleQueue()
            self._calls.put((method, answer))
            self._wake()
            try:
                error = answer.get(timeout=ANSWER_TIMEOUT)
            except queue.Empty:
                raise RuntimeError("the tray's X thread did not answer") from None
            if error is not None:
                raise error

        return call

    def _wake(self) -> None:
        """Send the X thread a message through this process's other connection."""
        with self._waking:
            if self._wake_display is None:
                self._wake_display = Xlib.display.Display(self._display.get_display_name())
            window = self._wake_display.create_resource_object("window", self._window.id)
            event = Xlib.display.event.ClientMessage(
                type=Xlib.X.ClientMessage,
                window=window.id,
                client_type=self._wake_atom,
                data=(32, (Xlib.X.CurrentTime, 0, 0, 0, 0)),
            )
            window.send_event(event, event_mask=Xlib.X.NoEventMask)
            self._wake_display.flush()

    def _on_client_message(self, event: Any) -> None:
        if event.client_type == self._manager_atom:
            if event.data[1][1] == self._net_system_tray_sx:  # a new tray for this screen
                self._systray_manager = None
                self._dock_once()
            return
        if event.client_type != self._wake_atom:
            return
        while True:
            try:
                method, answer = self._calls.get_nowait()
            except queue.Empty:
                return
            try:
                method()
            except BaseException as exc:  # the caller raises it on its own thread
                answer.put(exc)
            else:
                answer.put(None)

    def _run(self) -> None:
        # pystray starts the setup thread (which shows the icon) before it records which is the
        # X thread; the record comes first here.
        self._x_thread = self._thread = threading.current_thread()
        self._mark_ready()
        try:
            self._mainloop()
        finally:
            self._ended = True
            with self._waking:
                if self._wake_display is not None:
                    self._wake_display.close()
                    self._wake_display = None
            self._answer_the_left_behind()

    def _answer_the_left_behind(self) -> None:
        """Changes queued as the loop ended are answered, so no caller waits in vain."""
        while True:
            try:
                _method, answer = self._calls.get_nowait()
            except queue.Empty:
                return
            answer.put(RuntimeError("the tray has stopped"))

    def _show(self) -> None:
        self._dock_once()

    def _update_icon(self) -> None:
        """Redraw the icon; dock it only if no tray holds it yet."""
        if self._systray_manager is None and not self._dock_once():
            return
        self._icon_data = None
        self._draw()
        self._icon_valid = True

    def _dock_once(self) -> bool:
        if self._systray_manager is not None:
            return True
        try:
            self._assert_docked()
        except AssertionError:
            log.warning("no XEmbed tray took the icon; it is docked with its next change")
            return False
        return True

    def _on_destroy_notify(self, event: Any) -> None:
        """The tray went away: dock in the next one, now or when it announces itself."""
        if self._systray_manager is None or event.window.id != self._systray_manager.id:
            return  # (pystray read the tray's id even when none held the icon, ending the loop)
        self._systray_manager = None
        self._dock_once()

    def _update_title(self) -> None:
        _name(self._window, self.title)


def _name(window: Any, title: str) -> None:
    display = window.display
    window.set_wm_name(latin1(title))
    window.change_text_property(
        display.get_atom("_NET_WM_NAME"), display.get_atom("UTF8_STRING"), title
    )
