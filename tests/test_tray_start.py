"""The icon comes before the engine: clicks made while the engine loads wait for it."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from claude_beacon.config import settings as config_module
from claude_beacon.desktop.app import App
from claude_beacon.desktop.trayview import Action, Entry
from tests.support import payloads
from tests.support.statuspage_server import StatuspageServer


def started_app(home: Path, url: str) -> App:
    path = home / "config.toml"
    path.write_text(
        f'[diagnostics]\nenabled = false\n[[sources]]\nname = "Claude"\nurl = "{url}"\n'
    )
    return App(config_module.load(path), path)


def start_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "beacon-start"]


def test_a_click_made_while_the_engine_loads_is_applied_once_it_runs(isolated_home: Path) -> None:
    with StatuspageServer() as server:
        server.set_summary(payloads.summary())
        app = started_app(isolated_home, server.url)
        key = app.config.primary.key
        try:
            with app._loading:  # the engine is still loading while the click comes
                app._start()
                app.act(Entry("For 1 hour", Action.SNOOZE_HOUR, arg=key))
                assert app._loaded is None
            deadline = time.monotonic() + 15
            while key not in app.engine.store.snoozes() and time.monotonic() < deadline:
                time.sleep(0.02)
            assert key in app.engine.store.snoozes()
            server.wait_for_requests("/api/v2/summary.json", 1, timeout=15)
        finally:
            app.quit()


def test_quit_while_the_engine_loads_leaves_it_stopped(isolated_home: Path) -> None:
    with StatuspageServer() as server:
        server.set_summary(payloads.summary())
        app = started_app(isolated_home, server.url)
        with app._loading:
            app._start()
            app.quit()
        for thread in start_threads():
            thread.join(15)
        assert not start_threads()
        assert app._quit.is_set()
