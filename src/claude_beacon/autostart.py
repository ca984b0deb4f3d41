"""Start at login: an XDG autostart entry, a macOS LaunchAgent, or the Windows Run key.

The file and value contents are built by pure functions, so every platform's output is tested on
any platform; only the Windows registry call itself sits behind a small seam.
"""

from __future__ import annotations

import os
import plistlib
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

from claude_beacon.state import write_atomically

APP = "claude-beacon"
LABEL = "io.github.claude-beacon"
"""The LaunchAgent label, in reverse-DNS form as launchd expects."""
RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"


def launch_command() -> list[str]:
    """How to start the installed app: the frozen bundle, the console script, or the module."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    names = (APP, f"{APP}.exe")
    running = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    # The copy that is running now, else the one installed beside this Python (its venv),
    # else the first on PATH: another install earlier on PATH must not be the one started.
    candidates = [running] if running and running.name in names else []
    candidates += [Path(sys.executable).with_name(name) for name in names]
    for candidate in candidates:
        if candidate.is_file():
            return [str(candidate.resolve())]
    script = shutil.which(APP)
    if script:
        return [str(Path(script).resolve())]
    return [sys.executable, "-m", "claude_beacon"]


def desktop_entry(command: Sequence[str]) -> str:
    """An XDG autostart ``.desktop`` entry (Desktop Entry Specification 1.5)."""
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        "Name=claude-beacon\n"
        "GenericName=Claude status indicator\n"
        "Comment=Shows whether Claude is up, degraded or down, in the system tray\n"
        f"Exec={' '.join(map(_exec_quote, command))}\n"
        "Icon=claude-beacon\n"
        "Terminal=false\n"
        "Categories=Network;Utility;\n"
        "X-GNOME-Autostart-enabled=true\n"
        "X-GNOME-Autostart-Delay=5\n"
    )


def launch_agent(command: Sequence[str]) -> bytes:
    """A per-user LaunchAgent property list that starts the app once at login."""
    return plistlib.dumps(
        {
            "Label": LABEL,
            "ProgramArguments": list(command),
            "RunAtLoad": True,
            "KeepAlive": False,
            "ProcessType": "Interactive",
            "LimitLoadToSessionType": "Aqua",
        }
    )


def run_value(command: Sequence[str]) -> str:
    """The command line stored under the Run key, quoted the way Windows parses it."""
    return subprocess.list2cmdline(list(command))


def _exec_quote(argument: str) -> str:
    """Quote one ``Exec`` argument: reserved characters mean a double-quoted, escaped string."""
    if argument and not any(c in argument for c in " \t\n\"'\\><~|&;$*?#()`%="):
        return argument
    escaped = "".join("\\" + c if c in '"`$\\' else c for c in argument)
    return f'"{escaped.replace("%", "%%")}"'


class Autostart(Protocol):
    def enabled(self) -> bool: ...
    def enable(self, command: Sequence[str]) -> None: ...
    def disable(self) -> None: ...
    def where(self) -> str: ...


class FileAutostart:
    """Autostart as one file whose presence is the setting (XDG and macOS)."""

    def __init__(self, path: Path, render: Callable[[Sequence[str]], str | bytes]) -> None:
        self.path = path
        self._render = render

    def enabled(self) -> bool:
        return self.path.is_file()

    def enable(self, command: Sequence[str]) -> None:
        content = self._render(command)
        data = content.encode() if isinstance(content, str) else content
        write_atomically(self.path, data, mode=0o644)

    def disable(self) -> None:
        self.path.unlink(missing_ok=True)

    def where(self) -> str:
        return str(self.path)


class Registry(Protocol):
    """The three registry operations the Run key needs, on HKEY_CURRENT_USER."""

    def get(self, key: str, name: str) -> str | None: ...
    def set(self, key: str, name: str, value: str) -> None: ...
    def delete(self, key: str, name: str) -> None: ...


class WinRegistry:
    def get(self, key: str, name: str) -> str | None:
        import winreg  # type: ignore[import-not-found]

        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, key) as handle:
                return str(winreg.QueryValueEx(handle, name)[0])
        except FileNotFoundError:
            return None

    def set(self, key: str, name: str, value: str) -> None:
        import winreg  # type: ignore[import-not-found]

        with winreg.CreateKey(winreg.HKEY_CURRENT_USER, key) as handle:
            winreg.SetValueEx(handle, name, 0, winreg.REG_SZ, value)

    def delete(self, key: str, name: str) -> None:
        import winreg  # type: ignore[import-not-found]

        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, key, 0, winreg.KEY_SET_VALUE) as handle:
                winreg.DeleteValue(handle, name)
        except FileNotFoundError:
            pass


class RunKeyAutostart:
    def __init__(self, registry: Registry) -> None:
        self.registry = registry

    def enabled(self) -> bool:
        return self.registry.get(RUN_KEY, APP) is not None

    def enable(self, command: Sequence[str]) -> None:
        self.registry.set(RUN_KEY, APP, run_value(command))

    def disable(self) -> None:
        self.registry.delete(RUN_KEY, APP)

    def where(self) -> str:
        return rf"HKEY_CURRENT_USER\{RUN_KEY}\{APP}"


def for_platform(platform: str = sys.platform, registry: Registry | None = None) -> Autostart:
    """The autostart mechanism of ``platform``, in the current user's home."""
    if platform == "win32":
        return RunKeyAutostart(registry or WinRegistry())
    if platform == "darwin":
        agents = Path.home() / "Library" / "LaunchAgents"
        return FileAutostart(agents / f"{LABEL}.plist", launch_agent)
    config_home = Path(os.environ.get("XDG_CONFIG_HOME") or "")
    if not config_home.is_absolute():  # the spec says to ignore a relative value
        config_home = Path.home() / ".config"
    return FileAutostart(config_home / "autostart" / f"{APP}.desktop", desktop_entry)
