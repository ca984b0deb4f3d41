"""Commands run on events: the event as JSON on standard input, never through a shell.

Each command is a sink of its own, so a slow or broken one never holds up another, polling or
the notifications; each run has a timeout, and a failure is logged with what went wrong.
"""

from __future__ import annotations

import hashlib
import logging
import os
import subprocess
from collections.abc import Sequence

from claude_beacon.core.model import Event, Snapshot
from claude_beacon.core.text import clean
from claude_beacon.render import wire

log = logging.getLogger(__name__)
ENV_LIMIT = 4096
"""Characters of an event's title an environment variable carries at most."""


class HookSink:
    def __init__(self, argv: Sequence[str], timeout: float = 10.0) -> None:
        self.argv = list(argv)
        self.timeout = timeout
        digest = hashlib.sha256("\0".join(self.argv).encode()).hexdigest()[:12]
        self.name = f"hook-{digest}"

    def deliver(self, snapshot: Snapshot, events: Sequence[Event]) -> None:
        for event in events:
            self._run(event)

    def _run(self, event: Event) -> None:
        payload = wire.dumps(wire.event_json(event))
        env = os.environ | {
            "CLAUDE_BEACON_EVENT": event.kind.value,
            "CLAUDE_BEACON_SOURCE": _env_value(event.source_name),
            "CLAUDE_BEACON_LEVEL": event.level.key,
            "CLAUDE_BEACON_TITLE": _env_value(event.title),
        }
        command = self.argv[0]
        try:
            result = subprocess.run(
                self.argv,
                input=payload,
                env=env,
                capture_output=True,
                text=True,
                timeout=self.timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            log.warning("hook %s did not finish in %g s; stopped it", command, self.timeout)
            return
        except OSError as exc:
            log.warning("hook %s could not start: %s", command, exc.strerror or exc)
            return
        if result.returncode != 0:
            said = (result.stderr.strip().splitlines() or ["no message"])[-1]
            log.warning("hook %s exited with %d: %s", command, result.returncode, said)


def _env_value(text: str) -> str:
    """Environment values cannot hold NUL or a lone surrogate, and need not hold a novel."""
    return clean(text, ENV_LIMIT)
