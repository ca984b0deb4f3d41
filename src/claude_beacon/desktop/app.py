"""The desktop app: an engine, its notifications, and the tray that shows it.

Threads: the toolkit owns the main thread (macOS requires it), the poller and the notifier run
on their own. Without a tray the app keeps watching and notifying, printing events instead.
The icon comes first, showing "checking"; the engine and its company (``appparts``) follow.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from claude_beacon.config import settings as config_module
from claude_beacon.config.settings import Config
from claude_beacon.core.model import Snapshot
from claude_beacon.desktop import instance, trayview
from claude_beacon.desktop.instance import InstanceLock
from claude_beacon.desktop.trayview import Action, Entry
from claude_beacon.store import paths

if TYPE_CHECKING:  # the rest loads after the icon shows (``_load``)
    from claude_beacon.desktop.appparts import Parts
    from claude_beacon.desktop.notifier import NotificationSink
    from claude_beacon.desktop.trayhost import TrayIcon
    from claude_beacon.engine.engine import Engine

log = logging.getLogger(__name__)
QUIT_BUDGET = 0.8
"""Seconds Quit waits in all for the workers to finish what they are doing."""
SETTINGS_CHECK = 2.0
"""Seconds between looks at the settings file for an edit."""
MORNING_HOUR = 8
"""'Until tomorrow' means until this hour tomorrow, local time."""


class App:
    """``engine`` and its company load on first use, or on a thread once the icon shows."""

    def __init__(self, config: Config, config_path: Path) -> None:
        self.config = config
        self.config_path = config_path
        self.tray: TrayIcon | None = None
        self._show: Callable[[Snapshot], None] = lambda _snapshot: None
        self._quit = threading.Event()
        self.settings_problem: str | None = None
        """Why the settings file, as last edited, is not in use."""
        self._settings_seen = _stamp(config_path)
        self._swap = threading.Lock()
        self._loading = threading.Lock()
        self._loaded: Parts | None = None
        self._held = threading.Lock()
        self._waiting: list[Entry] | None = None
        """Clicks made while the engine is still starting; replayed once it runs."""
        self.handlers: dict[Action, Callable[[Entry], None]] = {
            Action.GUIDE: lambda _e: self._in_background(self.open_guide, "guide"),
            Action.CHECK: lambda _e: self._check_now(),
            Action.OPEN_URL: lambda e: _open_url(e.url) if e.url else None,
            Action.STATUS_PAGE: lambda _e: _open_url(self.config.primary.url),
            Action.PAUSE_HOUR: lambda _e: self.engine.store.set_pause(_now() + timedelta(hours=1)),
            Action.PAUSE_TOMORROW: lambda _e: self.engine.store.set_pause(tomorrow_morning(_now())),
            Action.RESUME: lambda _e: self.engine.store.set_pause(None),
            Action.SNOOZE_HOUR: lambda e: self._snooze(e, _now() + timedelta(hours=1)),
            Action.SNOOZE_TOMORROW: lambda e: self._snooze(e, tomorrow_morning(_now())),
            Action.UNSNOOZE: lambda e: self._snooze(e, None),
            Action.AUTOSTART: lambda _e: self._toggle_autostart(),
            Action.SETTINGS: lambda _e: self._open_settings(),
            Action.QUIT: lambda _e: self.quit(),
        }

    def _load(self) -> Parts:
        """Import and build the engine and its company, once; any thread may ask."""
        with self._loading:
            if self._loaded is None:
                from claude_beacon.desktop import appparts

                self._loaded = appparts.load(
                    self.config,
                    self._notification_clicked,
                    on_snapshot=lambda snapshot: self._show(snapshot),
                    on_problem=lambda: self._show(self.engine.snapshot),
                )
            return self._loaded

    @property
    def engine(self) -> Engine:
        return self._load().engine

    @property
    def notifications(self) -> NotificationSink:
        return self._load().notifications

    def reload(self) -> bool:
        """Apply the settings file if it changed since it was last read; true if applied.

        A broken edit keeps the settings in use and says why (tooltip, log); the state, and
        with it every event already told, carries over to the new settings."""
        stamp = _stamp(self.config_path)
        if stamp == self._settings_seen or stamp is None:
            return False
        self._settings_seen = stamp
        try:
            config = config_module.load(self.config_path)
        except config_module.ConfigError as exc:
            self.settings_problem = f"settings not applied: {exc}"
            log.warning("%s; keeping the settings in use", self.settings_problem)
            self._show(self.engine.snapshot)
            return False
        self.settings_problem = None
        with self._swap:
            self.engine.stop(QUIT_BUDGET)
            self.config = config
            self._load().build(config)
            if not self._quit.is_set():
                self.engine.start()
        log.info("settings reloaded from %s", self.config_path)
        self._show(self.engine.snapshot)
        return True

    def _watch_settings(self) -> None:
        """Notice edits of the settings file (Open settings) while the app runs."""
        while not self._quit.wait(SETTINGS_CHECK):
            try:
                self.reload()
            except Exception:  # a reload that fails must not end the watching
                log.exception("reloading the settings failed")

    def _start(self) -> None:
        """The icon shows: load and start the engine on a thread; clicks wait for it."""
        with self._held:
            if self._waiting is None:
                self._waiting = []
        self._in_background(self._start_engine, "start")

    def _start_engine(self) -> None:
        try:
            engine = self.engine
            engine.start()
            if self._quit.is_set():  # Quit came while the engine was loading
                engine.stop(QUIT_BUDGET)
                return
            self._show(engine.snapshot)
        finally:
            with self._held:
                waiting, self._waiting = self._waiting or [], None
        for entry in waiting:
            self.act(entry)
        self._watch_settings()

    def run(self) -> int:
        from claude_beacon.desktop.trayhost import NoTrayError, open_tray

        try:
            tray = open_tray(self.act)
        except NoTrayError as exc:
            return self.run_without_tray(str(exc))
        self.tray = tray
        self._show = lambda snapshot: tray.show(
            self.view(snapshot), local_problem=self.engine.verdict(snapshot).seen_from_here
        )
        self._handle_signals()
        log.info("tray started with %d source(s)", len(self.config.sources))
        tray.run(ready=self._start)
        self.quit()
        return 0

    def run_without_tray(self, why: str) -> int:
        """Keep watching and notifying when no tray can be shown, printing as ``watch`` does."""
        print(
            f"claude-beacon: {why}; watching here and sending notifications instead "
            "(Ctrl-C to stop).",
            file=sys.stderr,
            flush=True,
        )
        log.info("no tray: %s", why)  # the terminal has been told above
        terminal = self._load().terminal
        terminal.stream, terminal.colour = sys.stdout, sys.stdout.isatty()
        self._handle_signals()
        self._start()
        try:
            while not self._quit.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
        self.quit()
        return 0

    def _handle_signals(self) -> None:
        signal.signal(signal.SIGTERM, lambda *_: self.quit())
        signal.signal(signal.SIGINT, lambda *_: self.quit())
        if instance.SHOW_SIGNAL is not None:  # a second copy asks this one to show its guide
            signal.signal(instance.SHOW_SIGNAL, lambda *_: self.act(Entry("guide", Action.GUIDE)))

    def view(self, snapshot: Snapshot) -> trayview.TrayView:
        notes = []
        store = self.engine.store
        pause = store.pause()
        paused = pause is not None and _now() < pause
        if paused:
            notes.append("notifications paused")
        if self.notifications.problem:
            notes.append("notifications unavailable")
        if store.problem:
            notes.append("cannot save state")
        if self.settings_problem:
            notes.append(self.settings_problem)
        from claude_beacon.render import local_history

        verdict = self.engine.verdict(snapshot)
        if verdict.seen_from_here:
            notes.insert(0, verdict.headline)
        rows = local_history.uptime_rows(
            self._load().history,
            self.config.primary.name,
            snapshot.at,
            cells=0,
            digits=1,
        )
        return trayview.view(
            snapshot,
            paused_until=pause if paused else None,
            snoozed=store.snoozes(),
            autostart=self._autostart_enabled(),
            notes=tuple(notes),
            uptime=tuple(f"{r.name}: {' · '.join(r.figures)}" for r in rows),
        )

    def act(self, entry: Entry) -> None:
        """A menu click; runs on the toolkit's thread, so anything slow goes elsewhere."""
        if entry.action is not Action.QUIT:
            with self._held:
                if self._waiting is not None:  # the engine is starting: this waits for it
                    self._waiting.append(entry)
                    return
        if entry.action is not None:
            self.handlers[entry.action](entry)
        if entry.action is not Action.QUIT:
            self._show(self.engine.snapshot)

    def quit(self) -> None:
        if self._quit.is_set():
            return
        self._quit.set()
        if self.tray is not None:
            self.tray.stop()  # the icon goes first: what the user sees answers at once
        # The workers' threads are daemons: one stuck in a slow service cannot hold the exit,
        # and what a sink has not taken stays in the state's outbox for the next start.
        if self._loaded is not None:  # one still loading stops itself (``_start_engine``)
            self._loaded.engine.stop(QUIT_BUDGET)

    def open_guide(self) -> None:
        """Write the guide from what is known now and open it; off the UI thread."""
        from claude_beacon.desktop.notifier import Notice
        from claude_beacon.engine import diagnostics
        from claude_beacon.render import guide, local_history

        snapshot = self.engine.snapshot
        try:
            history = diagnostics.recent_incidents(self.engine.poller.fetcher, self.config)
            rows = local_history.uptime_rows(
                self._load().history, self.config.primary.name, snapshot.at
            )
            page = guide.render(
                snapshot,
                self.engine.verdict(snapshot),
                self.engine.diagnostics.results,
                history,
                uptime=rows,
            )
            path = guide.write(page)
        except OSError as exc:
            log.error("cannot write the troubleshooting guide: %s", exc)
            return
        if not guide.open_in_browser(path):
            log.warning("no browser could be opened; the guide is at %s", path)
            print(f"claude-beacon: the troubleshooting guide is at {path}", file=sys.stderr)
            try:  # already off the UI thread, so a slow service only delays this thread
                self.notifications.send(
                    Notice("claude-beacon: troubleshooting guide", f"Open {path}")
                )
            except Exception as exc:  # no browser and no notifications: the log must do
                log.debug("could not notify the guide's path: %s", exc)

    def _notification_clicked(self, action: str, key: str | None) -> None:
        """A notification's button (on the notifier's worker thread): the guide, or a snooze
        of the source the notification came from."""
        if action == "snooze" and key:
            source_key = key.split("|", 1)[0]
            self.engine.store.set_snooze(source_key, _now() + timedelta(hours=1))
            self._show(self.engine.snapshot)
        elif action == "default":
            self.act(Entry("Open troubleshooting guide", Action.GUIDE))

    def _check_now(self) -> None:
        """Check now: the settings as edited, then every page and check at once."""
        if not self.reload():
            self.engine.check_now()

    def _in_background(self, work: Callable[[], None], name: str) -> None:
        threading.Thread(target=work, name=f"beacon-{name}", daemon=True).start()

    def _snooze(self, entry: Entry, until: datetime | None) -> None:
        if entry.arg:
            self.engine.store.set_snooze(entry.arg, until)

    def _open_settings(self) -> None:
        config_module.write_template(self.config_path)
        from claude_beacon.desktop.opener import open_path

        open_path(self.config_path)

    def _autostart_enabled(self) -> bool | None:
        """Whether the app starts at login; ``None`` hides the menu item where that is unknown."""
        try:
            return self._load().autostart.enabled()
        except OSError:
            return None

    def _toggle_autostart(self) -> None:
        try:
            autostart = self._load().autostart
            if autostart.enabled():
                return autostart.disable()
            from claude_beacon.desktop.autostart import launch_command

            autostart.enable(launch_command(self.config_path))
        except OSError as exc:
            log.warning("cannot change start at login: %s", exc)


def _stamp(path: Path) -> tuple[int, int] | None:
    """When the file last changed, and its size; ``None`` while it does not exist."""
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_mtime_ns, status.st_size


def _open_url(url: str) -> None:
    from claude_beacon.desktop.opener import open_url

    open_url(url)


def _now() -> datetime:
    return datetime.now(UTC)


def run(config: Config) -> int:
    """Start the tray, unless a copy is already running: then ask that one to show its guide."""
    lock = InstanceLock(paths.state_dir() / "tray.lock")
    if not lock.acquire():
        pid = lock.owner()
        shown = pid is not None and instance.ask_to_show(pid)
        action = "; opened its troubleshooting guide" if shown else ""
        print(f"claude-beacon is already running (pid {pid or '?'}){action}.", file=sys.stderr)
        return 0
    try:
        setup_file_logging()
        return App(config, config.path or paths.config_file()).run()
    finally:
        lock.release()


def tomorrow_morning(now: datetime) -> datetime:
    local = now.astimezone()
    morning = (local + timedelta(days=1)).replace(
        hour=MORNING_HOUR, minute=0, second=0, microsecond=0
    )
    return morning.astimezone(UTC)


def setup_file_logging() -> None:
    """Log to a rotated file in the user log directory, and carry on if that is impossible."""
    from logging.handlers import RotatingFileHandler

    root = logging.getLogger("claude_beacon")
    try:
        directory = paths.log_dir()
        directory.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(
            directory / "claude-beacon.log", maxBytes=1_000_000, backupCount=3, encoding="utf-8"
        )
        directory.chmod(0o700)  # owner-only, rotated files too: a log may name a failing address
        (directory / "claude-beacon.log").chmod(0o600)
    except OSError as exc:
        root.warning("cannot write a log file (%s)", exc)
        return
    from claude_beacon.render.printable import PrintableFormatter

    handler.setFormatter(PrintableFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    if root.getEffectiveLevel() > logging.INFO:
        root.setLevel(logging.INFO)  # the terminal handler keeps its own, quieter level
