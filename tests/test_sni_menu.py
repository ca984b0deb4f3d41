"""The SNI tray's pieces that need no bus: the dbusmenu model, pixmaps, urgency, lazy imports."""

from __future__ import annotations

import subprocess
import sys
import time
from typing import Any

import pytest

pytest.importorskip("jeepney")

from jeepney import DBusAddress, MessageType, new_method_call

from claude_beacon.core.model import Level
from claude_beacon.desktop import dbusmenu, sni
from claude_beacon.desktop.dbusnotify import urgency
from claude_beacon.desktop.trayview import SEPARATOR, Entry

MENU = DBusAddress("/MenuBar", "org.example.Item", dbusmenu.INTERFACE)
QUIT = Entry("Quit", "quit")


def ask(menu: dbusmenu.Menu, method: str, signature: str, *body: Any) -> Any:
    reply = menu.handle(new_method_call(MENU, method, signature, body))
    return reply.header.message_type, reply.body


def layout(menu: dbusmenu.Menu) -> dict[str, int]:
    kind, (_revision, (_root, _props, children)) = ask(menu, "GetLayout", "iias", 0, -1, [])
    assert kind is MessageType.method_return
    return {child[1][1].get("label", ("s", "-"))[1]: child[1][0] for child in children}


def test_entries_become_dbusmenu_items() -> None:
    assert dbusmenu.properties_of(SEPARATOR) == {"type": ("s", "separator")}
    assert dbusmenu.properties_of(Entry("▲ Overall: degraded"))["enabled"] == ("b", False)
    login = dbusmenu.properties_of(Entry("Start at login", "autostart", checked=True))
    assert (login["toggle-type"], login["toggle-state"]) == (("s", "checkmark"), ("i", 1))
    parent = dbusmenu.properties_of(Entry("Pause", children=(Entry("For 1 hour", "pause_hour"),)))
    assert parent == {"label": ("s", "Pause"), "children-display": ("s", "submenu")}
    assert dbusmenu.label("snooze_hour") == "snooze__hour"  # not a mnemonic


def test_ids_survive_updates_and_gone_ids_are_refused() -> None:
    clicked: list[Entry] = []
    menu = dbusmenu.Menu("/MenuBar", clicked.append)
    menu.update((Entry("Incident: A", "open_url", url="https://a"), SEPARATOR, QUIT))
    first = layout(menu)
    assert not menu.update((Entry("Incident: A", "open_url", url="https://a"), SEPARATOR, QUIT))
    assert menu.update((Entry("Check now", "check"), SEPARATOR, QUIT))
    second = layout(menu)
    assert second["Quit"] == first["Quit"] and second["Check now"] not in first.values()

    kind, _body = ask(menu, "Event", "isvu", first["Incident: A"], "clicked", ("i", 0), 0)
    assert kind is MessageType.error and clicked == []
    ask(menu, "Event", "isvu", second["Quit"], "clicked", ("i", 0), 0)
    ask(menu, "Event", "isvu", second["Quit"], "hovered", ("i", 0), 0)
    assert clicked == [QUIT]
    events = [(second["Check now"], "clicked", ("i", 0), 0), (999, "clicked", ("i", 0), 0)]
    assert ask(menu, "EventGroup", "a(isvu)", events) == (MessageType.method_return, ([999],))
    assert clicked == [QUIT, Entry("Check now", "check")]


def test_pixmaps_are_argb_in_network_order() -> None:
    from PIL import Image

    assert sni.pixmap(Image.new("RGB", (1, 1), (10, 20, 30))) == (1, 1, b"\xff\x0a\x14\x1e")
    sizes = [(w, h, len(data)) for w, h, data in sni.draw_pixmaps(Level.DEGRADED, False)]
    assert sizes == [(s, s, s * s * 4) for s in sni.ICON_SIZES]


def test_urgency_follows_the_level() -> None:
    assert [urgency(x) for x in (Level.MAJOR_OUTAGE, Level.MAINTENANCE, Level.DEGRADED, None)] == [
        2,
        0,
        1,
        1,
    ]


def test_the_modules_load_no_toolkit_and_no_pillow() -> None:
    code = (
        "import sys, claude_beacon.desktop.sni, claude_beacon.desktop.dbusnotify;"
        "print([m for m in ('PIL', 'pystray', 'Xlib', 'gi') if m in sys.modules])"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stderr


def test_watcher_present_is_false_without_a_session_bus(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", "/nonexistent")
    started = time.monotonic()
    assert sni.watcher_present() is False
    assert time.monotonic() - started < 1.5
