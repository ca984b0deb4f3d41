"""Edits of the settings file take effect while the app runs; a broken edit changes nothing."""

from __future__ import annotations

import os
import time
from pathlib import Path

from claude_beacon.config import settings as config_module
from claude_beacon.desktop.app import App
from tests.support import payloads
from tests.support.statuspage_server import StatuspageServer


def settings(path: Path, *urls: str) -> None:
    text = "[diagnostics]\nenabled = false\ninterval = 1\n"
    for n, url in enumerate(urls):
        text += f'[[sources]]\nname = "Page {n}"\nurl = "{url}"\n'
    path.write_text(text)
    bump(path)


def bump(path: Path) -> None:
    """Some file systems keep whole seconds: make each edit visibly newer."""
    stamp = time.time() + len(path.read_text())
    os.utime(path, (stamp, stamp))


def test_an_edit_is_applied_and_a_broken_one_keeps_the_last_good_settings(
    tmp_path: Path,
) -> None:
    path = tmp_path / "config.toml"
    with StatuspageServer() as first, StatuspageServer() as second:
        first.set_summary(payloads.summary())
        second.set_summary(payloads.summary())
        settings(path, first.url)
        app = App(config_module.load(path), path)
        app.engine.start()
        try:
            assert app.reload() is False  # unchanged: nothing to do
            settings(path, first.url, second.url)
            assert app.reload() is True
            assert [s.name for s in app.config.sources] == ["Page 0", "Page 1"]
            second.wait_for_requests("/api/v2/summary.json", 1, timeout=10)

            path.write_text(path.read_text() + "\nintervall = 5\n")  # a typo
            bump(path)
            assert app.reload() is False
            assert [s.name for s in app.config.sources] == ["Page 0", "Page 1"]
            assert app.settings_problem and "intervall" in app.settings_problem
            assert "settings not applied" in app.view(app.engine.snapshot).tooltip

            settings(path, second.url)  # fixed: applied, and the note goes
            assert app.reload() is True
            assert app.settings_problem is None
            assert [s.url for s in app.config.sources] == [second.url]
        finally:
            app.quit()


def test_the_running_app_notices_an_edit_by_itself(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    with StatuspageServer() as first, StatuspageServer() as second:
        first.set_summary(payloads.summary())
        second.set_summary(payloads.summary())
        settings(path, first.url)
        app = App(config_module.load(path), path)
        app._start()
        try:
            settings(path, second.url)
            second.wait_for_requests("/api/v2/summary.json", 1, timeout=15)
            assert [s.url for s in app.config.sources] == [second.url]
        finally:
            app.quit()
