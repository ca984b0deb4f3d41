"""The two ways a Linux user runs claude-beacon, for the desktop tests to run it both ways.

``pip``: what ``pip install claude-beacon`` alone gives, in a fresh virtual environment with no
PyGObject, so the tray is drawn through python-xlib (pystray's xorg backend). ``pygobject``: the
test interpreter itself, which has PyGObject, so GTK or AppIndicator draw the tray and it has a
menu. Neither forces a backend: the product picks.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PLAIN_VENV_VARIABLE = "CLAUDE_BEACON_PLAIN_VENV"
"""A ready venv with claude-beacon pip-installed and no PyGObject (CI makes one up front)."""


both = pytest.mark.parametrize("flavour", ["pip", "pygobject"], indirect=True)
"""Run a test once with the plain pip install and once with PyGObject."""


class FlavourError(RuntimeError):
    """A flavour cannot be prepared on this machine; the message says why."""


@dataclass(frozen=True)
class Flavour:
    name: str
    command: tuple[str, ...]
    """How to start ``claude-beacon``; arguments follow."""
    xembed_backend: str
    """The backend the product should pick on a desktop with an XEmbed tray and a session bus."""

    def __str__(self) -> str:
        return self.name


def pygobject_flavour() -> Flavour:
    try:
        import gi  # type: ignore[import-untyped]  # noqa: F401
    except ImportError as exc:
        raise FlavourError("PyGObject is not installed (pip install 'PyGObject<3.51')") from exc
    return Flavour("pygobject", (sys.executable, "-m", "claude_beacon"), "gtk")


def pip_flavour(scratch: Path) -> Flavour:
    """The venv ``$CLAUDE_BEACON_PLAIN_VENV`` names, else a new one made in ``scratch``."""
    given = os.environ.get(PLAIN_VENV_VARIABLE)
    venv = Path(given) if given else scratch / "venv"
    if not given:
        _make_plain_venv(venv)
    python, script = venv / "bin" / "python", venv / "bin" / "claude-beacon"
    if not script.is_file():
        raise FlavourError(f"{venv} has no claude-beacon installed")
    has_gi = subprocess.run([python, "-c", "import gi"], capture_output=True, check=False)
    if has_gi.returncode == 0:
        raise FlavourError(f"{venv} has PyGObject: it would not be the plain pip install")
    return Flavour("pip", (str(script),), "xorg")


def _make_plain_venv(venv: Path) -> None:
    steps = (
        [sys.executable, "-m", "venv", str(venv)],  # from a venv: the base Python, its own site
        [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(ROOT)],
    )
    env = os.environ | {"PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    for step in steps:
        try:
            done = subprocess.run(
                step, capture_output=True, text=True, env=env, check=False, timeout=600
            )
        except subprocess.TimeoutExpired as exc:
            raise FlavourError(f"{' '.join(step)} took over 10 minutes") from exc
        if done.returncode != 0:
            raise FlavourError(f"{' '.join(step)} failed: {done.stderr.strip()[-800:]}")
