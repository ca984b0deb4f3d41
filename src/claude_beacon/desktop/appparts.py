"""The parts of the desktop app that load after the icon shows: the engine and its company.

The engine's imports (httpx, the page readers, the probes), the history database and the
notification sender cost a few hundred milliseconds; the tray opens without them, showing
"checking", and ``App`` builds them on a thread as soon as the icon is up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from claude_beacon.config.settings import Config
from claude_beacon.core.model import Snapshot
from claude_beacon.desktop import autostart
from claude_beacon.desktop.autostart import Autostart
from claude_beacon.desktop.notifier import NotificationSink, OnAction, Send, platform_sender
from claude_beacon.engine.engine import Engine, Outputs
from claude_beacon.engine.printer import TerminalSink
from claude_beacon.store import paths
from claude_beacon.store.history import History
from claude_beacon.store.state import StateStore


@dataclass
class Parts:
    """What loads after the icon shows; ``engine`` and ``notifications`` are rebuilt on reload."""

    terminal: TerminalSink
    send: Send
    history: History
    autostart: Autostart
    on_snapshot: Callable[[Snapshot], None]
    on_problem: Callable[[], None]
    notifications: NotificationSink = field(init=False)
    engine: Engine = field(init=False)

    def build(self, config: Config) -> None:
        """An engine for ``config``, with the app's notifications and terminal."""
        store = StateStore(paths.state_dir() / "tray.json")
        self.notifications = NotificationSink(
            config.notify,
            config.sources,
            store,
            send=self.send,
            on_problem=self.on_problem,
            other_models=config.claude.other_models,
        )
        self.engine = Engine(
            config,
            store=store,
            outputs=Outputs(extra=(self.notifications, self.terminal)),
            on_snapshot=self.on_snapshot,
        )


def load(
    config: Config,
    on_notification_click: OnAction,
    on_snapshot: Callable[[Snapshot], None],
    on_problem: Callable[[], None],
) -> Parts:
    parts = Parts(
        terminal=TerminalSink(stream=None),  # silent until there is no tray to show events
        send=platform_sender(on_action=on_notification_click),
        history=History(paths.history_file()),
        autostart=autostart.for_platform(),
        on_snapshot=on_snapshot,
        on_problem=on_problem,
    )
    parts.build(config)
    return parts
