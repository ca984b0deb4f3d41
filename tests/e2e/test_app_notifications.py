"""The app's notifications on Linux, as a notification server receives them and answers them.

With dunst, the server most minimal desktops run: what a ``Notify`` call from the app carries
(buttons, an escaped body, one bubble per incident). With a scripted server on the session
bus, a click on the bubble or on its "Snooze 1 hour" button, which only a server can send: the
app opens the guide, or snoozes the status page the notification came from.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.desktop import Desktop, NotifyMonitor
from tests.e2e.fakenotify import FakeServer
from tests.e2e.flavours import Flavour
from tests.e2e.sni_rig import label_starting, registered_item, wait_until
from tests.e2e.trayapp import API, TrayApp
from tests.support import payloads
from tests.support.statuspage_server import StatuspageServer

pytestmark = [
    pytest.mark.sni_host,
    pytest.mark.no_tray_host,
    pytest.mark.parametrize("flavour", ["pip"], indirect=True),
]
BUTTONS = ("default", "Open guide", "snooze", "Snooze 1 hour")
MARKUP = 'Errors on <b>the API</b> & "co"'
"""An incident name a markup-reading server would otherwise render, or choke on."""


def incident(status: str, *updates: tuple[str, str, str]) -> dict[str, object]:
    return payloads.summary(
        {API: "partial_outage"},
        incidents=[
            payloads.incident(
                "inc1", MARKUP, status=status, impact="major", updates=updates, components=[API]
            )
        ],
    )


def test_dunst_gets_buttons_an_escaped_body_and_one_bubble_per_incident(
    desktop: Desktop,
    notifications: NotifyMonitor,
    server: StatuspageServer,
    isolated_home: Path,
    flavour: Flavour,
) -> None:
    first_update = ("u1", "investigating", "Requests <fail> & retry.")
    server.set_summary(incident("investigating", first_update))
    app = TrayApp(desktop, isolated_home, server.url, flavour)
    try:
        (opened,) = notifications.wait_for(1, answered=True)
        assert (opened.app_name, opened.summary) == ("claude-beacon", "Claude: new incident")
        assert opened.actions == BUTTONS
        assert dict(opened.hints) == {"desktop-entry": "claude-beacon", "urgency": 1}
        assert "Errors on &lt;b&gt;the API&lt;/b&gt; &amp; &quot;co&quot;" in opened.body
        assert "Requests &lt;fail&gt; &amp; retry." in opened.body
        assert "<" not in opened.body
        assert opened.replaces_id == 0

        update = ("u2", "identified", "Cause found.")
        server.set_summary(incident("identified", update, first_update))
        updated = notifications.wait_for(2, answered=True)[1]
        assert updated.summary == "Claude: incident update"
        assert "Cause found." in updated.body
        assert updated.replaces_id == opened.id  # the same bubble, updated in place
        assert updated.id == opened.id
    finally:
        assert app.stop() == 0, app.stderr
    assert "Traceback" not in app.stderr


@pytest.mark.no_notification_daemon
def test_clicking_the_bubble_opens_the_guide_and_its_button_snoozes_the_page(
    desktop: Desktop, server: StatuspageServer, isolated_home: Path, flavour: Flavour
) -> None:
    bubbles = FakeServer(desktop.env["DBUS_SESSION_BUS_ADDRESS"], ("actions", "body"))
    try:
        with StatuspageServer() as backup:  # two pages: the menu then offers a snooze per page
            backup.set_summary(payloads.summary())
            more = f'[[sources]]\nname = "Backup"\nurl = "{backup.url}"\n'
            server.set_summary(incident("investigating", ("u1", "investigating", "Looking.")))
            app = TrayApp(desktop, isolated_home, server.url, flavour, interval=30, more=more)
            try:
                wait_until(lambda: len(bubbles.answered) == 1, 15, "the Notify call answered")
                assert bubbles.calls[0]["actions"] == list(BUTTONS)
                number = 41  # the scripted server's first id

                bubbles.emit("ActionInvoked", "us", (number, "default"))
                guide = isolated_home / ".cache" / "claude-beacon" / "guide.html"
                wait_until(lambda: app.opened() == [guide.as_uri()], 15, "the guide opened")

                with desktop.connect() as bus:
                    item = registered_item(desktop, bus)
                    assert label_starting(item, "Claude: snoozed until") is None
                    bubbles.emit("ActionInvoked", "us", (number, "snooze"))
                    wait_until(
                        lambda: label_starting(item, "Claude: snoozed until") is not None,
                        10,
                        "the snoozed page in the menu",
                    )
                    assert label_starting(item, "Backup: snoozed until") is None
                state = isolated_home / ".local" / "state" / "claude-beacon" / "tray.json"
                snoozed = json.loads(state.read_text())["settings"]["sources_snoozed_until"]
                assert len(snoozed) == 1  # Claude's page only, for about an hour
            finally:
                assert app.stop() == 0, app.stderr
    finally:
        bubbles.close()
    assert "Traceback" not in app.stderr
