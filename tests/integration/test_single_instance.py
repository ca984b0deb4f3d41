"""A second ``claude-beacon`` defers to the running one instead of adding a second icon."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.integration.conftest import write_config
from tests.support import payloads
from tests.support.statuspage_server import StatuspageServer


@pytest.mark.skipif(sys.platform == "win32", reason="the request to show travels as a signal")
def test_second_copy_asks_the_first_to_open_its_guide(
    server: StatuspageServer, isolated_home: Path
) -> None:
    server.set_summary(payloads.summary())
    opened = isolated_home / "opened.txt"
    browser = isolated_home / "browser.sh"
    browser.write_text(f'#!/bin/sh\necho "$1" >> "{opened}"\n')
    browser.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env |= {"BROWSER": f"{browser} %s", "DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent"}
    argv = [
        sys.executable,
        "-m",
        "claude_beacon",
        "--config",
        str(write_config(isolated_home, server.url)),
    ]
    first = subprocess.Popen(
        argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        server.wait_for_requests("/api/v2/summary.json", 1)
        second = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=30)
        assert second.returncode == 0
        assert (
            f"already running (pid {first.pid}); opened its troubleshooting guide" in second.stderr
        )
        deadline = time.monotonic() + 5
        while not opened.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        (uri,) = opened.read_text().split()
        guide = Path(uri.removeprefix("file://"))
        assert uri.startswith("file://") and guide.name == "guide.html"
        assert "All good" in guide.read_text()
        assert first.poll() is None  # the first carries on
    finally:
        first.terminate()
        _out, err = first.communicate(timeout=5)
    assert first.returncode == 0 and "Traceback" not in err
