"""Model awareness end to end: a per-model incident through status, watch, a hook and the tray."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from claude_beacon.config import settings as config_module
from claude_beacon.core.model import Event, Snapshot
from claude_beacon.desktop.app import App
from claude_beacon.desktop.notifier import Notice
from claude_beacon.engine.yourmodels import FAMILIES_SETTING
from tests.integration.conftest import Watch, write_config
from tests.support import payloads
from tests.support.statuspage_server import StatuspageServer

OPUS = payloads.incident("m1", "Elevated errors on Claude Opus 4.8", impact="none")
HAIKU = payloads.incident("m2", "Elevated errors on Claude Haiku 4.5", impact="none")


def status(config: Path, cwd: Path, **env: str) -> tuple[int, dict[str, Any]]:
    result = subprocess.run(
        [sys.executable, "-m", "claude_beacon", "status", "--json", "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
        env={**os.environ, **env},
    )
    return result.returncode, json.loads(result.stdout)


def project(home: Path, model: str) -> Path:
    """A project folder whose Claude Code settings choose ``model``."""
    folder = home / "work" / "app"
    (folder / ".claude").mkdir(parents=True)
    (folder / ".claude" / "settings.json").write_text(json.dumps({"model": model}))
    return folder


def test_status_json_says_the_incident_is_your_models_and_shows_degraded(
    server: StatuspageServer, isolated_home: Path
) -> None:
    server.set_summary(payloads.summary(incidents=[OPUS]))
    config = write_config(isolated_home, server.url)
    code, data = status(config, isolated_home, ANTHROPIC_MODEL="claude-opus-4-8")
    assert code == 1  # degraded: the page's impact is none, but it is your model
    assert data["level"] == "degraded"
    assert data["your_models"] == ["opus-4.8"]
    (source,) = data["sources"]
    assert source["level"] == "operational"  # the page's own word is kept per source
    (told,) = source["incidents"]
    assert (told["models"], told["any_model"], told["affects_you"]) == (["opus-4.8"], False, True)


def test_a_project_on_another_model_is_told_it_is_not_its_model(
    server: StatuspageServer, isolated_home: Path
) -> None:
    server.set_summary(payloads.summary(incidents=[OPUS]))
    config = write_config(isolated_home, server.url)
    code, data = status(config, project(isolated_home, "haiku"))
    assert code == 0 and data["level"] == "operational"
    assert data["your_models"] == ["haiku"]
    assert data["sources"][0]["incidents"][0]["affects_you"] is False


def test_with_no_model_known_the_level_is_as_before_and_the_models_are_listed(
    server: StatuspageServer, isolated_home: Path
) -> None:
    server.set_summary(payloads.summary(incidents=[OPUS]))
    code, data = status(write_config(isolated_home, server.url), isolated_home)
    assert code == 0 and data["your_models"] == []
    (told,) = data["sources"][0]["incidents"]
    assert told["models"] == ["opus-4.8"] and told["affects_you"] is None


def test_the_config_lists_models_first_and_a_bad_one_is_refused(
    server: StatuspageServer, isolated_home: Path
) -> None:
    server.set_summary(payloads.summary(incidents=[HAIKU]))
    config = write_config(isolated_home, server.url, '[claude]\nmodels = ["haiku-4.5"]\n')
    code, data = status(config, isolated_home, ANTHROPIC_MODEL="opus")
    assert code == 1 and data["your_models"] == ["haiku-4.5", "opus"]
    config.write_text(config.read_text().replace('"haiku-4.5"', '"gpt-4o"'))
    result = subprocess.run(
        [sys.executable, "-m", "claude_beacon", "status", "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0 and "claude.models: 'gpt-4o' names no Claude model" in (
        result.stderr
    )


RECORD = """
import sys
with open(sys.argv[1], "a") as out:
    out.write(sys.stdin.read().strip() + "\\n")
"""


def test_watch_and_hooks_carry_the_models_of_each_incident_event(
    server: StatuspageServer, isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script, out = isolated_home / "record.py", isolated_home / "hooked.jsonl"
    script.write_text(RECORD)
    hooks = f"[hooks]\non_event = {json.dumps([f'{sys.executable} {script} {out}'])}\n"
    config = write_config(isolated_home, server.url, hooks)
    monkeypatch.setenv("ANTHROPIC_MODEL", "opus")
    server.set_summary(payloads.summary())
    watch = Watch(config)
    try:
        server.wait_for_requests("/api/v2/summary.json", 2)
        server.set_summary(payloads.summary(incidents=[OPUS, HAIKU]))
        told = {e["id"]: e for e in watch.events(2)}
        deadline = time.monotonic() + 10
        while len(_lines(out)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        watch.stop()
    assert (told["m1"]["models"], told["m1"]["affects_you"]) == (["opus-4.8"], True)
    assert (told["m2"]["models"], told["m2"]["affects_you"]) == (["haiku-4.5"], False)
    assert told["m1"]["any_model"] is False
    hooked = {e["id"]: e for e in map(json.loads, _lines(out))}
    assert hooked == told  # the hook reads exactly what `watch --json` printed


def _lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def test_the_tray_names_your_model_and_notifies_others_quietly(
    server: StatuspageServer, isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_MODEL", "claude-opus-4-8")
    server.set_summary(payloads.summary())
    path = isolated_home / "config.toml"
    path.write_text(
        f'[diagnostics]\nenabled = false\n[[sources]]\nname = "Claude"\nurl = "{server.url}"\n'
    )
    app = App(config_module.load(path), path)
    sent: list[Notice] = []
    seen: list[Event] = []
    app.notifications.send = sent.append
    deliver = app.notifications.deliver

    def spy(snapshot: Snapshot, events: Any) -> None:
        seen.extend(events)
        deliver(snapshot, events)

    app.notifications.deliver = spy  # type: ignore[method-assign]
    app.engine.poller.poll_once()
    server.set_summary(payloads.summary(incidents=[OPUS, HAIKU]))
    snapshot, _events = app.engine.poller.poll_once()
    try:
        app.engine.dispatcher.start(snapshot, app.engine.store.pending())
        deadline = time.monotonic() + 10
        while len(sent) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        view = app.view(snapshot)
    finally:
        app.quit()
    assert view.level.key == "degraded"
    assert view.tooltip.startswith("Claude: degraded — Opus 4.8 has elevated errors")
    assert "/model sonnet" in view.tooltip
    assert any("Haiku 4.5 has elevated errors: not your model" in e.text for e in view.menu)
    by_id = {e.subject_id: e for e in seen}
    assert by_id["m1"].affects_you is True and by_id["m2"].affects_you is False
    notices = {n.key.rsplit("|", 1)[1]: n for n in sent}
    assert "Your model: Opus 4.8" in notices["m1"].body and not notices["m1"].quiet
    assert "Not your model: Haiku 4.5" in notices["m2"].body and notices["m2"].quiet


def test_a_family_the_page_teaches_is_kept_in_the_state(
    server: StatuspageServer, isolated_home: Path
) -> None:
    server.set_summary(
        payloads.summary(incidents=[payloads.incident("n1", "Errors on Claude Mythos 5")])
    )
    path = isolated_home / "config.toml"
    path.write_text(
        f'[diagnostics]\nenabled = false\n[claude]\nmodels = ["mythos"]\n'
        f'[[sources]]\nname = "Claude"\nurl = "{server.url}"\n'
    )
    app = App(config_module.load(path), path)
    try:
        snapshot, _ = app.engine.poller.poll_once()
        assert app.engine.store.setting(FAMILIES_SETTING) == ["mythos"]
        assert "mythos" in snapshot.families and snapshot.your_models == ("mythos",)
        assert snapshot.overall.key == "degraded"
    finally:
        app.quit()
