"""``claude-beacon sources`` lists the pages watched; ``claude-beacon remove`` unwatches one,
keeping the rest of the file as written and never leaving it without a page."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from tests.integration.conftest import cli

THREE = """\
# my pages

[[sources]]
name = "Claude"   # the one that matters
url = "https://status.claude.com"

# work: only outages, only what we use
[[sources]]
name = "GitHub ☁️"
url = "https://www.githubstatus.com"
alerts = "outages"
components = ["Git Operations", "Actions"]

# an alternative
[[sources]]
type = "statuspage"
name = "OpenAI"
url = "https://status.openai.com"
alternative = true

# quiet nights
[notifications]
enabled = true
"""


@pytest.fixture
def three(isolated_home: Path) -> Path:
    path = isolated_home / "beacon.toml"
    path.write_text(THREE)
    return path


def names(path: Path) -> list[str]:
    return [s["name"] for s in tomllib.loads(path.read_text()).get("sources", [])]


def test_sources_lists_each_page_with_its_kind_and_settings(three: Path) -> None:
    result = cli("sources", "--config", str(three))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "Claude (https://status.claude.com, Atlassian Statuspage)",
        "GitHub ☁️ (https://www.githubstatus.com, Atlassian Statuspage, alerts: outages, "
        "components: Git Operations, Actions)",
        "OpenAI (https://status.openai.com, Atlassian Statuspage, alternative)",
    ]
    listed = json.loads(cli("sources", "--json", "--config", str(three)).stdout)
    assert [(s["name"], s["type"], s["alternative"]) for s in listed] == [
        ("Claude", "statuspage", False),
        ("GitHub ☁️", "statuspage", False),
        ("OpenAI", "statuspage", True),
    ]
    assert listed[0]["fallbacks"] == ["https://anthropic.statuspage.io"]
    assert not any(s["default"] for s in listed)


def test_sources_says_when_claude_is_watched_by_default(isolated_home: Path) -> None:
    path = isolated_home / "beacon.toml"
    path.write_text("interval = 60\n")
    result = cli("sources", "--config", str(path))
    assert result.stdout == (
        f"Claude (https://status.claude.com, Atlassian Statuspage, the default: {path} has no "
        "[[sources]])\n"
    )
    (listed,) = json.loads(cli("sources", "--json", "--config", str(path)).stdout)
    assert listed["default"] is True
    missing = cli("sources", "--config", str(isolated_home / "nope.toml"))
    assert missing.returncode == 2 and "no such configuration file" in missing.stderr


@pytest.mark.parametrize("page", ["github ☁️", "https://www.githubstatus.com/", "github"])
def test_remove_by_name_address_or_preset_takes_the_table_and_its_introduction(
    three: Path, page: str
) -> None:
    result = cli("remove", page, "--config", str(three))
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"removed: GitHub ☁️ (https://www.githubstatus.com) from {three}\n"
    assert three.read_text() == THREE.replace(
        "# work: only outages, only what we use\n[[sources]]\n"
        'name = "GitHub ☁️"\nurl = "https://www.githubstatus.com"\nalerts = "outages"\n'
        'components = ["Git Operations", "Actions"]\n\n',
        "",
    )


def test_removing_the_first_and_the_last_keeps_the_rest_as_written(three: Path) -> None:
    assert cli("remove", "openai", "--config", str(three)).returncode == 0
    text = three.read_text()
    assert text.endswith(
        'components = ["Git Operations", "Actions"]\n\n# quiet nights\n'
        "[notifications]\nenabled = true\n"
    )
    assert cli("remove", "claude", "--yes", "--config", str(three)).returncode == 0
    assert three.read_text().startswith("# my pages\n\n# work: only outages")
    assert names(three) == ["GitHub ☁️"]


def test_the_last_page_is_never_removed(three: Path, isolated_home: Path) -> None:
    for page in ("claude", "openai"):
        assert cli("remove", page, "--yes", "--config", str(three)).returncode == 0
    before = three.read_text()
    last = cli("remove", "github", "--config", str(three))
    assert last.returncode == 2
    assert "GitHub ☁️ is the only page watched" in last.stderr
    assert "would go back to watching Claude" in last.stderr
    assert three.read_text() == before

    default = isolated_home / "default.toml"
    default.write_text("interval = 60\n")
    claude = cli("remove", "claude", "--config", str(default))
    assert claude.returncode == 2 and "Claude is the only page watched" in claude.stderr
    assert default.read_text() == "interval = 60\n"


def test_remove_says_what_is_watched_when_the_page_is_not(three: Path) -> None:
    result = cli("remove", "Perplexity", "--config", str(three))
    assert result.returncode == 2
    assert result.stderr == (
        "claude-beacon: not watched: Perplexity (watched: Claude, GitHub ☁️, OpenAI)\n"
    )
    assert three.read_text() == THREE


def test_a_name_shared_by_two_pages_asks_for_the_address(isolated_home: Path) -> None:
    path = isolated_home / "beacon.toml"
    path.write_text(
        '[[sources]]\nname = "Status"\nurl = "https://status.claude.com"\n'
        '[[sources]]\nname = "status"\nurl = "https://www.githubstatus.com"\n'
    )
    result = cli("remove", "STATUS", "--config", str(path))
    assert result.returncode == 2 and "give the page's address" in result.stderr
    assert cli("remove", "www.githubstatus.com", "--config", str(path)).returncode == 0
    assert names(path) == ["Status"]


def test_a_header_look_alike_inside_a_value_does_not_misplace_the_cut(
    isolated_home: Path,
) -> None:
    path = isolated_home / "beacon.toml"
    path.write_text(
        '[hooks]\non_event = ["""\n[[sources]]\n"""]\n\n'
        '[[sources]]\nurl = "https://status.claude.com"\n'
        '[[sources]]\nurl = "https://www.githubstatus.com"\n'
    )
    assert cli("remove", "claude", "--yes", "--config", str(path)).returncode == 0
    data = tomllib.loads(path.read_text())
    assert data["hooks"] == {"on_event": ["[[sources]]\n"]}
    assert [s["url"] for s in data["sources"]] == ["https://www.githubstatus.com"]
