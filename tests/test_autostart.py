"""Start at login: generated content for every platform, and the CLI on this one."""

from __future__ import annotations

import configparser
import os
import plistlib
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from claude_beacon import autostart

COMMAND = ["/home/ada/My Apps/bin/claude-beacon"]


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "claude_beacon", "autostart", *args],
        capture_output=True,
        text=True,
        timeout=30,
        env=os.environ.copy(),
    )


def test_desktop_entry_is_valid_and_quotes_the_command() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read_string(autostart.desktop_entry([*COMMAND, "--config", "/tmp/a$b.toml"]))
    section = entry["Desktop Entry"]
    assert section["Type"] == "Application"
    assert section["Exec"] == '"/home/ada/My Apps/bin/claude-beacon" --config "/tmp/a\\$b.toml"'
    assert section["Terminal"] == "false"


def test_launch_agent_runs_the_command_at_login() -> None:
    agent = plistlib.loads(autostart.launch_agent(COMMAND))
    assert agent["Label"] == autostart.LABEL
    assert agent["ProgramArguments"] == COMMAND
    assert agent["RunAtLoad"] is True and agent["KeepAlive"] is False


def test_run_key_value_is_quoted_for_windows() -> None:
    value = autostart.run_value([r"C:\Program Files\claude-beacon\claude-beacon.exe"])
    assert value == r'"C:\Program Files\claude-beacon\claude-beacon.exe"'


class FakeRegistry:
    """Stands in for HKEY_CURRENT_USER: the one part that exists only on Windows."""

    def __init__(self) -> None:
        self.values: dict[tuple[str, str], str] = {}

    def get(self, key: str, name: str) -> str | None:
        return self.values.get((key, name))

    def set(self, key: str, name: str, value: str) -> None:
        self.values[key, name] = value

    def delete(self, key: str, name: str) -> None:
        self.values.pop((key, name), None)


def test_windows_run_key_on_and_off() -> None:
    registry = FakeRegistry()
    mechanism = autostart.for_platform("win32", registry)
    mechanism.enable(COMMAND)
    mechanism.enable(COMMAND)  # idempotent
    assert registry.values == {(autostart.RUN_KEY, "claude-beacon"): autostart.run_value(COMMAND)}
    assert mechanism.enabled()
    mechanism.disable()
    mechanism.disable()
    assert registry.values == {} and not mechanism.enabled()


def test_macos_agent_lives_in_the_users_launch_agents(isolated_home: Path) -> None:
    mechanism = autostart.for_platform("darwin")
    mechanism.enable(COMMAND)
    path = isolated_home / "Library" / "LaunchAgents" / f"{autostart.LABEL}.plist"
    assert plistlib.loads(path.read_bytes())["ProgramArguments"] == COMMAND
    mechanism.disable()
    assert not path.exists()


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="XDG autostart is for Linux/BSD")
def test_cli_on_status_off_with_the_xdg_entry(isolated_home: Path) -> None:
    entry = Path(os.environ["XDG_CONFIG_HOME"]) / "autostart" / "claude-beacon.desktop"
    assert entry.is_relative_to(isolated_home)
    assert run_cli("status").stdout.startswith("start at login: off")

    for _ in range(2):  # idempotent
        result = run_cli("on")
        assert result.returncode == 0, result.stderr
        assert result.stdout == f"start at login: on ({entry})\n"
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(entry)
    exec_line = parser["Desktop Entry"]["Exec"]
    executable = shlex.split(exec_line)[0]  # Exec quoting is a subset of the shell's
    assert Path(executable).exists()  # points at something that is installed
    assert "claude" in Path(executable).name or "python" in Path(executable).name

    assert run_cli("off").stdout.startswith("start at login: off")
    assert not entry.exists()
    assert list(entry.parent.iterdir()) == []


def test_the_running_copy_is_the_one_started_at_login(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another claude-beacon earlier on PATH must not be the one started at login."""
    mine, other = tmp_path / "venv" / "bin", tmp_path / "elsewhere"
    for folder in (mine, other):
        folder.mkdir(parents=True)
        script = folder / "claude-beacon"
        script.write_text("#!/bin/sh\n")
        script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{other}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(sys, "argv", [str(mine / "claude-beacon"), "autostart", "on"])
    assert autostart.launch_command() == [str((mine / "claude-beacon").resolve())]
    monkeypatch.setattr(sys, "argv", ["-c"])  # not started by its script: the one on PATH
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python3"))
    assert autostart.launch_command() == [str((other / "claude-beacon").resolve())]
