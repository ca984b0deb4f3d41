"""Every command as the README and ``--help`` write it, with the global options before it and
after it: the named file is the one read, and ``-v`` turns on info logging, in both places."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from claude_beacon import __version__
from tests.integration.conftest import loopback_diagnostics
from tests.support import payloads
from tests.support.signals import interruptible
from tests.support.statuspage_server import StatuspageServer

NAME = "Loopback Beacon Page"
"""The page the test config names: seen in the output only if that config was read."""
SUMMARY = "/api/v2/summary.json"
COMMANDS = (
    "tray",
    "status",
    "watch",
    "doctor",
    "guide",
    "history",
    "wait",
    "add",
    "sources",
    "remove",
    "paths",
    "autostart",
    "statusline",
)


def config_before_v_after(command: list[str], config: str) -> list[str]:
    return ["--config", config, *command, "-v"]


def v_before_config_after(command: list[str], config: str) -> list[str]:
    return ["-v", *command, "--config", config]


PLACEMENTS = {
    "--config before, -v after": config_before_v_after,
    "-v before, --config after": v_before_config_after,
}


@pytest.fixture
def page(server: StatuspageServer) -> StatuspageServer:
    server.set_summary(payloads.summary())
    return server


@pytest.fixture
def config(page: StatuspageServer, isolated_home: Path) -> str:
    path = isolated_home / "named.toml"
    path.write_text(
        f'{loopback_diagnostics(page.url)}[[sources]]\nname = "{NAME}"\nurl = "{page.url}"\n'
    )
    return str(path)


@pytest.fixture(params=list(PLACEMENTS), ids=list(PLACEMENTS))
def placed(request: pytest.FixtureRequest, config: str) -> Callable[..., list[str]]:
    """The command's words with ``--config FILE`` and ``-v`` put where this run puts them."""
    placement = PLACEMENTS[request.param]
    return lambda *command: placement(list(command), config)


def environment(**extra: str) -> dict[str, str]:
    """This environment, with output buffered as Python does by default for a pipe."""
    env = {
        k: v for k, v in os.environ.items() if k not in ("ANTHROPIC_API_KEY", "PYTHONUNBUFFERED")
    }
    return env | extra


def beacon(argv: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "claude_beacon", *argv],
        capture_output=True,
        text=True,
        timeout=60,
        env=environment(**env),
    )


def logged_settings(stderr: str, command: str, config: str) -> bool:
    """``-v`` is on: the info line naming the command and the file it reads."""
    return f"claude-beacon: {command}, settings from {config}\n" in stderr


def test_status_reads_the_named_file(placed: Callable[..., list[str]], config: str) -> None:
    result = beacon(placed("status"))
    assert result.returncode == 0, result.stderr
    first, second = result.stdout.splitlines()[:2]
    assert first.startswith(f"Claude is not watched, only {NAME}")  # the page is no Claude's
    assert second.startswith(f"{NAME}: operational")
    assert logged_settings(result.stderr, "status", config)


def test_watch_prints_the_named_page_first(
    placed: Callable[..., list[str]], config: str, page: StatuspageServer
) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "claude_beacon", *placed("watch", "--interval", "0.2")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment(),
        preexec_fn=interruptible,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        # The next poll starts only once the first one's output is written: Ctrl-C then
        # cannot land in the middle of it.
        page.wait_for_requests(SUMMARY, 2)
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert first.startswith(f"{NAME}: operational"), stderr
    assert proc.returncode == 0, stderr
    assert logged_settings(stderr, "watch", config)


def test_doctor_reports_on_the_named_file(placed: Callable[..., list[str]], config: str) -> None:
    result = beacon(placed("doctor"))
    assert result.returncode == 0, result.stderr
    assert f"\n{NAME}: operational" in result.stdout
    assert f"config: {config}" in result.stdout
    assert logged_settings(result.stderr, "doctor", config)


def test_guide_shows_the_named_page(
    placed: Callable[..., list[str]], config: str, isolated_home: Path
) -> None:
    opened = isolated_home / "opened.txt"
    browser = isolated_home / "browser.sh"
    browser.write_text(f'#!/bin/sh\necho "$1" > "{opened}"\n')
    browser.chmod(0o755)
    result = beacon(placed("guide"), BROWSER=f"{browser} %s")
    assert result.returncode == 0, result.stderr
    page = Path(opened.read_text().strip().removeprefix("file://"))
    assert f"Opened the troubleshooting guide: {page}" in result.stdout
    assert NAME in page.read_text()
    assert logged_settings(result.stderr, "guide", config)


def test_history_gives_the_uptime_of_the_named_page(
    placed: Callable[..., list[str]], config: str
) -> None:
    result = beacon(placed("history"))
    assert result.returncode == 0, result.stderr
    assert f"Uptime of {NAME} (24h / 7d / 30d)" in result.stdout
    assert logged_settings(result.stderr, "history", config)


def test_wait_asks_the_named_page(
    placed: Callable[..., list[str]], config: str, page: StatuspageServer
) -> None:
    result = beacon(placed("wait", "--timeout", "30"))
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{NAME}: all systems operational\n"  # the page it waited for
    assert page.requests_to(SUMMARY)  # the page the named file lists is the one asked
    assert logged_settings(result.stderr, "wait", config)


def test_add_without_a_page_lists_the_presets(
    placed: Callable[..., list[str]], config: str
) -> None:
    result = beacon(placed("add"))
    assert result.returncode == 0, result.stderr
    assert re.search(r"^github +GitHub +https://www\.githubstatus\.com ", result.stdout, re.M)
    assert logged_settings(result.stderr, "add", config)


def test_add_a_preset_to_the_named_file(placed: Callable[..., list[str]], config: str) -> None:
    result = beacon(placed("add", "github"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("added: GitHub (https://www.githubstatus.com")
    assert result.stdout.rstrip().endswith(f" in {config}")
    text = Path(config).read_text()
    assert NAME in text and 'url = "https://www.githubstatus.com"' in text
    assert logged_settings(result.stderr, "add", config)


def test_sources_lists_the_named_files_pages(placed: Callable[..., list[str]], config: str) -> None:
    result = beacon(placed("sources"))
    assert result.returncode == 0, result.stderr
    assert NAME in result.stdout
    assert logged_settings(result.stderr, "sources", config)


def test_remove_edits_the_named_file(placed: Callable[..., list[str]], config: str) -> None:
    assert beacon(placed("add", "github")).returncode == 0
    result = beacon(placed("remove", "github"))
    assert result.returncode == 0, result.stderr
    text = Path(config).read_text()
    assert NAME in text and "githubstatus" not in text
    assert logged_settings(result.stderr, "remove", config)


def test_paths_shows_the_named_file(placed: Callable[..., list[str]], config: str) -> None:
    result = beacon(placed("paths"))
    assert result.returncode == 0, result.stderr
    assert re.search(rf"^config file +{re.escape(config)}$", result.stdout, re.M)
    assert logged_settings(result.stderr, "paths", config)


def test_autostart_status_takes_the_global_options(
    placed: Callable[..., list[str]], config: str
) -> None:
    """Start at login needs no settings (a broken file must not block it), but takes them."""
    result = beacon(placed("autostart", "status"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("start at login: off (")
    assert logged_settings(result.stderr, "autostart", config)


def test_tray_without_a_desktop_watches_the_named_page(
    placed: Callable[..., list[str]], config: str, page: StatuspageServer
) -> None:
    headless = environment(DBUS_SESSION_BUS_ADDRESS="unix:path=/nonexistent")
    for variable in ("DISPLAY", "WAYLAND_DISPLAY"):
        headless.pop(variable, None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "claude_beacon", *placed("tray")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=headless,
    )
    try:
        page.wait_for_requests(SUMMARY, 1, timeout=30)  # the page the named file lists
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=30)
    finally:
        proc.kill()
    first = stderr.splitlines()[0]
    assert logged_settings(first + "\n", "tray", config)
    assert "watching here and sending notifications instead" in stderr
    assert "Traceback" not in stderr


def test_the_commands_here_are_those_help_lists() -> None:
    result = beacon(["--help"])
    assert result.returncode == 0
    listed = re.findall(r"^    ([a-z]+) +[a-z]", result.stdout, re.M)
    assert tuple(listed) == COMMANDS


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_help_and_version_of_every_command_exit_zero(command: str) -> None:
    words = [command] if command else []
    helped = beacon([*words, "--help"])
    assert helped.returncode == 0, helped.stderr
    assert helped.stdout.startswith(f"usage: claude-beacon {command}".rstrip())
    assert "--config FILE" in helped.stdout and "-v, --verbose" in helped.stdout
    versioned = beacon([*words, "--version"])
    assert (versioned.returncode, versioned.stdout) == (0, f"claude-beacon {__version__}\n")


def test_without_v_nothing_is_logged(config: str) -> None:
    result = beacon(["status", "--config", config])
    assert result.returncode == 0
    assert result.stderr == ""


def test_v_before_and_after_the_command_add_up_to_debug_output(config: str) -> None:
    once = beacon(["-v", "status", "--config", config])
    twice = beacon(["-v", "status", "-v", "--config", config])
    assert "claude-beacon: status, settings from" in once.stderr
    assert "claude-beacon: options: " not in once.stderr
    assert "claude-beacon: options: command='status', " in twice.stderr
    assert "verbose=2" in twice.stderr


def test_config_named_after_the_command_wins_over_one_named_before(
    config: str, isolated_home: Path
) -> None:
    missing = isolated_home / "missing.toml"
    result = beacon(["--config", str(missing), "status", "--config", config])
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1].startswith(NAME)  # after "Claude is not watched"


OUTAGE = {"Claude API (api.anthropic.com)": "major_outage"}
PIPED = [("status", 2), ("status --json", 2), ("history", 0), ("history --json", 0)]
PIPED += [("doctor", 2), ("doctor --json", 2)]


@pytest.mark.parametrize("unbuffered", ["", "1"], ids=["buffered", "PYTHONUNBUFFERED"])
@pytest.mark.parametrize(("command", "code"), PIPED)
def test_a_reader_gone_before_the_first_byte_costs_no_traceback_nor_the_exit_code(
    page: StatuspageServer, config: str, command: str, code: int, unbuffered: str
) -> None:
    """The exit code stays the monitoring code: not 1 for an error, nor 120 for a failed flush."""
    page.set_summary(payloads.summary(OUTAGE))
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "claude_beacon", *command.split(), "--config", config],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            env=environment(**({"PYTHONUNBUFFERED": unbuffered} if unbuffered else {})),
        )
    finally:
        os.close(write_end)
    assert (result.returncode, result.stderr) == (code, "")


@pytest.mark.parametrize(
    ("pipeline", "code"),
    [("status | true", 2), ("history | true", 0), ("doctor | head -3", 2)],
)
def test_in_a_shell_pipeline_whose_reader_stops_early(
    page: StatuspageServer, config: str, pipeline: str, code: int
) -> None:
    page.set_summary(payloads.summary(OUTAGE))
    command, reader = pipeline.split(" | ")
    script = (
        f'"{sys.executable}" -m claude_beacon {command} --config "{config}" | {reader};'
        ' echo "exit ${PIPESTATUS[0]}" >&2'
    )
    result = subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, timeout=60, env=environment()
    )
    assert result.stderr == f"exit {code}\n"
    if reader == "head -3":
        assert result.stdout.startswith("Verdict: Anthropic reports a major outage")
        assert len(result.stdout.splitlines()) == 3
