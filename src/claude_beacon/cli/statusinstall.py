"""``claude-beacon statusline --install``: make it Claude Code's status line, change shown first.

Writes ``"statusLine": {"type": "command", "command": "claude-beacon statusline"}`` into the
user's Claude Code settings (``~/.claude/settings.json``, or the one in ``CLAUDE_CONFIG_DIR``),
keeping every other key in its order. The file is rewritten as JSON indented by two, as Claude
Code writes it. Another status line is kept unless ``--force``; a file that cannot be read as a
JSON object is left as it is, with the reason.
"""

from __future__ import annotations

import difflib
import json
import os
import shlex
import shutil
import stat
import sys
from pathlib import Path
from typing import Any

from claude_beacon.config.usermodels import MAX_SETTINGS_BYTES, user_claude_dir
from claude_beacon.store.atomic import write_atomically

ENTRY_POINT = "claude-beacon"


class SettingsError(Exception):
    """The settings file cannot be changed safely; the message says why."""


def install(*, yes: bool, force: bool) -> int:
    """0 installed (or already so), 1 declined or refused, 2 the file is unusable."""
    path = user_claude_dir(os.environ, Path.home()) / "settings.json"
    try:
        before, settings = read_settings(path)
    except SettingsError as exc:
        print(f"claude-beacon: {exc}", file=sys.stderr)
        return 2
    wanted = {"type": "command", "command": statusline_command()}
    current = settings.get("statusLine")
    if current == wanted:
        print(f"{path}: claude-beacon is already the status line.")
        return 0
    if current is not None and not force:
        shown = json.dumps(current, ensure_ascii=False)
        print(
            f"claude-beacon: {path} already has a status line: {shown}\n"
            "Run again with --force to replace it.",
            file=sys.stderr,
        )
        return 1
    after = render(
        {**settings, "statusLine": wanted} if current is None else _replaced(settings, wanted)
    )
    sys.stdout.writelines(
        difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            fromfile=str(path) if before else "/dev/null",
            tofile=str(path),
        )
    )
    if not yes and not _confirmed(path):
        return 1
    mode = _mode_of(path)
    try:
        write_atomically(path, after.encode("utf-8"), mode=mode)
    except OSError as exc:
        print(f"claude-beacon: cannot write {path}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(f"Wrote {path}: Claude Code shows claude-beacon's line from its next message on.")
    return 0


def read_settings(path: Path) -> tuple[str, dict[str, Any]]:
    """The file's text and its object; ('', {}) when there is no file yet."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return "", {}
    except OSError as exc:
        raise SettingsError(f"cannot read {path}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        raise SettingsError(f"{path} is not a regular file: left as it is")
    if info.st_size > MAX_SETTINGS_BYTES:
        raise SettingsError(f"{path} is over {MAX_SETTINGS_BYTES} bytes: left as it is")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"cannot read {path} as UTF-8 text ({exc}): left as it is") from None
    if not text.strip():
        return text, {}
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise SettingsError(f"{path} is not valid JSON ({exc}): left as it is") from None
    if not isinstance(document, dict):
        raise SettingsError(f"{path} is not a JSON object: left as it is")
    return text, document


def render(settings: dict[str, Any]) -> str:
    return json.dumps(settings, indent=2, ensure_ascii=False) + "\n"


def statusline_command() -> str:
    """``claude-beacon statusline`` when that is on PATH; else this very program's path."""
    if shutil.which(ENTRY_POINT):
        return f"{ENTRY_POINT} statusline"
    script = Path(sys.argv[0]).resolve() if sys.argv and sys.argv[0] else None
    if script and script.name.startswith(ENTRY_POINT) and script.is_file():
        return f"{shlex.quote(str(script))} statusline"
    return f"{shlex.quote(sys.executable)} -m claude_beacon statusline"


def _replaced(settings: dict[str, Any], wanted: dict[str, str]) -> dict[str, Any]:
    """The settings with ``statusLine`` replaced where it stands, the keys' order kept."""
    return {key: wanted if key == "statusLine" else value for key, value in settings.items()}


def _confirmed(path: Path) -> bool:
    if not sys.stdin.isatty():
        print(
            f"claude-beacon: {path} not changed: run again with --yes to write it.",
            file=sys.stderr,
        )
        return False
    try:
        answer = input(f"Write this to {path}? [y/N] ")
    except EOFError:
        answer = ""
    if answer.strip().lower() in ("y", "yes"):
        return True
    print("Not changed.")
    return False


def _mode_of(path: Path) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return 0o600
