"""The real tray app on a real virtual desktop, against a scripted status page on loopback."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from claude_beacon.icons import COLOURS, Look
from tests.e2e.desktop import Desktop, NotifyMonitor, TrayMenu
from tests.integration.conftest import loopback_diagnostics
from tests.support import payloads
from tests.support.statuspage_server import SUMMARY, Reply, StatuspageServer, json_reply

API = "Claude API (api.anthropic.com)"
GREEN, ORANGE = COLOURS[Look.OPERATIONAL][0], COLOURS[Look.PARTIAL_OUTAGE][0]
UPDATES = [
    ("u1", "investigating", "We are investigating errors on the API."),
]


def incident(status: str, updates: list[tuple[str, str, str]]) -> dict:
    return payloads.incident(
        "inc1",
        "Elevated errors on the API",
        status=status,
        impact="major",
        updates=updates,
        components=[API],
    )


class TrayApp:
    """``claude-beacon`` started as a user would, on the test desktop, with its own home."""

    def __init__(
        self, desktop: Desktop, home: Path, url: str, interval: float = 0.5, more: str = ""
    ) -> None:
        config = home / "beacon.toml"
        config.write_text(
            f"interval = {interval}\nfast_interval = {interval}\n{loopback_diagnostics(url)}"
            f'[[sources]]\nname = "Claude"\nurl = "{url}"\n{more}'
        )
        env = desktop.env | {
            key: os.environ[key] for key in os.environ if key.startswith(("XDG_", "HOME"))
        }
        # The browser and xdg-open write down what they were asked to open.
        recorder = home / "bin"
        recorder.mkdir(exist_ok=True)
        for name in ("browser", "xdg-open"):
            script = recorder / name
            script.write_text(f'#!/bin/sh\necho "$1" >> "{home / "opened.txt"}"\n')
            script.chmod(0o755)
        env |= {
            "PYSTRAY_BACKEND": "appindicator",
            "BROWSER": str(recorder / "browser"),
            "PATH": f"{recorder}:{env.get('PATH', '')}",
        }
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "claude_beacon", "--config", str(config)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def stop(self) -> int:
        self.proc.terminate()
        return self.wait()

    def wait(self, timeout: float = 5) -> int:
        try:
            return self.proc.wait(timeout)
        finally:
            self.proc.kill()
            self.stdout, self.stderr = self.proc.communicate()


@pytest.fixture
def server() -> Iterator[StatuspageServer]:
    with StatuspageServer() as srv:
        srv.set_summary(payloads.summary())
        yield srv


def test_icon_and_notifications_follow_an_incident_across_a_restart(
    desktop: Desktop,
    notifications: NotifyMonitor,
    server: StatuspageServer,
    isolated_home: Path,
) -> None:
    app = TrayApp(desktop, isolated_home, server.url)
    try:
        desktop.wait_for_colour(GREEN)
        assert notifications.calls == []

        server.set_summary(
            payloads.summary(
                {API: "partial_outage"}, incidents=[incident("investigating", UPDATES)]
            )
        )
        desktop.wait_for_colour(ORANGE)
        (opened,) = notifications.wait_for(1)
        assert (opened.app_name, opened.summary) == ("claude-beacon", "Claude: new incident")
        assert "Elevated errors on the API" in opened.body
        assert "We are investigating errors on the API." in opened.body
    finally:
        assert app.stop() == 0

    # A restart remembers what was reported: the icon comes back, no notification repeats.
    app = TrayApp(desktop, isolated_home, server.url)
    try:
        desktop.wait_for_colour(ORANGE)
        polls = len(server.requests_to("/api/v2/summary.json"))
        server.wait_for_requests("/api/v2/summary.json", polls + 4)
        assert len(notifications.calls) == 1

        resolved = incident("resolved", [("u2", "resolved", "Errors have stopped."), *UPDATES])
        server.set("/api/v2/incidents.json", json_reply(payloads.incidents_page([resolved])))
        server.set_summary(payloads.summary())
        desktop.wait_for_colour(GREEN)
        calls = notifications.wait_for(2)
        assert calls[1].summary == "Claude: resolved"
        assert "Errors have stopped." in calls[1].body
        time.sleep(2)  # several more polls: nothing more to say
        assert len(notifications.calls) == 2
    finally:
        assert app.stop() == 0


def test_menu_lists_the_state_and_its_items_work(
    desktop: Desktop, server: StatuspageServer, isolated_home: Path
) -> None:
    server.set_summary(
        payloads.summary({API: "partial_outage"}, incidents=[incident("identified", UPDATES)])
    )
    app = TrayApp(desktop, isolated_home, server.url, interval=30)
    try:
        menu = TrayMenu(desktop)
        deadline = time.monotonic() + 10
        while "Check now" not in (labels := menu.labels()) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert labels[0] == "Open troubleshooting guide"
        assert "▲ Overall: partial outage" in labels
        assert f"▲ {API}: partial outage" in labels
        assert "Incident: Elevated errors on the API (identified)" in labels
        assert {"Pause notifications", "Open status page", "Open settings", "Quit"} <= set(labels)

        entry = isolated_home / ".config" / "autostart" / "claude-beacon.desktop"
        menu.click("Start at login")
        wait_until(entry.is_file)
        assert "Exec=" in entry.read_text()
        menu.click("Start at login")
        wait_until(lambda: not entry.exists())

        before = len(server.requests_to("/api/v2/summary.json"))
        menu.click("Check now")
        server.wait_for_requests("/api/v2/summary.json", before + 1, timeout=3)

        opened = isolated_home / "opened.txt"  # what the browser and xdg-open were asked for
        menu.click("Open status page")
        menu.click("Incident: Elevated errors on the API (identified)")
        menu.click("Open settings")
        wait_until(lambda: opened.is_file() and len(opened.read_text().splitlines()) == 3)
        assert sorted(opened.read_text().splitlines()) == sorted(
            [server.url, "https://stspg.io/inc1", str(isolated_home / "beacon.toml")]
        )
        menu.click("Pause notifications", "Until tomorrow")
        wait_until(
            lambda: any(label.startswith("Notifications paused until") for label in menu.labels())
        )

        menu.click("Quit")
        started = time.monotonic()
        assert app.wait(5) == 0
        assert time.monotonic() - started < 2
    finally:
        app.stop()


def opened_incident() -> dict:
    return payloads.summary({API: "partial_outage"}, incidents=[incident("investigating", UPDATES)])


def test_without_a_tray_it_says_so_watches_and_still_notifies(
    desktop: Desktop, notifications: NotifyMonitor, server: StatuspageServer, isolated_home: Path
) -> None:
    server.set_summary(opened_incident())
    desktop.env.pop("DISPLAY")  # a session bus but no screen: an SSH login, a headless box
    app = TrayApp(desktop, isolated_home, server.url)
    (call,) = notifications.wait_for(1)
    assert call.summary == "Claude: new incident"
    assert app.stop() == 0
    assert "Traceback" not in app.stderr
    assert "watching here and sending notifications instead" in app.stderr
    assert "Elevated errors on the API" in app.stdout


@pytest.mark.no_tray_host
def test_a_desktop_without_a_tray_host_gets_the_fallback_not_an_invisible_icon(
    desktop: Desktop, notifications: NotifyMonitor, server: StatuspageServer, isolated_home: Path
) -> None:
    server.set_summary(opened_incident())
    app = TrayApp(desktop, isolated_home, server.url)
    (call,) = notifications.wait_for(1)
    assert call.summary == "Claude: new incident"
    assert app.stop() == 0
    assert "Traceback" not in app.stderr
    assert "no system tray is running on this desktop" in app.stderr
    assert "watching here and sending notifications instead" in app.stderr


def test_a_screen_without_a_session_bus_gets_the_fallback_not_a_hang(
    desktop: Desktop, server: StatuspageServer, isolated_home: Path
) -> None:
    server.set_summary(opened_incident())
    desktop.env.pop("DBUS_SESSION_BUS_ADDRESS")
    app = TrayApp(desktop, isolated_home, server.url)
    server.wait_for_answer(SUMMARY, 0.0, timeout=20)  # it polls: it started, no hang
    time.sleep(1)  # the round's events are printed
    assert app.stop() == 0
    assert "Traceback" not in app.stderr
    assert "no D-Bus session bus" in app.stderr
    assert "Elevated errors on the API" in app.stdout


@pytest.mark.no_notification_daemon
def test_without_a_notification_service_it_carries_on_and_says_so_once(
    desktop: Desktop, server: StatuspageServer, isolated_home: Path
) -> None:
    app = TrayApp(desktop, isolated_home, server.url)
    try:
        desktop.wait_for_colour(GREEN)
        server.set_summary(opened_incident())
        desktop.wait_for_colour(ORANGE)
        time.sleep(1)
        update = ("u2", "identified", "Cause found.")
        server.set_summary(
            payloads.summary({API: "partial_outage"}, [incident("identified", [update, *UPDATES])])
        )
        log = isolated_home / ".local/state/claude-beacon/log/claude-beacon.log"
        deadline = time.monotonic() + 10
        while "Claude: incident update" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert app.proc.poll() is None  # still running
    finally:
        assert app.stop() == 0, app.stderr
    text = log.read_text()
    assert text.count("cannot show notifications") == 1


def wait_until(condition: Callable[[], bool], timeout: float = 5) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{condition} stayed false for {timeout} s"
        time.sleep(0.05)


def wait_for_label(menu: TrayMenu, prefix: str, timeout: float = 10) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [label for label in menu.labels() if label.startswith(prefix)]
        if found:
            return found[0]
        time.sleep(0.2)
    raise AssertionError(f"no menu item starting {prefix!r} in {menu.labels()}")


def test_a_pause_is_honoured_and_survives_a_restart(
    desktop: Desktop, notifications: NotifyMonitor, server: StatuspageServer, isolated_home: Path
) -> None:
    app = TrayApp(desktop, isolated_home, server.url)
    try:
        menu = TrayMenu(desktop)
        wait_for_label(menu, "Pause notifications")
        menu.click("For 1 hour")
        wait_for_label(menu, "Notifications paused until")
    finally:
        assert app.stop() == 0, app.stderr

    app = TrayApp(desktop, isolated_home, server.url)
    try:
        wait_for_label(TrayMenu(desktop), "Notifications paused until")
        server.set_summary(opened_incident())
        desktop.wait_for_colour(ORANGE)  # the icon still tells; only notifications wait
        time.sleep(1.5)
        assert notifications.calls == []

        TrayMenu(desktop).click("Resume notifications")
        wait_for_label(TrayMenu(desktop), "Pause notifications")
        resolved = incident("resolved", [("u2", "resolved", "Errors have stopped."), *UPDATES])
        server.set("/api/v2/incidents.json", json_reply(payloads.incidents_page([resolved])))
        server.set_summary(payloads.summary())
        (call,) = notifications.wait_for(1)
        assert call.summary == "Claude: resolved"
    finally:
        assert app.stop() == 0, app.stderr


def test_early_warning_when_the_api_fails_and_the_page_is_green(
    desktop: Desktop, notifications: NotifyMonitor, server: StatuspageServer, isolated_home: Path
) -> None:
    server.set("/v1/models", Reply(status=503))
    app = TrayApp(desktop, isolated_home, server.url)
    try:
        (warning,) = notifications.wait_for(1, timeout=20)
        assert warning.summary == "Claude: problem seen from here"
        assert "The API is failing from here and the status page does not say so yet" in (
            warning.body
        )
        desktop.wait_for_colour(COLOURS[Look.LOCAL_PROBLEM][0])

        server.set("/v1/models", Reply(status=401))  # the edge answers normally again
        desktop.wait_for_colour(GREEN)
        time.sleep(3)  # rounds keep passing: the warning cleared itself, silently
        assert len(notifications.calls) == 1
    finally:
        assert app.stop() == 0, app.stderr


def test_a_snoozed_page_and_an_outages_only_page(
    desktop: Desktop, notifications: NotifyMonitor, server: StatuspageServer, isolated_home: Path
) -> None:
    server.set_summary(payloads.summary())
    with StatuspageServer() as backup:
        backup.set_summary(payloads.summary())
        more = f'[[sources]]\nname = "Backup"\nurl = "{backup.url}"\nalerts = "outages"\n'
        app = TrayApp(desktop, isolated_home, server.url, more=more)
        try:
            menu = TrayMenu(desktop)
            wait_until(lambda: "Snooze a status page" in menu.labels(), timeout=15)
            menu.click("Snooze a status page", "Claude", "For 1 hour")
            wait_until(
                lambda: any(x.startswith("Claude: snoozed until") for x in menu.all_labels())
            )
            server.set_summary(opened_incident())  # snoozed: the icon tells, no notification
            desktop.wait_for_colour(ORANGE)
            minor = payloads.incident("b1", "Slow dashboard", impact="minor")
            backup.set_summary(payloads.summary(incidents=[minor]))  # below "outages"
            backup.wait_for_requests("/api/v2/summary.json", 4, timeout=10)
            time.sleep(1.5)
            assert notifications.calls == []
            major = payloads.incident("b2", "Backup API down", impact="critical")
            backup.set_summary(payloads.summary(incidents=[minor, major]))
            (call,) = notifications.wait_for(1)
            assert call.summary == "Backup: new incident" and "Backup API down" in call.body
        finally:
            assert app.stop() == 0, app.stderr
