"""claude-beacon as a user has it: built as a wheel and installed into a fresh venv.

An editable install reads the source tree (and may compile it at each start); a wheel install
is what pip leaves behind: the package in site-packages, its bytecode compiled at install time.
The start-up figures are measured from this, with and without ``SSL_CERT_FILE``.
"""

from __future__ import annotations

import os
import ssl
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def install(folder: Path) -> Path:
    """Build the wheel and install it (and its dependencies) into ``folder/venv``; the venv's
    python."""
    wheels = folder / "wheels"
    quiet = {"check": True, "stdout": subprocess.DEVNULL}
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(ROOT)],
        **quiet,
    )
    (wheel,) = wheels.glob("claude_beacon-*.whl")
    venv = folder / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], **quiet)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    # pip compiles the bytecode of what it installs, as for any user
    subprocess.run([str(python), "-m", "pip", "install", "-q", str(wheel)], **quiet)
    return python


def ca_bundle() -> str:
    """A CA bundle to name in ``SSL_CERT_FILE``, as company machines do: the system's file,
    else certifi's."""
    default = ssl.get_default_verify_paths().cafile
    if default and Path(default).is_file():
        return default
    import certifi

    return str(certifi.where())


def environments(base: dict[str, str]) -> list[tuple[str, dict[str, str]]]:
    """The two cases every figure is printed for: no ``SSL_CERT_*``, and ``SSL_CERT_FILE`` set."""
    bare = {k: v for k, v in base.items() if k not in ("SSL_CERT_FILE", "SSL_CERT_DIR")}
    bare.pop("PYTHONDONTWRITEBYTECODE", None)  # installed: bytecode as pip compiled it
    bare.pop("PYTHONPYCACHEPREFIX", None)
    return [("no SSL_CERT_*", bare), ("SSL_CERT_FILE set", {**bare, "SSL_CERT_FILE": ca_bundle()})]
