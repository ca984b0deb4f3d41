"""``claude-beacon`` started as a user would, on the test desktop, with its own home."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from claude_beacon.desktop.icons import COLOURS, Look
from tests.e2e.desktop import Desktop
from tests.e2e.flavours import Flavour
from tests.integration.conftest import loopback_diagnostics
from tests.support import payloads

API = "Claude API (api.anthropic.com)"
GREEN, ORANGE = COLOURS[Look.OPERATIONAL][0], COLOURS[Look.PARTIAL_OUTAGE][0]
UPDATES = [
    ("u1", "investigating", "We are investigating errors on the API."),
]


def incident(status: str, updates: list[tuple[str, str, str]]) -> dict[str, Any]:
    return payloads.incident(
        "inc1",
        "Elevated errors on the API",
        status=status,
        impact="major",
        updates=updates,
        components=[API],
    )


def opened_incident() -> dict[str, Any]:
    return payloads.summary({API: "partial_outage"}, incidents=[incident("investigating", UPDATES)])


class TrayApp:
    """The app on ``desktop`` against the status page at ``url``.

    ``backend`` forces a tray backend through ``PYSTRAY_BACKEND``; without it the app picks.
    ``probes=False`` turns the reachability checks off.
    The browser and ``xdg-open`` are stand-ins that write what they were asked to open into
    ``home/opened.txt``.
    """

    def __init__(
        self,
        desktop: Desktop,
        home: Path,
        url: str,
        flavour: Flavour,
        interval: float = 0.5,
        more: str = "",
        backend: str | None = None,
        probes: bool = True,
    ) -> None:
        self.home = home
        config = home / "beacon.toml"
        diagnostics = loopback_diagnostics(url)
        if not probes:
            diagnostics = diagnostics.replace("[diagnostics]\n", "[diagnostics]\nenabled = false\n")
        config.write_text(
            f"interval = {interval}\nfast_interval = {interval}\n{diagnostics}"
            f'[[sources]]\nname = "Claude"\nurl = "{url}"\n{more}'
        )
        env = desktop.env | {
            key: os.environ[key] for key in os.environ if key.startswith(("XDG_", "HOME"))
        }
        recorder = home / "bin"
        recorder.mkdir(exist_ok=True)
        # xdg-open takes a moment, as the real one does while it finds the desktop's opener.
        for name, after in (("browser", ""), ("xdg-open", "sleep 0.2\n")):
            script = recorder / name
            script.write_text(f'#!/bin/sh\necho "$1" >> "{self.opened_file}"\n{after}')
            script.chmod(0o755)
        env |= {"BROWSER": str(recorder / "browser"), "PATH": f"{recorder}:{env.get('PATH', '')}"}
        env.pop("PYSTRAY_BACKEND", None)
        if backend:
            env["PYSTRAY_BACKEND"] = backend
        # Files, not pipes: an app that writes a lot (``-X importtime``) never blocks on them.
        with self._out.open("w") as out, self._err.open("w") as err:
            self.proc = subprocess.Popen(
                [*flavour.command, "--config", str(config)], env=env, stdout=out, stderr=err
            )
        self.stdout = self.stderr = ""

    @property
    def _out(self) -> Path:
        return self.home / "app.stdout"

    @property
    def _err(self) -> Path:
        return self.home / "app.stderr"

    @property
    def opened_file(self) -> Path:
        return self.home / "opened.txt"

    def opened(self) -> list[str]:
        """What the browser and ``xdg-open`` were asked to open, in order."""
        return self.opened_file.read_text().splitlines() if self.opened_file.exists() else []

    @property
    def log_file(self) -> Path:
        return self.home / ".local/state/claude-beacon/log/claude-beacon.log"

    def backend(self, timeout: float = 15) -> str:
        """The tray backend the app says it chose, from its log: e.g. ``xorg: an XEmbed...``."""
        marker = "tray backend "
        found: list[str] = []

        def logged() -> bool:
            text = self.log_file.read_text() if self.log_file.exists() else ""
            found[:] = [line.split(marker, 1)[1] for line in text.splitlines() if marker in line]
            return bool(found)

        wait_until(logged, timeout)
        return found[-1]

    def stop(self) -> int:
        self.proc.terminate()
        return self.wait()

    def wait(self, timeout: float = 5) -> int:
        try:
            return self.proc.wait(timeout)
        finally:
            self.proc.kill()
            self.proc.wait()
            self.stdout = self._out.read_text(errors="replace")
            self.stderr = self._err.read_text(errors="replace")


def wait_until(condition: Callable[[], object], timeout: float = 5) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{condition} stayed false for {timeout} s"
        time.sleep(0.05)
