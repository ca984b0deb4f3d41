"""The community pulse through the real ``watch --json``, against endpoints on 127.0.0.1."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from tests.integration.conftest import Watch, cli, write_config
from tests.support import payloads
from tests.support.community import HACKERNEWS, REDDIT, community_config, recent
from tests.support.statuspage_server import Reply, StatuspageServer

RECORD = """
import json, sys
with open(sys.argv[1], "a") as out:
    out.write(json.dumps(json.loads(sys.stdin.read())) + "\\n")
"""


def _sinks(home: Path, server: StatuspageServer) -> str:
    script = home / "record.py"
    script.write_text(RECORD)
    return (
        "[hooks]\n"
        f"on_event = [{json.dumps([sys.executable, str(script), str(home / 'hooked.jsonl')])}]\n"
        "[[hooks.webhooks]]\n"
        f'url = "{server.url}/receiver"\n'
        'kinds = ["community_spike"]\n'
    )


def _hooked(path: Path, kind: str, timeout: float = 15) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists():
            for line in path.read_text().splitlines():
                if line and json.loads(line)["kind"] == kind:
                    return dict(json.loads(line))
        time.sleep(0.05)
    raise AssertionError(f"no {kind} hook run in {path}")


def _events_until(watch: Watch, wanted: set[str], timeout: float = 30) -> list[dict[str, object]]:
    got: list[dict[str, object]] = []
    deadline = time.monotonic() + timeout
    while not wanted <= {str(e["kind"]) for e in got}:
        got += watch.events(1, timeout=max(0.1, deadline - time.monotonic()))
    return got


def test_page_green_api_failing_and_a_spike_warn_early_once_saying_others_see_it(
    server: StatuspageServer, isolated_home: Path
) -> None:
    server.set_summary(payloads.summary())
    server.set("/v1/models", Reply(status=503))
    server.set(HACKERNEWS, recent("hackernews-spike.json"))
    server.set(REDDIT, recent("reddit-spike.json"))
    server.set("/receiver", Reply(status=204))
    extra = community_config(server.url) + _sinks(isolated_home, server)
    config = write_config(isolated_home, server.url, extra)
    watch = Watch(config)
    try:
        events = _events_until(watch, {"early_warning", "community_spike"})
        events += watch.quiet_for(4)  # more failing rounds and community rounds
    finally:
        code, stderr = watch.stop()
    assert code == 0, stderr
    warnings = [e for e in events if e["kind"] == "early_warning"]
    assert len(warnings) == 1, warnings
    assert "others see it too" in str(warnings[0]["title"])
    assert "community: 23 outage posts in the last hour" in str(warnings[0]["title"])
    (spike,) = [e for e in events if e["kind"] == "community_spike"]
    assert spike["models"] == ["opus-4.8"]
    assert "https://www.reddit.com/r/ClaudeAI/comments/" in str(spike["body"])
    assert _hooked(isolated_home / "hooked.jsonl", "community_spike")["title"] == spike["title"]
    (posted,) = server.wait_for_requests("/receiver", 1, timeout=15)
    assert json.loads(posted.body)["kind"] == "community_spike"
    history = json.loads(cli("history", "--json", "--config", str(config)).stdout)
    kinds = [e["kind"] for e in history["events"]]
    assert (kinds.count("early_warning"), kinds.count("community_spike")) == (1, 1)


def test_a_spike_with_the_api_fine_is_shown_and_a_rate_limit_is_waited_out(
    server: StatuspageServer, isolated_home: Path
) -> None:
    server.set_summary(payloads.summary())
    server.set("/v1/models", Reply(status=200, body=b'{"data": []}'))
    server.set("/generate_204", Reply(status=204))
    server.set(HACKERNEWS, recent("hackernews-spike.json"))
    server.set(REDDIT, Reply(429, b"Too Many Requests", "text/plain", (("Retry-After", "3600"),)))
    config = write_config(isolated_home, server.url, community_config(server.url))
    watch = Watch(config)
    try:
        (spike,) = _events_until(watch, {"community_spike"})
        events = watch.quiet_for(3)
    finally:
        code, stderr = watch.stop()
    assert code == 0, stderr
    assert "community: 15 outage posts in the last hour" in str(spike["title"])
    assert [e for e in events if e["kind"] == "early_warning"] == []
    assert len(server.requests_to(REDDIT)) == 1  # Retry-After: 3600 is kept
    asked = server.requests_to(HACKERNEWS)
    assert len(asked) >= 2
    assert asked[-1].headers.get("if-none-match", "").startswith('W/"')  # conditional
    assert asked[-1].status == 304


def test_a_quiet_hour_malformed_json_and_an_html_page_tell_nothing(
    server: StatuspageServer, isolated_home: Path
) -> None:
    server.set_summary(payloads.summary())
    server.set("/v1/models", Reply(status=200, body=b'{"data": []}'))
    server.set("/generate_204", Reply(status=204))
    server.set(HACKERNEWS, recent("hackernews-quiet.json"))
    html = (Path(__file__).parent.parent / "fixtures" / "community" / "error.html").read_bytes()
    malformed = Path(__file__).parent.parent / "fixtures" / "community" / "malformed.json"
    server.set(REDDIT, [Reply(200, html, "text/html"), Reply(200, malformed.read_bytes())])
    config = write_config(isolated_home, server.url, community_config(server.url))
    watch = Watch(config)
    try:
        server.wait_for_requests(REDDIT, 2, timeout=15)
        events = watch.quiet_for(2)
    finally:
        code, stderr = watch.stop()
    assert code == 0, stderr
    assert events == []
    assert "Traceback" not in stderr


def test_doctor_reports_the_spike_with_its_kind_and_hostile_titles_stay_inert(
    server: StatuspageServer, isolated_home: Path
) -> None:
    server.set_summary(payloads.summary())
    server.set("/v1/models", Reply(status=200, body=b'{"data": []}'))
    server.set("/generate_204", Reply(status=204))
    server.set(HACKERNEWS, recent("hackernews-spike.json"))
    server.set(REDDIT, recent("reddit-hostile.json"))
    config = write_config(isolated_home, server.url, community_config(server.url))
    report = json.loads(cli("doctor", "--json", "--config", str(config)).stdout)
    assert report["verdict"]["finding"] == "community_spike"
    assert report["verdict"]["level"] == "operational"  # never red on its own
    assert report["community"]["kind"] == "community_spike"
    assert report["community"]["models"][0]["model"] == "opus-4.8"
    text = cli("doctor", "--config", str(config))
    assert "Community (spike): community: 18 outage posts in the last hour" in text.stdout
    assert "\x1b" not in text.stdout and "\u202e" not in text.stdout and "\r" not in text.stdout
    assert "https://news.ycombinator.com/item?id=" in text.stdout
