"""The terminal as commands meet it: colour, numbers typed at it, a reader that went away."""

from __future__ import annotations

import argparse
import math
import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable


def colour() -> bool:
    """Whether standard output is a terminal that wants colour."""
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def positive(unit: str) -> Callable[[str], float]:
    """An option's parser for a positive number of ``unit``, whose errors name that unit:
    ``--days -1`` is told it wants days, not seconds."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number of {unit}, got {text!r}") from None
        if not math.isfinite(value) or value <= 0:
            raise argparse.ArgumentTypeError(f"expected a positive number of {unit}, got {text!r}")
        return value

    parse.__name__ = f"number of {unit}"
    return parse


def write_out(text: str) -> bool:
    """Print ``text`` and flush it now; false when the reader went away (``| head``).

    Flushing here, not at exit, is what lets a closed pipe be caught: Python's own flush at exit
    would report it as an error and exit 120 instead of the command's monitoring code.
    """
    try:
        print(text)
        sys.stdout.flush()
    except BrokenPipeError:
        silence_stdout()
        return False
    return True


def silence_stdout() -> None:
    """The reader went away (``| head``): later writes, and the flush at exit, go nowhere."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    finally:
        os.close(devnull)
