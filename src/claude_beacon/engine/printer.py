"""The terminal as a sink: ``watch``'s output, and the tray's when there is no tray.

The first round prints the whole state, as ``status`` would; each event after that is one line
(or one JSON object with ``--json``), printed once as it happens.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import TextIO

from claude_beacon.core.model import Event, Snapshot
from claude_beacon.render import terminal, wire


class TerminalSink:
    name = "terminal"

    def __init__(
        self,
        *,
        as_json: bool = False,
        colour: bool = False,
        stream: TextIO | None = sys.stdout,
        on_closed: Callable[[], None] | None = None,
    ) -> None:
        self.as_json = as_json
        self.colour = colour
        self.stream = stream
        """``None``: silent (the tray shows instead), every event still taken."""
        self.on_closed = on_closed or (lambda: None)
        """Called once when the reader has gone away (``watch | head -1``)."""
        self._first = True
        self._closed = False

    def deliver(self, snapshot: Snapshot, events: Sequence[Event]) -> None:
        if self._closed or self.stream is None:
            return
        lines = []
        if self._first and not self.as_json and snapshot.readings:
            lines.append(terminal.status_text(snapshot, colour=self.colour))
        if snapshot.readings:
            self._first = False
        for event in events:
            if self.as_json:
                lines.append(wire.dumps(wire.event_json(event)))
            else:
                lines.append(terminal.event_text(event, self.colour))
        if not lines:
            return
        try:
            self.stream.write("\n".join(lines) + "\n")
            self.stream.flush()
        except BrokenPipeError:
            self._closed = True  # the events are taken: nobody is left to tell them to
            self.on_closed()
