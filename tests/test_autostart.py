"""Start at login: generated content for every platform, and the CLI on this one."""

from __future__ import annotations

import configparser
import json
import os
import plistlib
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from claude_beacon.desktop import autostart, icons
from claude_beacon.store import paths

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
    # Exec quoting (\$), then the string escape of every value (\\): spec 1.5, "The Exec key"
    assert section["Exec"] == '"/home/ada/My Apps/bin/claude-beacon" --config "/tmp/a\\\\$b.toml"'
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


RECORDER = """#!{python}
import json, os, sys
if os.environ.get("ARGV_RECORD"):  # started from the login entry: say how, start nothing
    with open(os.environ["ARGV_RECORD"], "w") as record:
        json.dump(sys.argv[1:], record)
    sys.exit(0)
from claude_beacon.cli import main
sys.exit(main())
"""


def installed_copy(folder: Path) -> Path:
    """A ``claude-beacon`` script in a folder whose path needs quoting, as pip would install."""
    script = folder / "claude-beacon"
    script.parent.mkdir(parents=True)
    script.write_text(RECORDER.format(python=sys.executable))
    script.chmod(0o755)
    return script


def xdg_entry() -> configparser.SectionProxy:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(Path(os.environ["XDG_CONFIG_HOME"]) / "autostart" / "claude-beacon.desktop")
    return entry["Desktop Entry"]


@pytest.mark.skipif(shutil.which("gio") is None, reason="needs GLib's gio to launch the entry")
def test_the_login_entry_starts_the_same_config_file_however_its_path_is_spelled(
    tmp_path: Path,
) -> None:
    """GLib itself reads the entry and starts it, as a GNOME or Xfce session does at login."""
    script = installed_copy(tmp_path / "My Apps $HOME" / "bin")
    folder = tmp_path / 'settings 100% "mine" it\'s `odd` \\ here'
    folder.mkdir()
    (folder / "beacon.toml").write_text("")
    turned_on = subprocess.run(
        [str(script), "--config", "beacon.toml", "autostart", "on"],  # relative: made absolute
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=60,
        env=os.environ.copy(),
    )
    assert turned_on.returncode == 0, turned_on.stderr
    record = tmp_path / "argv.json"
    entry = Path(os.environ["XDG_CONFIG_HOME"]) / "autostart" / "claude-beacon.desktop"
    launch_env = os.environ | {"ARGV_RECORD": str(record)}
    subprocess.run(["gio", "launch", str(entry)], check=True, timeout=30, env=launch_env)
    deadline = time.monotonic() + 30  # the entry's program runs on its own, after gio returns
    while not (record.exists() and record.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert record.read_text() == json.dumps(["--config", str(folder / "beacon.toml")])


def test_the_environments_config_file_is_passed_on_and_the_default_one_is_not(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(isolated_home)
    program = autostart.launch_command()
    assert autostart.launch_command(None) == program
    assert autostart.launch_command(paths.config_file()) == program  # it may come and go
    assert autostart.launch_command("work.toml") == [
        *program,
        "--config",
        str(isolated_home / "work.toml"),
    ]
    config = isolated_home / "from env.toml"
    config.write_text("")
    result = run_cli_with({"CLAUDE_BEACON_CONFIG": str(config)}, "on")
    assert result.returncode == 0, result.stderr
    assert xdg_entry()["Exec"].endswith(f' --config "{config}"')


def run_cli_with(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "claude_beacon", "autostart", *args],
        capture_output=True,
        text=True,
        timeout=30,
        env=os.environ | env,
    )


def test_autostart_on_refuses_a_config_file_that_does_not_exist(isolated_home: Path) -> None:
    result = run_cli("on", "--config", str(isolated_home / "typo.toml"))
    assert result.returncode == 2
    assert "typo.toml: no such configuration file" in result.stderr
    assert run_cli("status").stdout.startswith("start at login: off")


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="XDG autostart is for Linux/BSD")
def test_the_entrys_icon_is_written_where_it_points_and_removed_with_it(
    isolated_home: Path,
) -> None:
    assert run_cli("on").returncode == 0
    icon = Path(xdg_entry()["Icon"])
    data_home = Path(os.environ["XDG_DATA_HOME"])
    assert icon == data_home / "icons" / "hicolor" / "256x256" / "apps" / "claude-beacon.png"
    with Image.open(icon) as drawn:  # the app icon (test_icons: the same as assets/)
        assert drawn.format == "PNG" and drawn.size == (256, 256)
        app_icon = icons.draw_app_icon(256)
        assert ImageChops.difference(drawn.convert("RGBA"), app_icon).getbbox() is None
    assert run_cli("off").returncode == 0
    assert not icon.exists()

    menu_entry = data_home / "applications" / "claude-beacon.desktop"  # install-linux.sh's
    menu_entry.parent.mkdir(parents=True)
    menu_entry.write_text("[Desktop Entry]\nIcon=claude-beacon\n")
    assert run_cli("on").returncode == 0
    assert run_cli("off").returncode == 0
    assert icon.exists()  # the menu shows it still
