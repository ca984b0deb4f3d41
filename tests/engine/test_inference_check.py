"""The inference check against a loopback ``/v1/messages``: what it sends, what it keeps, what
it tells, and what it never does (warn about a key, send without one, show the key)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from claude_beacon.config import settings as config_module
from claude_beacon.config.settings import Config
from claude_beacon.core.model import Event, EventKind, Level, Reading, Snapshot
from claude_beacon.core.probes import ProbeRole, Stage
from claude_beacon.engine.inference import TOLD_SETTING, InferenceCheck
from claude_beacon.net.fetcher import new_client
from claude_beacon.net.inference import messages_url
from claude_beacon.store.state import StateStore
from tests.support.statuspage_server import Reply, StatuspageServer, json_reply

KEY = "sk-ant-test-0123456789-secret"
MESSAGES = "/v1/messages"
OVERLOADED = json_reply({"type": "error", "error": {"type": "overloaded_error"}}, 529)
ANSWER = json_reply({"type": "message", "content": [{"type": "text", "text": "p"}]})


_clients: list[httpx.Client] = []


@pytest.fixture
def server() -> Iterator[StatuspageServer]:
    with StatuspageServer() as srv:
        yield srv
    while _clients:
        _clients.pop().close()


def config_for(tmp_path: Path, url: str, models: str = '["opus-4.8"]', key: str = "") -> Config:
    path = tmp_path / "beacon.toml"
    path.write_text(
        f'[diagnostics]\ninterval = 1\napi_check = "{url}/v1/models?limit=1"\n'
        f'claude = ["{url}/v1/models"]\ninternet = ["{url}/generate_204"]\n{key}'
        f"[claude]\nmodels = {models}\ninference_check = true\n"
        f'[[sources]]\nname = "Claude"\nurl = "{url}"\n'
    )
    return config_module.load(path)


class Rig:
    """A check whose page is green (or not) and whose told events are kept."""

    def __init__(self, config: Config, store: StateStore, level: Level = Level.OPERATIONAL):
        self.told: list[Event] = []
        reading = Reading(source=config.primary, at=datetime.now(UTC), level=level)
        models = config.claude.models
        self.snapshot = Snapshot(datetime.now(UTC), (reading,), models)
        _clients.append(new_client())
        self.check = InferenceCheck(config, store, lambda: self.snapshot, self.tell, _clients[-1])

    def tell(self, events: Sequence[Event]) -> None:
        self.told.extend(events)


def test_a_model_that_answers_is_one_timed_result_named_after_it_and_no_event(
    server: StatuspageServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    server.set(MESSAGES, ANSWER)
    rig = Rig(config_for(tmp_path, server.url), StateStore(tmp_path / "state.json"))
    assert rig.check.run_once() == 600.0
    (result,) = rig.check.results
    assert (result.name, result.role, result.ok, result.status) == (
        "opus-4.8",
        ProbeRole.INFERENCE,
        True,
        200,
    )
    assert result.http_ms is not None and rig.told == []
    (sent,) = server.requests_to(MESSAGES)
    assert sent.method == "POST"
    assert sent.headers["x-api-key"] == KEY
    assert sent.headers["anthropic-version"] == "2023-06-01"
    assert json.loads(sent.body) == {
        "model": "claude-opus-4-8",
        "max_tokens": 1,
        "messages": [{"role": "user", "content": "ping"}],
    }


def test_529_twice_while_the_page_is_green_is_told_once_naming_the_model(
    server: StatuspageServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    server.set(MESSAGES, OVERLOADED)
    store = StateStore(tmp_path / "state.json")
    rig = Rig(config_for(tmp_path, server.url), store)
    assert rig.check.run_once() == 1.0  # confirmed at the checks' pace, not in ten minutes
    assert rig.told == []
    rig.check.run_once()
    rig.check.run_once()
    (event,) = rig.told
    assert event.kind is EventKind.EARLY_WARNING
    assert event.title == (
        "Opus 4.8 fails from here (HTTP 529 overloaded) while the status page is green"
    )
    assert (event.models, event.affects_you) == (("opus-4.8",), True)
    assert store.setting(TOLD_SETTING) == ["opus-4.8"]
    assert "overloaded_error" in (rig.check.results[0].error or "")


def test_a_restart_does_not_tell_the_same_onset_and_an_answer_ends_it(
    server: StatuspageServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    config = config_for(tmp_path, server.url)
    store = StateStore(tmp_path / "state.json")
    store.set_setting(TOLD_SETTING, ["opus-4.8"])
    server.set(MESSAGES, [OVERLOADED, OVERLOADED, ANSWER, OVERLOADED])
    rig = Rig(config, StateStore(tmp_path / "state.json"))
    rig.check.run_once()
    rig.check.run_once()
    assert rig.told == []
    rig.check.run_once()  # it answers: the onset is over
    assert StateStore(tmp_path / "state.json").setting(TOLD_SETTING) == []
    rig.check.run_once()
    rig.check.run_once()
    assert [e.models for e in rig.told] == [("opus-4.8",)]


def test_a_red_page_or_an_answer_about_the_key_is_never_an_early_warning(
    server: StatuspageServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    config = config_for(tmp_path, server.url)
    server.set(MESSAGES, OVERLOADED)
    red = Rig(config, StateStore(tmp_path / "red.json"), Level.PARTIAL_OUTAGE)
    for _ in range(3):
        red.check.run_once()
    assert red.told == []
    for status in (401, 403, 429):
        server.set(MESSAGES, json_reply({"type": "error", "error": {"type": "x"}}, status))
        rig = Rig(config, StateStore(tmp_path / f"{status}.json"))
        assert rig.check.run_once() == 600.0  # nothing to confirm
        rig.check.run_once()
        assert rig.told == [] and rig.check.results[0].status == status


def test_a_connection_that_brings_no_answer_counts_as_failing(
    server: StatuspageServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    path = tmp_path / "beacon.toml"
    config = config_for(tmp_path, server.url)
    path.write_text(path.read_text().replace("interval = 1\n", "interval = 1\ntimeout = 0.5\n"))
    config = config_module.load(path)
    server.set(MESSAGES, Reply(fault="hang"))
    rig = Rig(config, StateStore(tmp_path / "state.json"))
    rig.check.run_once()
    assert rig.check.results[0].failed_at is Stage.HTTP
    rig.check.run_once()
    (event,) = rig.told
    assert event.title.startswith("Opus 4.8 fails from here (no answer)")


def test_without_a_key_nothing_is_sent(
    server: StatuspageServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    server.set(MESSAGES, OVERLOADED)
    rig = Rig(config_for(tmp_path, server.url), StateStore(tmp_path / "state.json"))
    assert rig.check.run_once() == 600.0
    assert server.requests_to(MESSAGES) == [] and rig.check.results == ()


def test_a_bare_alias_is_not_asked_and_the_key_is_never_logged(
    server: StatuspageServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    key = f'api_key = "{KEY}"\n'
    config = config_for(tmp_path, server.url, '["opus", "sonnet-4.5"]', key)
    server.set(MESSAGES, json_reply({"error": {"type": f"bad {KEY}"}}, 500))
    caplog.set_level(logging.DEBUG)
    rig = Rig(config, StateStore(tmp_path / "state.json"))
    rig.check.run_once()
    rig.check.run_once()
    (sent, _again) = server.requests_to(MESSAGES)
    assert json.loads(sent.body)["model"] == "claude-sonnet-4-5"
    assert sent.headers["x-api-key"] == KEY  # the file's key, when the environment has none
    (event,) = rig.told
    shown = f"{caplog.text} {rig.check.results!r} {event!r}"
    assert KEY not in shown and "HTTP 500 internal error" in event.title


def test_the_messages_url_is_on_the_api_checks_host() -> None:
    assert messages_url("https://api.anthropic.com/v1/models?limit=1") == (
        "https://api.anthropic.com/v1/messages"
    )
    assert messages_url("http://127.0.0.1:8123/proxy/v1/models") == (
        "http://127.0.0.1:8123/proxy/v1/messages"
    )
