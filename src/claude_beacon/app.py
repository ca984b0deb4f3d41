"""The desktop app's composition root: poller, notifier and tray wired together.

Threads: the toolkit owns the main thread (macOS requires it), the poller and the notifier run
on their own. Without a tray the app keeps watching and notifying, printing events instead.
"""

from __future__ import annotations

import logging
import logging.handlers
import signal
import subprocess
import sys
import threading
import time
import webbrowser
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from claude_beacon import (
    autostart,
    diagnostics,
    guide,
    history_report,
    instance,
    paths,
    report,
    trayview,
    wording,
)
from claude_beacon import config as config_module
from claude_beacon.config import Config
from claude_beacon.core import alerts
from claude_beacon.core.model import Event, EventKind, Snapshot
from claude_beacon.core.verdict import Finding, Verdict
from claude_beacon.diagnostics import Diagnostics
from claude_beacon.fetch import Fetcher
from claude_beacon.history import History
from claude_beacon.hooks import Hooks
from claude_beacon.instance import InstanceLock
from claude_beacon.notifier import Notifier, Pause, Snoozes
from claude_beacon.poller import Poller
from claude_beacon.state import StateStore
from claude_beacon.trayview import Entry
from claude_beacon.webhooks import Webhooks

if TYPE_CHECKING:
    from claude_beacon.tray import Tray

log = logging.getLogger(__name__)
QUIT_BUDGET = 0.8
"""Seconds Quit waits in all for the workers to finish what they are doing."""
PAUSE_KEY = "notifications_paused_until"
SNOOZE_KEY = "sources_snoozed_until"
MORNING_HOUR = 8
"""'Until tomorrow' means until this hour tomorrow, local time."""


class App:
    def __init__(self, config: Config, config_path: Path) -> None:
        self.config = config
        self.config_path = config_path
        self.poller = Poller(
            config,
            Fetcher(),
            store=StateStore(paths.state_dir() / "tray.json"),
            on_update=self._publish,
        )
        self.pause = Pause(_load_time(self.poller.setting(PAUSE_KEY)), self._remember_pause)
        self.snoozes = Snoozes(
            _load_snoozes(self.poller.setting(SNOOZE_KEY)), self._remember_snoozes
        )
        self.notifier = Notifier(
            rules=config.notify,
            pause=self.pause,
            gate=self._source_allows,
            on_problem=lambda: self._show(self.poller.snapshot),
        )
        self._sources = {source.key: source for source in config.sources}
        self.diagnostics = Diagnostics(config, on_round=self._probed)
        if config.diagnostics.enabled:
            self.poller.add_job("probes", self.diagnostics)
        self.history = History(paths.history_file())
        self.hooks = Hooks(config.hooks, config.hook_timeout)
        self.webhooks = Webhooks(config.webhooks)
        self._warned_early = False
        self.autostart = autostart.for_platform()
        self.tray: Tray | None = None
        self._show: Callable[[Snapshot], None] = lambda _snapshot: None
        self._quit = threading.Event()

    def run(self) -> int:
        from claude_beacon.tray import NoTrayError, Tray

        try:
            tray = Tray(self.act)
        except NoTrayError as exc:
            return self.run_without_tray(str(exc))
        self.tray = tray
        self._show = lambda snapshot: tray.show(
            self.view(snapshot), local_problem=self.diagnostics.verdict(snapshot).seen_from_here
        )
        self.notifier.start()
        self._handle_signals()
        log.info("tray started with %d source(s)", len(self.config.sources))
        tray.run(ready=self._start_background)
        self.quit()
        return 0

    def run_without_tray(self, why: str) -> int:
        """Keep watching and notifying when no tray can be shown, printing events as well."""
        print(
            f"claude-beacon: {why}; watching here and sending notifications instead "
            "(Ctrl-C to stop).",
            file=sys.stderr,
            flush=True,
        )
        log.info("no tray: %s", why)  # the terminal has been told above
        self._show = lambda snapshot: None
        self.notifier.start()
        self._handle_signals()
        thread = self.poller.start()
        try:
            while thread.is_alive() and not self._quit.is_set():
                thread.join(0.5)
        except KeyboardInterrupt:
            pass
        self.quit()
        return 0

    def _start_background(self) -> None:
        self.poller.start()

    def _handle_signals(self) -> None:
        signal.signal(signal.SIGTERM, lambda *_: self.quit())
        signal.signal(signal.SIGINT, lambda *_: self.quit())
        if instance.SHOW_SIGNAL is not None:  # a second copy asks this one to show its guide
            signal.signal(instance.SHOW_SIGNAL, lambda *_: self.act(Entry("guide", "guide")))

    def view(self, snapshot: Snapshot) -> trayview.TrayView:
        notes = []
        if self.pause.active() and self.pause.until:
            notes.append("notifications paused")
        if self.notifier.problem:
            notes.append("notifications unavailable")
        if self.poller.store and self.poller.store.problem:
            notes.append("cannot save state")
        verdict = self.diagnostics.verdict(snapshot)
        if verdict.seen_from_here:
            notes.insert(0, verdict.headline)
        rows = history_report.uptime_rows(
            self.history,
            self.config.sources[0].name,
            snapshot.at,
            cells=0,
            digits=1,
            least=timedelta(minutes=10),
        )
        return trayview.view(
            snapshot,
            paused_until=self.pause.until if self.pause.active() else None,
            snoozed=self.snoozes.current(),
            autostart=self._autostart_enabled(),
            notes=tuple(notes),
            uptime=tuple(f"{r.name}: {' · '.join(r.figures)}" for r in rows),
        )

    def act(self, entry: Entry) -> None:
        """A menu click; runs on the toolkit's thread, so anything slow goes elsewhere."""
        action = entry.action
        now = datetime.now(UTC)
        if action == "check":
            self.poller.check_now()  # the status pages and the probes
        elif action == "quit":
            self.quit()
        elif action == "guide":
            threading.Thread(target=self.open_guide, name="beacon-guide", daemon=True).start()
        elif action == "status_page":
            open_url(self.config.sources[0].url)
        elif action == "open_url" and entry.url:
            open_url(entry.url)
        elif action == "pause_hour":
            self.pause.set(now + timedelta(hours=1))
        elif action == "pause_tomorrow":
            self.pause.set(tomorrow_morning(now))
        elif action == "resume":
            self.pause.set(None)
        elif action in ("snooze_hour", "snooze_tomorrow", "unsnooze") and entry.arg:
            until = {"snooze_hour": now + timedelta(hours=1), "unsnooze": None}
            self.snoozes.set(entry.arg, until.get(action, tomorrow_morning(now)))
        elif action == "autostart":
            self._toggle_autostart()
        elif action == "settings":
            config_module.write_template(self.config_path)
            open_path(self.config_path)
        self._show(self.poller.snapshot)

    def quit(self) -> None:
        if self._quit.is_set():
            return
        self._quit.set()
        if self.tray is not None:
            self.tray.stop()  # the icon goes first: what the user sees answers at once
        # Every worker is told to stop and given what is left of one budget: their threads
        # are daemons, so one stuck in a slow service cannot hold the exit.
        deadline = time.monotonic() + QUIT_BUDGET
        for worker in (self.poller, self.hooks, self.webhooks, self.notifier):
            worker.stop(max(0.0, deadline - time.monotonic()))

    def _publish(self, snapshot: Snapshot, events: tuple[Event, ...]) -> None:
        self.history.record(snapshot, events)
        self.hooks.post(events)
        self.webhooks.post(events)
        for event in events:
            log.info("%s: %s", wording.headline(event), event.title)
        self.notifier.post(events)
        if self.tray is None:
            for event in events:
                print(report.event_text(event), flush=True)
        self._show(snapshot)

    def open_guide(self) -> None:
        """Write the guide from what is known now and open it; off the UI thread."""
        snapshot = self.poller.snapshot
        try:
            history = diagnostics.history(self.poller.fetcher, self.config)
            rows = history_report.uptime_rows(
                self.history, self.config.sources[0].name, snapshot.at
            )
            page = guide.render(
                snapshot,
                self.diagnostics.verdict(snapshot),
                self.diagnostics.results,
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
                self.notifier.send("claude-beacon: troubleshooting guide", f"Open {path}")
            except Exception as exc:  # no browser and no notifications: the log must do
                log.debug("could not notify the guide's path: %s", exc)

    def _probed(self, _results: object) -> None:
        """After each probe round: warn once when a problem starts that the page does not show."""
        snapshot = self.poller.snapshot
        verdict = self.diagnostics.verdict(snapshot)
        early = verdict.finding is Finding.EARLY_WARNING
        if early and not self._warned_early:
            self.notifier.post([_early_warning_event(verdict, snapshot)])
        self._warned_early = early
        self._show(snapshot)

    def _autostart_enabled(self) -> bool | None:
        """Whether the app starts at login; ``None`` hides the menu item where that is unknown."""
        try:
            return self.autostart.enabled()
        except OSError:
            return None

    def _toggle_autostart(self) -> None:
        try:
            if self.autostart.enabled():
                self.autostart.disable()
            else:
                self.autostart.enable(autostart.launch_command())
        except OSError as exc:
            log.warning("cannot change start at login: %s", exc)

    def _remember_pause(self, until: datetime | None) -> None:
        self.poller.save_setting(PAUSE_KEY, until.isoformat() if until else None)

    def _remember_snoozes(self, snoozes: dict[str, datetime]) -> None:
        saved = {key: until.isoformat() for key, until in snoozes.items()}
        self.poller.save_setting(SNOOZE_KEY, saved or None)

    def _source_allows(self, event: Event) -> bool:
        """The event's source's alert level and snooze (events of no source always pass)."""
        source = self._sources.get(event.source_key)
        if source is None:
            return True
        return alerts.notifies(event, source.alerts) and not self.snoozes.active(source.key)


def _early_warning_event(verdict: Verdict, snapshot: Snapshot) -> Event:
    name = snapshot.readings[0].source.name if snapshot.readings else "Claude"
    return Event(
        EventKind.EARLY_WARNING,
        name,
        "diagnostics",
        "early-warning",
        verdict.headline,
        verdict.advice,
        level=verdict.level,
        at=datetime.now(UTC),
    )


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


def open_url(url: str) -> None:
    """Open a web page in the default browser, off the UI thread (some browsers block)."""
    if not url.startswith(("https://", "http://127.", "http://localhost", "http://[::1]")):
        log.warning("refused to open a link that is not https: %r", url)
        return
    threading.Thread(target=_open_in_browser, args=(url,), name="beacon-open", daemon=True).start()


_browser_lock = threading.Lock()


def _open_in_browser(url: str) -> None:
    # webbrowser finds its browsers lazily, and two first calls at once can lose one of them.
    with _browser_lock:
        if not webbrowser.open(url):
            log.warning("no browser could be opened for %s", url)


def open_path(path: Path) -> None:
    """Open a local file with the desktop's default application."""
    if sys.platform == "win32":
        import os

        os.startfile(path)  # type: ignore[attr-defined]
        return
    opener = "open" if sys.platform == "darwin" else "xdg-open"
    try:
        process = subprocess.Popen(
            [opener, str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
    except OSError as exc:
        log.warning("cannot open %s (%s); edit it by hand", path, exc)
        return
    # Collect its exit status when it ends, or it lingers as a zombie for as long as the app
    # runs; a thread, because some openers wait for the editor to close.
    threading.Thread(target=process.wait, name="beacon-opener", daemon=True).start()


def setup_file_logging() -> None:
    """Log to a rotated file in the user log directory, and carry on if that is impossible."""
    root = logging.getLogger("claude_beacon")
    try:
        directory = paths.log_dir()
        directory.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            directory / "claude-beacon.log", maxBytes=1_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError as exc:
        root.warning("cannot write a log file (%s)", exc)
        return
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    if root.getEffectiveLevel() > logging.INFO:
        root.setLevel(logging.INFO)  # the terminal handler keeps its own, quieter level


def _load_time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def _load_snoozes(value: object) -> dict[str, datetime]:
    """Saved snoozes; anything unreadable in the state file is dropped, never an error."""
    if not isinstance(value, dict):
        return {}
    loaded = {str(key): _load_time(until) for key, until in value.items()}
    return {key: until for key, until in loaded.items() if until is not None}
