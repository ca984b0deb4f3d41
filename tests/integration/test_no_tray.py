"""Without a desktop, ``claude-beacon`` says so and shows the state as ``watch`` does."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.integration.conftest import write_config
from tests.support import payloads
from tests.support.statuspage_server import StatuspageServer


def test_without_a_desktop_the_state_and_the_events_are_printed(
    server: StatuspageServer, isolated_home: Path
) -> None:
    server.set_summary(payloads.summary())
    config = write_config(isolated_home, server.url, "interval = 1\n")
    headless = {
        k: v for k, v in os.environ.items() if k not in ("DISPLAY", "DBUS_SESSION_BUS_ADDRESS")
    }
    headless["XDG_RUNTIME_DIR"] = str(isolated_home / "run")  # no session bus socket there
    app = subprocess.Popen(
        [sys.executable, "-m", "claude_beacon", "--config", str(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=headless,
    )
    try:
        server.wait_for_requests("/api/v2/summary.json", 1, timeout=30)
        incident = payloads.incident("nt1", "Shown without a tray")
        server.set_summary(payloads.summary(incidents=[incident]))
        server.wait_for_requests("/api/v2/summary.json", 3, timeout=30)
        app.send_signal(signal.SIGTERM)
        out, err = app.communicate(timeout=30)
    finally:
        app.kill()
    assert "watching here and sending notifications instead" in err
    assert out.startswith("Claude: operational"), out  # the state first, as watch prints it
    assert "Shown without a tray" in out  # then each event
    assert "Traceback" not in err
