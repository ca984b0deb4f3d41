"""What a newcomer trips on, through the real command line: exit codes a monitor reads, words
that name their own units and reasons, a Claude page removed, a cache tied to its settings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.integration.conftest import cli, write_config
from tests.support import payloads
from tests.support.statuspage_server import Reply, StatuspageServer

SUMMARY = "/api/v2/summary.json"


@pytest.mark.parametrize(
    ("setting", "kind"),
    [
        ("[[sources]]\nurl = 'http://status.example.com'\n", "settings"),  # a bad setting
        ("interval = [\n", "settings"),  # not TOML
        (None, "settings"),  # the named file is missing
    ],
)
def test_status_that_could_not_check_is_unknown_and_says_why_in_json(
    isolated_home: Path, setting: str | None, kind: str
) -> None:
    config = isolated_home / "beacon.toml"
    if setting is not None:
        config.write_text(setting)
    plain = cli("status", "--config", str(config))
    assert plain.returncode == 3, plain.stderr  # UNKNOWN, never 2 (a major outage)
    assert plain.stderr.startswith(f"claude-beacon: {config}: ")
    assert "Traceback" not in plain.stderr
    result = cli("status", "--json", "--config", str(config))
    assert result.returncode == 3
    document = json.loads(result.stdout)
    assert document["level"] == "unknown" and document["sources"] == []
    assert document["error_kind"] == kind
    assert document["error"].startswith(str(config))


def test_a_bad_option_is_unknown_for_status_and_wait(isolated_home: Path) -> None:
    result = cli("status", "--json", "--bogus")
    assert result.returncode == 3
    assert "unrecognized arguments: --bogus" in result.stderr
    assert json.loads(result.stdout) == {
        "level": "unknown",
        "checked_at": None,
        "your_models": [],
        "sources": [],
        "error": "unrecognized arguments: --bogus",
        "error_kind": "usage",
    }
    waited = cli("wait", "--timeout", "soon")
    assert waited.returncode == 3
    assert "--timeout: expected a number of seconds, got 'soon'" in waited.stderr
    missing = cli("wait", "--timeout", "1", "--config", str(isolated_home / "nope.toml"))
    assert missing.returncode == 3 and "no such configuration file" in missing.stderr
    # Commands no monitor reads keep the usual usage code.
    assert cli("history", "--bogus").returncode == 2


def test_a_good_status_json_has_no_error(server: StatuspageServer, isolated_home: Path) -> None:
    server.set_summary(payloads.summary())
    result = cli("status", "--json", "--config", str(write_config(isolated_home, server.url)))
    document = json.loads(result.stdout)
    assert (result.returncode, document["error"], document["error_kind"]) == (0, None, None)


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["history", "--days", "-1"], "--days: expected a positive number of days, got '-1'"),
        (["history", "--days", "abc"], "--days: expected a number of days, got 'abc'"),
        (["wait", "--timeout", "0"], "--timeout: expected a positive number of seconds"),
        (["watch", "--interval", "x"], "--interval: expected a number of seconds, got 'x'"),
    ],
)
def test_each_option_names_its_own_unit(isolated_home: Path, argv: list[str], said: str) -> None:
    result = cli(*argv)
    assert said in result.stderr
    assert "seconds" not in result.stderr if "--days" in argv else True
    assert result.stdout == ""


def test_history_says_why_there_is_no_figure_yet_and_when(
    server: StatuspageServer, isolated_home: Path
) -> None:
    server.set_summary(payloads.summary())
    config = write_config(isolated_home, server.url, extra="interval = 90")
    result = cli("history", "--config", str(config))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    heading = lines.index("Uptime of Claude (24h / 7d / 30d), while this machine watched:")
    assert lines[heading + 1] == (
        "  no figure yet: this machine has not watched the page for any time; the first "
        "appears once the tray or `claude-beacon watch` has run for one poll interval (90 s)"
    )


def test_history_has_figures_once_watched(server: StatuspageServer, isolated_home: Path) -> None:
    server.set_summary(payloads.summary())
    config = write_config(isolated_home, server.url)
    watch = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "claude_beacon",
            "watch",
            "--interval",
            "0.2",
            "--config",
            str(config),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=os.environ.copy(),
    )
    try:
        server.wait_for_requests(SUMMARY, 4)
    finally:
        watch.terminate()
        watch.wait(30)
    result = cli("history", "--config", str(config))
    assert "no figure yet" not in result.stdout
    assert "(overall): 100.00% / 100.00% / 100.00%" in result.stdout


PAIR = (
    '[[sources]]\nname = "Claude"\nurl = "https://status.claude.com"\n'
    '[[sources]]\nname = "OpenAI"\nurl = "https://status.openai.com"\n'
)


def test_removing_claudes_page_asks_for_yes_and_says_what_is_left(isolated_home: Path) -> None:
    config = isolated_home / "beacon.toml"
    config.write_text(PAIR)
    refused = cli("remove", "claude", "--config", str(config))
    assert refused.returncode == 2
    assert refused.stderr == (
        "claude-beacon: Claude is Claude's own page, the one claude-beacon exists to watch: "
        "without it only OpenAI would be watched. Run `claude-beacon remove claude --yes` to "
        "remove it anyway\n"
    )
    assert config.read_text() == PAIR
    done = cli("remove", "claude", "--yes", "--config", str(config))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"removed: Claude (https://status.claude.com) from {config}",
        "now watching only OpenAI, not Claude; `claude-beacon add claude` watches Claude again",
    ]
    assert cli("remove", "openai", "--config", str(isolated_home / "beacon.toml")).returncode == 2


def test_status_without_a_claude_page_says_so_first(
    server: StatuspageServer, isolated_home: Path
) -> None:
    server.set_summary(payloads.summary())
    config = isolated_home / "beacon.toml"
    config.write_text(f'[[sources]]\nname = "OpenAI"\nurl = "{server.url}"\n')
    result = cli("status", "--config", str(config))
    assert result.returncode == 0, result.stderr
    first, second = result.stdout.splitlines()[:2]
    assert (
        first == "Claude is not watched, only OpenAI: `claude-beacon add claude` watches it again"
    )
    assert second.startswith("OpenAI: operational")


def test_a_one_shot_status_never_says_it_will_retry(
    server: StatuspageServer, isolated_home: Path
) -> None:
    server.set(SUMMARY, Reply(status=503, body=b"down"))
    server.set("/history.atom", Reply(status=503, body=b"down"))
    result = cli("status", "-v", "--config", str(write_config(isolated_home, server.url)))
    assert result.returncode == 3
    assert "history.atom could not be read either" in result.stderr
    assert "again in" not in result.stderr and "retry" not in result.stderr.lower()


def _statusline(config: Path | None = None) -> str:
    argv = [sys.executable, "-m", "claude_beacon", "statusline"]
    argv += ["--config", str(config)] if config else []
    result = subprocess.run(
        argv, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30
    )
    assert (result.returncode, result.stderr) == (0, "")
    return result.stdout.strip()


def _cache(home: Path) -> Path:
    return home / ".cache" / "claude-beacon" / "status.json"


def _wait_for(condition: object, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "the condition never came true"
        time.sleep(0.05)


def test_the_statusline_cache_is_tied_to_its_settings(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with StatuspageServer() as claude, StatuspageServer() as other:
        claude.set_summary(payloads.summary(components={"claude.ai": "major_outage"}))
        other.set(SUMMARY, Reply(body=json.dumps(payloads.summary()).encode(), delay=1))
        config = write_config(isolated_home, claude.url)
        monkeypatch.setenv("CLAUDE_BEACON_CONFIG", str(config))
        assert cli("status", "--quiet").returncode == 2
        assert _statusline() == "✗ Claude: Major System Outage"
        assert len(claude.requests_to(SUMMARY)) == 1
        # The page is replaced (as `add` then `remove` would): the old answer is no answer.
        config.write_text(f'[[sources]]\nname = "Other"\nurl = "{other.url}"\n')
        assert _statusline() == "? Claude: checking…"
        _wait_for(lambda: "Other" in _cache(isolated_home).read_text())
        assert len(claude.requests_to(SUMMARY)) == 1
        assert _statusline() == "✓ Other"
        # The settings file deleted: the default settings are another set of pages.
        config.unlink()
        monkeypatch.delenv("CLAUDE_BEACON_CONFIG")
        assert _statusline() == "? Claude: checking…"


def test_wait_for_a_component_of_an_unreadable_page_says_it_was_not_checked(
    server: StatuspageServer, isolated_home: Path
) -> None:
    server.set(SUMMARY, Reply(status=503, body=b"down"))
    server.set("/history.atom", Reply(status=503, body=b"down"))
    config = write_config(isolated_home, server.url)
    result = cli("wait", "--component", "Claude Codex", "--timeout", "1", "--config", str(config))
    assert result.returncode == 3
    assert result.stderr.splitlines()[-2:] == [
        "claude-beacon: not operational after 1 s",
        "claude-beacon: whether Claude has a component named 'Claude Codex' could not be "
        "checked: its status page was never read",
    ]


def test_a_plain_http_page_loads_no_ca_bundle(
    server: StatuspageServer, isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``SSL_CERT_FILE`` naming a file that is no bundle at all: a plain-http page never reads
    it (no TLS context is made before an https address is fetched)."""
    server.set_summary(payloads.summary())
    bundle = isolated_home / "not-a-bundle.pem"
    bundle.write_text("this is no certificate\n")
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    result = cli("status", "--config", str(write_config(isolated_home, server.url)))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Claude: operational")
