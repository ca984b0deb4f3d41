"""The clouds' status feeds as sources: read from loopback through ``status --json``, and added
with ``add aws-bedrock`` / ``add vertex-ai``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.integration.conftest import write_config
from tests.support import payloads
from tests.support.statuspage_server import Reply, StatuspageServer

FIXTURES = Path(__file__).parent.parent / "fixtures"
BEDROCK_PATH = "/rss/bedrock-us-east-1.rss"
GCP_PATH = "/en/feed.atom"


def recent(name: str) -> bytes:
    at = datetime.now(UTC) - timedelta(minutes=15)
    text = (FIXTURES / name).read_text()
    text = text.replace("__RECENT_RFC822__", at.strftime("%a, %d %b %Y %H:%M:%S +0000"))
    return text.replace("__RECENT_ISO__", at.isoformat()).encode()


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "claude_beacon", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **env},
    )


def test_status_json_shows_the_open_bedrock_and_vertex_entries_beside_a_green_claude(
    server: StatuspageServer, isolated_home: Path
) -> None:
    server.set_summary(payloads.summary())
    server.set(BEDROCK_PATH, Reply(body=recent("aws-bedrock-rss-1.xml"), content_type="text/xml"))
    server.set(GCP_PATH, Reply(body=recent("gcp-feed-1.atom"), content_type="application/xml"))
    feeds = (
        f'[[sources]]\nname = "Amazon Bedrock"\ntype = "feed"\nurl = "{server.url}{BEDROCK_PATH}"\n'
        f'[[sources]]\nname = "Vertex AI"\ntype = "feed"\nurl = "{server.url}{GCP_PATH}"\n'
        'components = ["Vertex AI"]\n'
    )
    config = write_config(isolated_home, server.url, source=feeds)
    result = run("status", "--json", "--config", str(config))
    data = json.loads(result.stdout)
    by_name = {s["name"]: s for s in data["sources"]}
    assert by_name["Claude"]["level"] == "operational"
    bedrock, vertex = by_name["Amazon Bedrock"], by_name["Vertex AI"]
    assert bedrock["level"] == "degraded"
    assert [i["name"] for i in bedrock["incidents"]] == [
        "Informational message: Increased Error Rates"
    ]
    (gcp,) = vertex["incidents"]
    assert gcp["components"] == ["Vertex AI"] and gcp["level"] == "degraded"
    assert result.returncode == 1  # a watched service that is not an alternative is degraded


def test_add_aws_bedrock_writes_the_feed_of_this_machines_region(isolated_home: Path) -> None:
    path = isolated_home / "beacon.toml"
    result = run("add", "aws-bedrock", "--config", str(path), AWS_REGION="eu-west-1")
    assert result.returncode == 0, result.stderr
    rows = tomllib.loads(path.read_text())["sources"]
    assert rows[-1] == {
        "type": "feed",
        "name": "Amazon Bedrock",
        "url": "https://status.aws.amazon.com/rss/bedrock-eu-west-1.rss",
    }
    assert "alternative" not in rows[-1] and rows[0]["url"] == "https://status.claude.com"


def test_add_vertex_ai_writes_googles_feed_filtered_to_vertex_ai(isolated_home: Path) -> None:
    path = isolated_home / "beacon.toml"
    result = run("add", "vertex-ai", "--config", str(path), AWS_REGION="not a region; rm -rf")
    assert result.returncode == 0, result.stderr
    rows = tomllib.loads(path.read_text())["sources"]
    assert rows[-1] == {
        "type": "feed",
        "name": "Vertex AI",
        "url": "https://status.cloud.google.com/en/feed.atom",
        "components": ["Vertex AI"],
    }
    listed = run("add", AWS_REGION="", AWS_DEFAULT_REGION="").stdout
    assert "https://status.aws.amazon.com/rss/bedrock-us-east-1.rss" in listed  # no region: default


def test_add_with_a_feeds_address_finds_it_is_a_feed(
    server: StatuspageServer, isolated_home: Path
) -> None:
    server.set(BEDROCK_PATH, Reply(body=recent("aws-bedrock-rss-1.xml"), content_type="text/xml"))
    path = isolated_home / "beacon.toml"
    result = run("add", f"{server.url}{BEDROCK_PATH}", "--config", str(path))
    assert result.returncode == 0, result.stderr
    row = tomllib.loads(path.read_text())["sources"][-1]
    assert (row["type"], row["name"]) == ("feed", "Amazon Bedrock (N. Virginia) Service Status")
