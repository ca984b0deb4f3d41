"""``claude-beacon statusline`` as Claude Code, tmux and a prompt run it: real processes, a real
cache written by real polls of a loopback page, and never a request of its own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.integration.conftest import Watch, cli, write_config
from tests.support import payloads
from tests.support.statuspage_server import Reply, StatuspageServer

SUMMARY = "/api/v2/summary.json"
OPUS_INCIDENT = payloads.summary(
    components={"Claude API (api.anthropic.com)": "degraded_performance"},
    incidents=[payloads.incident("op48", "Elevated errors on Claude Opus 4.8")],
)


def statusline(session: dict[str, Any] | None = None) -> str:
    """One run as Claude Code makes it (JSON on stdin) or, without a session, as tmux does."""
    result = subprocess.run(
        [sys.executable, "-m", "claude_beacon", "statusline"],
        input=json.dumps(session).encode() if session is not None else None,
        stdin=subprocess.DEVNULL if session is None else None,
        capture_output=True,
        timeout=30,
        env=os.environ.copy(),
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""
    lines = result.stdout.decode().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def claude_code(model: str, home: Path, transcript: Path | None = None) -> dict[str, Any]:
    """The JSON Claude Code pipes to its statusLine command (the fields this reads, and more)."""
    return {
        "hook_event_name": "Status",
        "session_id": "0b2f7c1e-statusline-test",
        "transcript_path": str(transcript or home / "no-transcript.jsonl"),
        "cwd": str(home),
        "model": {"id": model, "display_name": model},
        "workspace": {"current_dir": str(home), "project_dir": str(home)},
        "version": "2.1.4",
        "cost": {"total_cost_usd": 0.01},
    }


def cache_path(home: Path) -> Path:
    return home / ".cache" / "claude-beacon" / "status.json"


def wait_until(condition: Any, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the condition never came true")
        time.sleep(0.05)


@pytest.fixture
def warm(isolated_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache written by a real ``status`` run, whose page then stops answering for good."""
    with StatuspageServer() as server:
        server.set_summary(OPUS_INCIDENT)
        config = write_config(isolated_home, server.url)
        monkeypatch.setenv("CLAUDE_BEACON_CONFIG", str(config))
        assert cli("status").returncode == 1
        assert len(server.requests) == 1
    return isolated_home


def test_claude_code_sees_its_model_named_and_another_to_switch_to(warm: Path) -> None:
    with StatuspageServer() as watcher:  # anything trying the network would reach nothing here
        line = statusline(claude_code("claude-opus-4-8", warm))
        assert watcher.requests == []
    assert line == "! Claude: Elevated errors on Claude Opus 4.8 (your model) — /model sonnet"


def test_another_model_hears_of_the_incident_as_not_its_own(warm: Path) -> None:
    line = statusline(claude_code("claude-sonnet-4-5-20250929", warm))
    assert line == "! Claude: Elevated errors on Claude Opus 4.8 (not your model)"


def test_tmux_without_a_session_reads_the_model_from_claude_codes_settings(warm: Path) -> None:
    (warm / ".claude").mkdir()
    (warm / ".claude" / "settings.json").write_text('{"model": "opus"}')
    assert (
        statusline() == "! Claude: Elevated errors on Claude Opus 4.8 (your model) — /model sonnet"
    )


def test_the_warm_cache_answers_without_a_single_request(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with StatuspageServer() as server:
        server.set_summary(payloads.summary())
        config = write_config(isolated_home, server.url)
        monkeypatch.setenv("CLAUDE_BEACON_CONFIG", str(config))
        assert cli("status").returncode == 0
        before = len(server.requests)
        lines = {statusline(claude_code("claude-opus-4-8", isolated_home)) for _ in range(5)}
        assert lines == {"✓ Claude"}
        assert len(server.requests) == before
    document = json.loads(cache_path(isolated_home).read_text())
    assert document["format"] == 1 and document["writer"] == "status"
    assert document["level"] == "operational"


def test_a_cold_cache_is_refreshed_once_in_the_background(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with StatuspageServer() as server:
        # The page answers slowly, so that the second call comes while the refresh is running.
        server.set(SUMMARY, Reply(body=json.dumps(OPUS_INCIDENT).encode(), delay=2))
        monkeypatch.setenv("CLAUDE_BEACON_CONFIG", str(write_config(isolated_home, server.url)))
        first = statusline(claude_code("claude-opus-4-8", isolated_home))
        second = statusline(claude_code("claude-opus-4-8", isolated_home))
        assert first == "? Claude: checking…"
        assert second == "? Claude: no status yet"  # the refresh under way: no second one
        wait_until(cache_path(isolated_home).exists)
        lock = isolated_home / ".cache" / "claude-beacon" / "refresh.lock"
        pid = int(lock.read_text())
        wait_until(lambda: not _running(pid))
        assert len(server.requests_to(SUMMARY)) == 1
        third = statusline(claude_code("claude-opus-4-8", isolated_home))
    assert third == "! Claude: Elevated errors on Claude Opus 4.8 (your model) — /model sonnet"


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/stat")
    return not (status.exists() and status.read_text().split(") ")[1].startswith("Z"))


def test_a_stale_cache_says_what_it_knew_and_refreshes(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with StatuspageServer() as server:
        server.set_summary(payloads.summary())
        monkeypatch.setenv("CLAUDE_BEACON_CONFIG", str(write_config(isolated_home, server.url)))
        assert cli("status").returncode == 0
        path = cache_path(isolated_home)
        document = json.loads(path.read_text())
        document["written"] -= 3600
        path.write_text(json.dumps(document))
        assert statusline() == "? Claude: stale 1h (was ✓)"
        server.wait_for_requests(SUMMARY, 2)
        wait_until(lambda: json.loads(path.read_text())["written"] > document["written"] + 60)
    assert statusline() == "✓ Claude"


@pytest.mark.parametrize("content", [b"{not json", b"[]", b'{"format": 999, "written": 1}', b""])
def test_a_corrupt_cache_counts_as_none(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch, content: bytes
) -> None:
    with StatuspageServer() as server:
        server.set_summary(payloads.summary())
        monkeypatch.setenv("CLAUDE_BEACON_CONFIG", str(write_config(isolated_home, server.url)))
        path = cache_path(isolated_home)
        path.parent.mkdir(parents=True)
        path.write_bytes(content)
        assert statusline() == "? Claude: checking…"
        wait_until(lambda: b'"format": 1' in path.read_bytes())
    assert statusline() == "✓ Claude"


def transcript_lines(*entries: dict[str, Any]) -> str:
    return "".join(json.dumps(e) + "\n" for e in entries)


def _ago(minutes: float) -> str:
    return payloads.stamp(datetime.now(UTC) - timedelta(minutes=minutes))


def _api_error_lines(minutes: float) -> str:
    """A retry Claude Code logged, then the error it gave up with: the shapes it writes."""
    return transcript_lines(
        {"type": "user", "timestamp": _ago(minutes + 1), "message": {"content": "hi"}},
        {
            "type": "system",
            "subtype": "api_error",
            "level": "error",
            "timestamp": _ago(minutes + 0.5),
            "retryAttempt": 1,
            "maxRetries": 10,
            "retryInMs": 500,
            "error": {"status": 529, "message": "overloaded"},
        },
        {
            "type": "assistant",
            "timestamp": _ago(minutes),
            "isApiErrorMessage": True,
            "apiErrorStatus": 529,
            "error": "server_error",
            "message": {
                "model": "<synthetic>",
                "role": "assistant",
                "content": [{"type": "text", "text": "API Error: 529 Overloaded."}],
            },
        },
    )


def test_api_errors_in_the_transcript_show_at_once_and_poke_the_engine(warm: Path) -> None:
    transcript = warm / "session.jsonl"
    filler = transcript_lines({"type": "assistant", "message": {"content": "x" * 1000}}) * 200
    transcript.write_text(filler + _api_error_lines(minutes=1))
    line = statusline(claude_code("claude-opus-4-8", warm, transcript))
    assert line.startswith("⚠ API errors in this session (529 overloaded) · ! Claude: ")
    assert (warm / ".cache" / "claude-beacon" / "poke").exists()


@pytest.mark.parametrize(
    "lines",
    [
        _api_error_lines(minutes=20),  # long over
        transcript_lines(  # a reply that only talks about an error
            {
                "type": "assistant",
                "timestamp": _ago(0),
                "message": {
                    "model": "claude-opus-4-8",
                    "content": [{"type": "text", "text": "API Error: 529 means overloaded"}],
                },
            }
        ),
        transcript_lines(  # the user's own usage limit is no outage
            {
                "type": "assistant",
                "timestamp": _ago(0),
                "isApiErrorMessage": True,
                "apiErrorStatus": 429,
                "error": "rate_limit",
                "message": {
                    "model": "<synthetic>",
                    "content": [{"type": "text", "text": "API Error: 429"}],
                },
            }
        ),
        'not json at all\n{"type": "assistant", "isApiErrorMessage": \n',
    ],
)
def test_no_warning_for_old_quoted_or_own_errors(warm: Path, lines: str) -> None:
    transcript = warm / "session.jsonl"
    transcript.write_text(lines)
    line = statusline(claude_code("claude-opus-4-8", warm, transcript))
    assert line.startswith("! Claude: Elevated errors")
    assert not (warm / ".cache" / "claude-beacon" / "poke").exists()


def test_a_running_watch_keeps_the_cache_and_polls_at_once_when_poked(
    server: StatuspageServer, isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.set_summary(payloads.summary())
    config = write_config(isolated_home, server.url, extra="[notifications]\n")
    monkeypatch.setenv("CLAUDE_BEACON_CONFIG", str(config))
    watch = Watch(config, interval=600)
    try:
        server.wait_for_requests(SUMMARY, 1)
        wait_until(lambda: cache_path(isolated_home).exists())
        assert json.loads(cache_path(isolated_home).read_text())["writer"] == "engine"
        assert statusline() == "✓ Claude"
        server.set_summary(OPUS_INCIDENT)
        transcript = isolated_home / "session.jsonl"
        transcript.write_text(_api_error_lines(minutes=0))
        line = statusline(claude_code("claude-opus-4-8", isolated_home, transcript))
        assert line == "⚠ API errors in this session (529 overloaded) · ✓ Claude"
        server.wait_for_requests(SUMMARY, 2, timeout=30)  # not due for ten minutes: the poke
        wait_until(lambda: "Opus 4.8" in statusline())
    finally:
        watch.stop()
    # No session and no model in any setting: the incident is told, with no claim about yours.
    assert statusline() == "! Claude: Elevated errors on Claude Opus 4.8"
    assert len(server.requests_to(SUMMARY)) == 2


def test_a_transcript_that_is_a_pipe_does_not_hold_the_line_up(warm: Path) -> None:
    fifo = warm / "session.jsonl"
    os.mkfifo(fifo)
    line = statusline(claude_code("claude-opus-4-8", warm, fifo))
    assert line.startswith("! Claude: Elevated errors")
