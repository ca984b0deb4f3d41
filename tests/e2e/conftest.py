"""The desktop fixture: skipped with its reason on a contributor's machine, a failure in CI."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.desktop import Desktop, NotifyMonitor, RigError, missing_tools
from tests.e2e.flavours import Flavour, FlavourError, pip_flavour, pygobject_flavour
from tests.support import payloads
from tests.support.statuspage_server import StatuspageServer

IN_CI = os.environ.get("CI") == "true"


def unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"desktop tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "sni_host: a StatusNotifierItem host too (the only tray with no_tray_host)",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if item.path.is_relative_to(here):
            item.add_marker(pytest.mark.desktop)


@pytest.fixture
def desktop(request: pytest.FixtureRequest) -> Iterator[Desktop]:
    """A desktop; ``@pytest.mark.no_notification_daemon`` leaves dunst out,
    ``@pytest.mark.no_tray_host`` the tray (trayer), and ``@pytest.mark.sni_host`` adds a
    StatusNotifierItem host."""
    daemon = request.node.get_closest_marker("no_notification_daemon") is None
    tray_host = request.node.get_closest_marker("no_tray_host") is None
    sni_host = request.node.get_closest_marker("sni_host") is not None
    if missing := missing_tools(sni_host):
        unavailable(f"missing {', '.join(missing)} (see .ci/desktop-packages.txt)")
    try:
        rig = Desktop(notification_daemon=daemon, tray_host=tray_host, sni_host=sni_host)
        rig.__enter__()
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


@pytest.fixture(scope="session")
def pip_install(tmp_path_factory: pytest.TempPathFactory) -> Flavour | str:
    """The plain pip flavour, made once a session (or why it cannot be made)."""
    try:
        return pip_flavour(tmp_path_factory.mktemp("plain-pip"))
    except FlavourError as exc:
        return str(exc)


@pytest.fixture
def flavour(request: pytest.FixtureRequest) -> Flavour:
    """``pip`` or ``pygobject`` (see ``tests/e2e/flavours.py``), by indirect parametrisation;
    ``pygobject`` when a test does not say."""
    name = getattr(request, "param", "pygobject")
    try:
        if name == "pip":
            made: Flavour | str = request.getfixturevalue("pip_install")
            if isinstance(made, str):
                raise FlavourError(made)
            return made
        return pygobject_flavour()
    except FlavourError as exc:
        unavailable(str(exc))
        raise  # unreachable: unavailable() fails or skips


@pytest.fixture
def server() -> Iterator[StatuspageServer]:
    """A status page on loopback, all operational until a test says otherwise."""
    with StatuspageServer() as srv:
        srv.set_summary(payloads.summary())
        yield srv
