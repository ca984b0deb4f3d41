"""Which tray a desktop gets, and the sentence that says why (the desktops themselves, with
real tray hosts, are in tests/e2e/test_tray_flavours.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from claude_beacon.desktop.tray import Tray, latin1
from claude_beacon.desktop.trayhost import (
    CANDIDATES,
    Candidate,
    Desktop,
    NoTrayError,
    TrayIcon,
    choose,
    open_tray,
)
from claude_beacon.desktop.trayview import Entry

NONE: dict[str, str] = {}
XEMBED = {"x_display": True, "xembed_tray": True}
GTK = {**XEMBED, "pygobject": True, "appindicator": True, "session_bus": True}


def linux(**facts: bool) -> Desktop:
    """A Linux desktop whose facts are all given: nothing is probed."""
    known = dict.fromkeys(Desktop.FACTS, False) | facts
    return Desktop("linux", **known)


def test_a_statusnotifieritem_host_gets_the_pure_python_item_with_or_without_pygobject() -> None:
    for desktop in (linux(**GTK, sni_host=True), linux(sni_host=True)):
        choice = choose(desktop, NONE)
        assert choice.backend == "sni"
        assert choice.reason.startswith("sni: a StatusNotifierItem host is on the session bus")


def test_appindicator_still_runs_where_it_is_asked_for_and_a_host_is_there() -> None:
    choice = choose(linux(**GTK, sni_host=True), {"PYSTRAY_BACKEND": "appindicator"})
    assert choice.backend == "appindicator"


def test_an_xembed_tray_with_pygobject_and_a_bus_gets_gtk_for_its_menu_and_click() -> None:
    choice = choose(linux(**GTK), NONE)
    assert choice.backend == "gtk"
    assert choice.reason.startswith("gtk: an XEmbed system tray is running")


def test_an_xembed_tray_without_a_session_bus_gets_xorg_rather_than_no_tray() -> None:
    choice = choose(linux(**GTK | {"session_bus": False}), NONE)
    assert (choice.backend, choice.reason) == (
        "xorg",
        "xorg: an XEmbed system tray is running (no menu: there is no D-Bus session bus)",
    )


def test_a_plain_pip_install_gets_xorg_and_is_told_what_a_menu_needs() -> None:
    choice = choose(linux(**XEMBED), NONE)
    assert choice.backend == "xorg"
    assert choice.reason.endswith("(no menu: PyGObject is not installed)")


def test_a_screen_without_any_tray_gets_no_tray_and_says_so() -> None:
    choice = choose(linux(x_display=True, pygobject=True, session_bus=True), NONE)
    assert (choice.backend, choice.make) == (None, None)
    assert choice.reason == (
        "no system tray is running on this desktop (no StatusNotifierItem host, no XEmbed tray)"
    )


def test_no_screen_and_no_host_means_no_desktop() -> None:
    choice = choose(linux(session_bus=True), NONE)
    assert choice.backend is None
    assert choice.reason.startswith("no desktop to show a tray icon on")


def test_windows_and_macos_always_have_their_tray() -> None:
    assert choose(Desktop("win32"), NONE).reason == "win32: the notification area"
    assert choose(Desktop("darwin"), NONE).reason == "darwin: the menu bar"


def test_pystray_backend_forces_a_backend_the_desktop_can_run() -> None:
    choice = choose(linux(**GTK), {"PYSTRAY_BACKEND": "xorg"})
    assert (choice.backend, choice.reason) == ("xorg", "xorg: PYSTRAY_BACKEND asks for it")
    # AppIndicator falls back to XEmbed by itself, so an XEmbed tray is enough when forced.
    assert choose(linux(**GTK), {"PYSTRAY_BACKEND": "appindicator"}).backend == "appindicator"


@pytest.mark.parametrize(
    ("forced", "facts", "reason"),
    [
        (
            "appindicator",
            GTK | {"session_bus": False},
            "PYSTRAY_BACKEND=appindicator asks for the appindicator tray, but it needs a D-Bus "
            "session bus, and there is none",
        ),
        (
            "gtk",
            XEMBED,
            "PYSTRAY_BACKEND=gtk asks for the gtk tray, but it needs PyGObject with GTK 3",
        ),
        (
            "xorg",
            {"x_display": True},
            "PYSTRAY_BACKEND=xorg asks for the xorg tray, but no XEmbed system tray is running "
            "on this desktop",
        ),
        (
            "qt",
            GTK,
            "PYSTRAY_BACKEND=qt names no tray backend (known: win32, darwin, sni, appindicator, "
            "gtk, xorg)",
        ),
    ],
)
def test_a_forced_backend_that_cannot_run_gives_no_tray_and_says_why(
    forced: str, facts: dict[str, bool], reason: str
) -> None:
    choice = choose(linux(**facts), {"PYSTRAY_BACKEND": forced})
    assert (choice.backend, choice.reason) == (None, reason)


def test_opening_a_tray_where_none_can_be_raises_the_reason(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PYSTRAY_BACKEND", "qt")
    for opener in (open_tray, Tray):
        with pytest.raises(NoTrayError, match=r"^PYSTRAY_BACKEND=qt names no tray backend"):
            opener(lambda _entry: None)


def test_a_new_backend_is_one_more_row() -> None:
    made: list[Callable[[Entry], None]] = []

    def make(on_action: Callable[[Entry], None]) -> TrayIcon:
        made.append(on_action)
        raise NotImplementedError  # the tray itself does not matter here

    def fits(desktop: Desktop) -> str | None:
        return "next: an XEmbed tray is running" if desktop.xembed_tray else None

    future = Candidate("next", fits, lambda _desktop: None, make)
    table = (future, *CANDIDATES)
    choice = choose(linux(**GTK, sni_host=False), NONE, table)
    assert choice.backend == "next"
    assert choose(linux(**GTK), {"PYSTRAY_BACKEND": "next"}, table).make is make
    assert choose(linux(**GTK, sni_host=False), NONE).backend == "gtk"


def test_facts_are_found_out_only_when_a_row_asks() -> None:
    # A plain install on an XEmbed desktop never asks about GObject, the bus or a host.
    desktop = Desktop("linux", x_display=True, xembed_tray=True, pygobject=False, sni_host=False)
    assert choose(desktop, NONE).backend == "xorg"
    assert not {"session_bus", "_bus"} & set(vars(desktop))


def test_unknown_facts_are_refused() -> None:
    with pytest.raises(TypeError, match="unknown desktop facts: wayland"):
        Desktop("linux", wayland=True)


def test_without_a_display_the_x_facts_are_false(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    desktop = Desktop("linux")
    assert (desktop.x_display, desktop.xembed_tray) == (False, False)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("claude-beacon: checking…", "claude-beacon: checking..."),
        (
            "Claude: partial outage — Erreurs élevées — API 障害 ☁️ (since 14:02)",
            "Claude: partial outage - Erreurs élevées - API ?? ? (since 14:02)",
        ),
        ("“Quoted” · ‘single’ – ﬁ", "\"Quoted\" · 'single' - fi"),
        ("👩‍💻 down", "?? down"),
    ],
)
def test_the_x11_window_name_gets_a_latin1_rendering(text: str, shown: str) -> None:
    assert latin1(text) == shown
    shown.encode("latin-1")
