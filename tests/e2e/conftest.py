"""The desktop fixture: skipped with its reason on a contributor's machine, a failure in CI."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.desktop import Desktop, NotifyMonitor, RigError, missing_tools

IN_CI = os.environ.get("CI") == "true"


def unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"desktop tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if item.path.is_relative_to(here):
            item.add_marker(pytest.mark.desktop)


@pytest.fixture
def desktop(request: pytest.FixtureRequest) -> Iterator[Desktop]:
    """A desktop; ``@pytest.mark.no_notification_daemon`` leaves dunst out and
    ``@pytest.mark.no_tray_host`` the tray (trayer)."""
    daemon = request.node.get_closest_marker("no_notification_daemon") is None
    tray_host = request.node.get_closest_marker("no_tray_host") is None
    if missing := missing_tools():
        unavailable(f"missing {', '.join(missing)} (see .ci/desktop-packages.txt)")
    try:
        import gi  # noqa: F401  the tray menu is read over dbusmenu, which needs GObject
    except ImportError:
        unavailable("PyGObject is not installed (pip install 'PyGObject<3.51')")
    try:
        rig = Desktop(notification_daemon=daemon, tray_host=tray_host).__enter__()
    except RigError as exc:
        unavailable(str(exc))
    try:
        yield rig
    finally:
        rig.close()


@pytest.fixture
def notifications(desktop: Desktop) -> Iterator[NotifyMonitor]:
    monitor = NotifyMonitor(desktop)
    yield monitor
    monitor.close()
