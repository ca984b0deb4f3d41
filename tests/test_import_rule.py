"""The import rule that keeps the command line quick: ``--version`` and ``--help`` load the
parser and nothing it does not need; ``status`` loads the HTTP client and the page's parser,
but no feed parser, templates or desktop. (How quick that is, ``bench/startup.py`` measures.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from claude_beacon.cli import parser
from tests.support import payloads
from tests.support.statuspage_server import StatuspageServer

HEAVY = ("httpx", "httpcore", "feedparser", "jinja2", "PIL", "pystray", "gi", "jeepney", "tomlkit")
"""The network stack, feed parsing, templates, images and the desktop."""

LOADED_BY = """
import json, sys
from claude_beacon.cli import main

heavy, found = {heavy!r}, {{}}
# Besides the command line itself: the statusline's cache reader (stdlib only) and its package.
LIGHT = {{"claude_beacon.store", "claude_beacon.store.statuscache"}}
for argv in {argvs!r}:
    try:
        main(argv)
    except SystemExit:
        pass
    loaded = sorted(m for m in sys.modules if m.split(".")[0] in heavy
                    or m.startswith("claude_beacon.")
                    and not m.startswith("claude_beacon.cli") and m not in LIGHT)
    if loaded:
        found[" ".join(argv)] = loaded
print(json.dumps(found), file=sys.stderr)
"""


def command_names() -> list[str]:
    commands = next(a for a in parser()._actions if a.dest == "command")
    return sorted(commands.choices)


def heavy_modules_loaded(argvs: list[list[str]], env: dict[str, str]) -> dict[str, list[str]]:
    """Which heavy (or non-CLI claude_beacon) modules each command line loaded, in one process."""
    code = LOADED_BY.format(heavy=HEAVY, argvs=argvs)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )
    found: dict[str, list[str]] = json.loads(result.stderr.strip().splitlines()[-1])
    return found


def test_version_and_help_of_every_command_load_only_the_command_line(tmp_path: Path) -> None:
    names = command_names()
    assert {"status", "watch", "doctor", "guide", "add"} <= set(names)
    argvs = [["--version"], ["--help"], *([name, "--help"] for name in names)]
    env = os.environ | {"HOME": str(tmp_path), "COLUMNS": "100"}
    assert heavy_modules_loaded(argvs, env) == {}


def test_a_mistyped_command_line_is_refused_without_loading_the_network(tmp_path: Path) -> None:
    env = os.environ | {"HOME": str(tmp_path)}
    argvs = [["no-such-command"], ["status", "--no-such-option"]]
    assert heavy_modules_loaded(argvs, env) == {}


def test_status_loads_no_feed_parser_templates_desktop_or_other_command(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from claude_beacon.cli import main\n"
        "code = main(['--config', sys.argv[1], 'status'])\n"
        "heavy = ('feedparser', 'jinja2', 'PIL', 'pystray', 'gi', 'jeepney', 'tomlkit',"
        " 'concurrent', 'sqlite3', 'xml')\n"
        "from claude_beacon.cli import COMMANDS\n"
        "others = {f'claude_beacon.cli.{c}' for c in COMMANDS} - {'claude_beacon.cli.status',"
        " 'claude_beacon.cli.tray'}\n"
        "print(sorted(({m.split('.')[0] for m in sys.modules} & set(heavy))"
        " | (set(sys.modules) & others)), file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    env = os.environ | {"HOME": str(tmp_path), "XDG_STATE_HOME": str(tmp_path / "state")}
    with StatuspageServer() as server:
        server.set_summary(payloads.summary())
        config = tmp_path / "beacon.toml"
        config.write_text(f'[[sources]]\nname = "Claude"\nurl = "{server.url}"\n')
        result = subprocess.run(
            [sys.executable, "-c", code, str(config)],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
    assert result.returncode == 0, result.stderr
    assert "operational" in result.stdout
    assert result.stderr.strip().splitlines()[-1] == "[]"
