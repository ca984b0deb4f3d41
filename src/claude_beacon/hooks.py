"""Commands run on events: the event as JSON on standard input, never through a shell.

They run one at a time on a worker thread with a timeout, so a slow or broken script never holds
up polling; a failure is logged with the command and what went wrong.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import subprocess
import threading
from collections.abc import Sequence

from claude_beacon import report
from claude_beacon.core.model import Event

log = logging.getLogger(__name__)


class Hooks:
    def __init__(self, commands: Sequence[Sequence[str]], timeout: float = 10.0) -> None:
        self.commands = [list(c) for c in commands]
        self.timeout = timeout
        self._queue: queue.Queue[Event | None] = queue.Queue()
        self._thread = threading.Thread(target=self._work, name="beacon-hooks", daemon=True)
        if self.commands:
            self._thread.start()

    def post(self, events: Sequence[Event]) -> None:
        if self.commands:
            for event in events:
                self._queue.put(event)

    def stop(self, timeout: float = 1.0) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join(timeout)

    def _work(self) -> None:
        while (event := self._queue.get()) is not None:
            payload = json.dumps(report.event_json(event), ensure_ascii=False)
            env = os.environ | {
                "CLAUDE_BEACON_EVENT": event.kind.value,
                "CLAUDE_BEACON_SOURCE": event.source_name,
                "CLAUDE_BEACON_LEVEL": event.level.key,
                "CLAUDE_BEACON_TITLE": event.title,
            }
            for argv in self.commands:
                self._run(argv, payload, env)

    def _run(self, argv: list[str], payload: str, env: dict[str, str]) -> None:
        try:
            result = subprocess.run(
                argv,
                input=payload,
                env=env,
                capture_output=True,
                text=True,
                timeout=self.timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            log.warning("hook %s did not finish in %g s; stopped it", argv[0], self.timeout)
            return
        except OSError as exc:
            log.warning("hook %s could not start: %s", argv[0], exc.strerror or exc)
            return
        if result.returncode != 0:
            said = (result.stderr.strip().splitlines() or ["no message"])[-1]
            log.warning("hook %s exited with %d: %s", argv[0], result.returncode, said)
