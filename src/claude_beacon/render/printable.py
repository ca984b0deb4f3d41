"""The log as a text sink: each record one line, whatever text it quotes.

A log message quotes what came from outside (an incident's name, a server's error, a hook's
output). A newline in it would forge a log line of its own, and a terminal escape would act on
the terminal that shows the log; both are written as escapes instead.
"""

from __future__ import annotations

import logging

from claude_beacon.core.text import printable

MESSAGE_LIMIT = 2000
"""Characters of one log message; more is cut, so that a flood of text stays out of the log."""


class PrintableFormatter(logging.Formatter):
    """A ``logging.Formatter`` whose message (with its arguments) is printable and one line.

    ``tracebacks``: whether a record's traceback is written (its lines escaped likewise); a
    terminal at the default verbosity gets the one line only.
    """

    def __init__(self, fmt: str | None = None, datefmt: str | None = None, tracebacks: bool = True):
        super().__init__(fmt, datefmt)
        self.tracebacks = tracebacks

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 (logging's name)
        message = record.message
        if len(message) > MESSAGE_LIMIT:
            message = message[:MESSAGE_LIMIT] + "…"
        record.message = printable(message)
        return super().formatMessage(record)

    def formatException(self, ei: object) -> str:  # noqa: N802 (logging's name)
        return printable(super().formatException(ei), newlines=True)  # type: ignore[arg-type]

    def format(self, record: logging.LogRecord) -> str:
        if self.tracebacks:
            return super().format(record)
        saved = record.exc_info, record.exc_text, record.stack_info
        record.exc_info = record.exc_text = record.stack_info = None
        try:
            return super().format(record)
        finally:
            record.exc_info, record.exc_text, record.stack_info = saved
