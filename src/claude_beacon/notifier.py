"""Desktop notifications, sent from a worker thread so that a slow service never blocks.

plyer can block for 25–75 s on a broken D-Bus: the tray and the poller only ever enqueue.
Bursts (three or more events at once, as one poll may bring) become one summary. A pause, the
kinds switched off and a component filter are honoured here; exactly-once is the core's job.
"""

from __future__ import annotations

import logging
import queue
import shutil
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from claude_beacon import wording
from claude_beacon.config import NotifySettings
from claude_beacon.core.model import Event

log = logging.getLogger(__name__)
APP_NAME = "claude-beacon"
BURST_WINDOW = 0.5
"""Seconds after a first event during which further ones join it.

A poll's events arrive together (all sources due at once are polled in one round), and polls
of a real page are at least 8 s apart: a short window gathers a burst without delaying every
notification. A 3-second window measurably delayed each one (bench/latency.py).
"""
BURST_SIZE = 3

Send = Callable[[str, str], None]


@dataclass(slots=True)
class Pause:
    """Until when notifications are held back; ``None`` when they are not."""

    until: datetime | None = None
    changed: Callable[[datetime | None], None] | None = field(default=None, repr=False)

    def active(self, now: datetime | None = None) -> bool:
        return self.until is not None and (now or datetime.now(UTC)) < self.until

    def set(self, until: datetime | None) -> None:
        self.until = until
        if self.changed:
            self.changed(until)


@dataclass(slots=True)
class Snoozes:
    """Per source (by key): until when its notifications are held back."""

    until: dict[str, datetime] = field(default_factory=dict)
    changed: Callable[[dict[str, datetime]], None] | None = field(default=None, repr=False)

    def active(self, key: str, now: datetime | None = None) -> bool:
        until = self.until.get(key)
        return until is not None and (now or datetime.now(UTC)) < until

    def current(self, now: datetime | None = None) -> dict[str, datetime]:
        """The snoozes still running."""
        return {key: until for key, until in self.until.items() if self.active(key, now)}

    def set(self, key: str, until: datetime | None) -> None:
        self.until = self.current()
        if until is None:
            self.until.pop(key, None)
        else:
            self.until[key] = until
        if self.changed:
            self.changed(dict(self.until))


class Notifier:
    """Turns events into notifications on its own thread; ``post`` never blocks."""

    def __init__(
        self,
        send: Send | None = None,
        rules: NotifySettings | None = None,
        pause: Pause | None = None,
        burst_window: float = BURST_WINDOW,
        gate: Callable[[Event], bool] | None = None,
        on_problem: Callable[[], None] | None = None,
    ) -> None:
        self.send = send or platform_sender()
        self.on_problem = on_problem or (lambda: None)
        """Called when ``problem`` changes, so that the tooltip can say so at once."""
        self.rules = rules or NotifySettings()
        self.pause = pause or Pause()
        self.gate = gate or (lambda _event: True)
        """Per-source rules (alert levels, snoozes) the caller applies."""
        self.burst_window = burst_window
        self.problem: str | None = None
        """Why notifications cannot be shown, once that is known."""
        self.sent = 0
        self._queue: queue.Queue[tuple[float, Event] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._work, name="beacon-notifier", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def post(self, events: Sequence[Event]) -> None:
        now = time.monotonic()
        for event in events:
            if self.rules.wants(event) and self.gate(event) and not self.pause.active():
                self._queue.put((now, event))

    def stop(self, timeout: float = 1.0) -> None:
        self._queue.put(None)
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _work(self) -> None:
        """Gather events that *arrived* within the window of the first into one batch.

        Arrival times, not queue contents, decide: events that piled up while a slow
        notification service was busy stay separate notifications if they came apart.
        """
        pending: tuple[float, Event] | None = None
        while True:
            item = pending or self._queue.get()
            pending = None
            if item is None:
                return
            first_at, first = item
            batch = [first]
            stopping = False
            while (left := first_at + self.burst_window - time.monotonic()) > 0 or (
                not self._queue.empty()
            ):
                try:
                    more = self._queue.get(timeout=max(0.0, left))
                except queue.Empty:
                    break
                if more is None:
                    stopping = True
                    break
                if more[0] - first_at > self.burst_window:
                    pending = more  # arrived later: it starts the next batch
                    break
                batch.append(more[1])
            for title, body in compose(batch):
                self._deliver(title, body)
            if stopping:
                return

    def _deliver(self, title: str, body: str) -> None:
        if self.pause.active():
            return
        before = self.problem
        try:
            self.send(title, body)
            self.sent += 1
        except Exception as exc:  # plyer raises anything from NotImplementedError to DBus errors
            if self.problem is None:
                log.warning("cannot show notifications (%s); carrying on without them", exc)
            self.problem = f"notifications unavailable: {exc}"
        else:
            self.problem = None
        if (before is None) != (self.problem is None):
            self.on_problem()


def compose(batch: Sequence[Event]) -> list[tuple[str, str]]:
    """Title and body of each notification for a batch: one each, or one summary for a burst."""
    if len(batch) < BURST_SIZE:
        return [(wording.headline(e), wording.detail(e)) for e in batch]
    sources = sorted({e.source_name for e in batch})
    title = f"{' & '.join(sources)}: {len(batch)} status updates"
    lines = [f"{wording.WHAT_HAPPENED[e.kind].capitalize()}: {e.title}" for e in batch[:6]]
    if len(batch) > 6:
        lines.append(f"…and {len(batch) - 6} more")
    return [(title, "\n".join(wording.trim(line, 90) for line in lines))]


def platform_sender() -> Send:
    """plyer, except where it would fail silently or unsafely.

    macOS: plyer needs pyobjus, so ``osascript`` speaks. Linux without dbus-python: plyer would
    run ``notify-send`` without checking that it worked (and, wherever a ``/app`` directory
    exists, splice the text into a ``gdbus`` argument), so ``notify-send`` is run here instead,
    checked and with a timeout, the text passed as plain arguments after ``--``.
    """
    if sys.platform == "darwin":
        return _osascript
    if sys.platform.startswith(("linux", "freebsd", "openbsd")) and not _has_dbus_python():
        return _notify_send
    return _plyer


def _has_dbus_python() -> bool:
    try:
        import dbus  # type: ignore[import-not-found]  # noqa: F401
    except ImportError:
        return False
    return True


def _notify_send(title: str, body: str) -> None:
    executable = shutil.which("notify-send")
    if executable is None:
        raise NotImplementedError("no notification service (install libnotify's notify-send)")
    argv = [executable, "--app-name", APP_NAME, "--expire-time", "10000", "--", title, body]
    result = subprocess.run(argv, timeout=15, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        lines = (result.stderr.strip() or f"notify-send exited {result.returncode}").splitlines()
        raise RuntimeError(lines[-1])


def _plyer(title: str, body: str) -> None:
    from plyer import notification  # loaded on first use: it picks a backend when called

    with warnings.catch_warnings():
        # Without dbus-python plyer warns, then uses notify-send, which works as well.
        warnings.filterwarnings("ignore", message=".*dbus package is not installed.*")
        notification.notify(title=title, message=body, app_name=APP_NAME, timeout=10)


OSASCRIPT = (
    "on run argv\ndisplay notification (item 2 of argv) with title (item 1 of argv)\nend run"
)


def _osascript(title: str, body: str) -> None:
    # Title and body travel as arguments, never inside the script's source.
    subprocess.run(
        ["osascript", "-e", OSASCRIPT, title, body], check=True, timeout=15, capture_output=True
    )
