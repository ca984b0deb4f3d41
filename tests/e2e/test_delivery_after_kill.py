"""A notification seen but not yet shown when the app is killed is shown after the restart, once.

The state marks an event seen and owes it to every sink in one write; here the notification
server never answers, the app is killed, and a server that answers is there at the next start.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.e2e.desktop import Desktop
from tests.e2e.fakenotify import FakeServer
from tests.e2e.flavours import Flavour
from tests.e2e.sni_rig import wait_until
from tests.e2e.trayapp import API, TrayApp
from tests.support import payloads
from tests.support.statuspage_server import StatuspageServer

pytestmark = [
    pytest.mark.sni_host,
    pytest.mark.no_tray_host,
    pytest.mark.no_notification_daemon,  # the scripted server below is the desktop's
    pytest.mark.parametrize("flavour", ["pip"], indirect=True),
]


def owed(state: Path) -> dict[str, list[str]]:
    """What the state file says each sink is still owed, by subject."""
    if not state.exists():
        return {}
    queued = json.loads(state.read_text()).get("outbox", {})
    return {sink: [e["subject_id"] for e in events] for sink, events in queued.items()}


def test_a_notification_pending_at_a_kill_is_shown_after_the_restart_once(
    desktop: Desktop, server: StatuspageServer, isolated_home: Path, flavour: Flavour
) -> None:
    summary = payloads.summary(
        {API: "partial_outage"},
        incidents=[payloads.incident("k1", "Seen before the kill", impact="major")],
    )
    server.set_summary(summary)
    state = isolated_home / ".local" / "state" / "claude-beacon" / "tray.json"
    bubbles = FakeServer(desktop.env["DBUS_SESSION_BUS_ADDRESS"], ("actions", "body"), mute=True)
    try:
        first = TrayApp(desktop, isolated_home, server.url, flavour, interval=30, probes=False)
        try:
            wait_until(lambda: "GetCapabilities" in bubbles.asked, 20, "a try to notify")
            wait_until(lambda: owed(state).get("notifications") == ["k1"], 10, "the outbox")
        finally:
            first.proc.kill()  # no goodbye: as a crash or a power cut would end it
            first.wait()
        assert owed(state)["notifications"] == ["k1"]

        bubbles.mute = False
        again = TrayApp(desktop, isolated_home, server.url, flavour, interval=30, probes=False)
        try:
            wait_until(lambda: len(bubbles.calls) == 1, 20, "the notification after the restart")
            assert "Seen before the kill" in bubbles.calls[0]["body"]
            wait_until(lambda: "notifications" not in owed(state), 10, "the outbox emptied")
            time.sleep(2)  # the page still shows it: not a new event, nor a second bubble
            assert len(bubbles.calls) == 1
        finally:
            assert again.stop() == 0, again.stderr
    finally:
        bubbles.close()
    assert "Traceback" not in again.stderr
