"""Desktop notifications: the sink that turns events into what interrupts a person.

It runs on its own thread (the dispatcher's), so a slow service never blocks the tray or the
poller: plyer can block for 25–75 s on a broken D-Bus. The rule of what notifies is the core's
``should_notify``; the events of one round arrive together, and three or more become one
summary at once, with no waiting window.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from claude_beacon.core import outbox
from claude_beacon.core.alerts import NotifyRules, OtherModels, quiet, should_notify
from claude_beacon.core.impact import switch_hint
from claude_beacon.core.model import Event, Level, Snapshot, SourceSpec
from claude_beacon.core.text import shown
from claude_beacon.render import wording
from claude_beacon.store.state import StateStore

log = logging.getLogger(__name__)
APP_NAME = "claude-beacon"
BURST_SIZE = 3
SHOWN = "notifications_shown"
"""State setting: the ids of the events last handed to the notification service.

Written just before each notification goes out, so that an event offered again after a crash
(its acceptance was never saved) does not pop a second bubble, whatever the backend."""


@dataclass(frozen=True, slots=True)
class Notice:
    """One notification: what it says, which earlier one it replaces, how urgent it is."""

    title: str
    body: str
    key: str = ""
    """Notices with the same key (the same incident) replace each other where that is possible."""
    level: Level = Level.UNKNOWN
    quiet: bool = False
    """About models that are not yours: shown at low urgency, where urgency exists."""


Send = Callable[[Notice], None]


class NotificationSink:
    """Sends the events the rules let through; raising hands them back for another try."""

    name = "notifications"

    def __init__(
        self,
        rules: NotifyRules,
        sources: Sequence[SourceSpec],
        store: StateStore,
        send: Send | None = None,
        on_problem: Callable[[], None] | None = None,
        other_models: str = OtherModels.QUIET,
    ) -> None:
        self.rules = rules
        self.other_models = other_models
        """``[claude] other_models``: incidents naming only models that are not yours."""
        self.sources: Mapping[str, SourceSpec] = {s.key: s for s in sources}
        self.store = store
        self.send = send or platform_sender()
        self.on_problem = on_problem or (lambda: None)
        """Called when ``problem`` changes, so that the tooltip can say so at once."""
        self.problem: str | None = None
        """Why notifications cannot be shown, once that is known."""
        self.sent = 0

    def deliver(self, snapshot: Snapshot, events: Sequence[Event]) -> None:
        now = datetime.now(UTC)
        pause, snoozes = self.store.pause(), self.store.snoozes(now)
        told = [
            e
            for e in events
            if should_notify(
                e,
                self.sources.get(e.source_key),
                self.rules,
                snoozes,
                pause,
                now,
                self.other_models,
            )
        ]
        shown = _shown(self.store.setting(SHOWN))
        again = [e for e in told if e.id in shown]
        if again:
            log.info("%d event(s) already shown before a restart: not shown twice", len(again))
        fresh = [e for e in told if e.id not in shown]
        advice = switch_hint(snapshot)
        # one bubble per event, or one summary for a burst: compose decides by the group's size
        groups = [[e] for e in fresh] if len(fresh) < BURST_SIZE else [fresh]
        for group in groups:
            (notice,) = compose(group, self.other_models, advice)
            self._show_once(notice, frozenset(e.id for e in group))

    def close(self) -> None:
        """Let the notification service's connection go (the dispatcher calls this at stop)."""
        close = getattr(self.send, "close", None)
        if callable(close):
            close()

    def _note(self, ids: frozenset[str], *, add: bool) -> None:
        shown = [i for i in _shown(self.store.setting(SHOWN)) if i not in ids]
        if add:
            shown = [*shown, *sorted(ids)][-outbox.LIMIT :]
        self.store.set_setting(SHOWN, shown or None)

    def _show_once(self, notice: Notice, ids: frozenset[str]) -> None:
        """Note the events as shown just before they go out: a crash after this costs the
        bubble's acceptance, never a second bubble. A send that fails takes the note back."""
        before, noted = self.problem, False
        try:
            prepare = getattr(self.send, "prepare", None)
            if callable(prepare):
                prepare()  # connect and learn the service first: its absence is not "shown"
            self._note(ids, add=True)
            noted = True
            self.send(notice)
            self.sent += 1
        except Exception as exc:  # plyer raises anything from NotImplementedError to DBus errors
            if noted:
                self._note(ids, add=False)
            if self.problem is None:
                log.warning("cannot show notifications (%s)", exc)
            self.problem = f"notifications unavailable: {exc}"
            raise
        else:
            self.problem = None
        finally:
            if (before is None) != (self.problem is None):
                self.on_problem()


def compose(
    batch: Sequence[Event], other_models: str = OtherModels.QUIET, advice: str = ""
) -> list[Notice]:
    """The notifications for one round's events: one each, or one summary for a burst;
    ``advice`` is the model to switch to, told with an incident on yours."""
    if len(batch) < BURST_SIZE:
        return [
            Notice(
                shown(wording.headline(e), TITLE_LIMIT),
                _lines(wording.detail(e, advice=advice)),
                f"{e.source_key}|{e.subject_id}",
                e.level,
                quiet(e, other_models),
            )
            for e in batch
        ]
    sources = sorted({wording.trim(e.source_name, 40) for e in batch})
    title = shown(f"{' & '.join(sources[:3])}: {len(batch)} status updates", TITLE_LIMIT)
    lines = [f"{wording.WHAT_HAPPENED[e.kind].capitalize()}: {e.title}" for e in batch[:6]]
    if len(batch) > 6:
        lines.append(f"…and {len(batch) - 6} more")
    level = max(e.level for e in batch)
    hushed = all(quiet(e, other_models) for e in batch)
    body = _lines("\n".join(wording.trim(line, 90) for line in lines))
    return [Notice(title, body, "", level, hushed)]


def _shown(raw: object) -> list[str]:
    """The saved ids of events shown; anything else in the setting is ignored."""
    return [str(i) for i in raw if isinstance(i, str)] if isinstance(raw, list) else []


TITLE_LIMIT = 100
"""Characters of a notification's title."""
BODY_LINE_LIMIT = 300
"""Characters of each line of a notification's text (the detail trims the update itself)."""


def _lines(text: str) -> str:
    """Text for a notification: at most eight lines, each printable and capped."""
    return "\n".join(shown(line, BODY_LINE_LIMIT) for line in text.split("\n")[:8])


OnAction = Callable[[str, str | None], None]
"""A click on a notification's button: the action (``default``, ``snooze``) and its key."""


def platform_sender(on_action: OnAction | None = None) -> Send:
    """The platform's own way of notifying.

    Linux and the BSDs: ``org.freedesktop.Notifications`` over D-Bus, in pure Python, with
    buttons, replacement and urgency (no ``notify-send``, no dbus-python needed). macOS and
    Windows: desktop-notifier (UNUserNotificationCenter, WinRT toasts), with the same buttons;
    where it cannot load, ``osascript`` on macOS (plyer needs pyobjus) and plyer on Windows.
    """
    if sys.platform.startswith(("linux", "freebsd", "openbsd")):
        return _dbus_sender(on_action)
    from claude_beacon.desktop.notify.buttoned import platform_or

    return platform_or(_osascript if sys.platform == "darwin" else _plyer, on_action)


class _DBusSend:
    """The D-Bus sender as a ``Send``, with a ``close`` for when its sink stops."""

    def __init__(self, on_action: OnAction | None) -> None:
        from claude_beacon.desktop.dbusnotify import DBusNotifier

        self.notifier = DBusNotifier(on_action=on_action)

    def prepare(self) -> None:
        """Connect and ask the server what it supports: raises where there is none."""
        _ = self.notifier.capabilities

    def __call__(self, notice: Notice) -> None:
        # Urgency follows the level; maintenance's is the low one, right for a quiet notice too.
        level = Level.MAINTENANCE if notice.quiet else notice.level
        self.notifier.send(notice.title, notice.body, key=notice.key or None, level=level)

    def close(self) -> None:
        self.notifier.close()  # it connects again on its next use


def _dbus_sender(on_action: OnAction | None) -> Send:
    return _DBusSend(on_action)


def _plyer(notice: Notice) -> None:
    from plyer import notification  # loaded on first use: it picks a backend when called

    with warnings.catch_warnings():
        # Without dbus-python plyer warns, then uses notify-send, which works as well.
        warnings.filterwarnings("ignore", message=".*dbus package is not installed.*")
        notification.notify(title=notice.title, message=notice.body, app_name=APP_NAME, timeout=10)


OSASCRIPT = (
    "on run argv\ndisplay notification (item 2 of argv) with title (item 1 of argv)\nend run"
)


def _osascript(notice: Notice) -> None:
    # Title and body travel as arguments, never inside the script's source.
    subprocess.run(
        ["osascript", "-e", OSASCRIPT, notice.title, notice.body],
        check=True,
        timeout=15,
        capture_output=True,
    )
