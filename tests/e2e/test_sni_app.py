"""The real app from a plain ``pip install`` on a real StatusNotifierItem host.

No PyGObject, no ``PYSTRAY_BACKEND``: the app finds the host's watcher on the session bus and
serves its own item in pure Python. Everything a host does is done here over D-Bus, as the
host would: read the item's properties and menu, click entries, activate the icon; and the
host's watcher is killed and started again, as when a panel crashes or restarts.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.e2e.desktop import Desktop
from tests.e2e.flavours import Flavour
from tests.e2e.sni_rig import SniItem, label_starting, registered_item, wait_until
from tests.e2e.trayapp import API, TrayApp, opened_incident
from tests.integration.conftest import write_config
from tests.support import payloads
from tests.support.statuspage_server import StatuspageServer

pytestmark = [
    pytest.mark.sni_host,
    pytest.mark.no_tray_host,
    pytest.mark.parametrize("flavour", ["pip"], indirect=True),
]
OPERATIONAL = "Claude: all systems operational"
OUTAGE = f"Claude: partial outage — {API} (since "


def tooltip(item: SniItem) -> str:
    """The tooltip's title: what a host shows on hover."""
    return str(item.prop("ToolTip")[2])


def test_the_pip_install_serves_a_full_tray_to_the_host_over_dbus(
    desktop: Desktop, server: StatuspageServer, isolated_home: Path, flavour: Flavour
) -> None:
    app = TrayApp(desktop, isolated_home, server.url, flavour)
    try:
        assert app.backend().startswith("sni: a StatusNotifierItem host is on the session bus")
        with desktop.connect() as bus:
            item = registered_item(desktop, bus)
            assert item.prop("Id") == "claude-beacon"
            wait_until(lambda: tooltip(item) == OPERATIONAL, 15, "the operational tooltip")

            # The menu, read and clicked as the host does.
            wait_until(lambda: "Check now" in item.layout()[1].labels(), 10, "the full menu")
            assert item.layout()[1].labels()[0] == "Open troubleshooting guide"
            before = len(server.requests_to("/api/v2/summary.json"))
            item.click(item.find("Check now").id)
            server.wait_for_requests("/api/v2/summary.json", before + 1, timeout=3)
            item.click(item.find("Pause notifications", "For 1 hour").id)
            wait_until(
                lambda: label_starting(item, "Notifications paused until") is not None,
                10,
                "the paused label",
            )
            assert label_starting(item, "Pause notifications") is None
            paused = " · notifications paused"
            assert tooltip(item) == OPERATIONAL + paused

            # The tooltip follows an outage on the status page, and its recovery.
            server.set_summary(opened_incident())
            wait_until(lambda: tooltip(item).startswith(OUTAGE), 15, "the outage tooltip")
            assert tooltip(item).endswith(paused)
            server.set_summary(payloads.summary())
            wait_until(lambda: tooltip(item) == OPERATIONAL + paused, 15, "the recovered tooltip")

            # A left click on the icon (Activate) opens the guide in the browser.
            item.activate()
            guide = isolated_home / ".cache" / "claude-beacon" / "guide.html"
            wait_until(lambda: app.opened() == [guide.as_uri()], 15, "the guide opened")

            # A panel that crashes and comes back gets the same item again.
            name = item.bus_name
            for _ in range(2):
                desktop.stop_watcher()
                desktop.start_watcher()
                wait_until(lambda: desktop.registered() == [name], 10, "registered again")
            assert app.proc.poll() is None

            item.click(item.find("Quit").id)
            assert app.wait(5) == 0
        wait_until(lambda: desktop.registered() == [], 5, "the item gone from the watcher")
    finally:
        app.stop()
    assert "Traceback" not in app.stderr


def test_without_an_x_display_the_item_registers_and_xlib_is_never_imported(
    desktop: Desktop, server: StatuspageServer, isolated_home: Path, flavour: Flavour
) -> None:
    # A Wayland session: a session bus and a tray host, but no X server for the app.
    desktop.env.pop("DISPLAY")
    python = Path(flavour.command[0]).with_name("python")
    traced = dataclasses.replace(
        flavour, command=(str(python), "-X", "importtime", "-m", "claude_beacon")
    )
    app = TrayApp(desktop, isolated_home, server.url, traced)
    try:
        assert app.backend().startswith("sni: ")
        with desktop.connect() as bus:
            item = registered_item(desktop, bus)
            wait_until(lambda: tooltip(item) == OPERATIONAL, 15, "the operational tooltip")
            item.click(item.find("Quit").id)
            assert app.wait(5) == 0
    finally:
        app.stop()
    imported = [line.rsplit("|", 1)[-1].strip() for line in app.stderr.splitlines()]
    assert "claude_beacon.desktop.sni" in imported  # -X importtime reported every import
    assert [name for name in imported if name.split(".")[0] in ("Xlib", "pystray", "gi")] == []
    assert "Traceback" not in app.stderr


def test_doctor_says_the_sni_tray_would_run_here(
    desktop: Desktop, server: StatuspageServer, isolated_home: Path, flavour: Flavour
) -> None:
    config = write_config(isolated_home, server.url)
    env = desktop.env | {k: v for k, v in os.environ.items() if k.startswith(("XDG_", "HOME"))}
    env.pop("PYSTRAY_BACKEND", None)
    report = subprocess.run(
        [*flavour.command, "doctor", "--json", "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert json.loads(report.stdout)["tray"] == {
        "backend": "sni",
        "reason": "sni: a StatusNotifierItem host is on the session bus (pure Python, full menu)",
    }
    assert desktop.registered() == []  # it only looked: no item was made
