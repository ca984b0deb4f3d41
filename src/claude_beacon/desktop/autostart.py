"""Start at login: an XDG autostart entry, a macOS LaunchAgent, or the Windows Run key.

The file and value contents are built by pure functions, so every platform's output is tested on
any platform; only the Windows registry call itself sits behind a small seam. The app started at
login reads the same config file as the one that turned this on.
"""

from __future__ import annotations

import contextlib
import io
import os
import plistlib
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

from claude_beacon.store import paths
from claude_beacon.store.atomic import write_atomically

APP = "claude-beacon"
LABEL = "io.github.claude-beacon"
"""The LaunchAgent label, in reverse-DNS form as launchd expects."""
RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
ICON_SIZE = 256


def launch_command(config_path: str | os.PathLike[str] | None = None) -> list[str]:
    """How to start the installed app, with ``--config`` and the absolute path of the config
    file in use unless that is the default one (which then may come and go freely)."""
    command = _program()
    if config_path is not None:
        absolute = Path(config_path).expanduser().absolute()
        if absolute != paths.config_file().absolute():
            command += ["--config", str(absolute)]
    return command


def _program() -> list[str]:
    """The frozen bundle, the console script, or the module."""
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


def desktop_entry(command: Sequence[str], icon: str = APP) -> str:
    """An XDG autostart ``.desktop`` entry (Desktop Entry Specification 1.5); ``icon`` is a
    theme icon's name or a PNG's absolute path."""
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        "Name=claude-beacon\n"
        "GenericName=Claude status indicator\n"
        "Comment=Shows whether Claude is up, degraded or down, in the system tray\n"
        f"Exec={exec_value(command)}\n"
        f"Icon={_escape(icon)}\n"
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


def exec_value(command: Sequence[str]) -> str:
    """The ``Exec`` value as written in the file: each argument quoted by the Exec rules, then
    the whole escaped as any string value is, so a backslash in a path is written as four."""
    return _escape(" ".join(map(_exec_quote, command)))


def _exec_quote(argument: str) -> str:
    """Quote one ``Exec`` argument: reserved characters mean a double-quoted, escaped string."""
    if argument and not any(c in argument for c in " \t\n\"'\\><~|&;$*?#()`%="):
        return argument
    escaped = "".join("\\" + c if c in '"`$\\' else c for c in argument)
    return f'"{escaped.replace("%", "%%")}"'


def _escape(value: str) -> str:
    """A desktop entry string value: backslash and control characters escaped."""
    escapes = {"\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}
    return "".join(escapes.get(c, c) for c in value)


def app_icon_png() -> bytes:
    """The application icon as drawn by the package (the same as ``assets/claude-beacon.png``)."""
    from claude_beacon.desktop import icons  # Pillow, needed only when an icon is written

    buffer = io.BytesIO()
    icons.draw_app_icon(ICON_SIZE).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


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


class XdgAutostart(FileAutostart):
    """The autostart entry and the icon it shows: a pip install puts no icon where desktops
    look, so the entry names one written into the user's icon theme folder, by its path."""

    def __init__(self, path: Path, data_home: Path) -> None:
        icon_dir = data_home / "icons" / "hicolor" / f"{ICON_SIZE}x{ICON_SIZE}" / "apps"
        self.icon = icon_dir / f"{APP}.png"
        self.menu_entry = data_home / "applications" / f"{APP}.desktop"
        """The menu entry ``packaging/install-linux.sh`` writes, which shows the same icon."""
        super().__init__(path, lambda command: desktop_entry(command, str(self.icon)))

    def enable(self, command: Sequence[str]) -> None:
        png = app_icon_png()
        with contextlib.suppress(OSError):
            if self.icon.read_bytes() == png:
                png = b""
        if png:
            write_atomically(self.icon, png, mode=0o644)
        super().enable(command)

    def disable(self) -> None:
        super().disable()
        if not self.menu_entry.exists():
            self.icon.unlink(missing_ok=True)


class Registry(Protocol):
    """The three registry operations the Run key needs, on HKEY_CURRENT_USER."""

    def get(self, key: str, name: str) -> str | None: ...
    def set(self, key: str, name: str, value: str) -> None: ...
    def delete(self, key: str, name: str) -> None: ...


class WinRegistry:
    """HKEY_CURRENT_USER itself; type checkers read its methods as Windows code only."""

    def get(self, key: str, name: str) -> str | None:
        if sys.platform != "win32":
            raise OSError("the registry exists only on Windows")
        import winreg

        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, key) as handle:
                return str(winreg.QueryValueEx(handle, name)[0])
        except FileNotFoundError:
            return None

    def set(self, key: str, name: str, value: str) -> None:
        if sys.platform != "win32":
            raise OSError("the registry exists only on Windows")
        import winreg

        with winreg.CreateKey(winreg.HKEY_CURRENT_USER, key) as handle:
            winreg.SetValueEx(handle, name, 0, winreg.REG_SZ, value)

    def delete(self, key: str, name: str) -> None:
        if sys.platform != "win32":
            raise OSError("the registry exists only on Windows")
        import winreg

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
    config_home = _xdg_home("XDG_CONFIG_HOME", ".config")
    data_home = _xdg_home("XDG_DATA_HOME", ".local/share")
    return XdgAutostart(config_home / "autostart" / f"{APP}.desktop", data_home)


def _xdg_home(variable: str, default: str) -> Path:
    home = Path(os.environ.get(variable) or "")
    if not home.is_absolute():  # the spec says to ignore a relative value
        home = Path.home() / default
    return home
