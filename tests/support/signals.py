"""Child-process set-up shared by the tests that stop the app with Ctrl-C."""

from __future__ import annotations

import signal


def interruptible() -> None:
    """Give the child the default SIGINT, so that Ctrl-C reaches it as ``KeyboardInterrupt``.

    A shell without job control starts background commands with SIGINT ignored, and the ignore
    is inherited: a test suite launched that way would otherwise see the app shrug Ctrl-C off.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)
