"""``claude-beacon statusline --install`` against Claude Code settings in a temporary home."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

OURS_ON_PATH = {"type": "command", "command": "claude-beacon statusline"}


def install(*args: str, path: str | None = None) -> subprocess.CompletedProcess[str]:
    env = os.environ.copy()
    if path is not None:
        env["PATH"] = path
    return subprocess.run(
        [sys.executable, "-m", "claude_beacon", "statusline", "--install", *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=30,
        env=env,
    )


def bin_dir() -> str:
    """The folder holding this environment's ``claude-beacon``, to put on PATH."""
    folder = Path(sys.executable).parent
    assert (folder / "claude-beacon").exists()
    return str(folder)


def settings(home: Path) -> Path:
    return home / ".claude" / "settings.json"


def test_creates_the_settings_file_when_there_is_none(isolated_home: Path) -> None:
    result = install("--yes", path=bin_dir())
    assert result.returncode == 0, result.stderr
    assert "+++ " + str(settings(isolated_home)) in result.stdout
    assert '+  "statusLine": {' in result.stdout
    assert json.loads(settings(isolated_home).read_text()) == {"statusLine": OURS_ON_PATH}


def test_keeps_every_other_setting_in_its_order(isolated_home: Path) -> None:
    settings(isolated_home).parent.mkdir()
    before = {
        "model": "opus",
        "permissions": {"allow": ["Bash(git diff:*)"], "deny": []},
        "env": {"FOO": "1"},
        "hooks": {},
    }
    settings(isolated_home).write_text(json.dumps(before, indent=4))
    assert install("--yes", path=bin_dir()).returncode == 0
    text = settings(isolated_home).read_text()
    after = json.loads(text)
    assert list(after) == ["model", "permissions", "env", "hooks", "statusLine"]
    assert {k: after[k] for k in before} == before
    assert text == json.dumps({**before, "statusLine": OURS_ON_PATH}, indent=2) + "\n"


def test_off_path_it_names_this_very_python(isolated_home: Path) -> None:
    assert install("--yes", path="/nonexistent").returncode == 0
    command = json.loads(settings(isolated_home).read_text())["statusLine"]["command"]
    assert command == f"{sys.executable} -m claude_beacon statusline"


def test_another_status_line_is_kept_unless_forced(isolated_home: Path) -> None:
    settings(isolated_home).parent.mkdir()
    theirs = {"type": "command", "command": "~/.claude/statusline.sh", "padding": 0}
    original = json.dumps({"statusLine": theirs, "model": "sonnet"}, indent=2) + "\n"
    settings(isolated_home).write_text(original)
    refused = install("--yes", path=bin_dir())
    assert refused.returncode == 1
    assert "already has a status line" in refused.stderr and "--force" in refused.stderr
    assert settings(isolated_home).read_text() == original
    forced = install("--yes", "--force", path=bin_dir())
    assert forced.returncode == 0, forced.stderr
    assert '-    "command": "~/.claude/statusline.sh",' in forced.stdout
    after = json.loads(settings(isolated_home).read_text())
    assert list(after) == ["statusLine", "model"]  # replaced where it stood
    assert after == {"statusLine": OURS_ON_PATH, "model": "sonnet"}


def test_installing_twice_changes_nothing(isolated_home: Path) -> None:
    assert install("--yes", path=bin_dir()).returncode == 0
    written = settings(isolated_home).read_bytes()
    again = install("--yes", path=bin_dir())
    assert again.returncode == 0
    assert "already the status line" in again.stdout
    assert settings(isolated_home).read_bytes() == written


def test_without_yes_and_without_a_terminal_nothing_is_written(isolated_home: Path) -> None:
    result = install(path=bin_dir())
    assert result.returncode == 1
    assert '+  "statusLine": {' in result.stdout  # the change is still shown
    assert "--yes" in result.stderr
    assert not settings(isolated_home).exists()


def test_settings_that_are_not_a_json_object_are_left_alone(isolated_home: Path) -> None:
    settings(isolated_home).parent.mkdir()
    for content in ('{"model": "opus",', '["a list"]'):
        settings(isolated_home).write_text(content)
        result = install("--yes", path=bin_dir())
        assert result.returncode == 2
        assert "left as it is" in result.stderr and "Traceback" not in result.stderr
        assert settings(isolated_home).read_text() == content


def test_claude_config_dir_is_honoured(isolated_home: Path) -> None:
    elsewhere = isolated_home / "claude-config"
    env = {**os.environ, "CLAUDE_CONFIG_DIR": str(elsewhere), "PATH": bin_dir()}
    result = subprocess.run(
        [sys.executable, "-m", "claude_beacon", "statusline", "--install", "--yes"],
        capture_output=True,
        text=True,
        timeout=30,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads((elsewhere / "settings.json").read_text())["statusLine"] == OURS_ON_PATH
    assert not settings(isolated_home).exists()


def answered(answer: bytes, home: Path) -> tuple[int, str]:
    """Run --install on a terminal and type ``answer`` at its question."""
    main, child = pty.openpty()
    env = {**os.environ, "PATH": bin_dir()}
    proc = subprocess.Popen(
        [sys.executable, "-m", "claude_beacon", "statusline", "--install"],
        stdin=child,
        stdout=child,
        stderr=child,
        env=env,
    )
    os.close(child)
    seen = b""
    while b"[y/N]" not in seen:
        seen += os.read(main, 4096)
    os.write(main, answer)
    code = proc.wait(30)
    try:
        while chunk := os.read(main, 4096):
            seen += chunk
    except OSError:  # the terminal closed with the process
        pass
    os.close(main)
    return code, seen.decode()


def test_on_a_terminal_it_asks_and_writes_only_on_yes(isolated_home: Path) -> None:
    code, output = answered(b"n\n", isolated_home)
    assert code == 1 and "Not changed." in output
    assert not settings(isolated_home).exists()
    code, output = answered(b"y\n", isolated_home)
    assert code == 0, output
    assert json.loads(settings(isolated_home).read_text())["statusLine"] == OURS_ON_PATH
