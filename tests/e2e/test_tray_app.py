"""The real tray app's menu and behaviour on a real virtual desktop, against a scripted status
page on loopback. The menu is read and clicked over dbusmenu, so the tests that use it ask for
pystray's appindicator backend (on this desktop's XEmbed tray); ``test_tray_flavours`` covers the
backends the app picks by itself.
"""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

import pytest

from claude_beacon.desktop.icons import COLOURS, Look
from tests.e2e.desktop import Desktop, NotifyMonitor, TrayMenu
from tests.e2e.flavours import Flavour
from tests.e2e.trayapp import (
    API,
    GREEN,
    ORANGE,
    UPDATES,
    TrayApp,
    incident,
    opened_incident,
    wait_until,
)
from tests.support import payloads
from tests.support.statuspage_server import Reply, StatuspageServer, json_reply

MENU = "appindicator"
"""The backend whose menu the tests can read: it exports it over dbusmenu."""


def test_menu_lists_the_state_and_its_items_work(
    desktop: Desktop, server: StatuspageServer, isolated_home: Path, flavour: Flavour
) -> None:
    server.set_summary(
        payloads.summary({API: "partial_outage"}, incidents=[incident("identified", UPDATES)])
    )
    app = TrayApp(desktop, isolated_home, server.url, flavour, interval=30, backend=MENU)
    try:
        menu = TrayMenu(desktop)
        deadline = time.monotonic() + 10
        # the menu is there before the first poll (its overall line "unknown" until then)
        overall = "▲ Overall: partial outage"
        while overall not in (labels := menu.labels()) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert labels[0] == "Open troubleshooting guide"
        assert overall in labels
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

        menu.click("Open status page")
        menu.click("Incident: Elevated errors on the API (identified)")
        menu.click("Open settings")
        wait_until(lambda: len(app.opened()) == 3)
        assert sorted(app.opened()) == sorted(
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
    # AppIndicator without a StatusNotifierItem host falls back to XEmbed, where GDK complains.
    assert "Gdk-CRITICAL" not in app.stderr
    assert "Traceback" not in app.stderr


def test_open_settings_leaves_no_defunct_opener_behind(
    desktop: Desktop, server: StatuspageServer, isolated_home: Path, flavour: Flavour
) -> None:
    # Nothing else starts a process meanwhile (no probes, no news): that could reap it by chance.
    app = TrayApp(desktop, isolated_home, server.url, flavour, 30, backend=MENU, probes=False)
    try:
        menu = TrayMenu(desktop)
        wait_until(lambda: "Open settings" in menu.labels(), timeout=10)
        menu.click("Open settings")
        wait_until(lambda: app.opened() == [str(isolated_home / "beacon.toml")])
        # xdg-open exits at once: until the app collects its exit status it stays a zombie.
        wait_until(lambda: children(app.proc.pid) == {}, timeout=5)
        assert app.proc.poll() is None
    finally:
        assert app.stop() == 0, app.stderr


def children(pid: int) -> dict[int, str]:
    """The child processes of ``pid`` and their states (``Z``: exited, never waited for)."""
    found: dict[int, str] = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(FileNotFoundError):  # threads and children come and go
            for child in (task / "children").read_text().split():
                stat = Path(f"/proc/{child}/stat").read_text()
                found[int(child)] = stat.rsplit(")", 1)[1].split()[0]
    return found


@pytest.mark.no_notification_daemon
def test_without_a_notification_service_it_carries_on_and_says_so_once(
    desktop: Desktop, server: StatuspageServer, isolated_home: Path, flavour: Flavour
) -> None:
    app = TrayApp(desktop, isolated_home, server.url, flavour)
    try:
        desktop.wait_for_colour(GREEN)
        server.set_summary(opened_incident())
        desktop.wait_for_colour(ORANGE)
        time.sleep(1)
        update = ("u2", "identified", "Cause found.")
        server.set_summary(
            payloads.summary({API: "partial_outage"}, [incident("identified", [update, *UPDATES])])
        )
        log = app.log_file
        deadline = time.monotonic() + 10
        while "Claude: incident update" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert app.proc.poll() is None  # still running
    finally:
        assert app.stop() == 0, app.stderr
    text = log.read_text()
    assert text.count("cannot show notifications") == 1


def wait_for_label(menu: TrayMenu, prefix: str, timeout: float = 10) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [label for label in menu.labels() if label.startswith(prefix)]
        if found:
            return found[0]
        time.sleep(0.2)
    raise AssertionError(f"no menu item starting {prefix!r} in {menu.labels()}")


def test_a_pause_is_honoured_and_survives_a_restart(
    desktop: Desktop,
    notifications: NotifyMonitor,
    server: StatuspageServer,
    isolated_home: Path,
    flavour: Flavour,
) -> None:
    app = TrayApp(desktop, isolated_home, server.url, flavour, backend=MENU)
    try:
        menu = TrayMenu(desktop)
        wait_for_label(menu, "Pause notifications")
        menu.click("For 1 hour")
        wait_for_label(menu, "Notifications paused until")
    finally:
        assert app.stop() == 0, app.stderr

    app = TrayApp(desktop, isolated_home, server.url, flavour, backend=MENU)
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
    desktop: Desktop,
    notifications: NotifyMonitor,
    server: StatuspageServer,
    isolated_home: Path,
    flavour: Flavour,
) -> None:
    server.set("/v1/models", Reply(status=503))
    app = TrayApp(desktop, isolated_home, server.url, flavour)
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
    desktop: Desktop,
    notifications: NotifyMonitor,
    server: StatuspageServer,
    isolated_home: Path,
    flavour: Flavour,
) -> None:
    server.set_summary(payloads.summary())
    with StatuspageServer() as backup:
        backup.set_summary(payloads.summary())
        more = f'[[sources]]\nname = "Backup"\nurl = "{backup.url}"\nalerts = "outages"\n'
        app = TrayApp(desktop, isolated_home, server.url, flavour, more=more, backend=MENU)
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
