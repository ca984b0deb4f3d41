"""The tray app as Linux users run it, each test twice: from a plain ``pip install`` (no
PyGObject: the XEmbed tray through python-xlib) and with PyGObject (GTK, with a menu). No test
here forces a backend: the app picks one for the desktop it finds, and says which in its log.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.e2e import xscreen
from tests.e2e.desktop import Desktop, NotifyMonitor
from tests.e2e.flavours import Flavour, both
from tests.e2e.sni_rig import registered_item
from tests.e2e.trayapp import (
    GREEN,
    ORANGE,
    UPDATES,
    TrayApp,
    incident,
    opened_incident,
    wait_until,
)
from tests.support import payloads
from tests.support.statuspage_server import SUMMARY, StatuspageServer, json_reply

WORLDWIDE = "Erreurs élevées — API 障害 ☁️"
"""An incident name Latin-1 cannot carry: accents it has, a dash, Japanese and an emoji it lacks."""
WORLDWIDE_IN_LATIN1 = "Erreurs élevées - API ?? ?"


@both
def test_icon_and_notifications_follow_an_incident_across_a_restart(
    desktop: Desktop,
    notifications: NotifyMonitor,
    server: StatuspageServer,
    isolated_home: Path,
    flavour: Flavour,
) -> None:
    app = TrayApp(desktop, isolated_home, server.url, flavour)
    try:
        desktop.wait_for_colour(GREEN)
        assert app.backend().startswith(f"{flavour.xembed_backend}: ")
        assert notifications.calls == []

        server.set_summary(opened_incident())
        desktop.wait_for_colour(ORANGE)
        (opened,) = notifications.wait_for(1)
        assert (opened.app_name, opened.summary) == ("claude-beacon", "Claude: new incident")
        assert "Elevated errors on the API" in opened.body
        assert "We are investigating errors on the API." in opened.body
    finally:
        assert app.stop() == 0

    # A restart remembers what was reported: the icon comes back, no notification repeats.
    app = TrayApp(desktop, isolated_home, server.url, flavour)
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


@both
def test_any_script_reaches_the_tooltip_and_the_notification_and_a_click_opens_the_guide(
    desktop: Desktop,
    notifications: NotifyMonitor,
    server: StatuspageServer,
    isolated_home: Path,
    flavour: Flavour,
) -> None:
    worldwide = payloads.incident("w1", WORLDWIDE, impact="major")
    server.set_summary(payloads.summary(incidents=[worldwide]))
    app = TrayApp(desktop, isolated_home, server.url, flavour, interval=30)
    try:
        x, y = desktop.where_colour(ORANGE)
        (call,) = notifications.wait_for(1)
        assert call.summary == "Claude: new incident" and WORLDWIDE in call.body

        tooltip = f"Claude: partial outage — {WORLDWIDE} (since "
        wait_until(lambda: icon_windows(desktop, tooltip), timeout=10)
        (icon,) = icon_windows(desktop, tooltip)
        if flavour.xembed_backend == "xorg":  # WM_NAME is Latin-1; _NET_WM_NAME has it all
            assert icon.wm_name.startswith(f"Claude: partial outage - {WORLDWIDE_IN_LATIN1}")
        else:  # a real tooltip shows on hover, and the right button opens the menu
            xscreen.pointer(desktop.display, x - 1, y)
            xscreen.pointer(desktop.display, x, y)
            wait_until(lambda: tooltips_of(desktop, icon.id), timeout=10)
            xscreen.pointer(desktop.display, x, y, button=3)
            wait_until(lambda: xscreen.shown(desktop.display, *xscreen.MENUS), timeout=10)
            xscreen.key(desktop.display, "Escape")
            wait_until(lambda: not xscreen.shown(desktop.display, *xscreen.MENUS), timeout=10)

        xscreen.pointer(desktop.display, x, y, button=1)
        guide = isolated_home / ".cache" / "claude-beacon" / "guide.html"
        wait_until(lambda: app.opened() == [guide.as_uri()], timeout=15)
        assert WORLDWIDE in guide.read_text(encoding="utf-8")
        assert app.proc.poll() is None
    finally:
        assert app.stop() == 0, app.stderr
    for noise in ("Traceback", "UnicodeEncodeError", "Gdk-CRITICAL", "Gtk-WARNING"):
        assert noise not in app.stderr


@both
def test_without_a_screen_it_says_so_watches_and_still_notifies(
    desktop: Desktop,
    notifications: NotifyMonitor,
    server: StatuspageServer,
    isolated_home: Path,
    flavour: Flavour,
) -> None:
    server.set_summary(opened_incident())
    desktop.env.pop("DISPLAY")  # a session bus but no screen: an SSH login, a headless box
    app = TrayApp(desktop, isolated_home, server.url, flavour)
    (call,) = notifications.wait_for(1)
    assert call.summary == "Claude: new incident"
    assert app.stop() == 0
    assert "Traceback" not in app.stderr
    assert "no desktop to show a tray icon on" in app.stderr
    assert "watching here and sending notifications instead" in app.stderr
    assert "Elevated errors on the API" in app.stdout


@both
@pytest.mark.no_tray_host
def test_a_desktop_without_a_tray_host_gets_the_fallback_not_an_invisible_icon(
    desktop: Desktop,
    notifications: NotifyMonitor,
    server: StatuspageServer,
    isolated_home: Path,
    flavour: Flavour,
) -> None:
    server.set_summary(opened_incident())
    app = TrayApp(desktop, isolated_home, server.url, flavour)
    (call,) = notifications.wait_for(1)
    assert call.summary == "Claude: new incident"
    assert app.stop() == 0
    assert "Traceback" not in app.stderr
    assert "no system tray is running on this desktop" in app.stderr
    assert "watching here and sending notifications instead" in app.stderr


@both
def test_without_a_session_bus_the_xembed_tray_still_shows_the_icon(
    desktop: Desktop, server: StatuspageServer, isolated_home: Path, flavour: Flavour
) -> None:
    server.set_summary(opened_incident())
    desktop.env.pop("DBUS_SESSION_BUS_ADDRESS")
    app = TrayApp(desktop, isolated_home, server.url, flavour)
    try:
        server.wait_for_answer(SUMMARY, 0.0, timeout=20)  # it polls: it started, no hang
        desktop.wait_for_colour(ORANGE)
        assert app.backend().startswith("xorg: an XEmbed system tray is running (no menu: ")
    finally:
        assert app.stop() == 0, app.stderr
    assert "Traceback" not in app.stderr
    assert "watching here" not in app.stderr


@pytest.mark.sni_host
def test_a_statusnotifieritem_host_gets_the_sni_item_first_even_with_pygobject(
    desktop: Desktop, server: StatuspageServer, isolated_home: Path, flavour: Flavour
) -> None:
    # PyGObject and AppIndicator are there, and an XEmbed tray too: the SNI item still wins.
    app = TrayApp(desktop, isolated_home, server.url, flavour)
    try:
        assert app.backend() == (
            "sni: a StatusNotifierItem host is on the session bus (pure Python, full menu)"
        )
        with desktop.connect() as bus:
            item = registered_item(desktop, bus)
            wait_until(lambda: "Check now" in item.layout()[1].labels(), timeout=10)
            assert item.layout()[1].labels()[0] == "Open troubleshooting guide"
            item.click(item.find("Quit").id)
            assert app.wait(5) == 0
    finally:
        app.stop()
    assert "Gdk-CRITICAL" not in app.stderr
    assert "Traceback" not in app.stderr


def icon_windows(desktop: Desktop, tooltip_start: str) -> list[xscreen.XWindow]:
    """The app's tray icon, found by the full text of its name."""
    return [w for w in xscreen.windows(desktop.display) if w.net_wm_name.startswith(tooltip_start)]


def tooltips_of(desktop: Desktop, window: int) -> list[xscreen.XWindow]:
    return [w for w in xscreen.shown(desktop.display, xscreen.TOOLTIP) if w.transient_for == window]


@both
def test_the_icon_follows_every_change_not_only_the_first(
    desktop: Desktop, server: StatuspageServer, isolated_home: Path, flavour: Flavour
) -> None:
    # pystray's XEmbed icon asked the tray to dock it again on each new image: after a few
    # changes trayer gave it a one-pixel slot, and the icon was gone.
    app = TrayApp(desktop, isolated_home, server.url, flavour, interval=0.2)
    try:
        for change in range(12):
            outage = change % 2 == 0
            server.set_summary(opened_incident() if outage else payloads.summary())
            desktop.wait_for_colour(ORANGE if outage else GREEN)
    finally:
        assert app.stop() == 0, app.stderr
    assert "Traceback" not in app.stderr


@both
def test_the_icon_comes_back_when_the_tray_restarts(
    desktop: Desktop, server: StatuspageServer, isolated_home: Path, flavour: Flavour
) -> None:
    # No poll changes the level meanwhile: the new tray's own announcement brings the icon back.
    server.set_summary(opened_incident())
    app = TrayApp(desktop, isolated_home, server.url, flavour, interval=60)
    try:
        desktop.wait_for_colour(ORANGE)
        desktop.restart_tray_host()
        desktop.wait_for_colour(ORANGE)
        assert app.proc.poll() is None
    finally:
        assert app.stop() == 0, app.stderr
    assert "Traceback" not in app.stderr
