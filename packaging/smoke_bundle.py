"""Run an installed claude-beacon as a user would: ``--version``, then ``status --json`` against
loopback. CI runs it on the PyInstaller bundle and on a fresh ``pip install .``.

python3 packaging/smoke_bundle.py dist/claude-beacon/claude-beacon
"""

from __future__ import annotations

import json
import os
import plistlib
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from claude_beacon import __version__  # noqa: E402
from tests.support.statuspage_server import StatuspageServer  # noqa: E402


def run(executable: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [executable, *args], capture_output=True, text=True, timeout=60, env=env, check=False
    )


def quiet_on_the_desktop(executable: str) -> str:
    """What keeps the bundle out of the way: a macOS .app has no Dock icon (``LSUIElement``),
    a Windows .exe is a GUI program (PE subsystem 2), so no console window opens."""
    path = Path(executable)
    app = next((p for p in path.parents if p.suffix == ".app"), None)
    if app is not None:
        info = plistlib.loads((app / "Contents" / "Info.plist").read_bytes())
        assert info.get("LSUIElement") is True, f"{app} would show a Dock icon: {info}"
        return "no Dock icon (LSUIElement)"
    if path.suffix.lower() == ".exe":
        head = path.read_bytes()[:4096]
        (pe,) = struct.unpack_from("<I", head, 0x3C)
        assert head[pe : pe + 4] == b"PE\0\0", f"{path} is not a PE executable"
        (subsystem,) = struct.unpack_from("<H", head, pe + 24 + 68)
        assert subsystem == 2, f"{path} would open a console (PE subsystem {subsystem})"
        return "no console (GUI subsystem)"
    return "a command-line program"


def main() -> int:
    executable = sys.argv[1]
    kind = quiet_on_the_desktop(executable)
    with tempfile.TemporaryDirectory() as home, StatuspageServer() as server:
        server.set_summary((ROOT / "tests" / "fixtures" / "anthropic-summary-1.json").read_bytes())
        config = Path(home, "beacon.toml")
        config.write_text(f'[[sources]]\nname = "Claude"\nurl = "{server.url}"\n')
        env = os.environ | {"HOME": home, "XDG_CONFIG_HOME": home, "XDG_STATE_HOME": home}

        version = run(executable, "--version", env=env)
        assert version.stdout.strip() == f"claude-beacon {__version__}", version
        status = run(executable, "status", "--json", "--config", str(config), env=env)
        assert status.returncode == 1, status  # the recorded page shows a degraded component
        level = json.loads(status.stdout)["level"]
        assert level == "degraded", level
    print(f"{executable} ok ({kind}): {version.stdout.strip()}, status --json -> {level} (exit 1)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
