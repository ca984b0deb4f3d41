"""``claude-beacon status`` as a real process against a scripted server, faults included."""

from __future__ import annotations

import contextlib
import json
import os
import pty
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import fixture_bytes
from tests.integration.conftest import cli, loopback_diagnostics, write_config
from tests.support.statuspage_server import Reply, StatuspageServer, html_reply, json_reply

SUMMARY = "/api/v2/summary.json"


def test_reads_the_recorded_claude_page(server: StatuspageServer, isolated_home: Path) -> None:
    server.set_summary(fixture_bytes("anthropic-summary-1.json"))
    result = cli("status", "--config", str(write_config(isolated_home, server.url)))
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("Claude: degraded (Partially Degraded Service)")
    assert "Elevated errors on platform.claude.com" in result.stdout
    assert "\033[" not in result.stdout  # piped: no colour
    (request,) = server.requests_to(SUMMARY)
    assert request.headers["user-agent"].startswith("claude-beacon/")
    assert request.headers["accept"] == "application/json"


@pytest.mark.parametrize(
    ("fixture", "code", "level"),
    [
        ("github-summary-1.json", 0, "operational"),
        ("anthropic-summary-1.json", 1, "degraded"),
        ("github-components-1.json", 1, "partial_outage"),
    ],
)
def test_json_output_and_nagios_exit_codes(
    server: StatuspageServer, isolated_home: Path, fixture: str, code: int, level: str
) -> None:
    server.set_summary(fixture_bytes(fixture))
    result = cli("status", "--json", "--config", str(write_config(isolated_home, server.url)))
    assert result.returncode == code
    data = json.loads(result.stdout)
    assert data["level"] == level
    (source,) = data["sources"]
    assert {"name", "level", "components", "incidents", "maintenances", "error"} <= set(source)
    assert source["error"] is None


def test_major_outage_exits_two(server: StatuspageServer, isolated_home: Path) -> None:
    from tests.support import payloads

    server.set_summary(
        payloads.summary(components={"Claude API (api.anthropic.com)": "major_outage"})
    )
    result = cli("status", "--json", "--config", str(write_config(isolated_home, server.url)))
    assert (result.returncode, json.loads(result.stdout)["level"]) == (2, "major_outage")


def test_upcoming_maintenance_is_still_operational(
    server: StatuspageServer, isolated_home: Path
) -> None:
    from tests.support import payloads

    upcoming = payloads.maintenance("m1", "Database upgrade", status="scheduled")
    server.set_summary(payloads.summary(maintenances=[upcoming]))
    result = cli("status", "--config", str(write_config(isolated_home, server.url)))
    assert result.returncode == 0
    assert "Maintenance (scheduled" in result.stdout


def test_maintenance_in_progress_exits_one(server: StatuspageServer, isolated_home: Path) -> None:
    from tests.support import payloads

    now = payloads.maintenance("m2", "Database upgrade", status="in_progress")
    server.set_summary(payloads.summary(maintenances=[now]))
    result = cli("status", "--json", "--config", str(write_config(isolated_home, server.url)))
    assert (result.returncode, json.loads(result.stdout)["level"]) == (1, "maintenance")


def test_colour_on_a_terminal_and_never_with_no_color(
    server: StatuspageServer, isolated_home: Path
) -> None:
    """Run as a person would, on a real pseudo-terminal."""
    server.set_summary(fixture_bytes("anthropic-summary-1.json"))
    config = str(write_config(isolated_home, server.url))

    def on_a_terminal(**env: str) -> bytes:
        leader, follower = pty.openpty()
        environment = {k: v for k, v in os.environ.items() if k != "NO_COLOR"} | env
        proc = subprocess.Popen(
            [sys.executable, "-m", "claude_beacon", "status", "--config", config],
            stdout=follower,
            stderr=subprocess.DEVNULL,
            env=environment,
        )
        os.close(follower)
        output = b""
        with contextlib.suppress(OSError):  # the terminal closes when the child exits
            while chunk := os.read(leader, 65536):
                output += chunk
        os.close(leader)
        assert proc.wait(30) == 1
        return output

    coloured = on_a_terminal(TERM="xterm")
    assert b"\033[" in coloured and b"Claude: " in coloured
    plain = on_a_terminal(TERM="xterm", NO_COLOR="1")
    assert b"\033[" not in plain and b"Claude: degraded" in plain


def test_component_filter_from_config(server: StatuspageServer, isolated_home: Path) -> None:
    server.set_summary(fixture_bytes("anthropic-summary-1.json"))
    config = write_config(isolated_home, server.url, source='components = ["Claude Code"]')
    result = cli("status", "--json", "--config", str(config))
    data = json.loads(result.stdout)
    assert result.returncode == 0
    assert [c["name"] for c in data["sources"][0]["components"]] == ["Claude Code"]


FAULTS = [
    (Reply(status=500, body=b"<html>oops</html>", content_type="text/html"), "HTTP 500"),
    (Reply(status=503, headers=(("Retry-After", "7"),)), "HTTP 503"),
    (
        Reply(status=429, headers=(("Retry-After", "7"),)),
        "rate-limiting requests (HTTP 429, asked to wait 7 s)",
    ),
    (Reply(status=403), "blocked this request (HTTP 403"),
    (html_reply("<!DOCTYPE html><title>Just a moment...</title>"), "HTML"),
    (json_reply(b'{"page": {"id": "x"}, "compo'), "invalid JSON"),
    (json_reply(b'{"unexpected": true}'), "JSON without"),
    (json_reply(b"[]"), "expected a JSON object"),
    (Reply(fault="truncate", body=fixture_bytes("anthropic-summary-1.json")), "broke"),
    (Reply(fault="reset"), "broke"),
    (Reply(fault="huge"), "too large"),
    (Reply(status=404, body=b"<h1>Not Found</h1>", content_type="text/html"), "HTTP 404"),
]


@pytest.mark.parametrize(("reply", "words"), FAULTS, ids=[w for _, w in FAULTS])
def test_every_fault_is_unknown_with_a_one_line_reason(
    server: StatuspageServer, isolated_home: Path, reply: Reply, words: str
) -> None:
    server.set(SUMMARY, reply)
    started = time.monotonic()
    result = cli("status", "--config", str(write_config(isolated_home, server.url)))
    assert result.returncode == 3, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    (line,) = result.stdout.strip().splitlines()
    assert line.startswith("Claude: unknown — ")
    assert words in line
    assert time.monotonic() - started < 30


def test_connection_refused(isolated_home: Path) -> None:
    with StatuspageServer() as gone:
        url = gone.url
    result = cli("status", "--json", "--config", str(write_config(isolated_home, url)))
    assert result.returncode == 3
    source = json.loads(result.stdout)["sources"][0]
    assert source["level"] == "unknown"
    assert "cannot connect to 127.0.0.1" in source["error"]


def test_a_server_that_never_answers_is_bounded(
    server: StatuspageServer, isolated_home: Path
) -> None:
    server.set(SUMMARY, Reply(fault="hang"))
    started = time.monotonic()
    result = cli("status", "--config", str(write_config(isolated_home, server.url)))
    took = time.monotonic() - started
    assert result.returncode == 3
    assert "no answer from 127.0.0.1 in time" in result.stdout
    assert took < 30


def test_a_page_that_stalls_on_every_way_is_unknown_in_well_under_a_minute(
    server: StatuspageServer, isolated_home: Path
) -> None:
    """The API drips even its headers, the other host never answers, the feed drips: each way
    has its own deadline, and the reading as a whole has one too."""
    with StatuspageServer() as alias:
        server.set(SUMMARY, Reply(fault="drip_head"))
        server.set("/history.atom", Reply(fault="drip", body=b"<feed/>" * 50))
        alias.set(SUMMARY, Reply(fault="hang"))
        config = write_config(isolated_home, server.url, source=f'fallbacks = ["{alias.url}"]')
        started = time.monotonic()
        result = cli("status", "--config", str(config))
        took = time.monotonic() - started
    assert result.returncode == 3, result.stdout
    assert "took over" in result.stdout and "to send its answer" in result.stdout
    assert took < 35  # the reading's budget is 25 s; the rest is starting Python


def test_an_html_page_on_every_way_is_never_read_as_all_clear(
    server: StatuspageServer, isolated_home: Path
) -> None:
    welcome = "<!DOCTYPE html><html><head><title>Welcome to nginx!</title></head><body>"
    welcome += "<h1>Welcome to nginx!</h1><p>If you see this page, it works.</p></body></html>"
    server.set(SUMMARY, html_reply(welcome))
    server.set("/history.atom", html_reply(welcome))
    result = cli("status", "--config", str(write_config(isolated_home, server.url)))
    assert result.returncode == 3, result.stdout
    assert "HTML" in result.stdout and "blocked" in result.stdout


def other_page(url: str, name: str = "GitHub", alternative: bool = False) -> str:
    """A second [[sources]] table, written after the first one's keys."""
    return (
        f'\n[[sources]]\nname = "{name}"\nurl = "{url}"\nalternative = {str(alternative).lower()}'
    )


def test_claude_unreadable_is_unknown_even_when_another_page_is_fine(
    server: StatuspageServer, isolated_home: Path
) -> None:
    """What `add github` leads to: GitHub's page fine says nothing about Claude."""
    with StatuspageServer() as github:
        github.set_summary(fixture_bytes("github-summary-1.json"))
        server.set(SUMMARY, Reply(status=503))
        config = str(write_config(isolated_home, server.url, source=other_page(github.url)))
        text = cli("status", "--config", config)
        data = cli("status", "--json", "--config", config)
    assert text.returncode == 3, text.stdout + text.stderr
    claude, *_, overall = text.stdout.strip().splitlines()
    assert claude.startswith("Claude: unknown — ") and "HTTP 503" in claude
    assert "GitHub: operational" in text.stdout
    assert overall == "Overall: unknown — Claude's status page could not be read"
    assert data.returncode == 3
    summary = json.loads(data.stdout)
    assert summary["level"] == "unknown"
    assert [(s["name"], s["level"]) for s in summary["sources"]] == [
        ("Claude", "unknown"),
        ("GitHub", "operational"),
    ]
    assert "HTTP 503" in summary["sources"][0]["error"]


def test_the_primary_page_is_the_first_that_is_not_an_alternative(
    server: StatuspageServer, isolated_home: Path
) -> None:
    with StatuspageServer() as claude:
        claude.set(SUMMARY, Reply(status=503))
        server.set_summary(fixture_bytes("openai-summary-1.json"))
        config = isolated_home / "beacon.toml"
        config.write_text(
            loopback_diagnostics(claude.url)
            + other_page(server.url, "OpenAI", alternative=True)
            + other_page(claude.url, "Claude")
        )
        result = cli("status", "--config", str(config))
    assert result.returncode == 3, result.stdout
    assert result.stdout.strip().endswith("Claude's status page could not be read")


def test_another_page_unreadable_leaves_claude_s_answer_standing(
    server: StatuspageServer, isolated_home: Path
) -> None:
    with StatuspageServer() as github:
        github.set(SUMMARY, Reply(status=503))
        server.set_summary(fixture_bytes("github-summary-1.json"))
        config = write_config(isolated_home, server.url, source=other_page(github.url))
        result = cli("status", "--config", str(config))
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip().splitlines()[-1] == "Overall: operational"


def test_bad_config_exits_unknown_without_traceback(isolated_home: Path) -> None:
    config = isolated_home / "bad.toml"
    config.write_text("[[sources]]\nurl = 'http://status.example.com'\n")
    result = cli("status", "--config", str(config))
    assert result.returncode == 3  # could not check: never 2, a major outage
    assert result.stderr.startswith(
        f"claude-beacon: {config}: sources[0].url: expected an https://"
    )
    assert "Traceback" not in result.stderr


def test_version_and_help() -> None:
    from claude_beacon import __version__

    assert cli("--version").stdout.strip() == f"claude-beacon {__version__}"
    assert "status" in cli("--help").stdout
