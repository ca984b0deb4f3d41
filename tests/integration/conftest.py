"""Real processes against a scripted Statuspage server on 127.0.0.1."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.signals import interruptible
from tests.support.statuspage_server import StatuspageServer


@pytest.fixture
def server() -> Iterator[StatuspageServer]:
    with StatuspageServer() as srv:
        yield srv


def write_config(home: Path, url: str, extra: str = "", source: str = "") -> Path:
    path = home / "beacon.toml"
    path.write_text(
        f"{extra}\n{loopback_diagnostics(url)}"
        f'[[sources]]\nname = "Claude"\nurl = "{url}"\n{source}\n'
    )
    return path


def loopback_diagnostics(url: str) -> str:
    """Reachability checks aimed at the test server: no test ever probes the internet."""
    return (
        f"[diagnostics]\ninterval = 1\ntimeout = 2\n"
        f'claude = ["{url}/v1/models"]\ninternet = ["{url}/generate_204"]\n'
        f'api_check = "{url}/v1/models?limit=1"\n'
    )


def cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "claude_beacon", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=os.environ.copy(),
    )


class Watch:
    """A running ``claude-beacon watch --json`` whose events are read line by line."""

    def __init__(self, config: Path, interval: float = 0.2) -> None:
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "claude_beacon",
                "watch",
                "--json",
                "--interval",
                str(interval),
                "--config",
                str(config),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=os.environ.copy(),
            preexec_fn=interruptible,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self._pump_thread = threading.Thread(target=self._pump, daemon=True)
        self._pump_thread.start()

    def _pump(self) -> None:
        assert self.proc.stdout
        for line in self.proc.stdout:
            self.lines.put(line)

    def events(self, count: int, timeout: float = 10) -> list[dict[str, Any]]:
        """The next ``count`` events; fails if they do not all arrive in time."""
        got = []
        deadline = time.monotonic() + timeout
        while len(got) < count:
            left = deadline - time.monotonic()
            try:
                got.append(json.loads(self.lines.get(timeout=max(0.01, left))))
            except queue.Empty:
                raise AssertionError(f"expected {count} events, got {got}") from None
        return got

    def quiet_for(self, seconds: float) -> list[dict[str, Any]]:
        """Whatever events arrive in ``seconds`` (expected: none)."""
        time.sleep(seconds)
        extra = []
        while not self.lines.empty():
            extra.append(json.loads(self.lines.get()))
        return extra

    def stop(self) -> tuple[int, str]:
        self.proc.send_signal(2)  # Ctrl-C
        try:
            code = self.proc.wait(5)
        finally:
            self.proc.kill()
        self._pump_thread.join(5)
        assert self.proc.stdout and self.proc.stderr
        self.proc.stdout.close()
        with self.proc.stderr:
            return code, self.proc.stderr.read()
