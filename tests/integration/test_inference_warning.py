"""The inference check end to end: a model that answers 529 while the page is green reaches
``watch --json`` and a hook as one early warning naming it; the key shows nowhere."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest

from tests.integration.conftest import Watch, write_config
from tests.support import payloads
from tests.support.statuspage_server import StatuspageServer, json_reply

KEY = "sk-ant-test-integration-secret"
RECORD = """
import sys
with open(sys.argv[1], "a") as out:
    out.write(sys.stdin.read().strip() + "\\n")
"""


def test_529_twice_reaches_watch_and_a_hook_as_one_early_warning_for_that_model(
    server: StatuspageServer, isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script, out = isolated_home / "record.py", isolated_home / "hooked.jsonl"
    script.write_text(RECORD)
    extra = (
        f"[hooks]\non_event = {json.dumps([f'{sys.executable} {script} {out}'])}\n"
        '[claude]\nmodels = ["opus-4.8"]\ninference_check = true\n'
    )
    config = write_config(isolated_home, server.url, extra)
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    server.set_summary(payloads.summary())
    server.set("/v1/models", json_reply({"data": []}))  # the API check passes: no other warning
    overloaded = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
    server.set("/v1/messages", json_reply(overloaded, 529))
    watch = Watch(config)
    try:
        (told,) = watch.events(1, timeout=30)
        polls = len(server.requests_to("/api/v2/summary.json"))
        server.wait_for_requests("/api/v2/summary.json", polls + 3)
        extra_events = watch.quiet_for(0.5)
        deadline = time.monotonic() + 10
        while not out.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        _code, stderr = watch.stop()
    assert told["kind"] == "early_warning"
    assert told["title"] == (
        "Opus 4.8 fails from here (HTTP 529 overloaded) while the status page is green"
    )
    assert (told["models"], told["affects_you"]) == (["opus-4.8"], True)
    assert extra_events == []
    (hooked,) = map(json.loads, out.read_text().splitlines())
    assert hooked == told
    assert KEY not in stderr


def test_a_401_is_about_the_key_and_warns_of_nothing(
    server: StatuspageServer, isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extra = '[claude]\nmodels = ["opus-4.8"]\ninference_check = true\n'
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    server.set_summary(payloads.summary())
    server.set("/v1/models", json_reply({"data": []}))
    unauthorized = {"type": "error", "error": {"type": "authentication_error"}}
    server.set("/v1/messages", json_reply(unauthorized, 401))
    watch = Watch(write_config(isolated_home, server.url, extra))
    try:
        server.wait_for_requests("/v1/messages", 1)
        server.wait_for_requests("/api/v2/summary.json", 3)
        events = watch.quiet_for(0.5)
    finally:
        watch.stop()
    assert events == []
    assert len(server.requests_to("/v1/messages")) == 1  # no hurry to ask again: 10 minutes


def test_without_a_key_the_check_is_not_run(
    server: StatuspageServer, isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extra = '[claude]\nmodels = ["opus-4.8"]\ninference_check = true\n'
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    server.set_summary(payloads.summary())
    server.set("/v1/messages", json_reply({}, 529))
    watch = Watch(write_config(isolated_home, server.url, extra))
    try:
        server.wait_for_requests("/api/v2/summary.json", 3)
        server.wait_for_requests("/v1/models", 2)  # the reachability checks ran meanwhile
    finally:
        watch.stop()
    assert server.requests_to("/v1/messages") == []
