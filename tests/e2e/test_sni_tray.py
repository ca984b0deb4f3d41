"""The StatusNotifierItem tray on a real SNI host (gtk-sni-tray), driven over D-Bus.

The app side is ``sni_harness.py`` in a process of its own, where GTK, PyGObject, Xlib and
pystray cannot be imported: what a plain ``pip install`` gives on Linux.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator

import pytest

from claude_beacon.core.model import Level
from claude_beacon.desktop import sni
from claude_beacon.desktop.icons import COLOURS, Look
from claude_beacon.render import wording
from tests.e2e.desktop import SNI_HOST, RigError
from tests.e2e.sni_rig import (
    DBusCallError,
    Signals,
    SniDesktop,
    SniItem,
    call,
    harness,
    require,
    unavailable,
    wait_until,
)

GREY, GREEN, RED = (
    COLOURS[look][0] for look in (Look.UNKNOWN, Look.OPERATIONAL, Look.MAJOR_OUTAGE)
)
INCIDENT = "Incident: Elevated errors on the API (investigating)"


def start(**kwargs: bool) -> SniDesktop:
    require("Xvfb", "dbus-daemon", SNI_HOST)
    rig = SniDesktop(**kwargs)
    try:
        rig.__enter__()
    except RigError as exc:
        unavailable(str(exc))
        raise
    return rig


@pytest.fixture
def desk() -> Iterator[SniDesktop]:
    rig = start()
    try:
        yield rig
    finally:
        rig.close()


def test_the_item_registers_and_its_icon_and_tooltip_follow_the_view(desk: SniDesktop) -> None:
    with harness(desk.env) as app, desk.connect() as bus:
        name = app.expect("READY").split()[1]
        assert name in desk.registered()
        item = SniItem(bus, name)
        assert item.prop("Id") == "claude-beacon"
        assert (item.prop("Category"), item.prop("Status")) == ("ApplicationStatus", "Active")
        assert (item.prop("ItemIsMenu"), item.prop("Menu")) == (False, "/MenuBar")
        pixmaps = item.prop("IconPixmap")
        assert [(w, h) for w, h, _data in pixmaps] == [(22, 22), (32, 32), (48, 48), (64, 64)]
        assert all(len(data) == w * h * 4 and data[0] == 0xFF for w, h, data in pixmaps)
        assert item.prop("ToolTip")[2] == "claude-beacon: checking…"
        desk.wait_for_bar_colour(GREY)  # the host drew our pixmap: ARGB in the right order

        signals = Signals(desk.connect(), f"type='signal',sender='{name}'")
        try:
            app.command("outage")
            app.expect("SHOWN outage")
            for signal in ("NewIcon", "NewTitle", "NewToolTip", "LayoutUpdated"):
                signals.wait_for(signal)
            signals.wait_for("PropertiesChanged")
            tooltip = item.prop("ToolTip")
            assert tooltip[2].startswith("Claude: major outage — Claude API (since ")
            assert item.prop("Title") == tooltip[2]
            desk.wait_for_bar_colour(RED)

            app.command("recovery")
            app.expect("SHOWN recovery")
            signals.wait_for("NewToolTip", 2)
            signals.wait_for("NewIcon", 2)
            assert item.prop("ToolTip")[2] == "Claude: all systems operational"
            desk.wait_for_bar_colour(GREEN)
        finally:
            signals.close()
        app.command("stop")
        assert app.expect("STOPPED") == "STOPPED loaded=-"  # no GTK, Xlib or pystray came in


def test_the_menu_is_read_and_clicked_over_dbusmenu(desk: SniDesktop) -> None:
    with harness(desk.env) as app, desk.connect() as bus:
        item = SniItem(bus, app.expect("READY").split()[1])
        app.command("outage")
        app.expect("SHOWN outage")
        revision, root = item.layout()
        labels = root.labels()
        assert labels[0] == "Open troubleshooting guide"
        overall = f"{wording.SYMBOLS[Level.MAJOR_OUTAGE]} Overall: major outage"
        assert [overall, INCIDENT, "Check now", "Quit"] == [
            x for x in labels if x in (overall, INCIDENT, "Check now", "Quit")
        ]
        kinds = [child.props.get("type", "standard") for child in root.children]
        assert kinds.count("separator") == 3
        assert item.find(overall).props["enabled"] is False  # a line to read, not a command
        login = item.find("Start at login").props
        assert (login["toggle-type"], login["toggle-state"]) == ("checkmark", 0)
        pause = item.find("Pause notifications")
        assert pause.props["children-display"] == "submenu"
        assert pause.labels() == ["For 1 hour", "Until tomorrow"]
        menu_props = item.menu
        assert item.prop("Version", menu_props) == 3

        item.click(item.find("Check now").id)
        assert app.expect("ACTION") == "ACTION check"
        item.click(item.find("Pause notifications", "For 1 hour").id)
        assert app.expect("ACTION") == "ACTION pause_hour"
        item.click(item.find(overall).id)
        assert app.quiet(0.3) == []  # disabled: nothing happens

        # After an update, ids of entries that stayed are kept; a gone entry's id is refused.
        incident, quit_id = item.find(INCIDENT).id, item.find("Quit").id
        app.command("recovery")
        app.expect("SHOWN recovery")
        newer, root = item.layout()
        assert newer > revision and INCIDENT not in root.labels()
        with pytest.raises(DBusCallError) as refused:
            item.click(incident)
        assert refused.value.name == "com.canonical.dbusmenu.UnknownId"
        assert app.quiet(0.3) == []
        assert item.find("Quit").id == quit_id
        (label,) = call(bus, item.menu, "GetProperty", "is", (quit_id, "label"))
        assert label == ("s", "Quit")
        (groups,) = call(bus, item.menu, "GetGroupProperties", "aias", ([quit_id], ["label"]))
        assert groups == [(quit_id, {"label": ("s", "Quit")})]
        assert call(bus, item.menu, "AboutToShow", "i", (0,)) == (False,)

        item.activate()  # a left click on the icon: the default entry, the guide
        assert app.expect("ACTION") == "ACTION guide"
        item.click(quit_id)
        assert app.expect("ACTION") == "ACTION quit"
        app.expect("STOPPED")
        assert app.wait() == 0
        wait_until(lambda: item.bus_name not in desk.registered(), what="unregistered")
        assert not desk.has_owner(item.bus_name)


def test_a_click_on_the_icon_in_the_real_host_opens_the_guide(desk: SniDesktop) -> None:
    require("xdotool")
    with harness(desk.env) as app:
        app.expect("READY")
        app.command("outage")
        desk.wait_for_bar_colour(RED)
        x, y = desk.icon_centre(RED)
        subprocess.run(
            ["xdotool", "mousemove", str(x), str(y), "click", "1"], env=desk.env, check=True
        )
        assert app.expect("ACTION") == "ACTION guide"


def test_stop_unregisters_and_a_restarted_watcher_gets_the_item_again(desk: SniDesktop) -> None:
    with harness(desk.env) as app:
        name = app.expect("READY").split()[1]
        assert desk.registered() == [name]
        for _ in range(3):  # a panel that crashes or restarts, a few times over
            desk.stop_watcher()
            desk.start_watcher()
            wait_until(lambda: desk.registered() == [name], timeout=10, what="registered again")
        desk.wait_for_bar_colour(GREY)  # and the new host shows it
        app.command("stop")
        app.expect("STOPPED")
        assert app.wait() == 0
    wait_until(lambda: desk.registered() == [], what="unregistered")
    assert not desk.has_owner(name)


def test_without_a_host_the_tray_says_so_and_watcher_present_tells() -> None:
    rig = start(sni_host=False)
    try:
        address = rig.env["DBUS_SESSION_BUS_ADDRESS"]
        assert sni.watcher_present(address) is False
        with harness(rig.env) as app:
            assert "no StatusNotifierItem host" in app.expect("NOTRAY")
            assert app.wait() == 3
        rig.start_watcher()
        assert sni.watcher_present(address) is True
    finally:
        rig.close()
    started = time.monotonic()
    assert sni.watcher_present(address) is False  # the bus is gone: no error, no wait
    assert sni.watcher_present("unix:path=/nonexistent/bus") is False
    assert time.monotonic() - started < 1
