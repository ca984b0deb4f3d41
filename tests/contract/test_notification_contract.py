"""The contract every notification path passes: the same cases, parametrised over paths.

A new path is proven by adding its rig to ``notify_rigs.py``, not by new cases. A case a path
cannot pass by its nature is skipped with the path's reason, printed by ``-ra``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest

from claude_beacon.desktop.notifier import Notice
from tests.contract.notify_rigs import CASES, Rig, Shown, rig_for
from tests.e2e.sni_rig import wait_until

PATHS = [
    pytest.param("dbus", marks=pytest.mark.desktop),
    "plyer",
    "desktop-notifier",
    "osascript",
]


class Clicks:
    def __init__(self) -> None:
        self.got: list[tuple[str, str | None]] = []
        self.arrived = threading.Event()

    def __call__(self, action: str, key: str | None) -> None:
        self.got.append((action, key))
        self.arrived.set()


@pytest.fixture(params=PATHS)
def rig(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Rig]:
    with rig_for(request.param, monkeypatch) as made:
        yield made


def needs(rig: Rig, case: str) -> None:
    assert case in CASES
    if why := rig.lacks.get(case):
        pytest.skip(f"{rig.name}: {why}")


def showing(rig: Rig, count: int) -> list[Shown]:
    wait_until(lambda: len(rig.on_screen()) >= count, what=f"{count} notifications")
    return rig.on_screen()


def closing(send: Callable[[Notice], None]) -> None:
    close = getattr(send, "close", None)  # as the sink lets it go
    if callable(close):
        close()


def test_show_gives_the_service_the_title_and_the_text(rig: Rig) -> None:
    needs(rig, "show")
    send = rig.sender(Clicks())
    try:
        send(Notice("Claude: new incident", "Elevated errors on the API", "claude|inc1"))
        (shown,) = showing(rig, 1)
        assert (shown.title, shown.body) == ("Claude: new incident", "Elevated errors on the API")
    finally:
        closing(send)


def test_an_update_replaces_its_incidents_notification_and_no_other(rig: Rig) -> None:
    needs(rig, "replace")
    send = rig.sender(Clicks())
    try:
        send(Notice("Claude: new incident", "Investigating", "claude|inc1"))
        send(Notice("Claude: new incident", "Another one", "claude|inc2"))
        send(Notice("Claude: incident update", "Identified", "claude|inc1"))
        wait_until(lambda: "Identified" in [s.body for s in rig.on_screen()], what="the update")
        assert sorted(s.body for s in rig.on_screen()) == ["Another one", "Identified"]
    finally:
        closing(send)


def test_the_buttons_come_back_as_the_action_and_the_incidents_key(rig: Rig) -> None:
    needs(rig, "actions")
    clicks = Clicks()
    send = rig.sender(clicks)
    try:
        send(Notice("Claude: new incident", "Investigating", "claude|inc1"))
        (shown,) = showing(rig, 1)
        assert "Snooze 1 hour" in shown.buttons
        assert "Open guide" in shown.buttons
        rig.click(shown, "snooze")
        wait_until(lambda: len(clicks.got) == 1, what="the snooze click")
        rig.click(shown, "default")
        wait_until(lambda: len(clicks.got) == 2, what="the click on the notification")
        assert clicks.got == [("snooze", "claude|inc1"), ("default", "claude|inc1")]
    finally:
        closing(send)


def test_after_close_the_next_notice_still_shows(rig: Rig) -> None:
    needs(rig, "close")
    send = rig.sender(Clicks())
    send(Notice("Claude: new incident", "Before", "claude|inc1"))
    showing(rig, 1)
    closing(send)
    try:
        send(Notice("Claude: new incident", "After", "claude|inc2"))
        assert [s.body for s in showing(rig, 2)] == ["Before", "After"]
    finally:
        closing(send)


def test_a_service_that_cannot_show_it_raises_so_the_sink_tries_again(rig: Rig) -> None:
    needs(rig, "failure")
    send = rig.sender(Clicks())
    try:
        send(Notice("Claude: new incident", "Shown", "claude|inc1"))
        showing(rig, 1)
        rig.break_service()
        with pytest.raises(Exception):  # noqa: B017  each path has its own error
            send(Notice("Claude: incident update", "Lost", "claude|inc1"))
    finally:
        closing(send)
