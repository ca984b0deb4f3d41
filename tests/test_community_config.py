"""The ``[community]`` table: off by default, every five minutes at most, endpoints settable."""

from __future__ import annotations

from pathlib import Path

import pytest

from claude_beacon.config.settings import ConfigError, load


def _load(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "config.toml"
    path.write_text(text)
    return load(path)


def test_the_community_is_off_unless_asked_for(tmp_path: Path) -> None:
    assert not _load(tmp_path, "").community.enabled
    settings = _load(tmp_path, "[community]\nenabled = true\n").community
    assert settings.enabled and settings.interval == 300
    assert settings.sources == ("hackernews", "reddit")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("interval = 60", "community.interval: expected at least 300 seconds"),
        ("enabled = 'yes'", "community.enabled: expected true or false"),
        ("sources = ['twitter']", "community.sources: expected a list from hackernews, reddit"),
        ("reddit_url = 'http://www.reddit.com/r/x/new.json'", "community.reddit_url: expected"),
        ("hackernews_url = 'https://hn.algolia.com/s?x=1'", "without a query"),
        ("colour = 1", "community.colour: unknown setting"),
    ],
)
def test_a_bad_community_value_is_one_clear_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as refused:
        _load(tmp_path, f"[community]\n{text}\n")
    assert message in str(refused.value)
    assert "\n" not in str(refused.value)


def test_loopback_endpoints_may_be_asked_more_often(tmp_path: Path) -> None:
    text = (
        "[community]\ninterval = 1\n"
        'hackernews_url = "http://127.0.0.1:9/hn"\nreddit_url = "http://127.0.0.1:9/r"\n'
    )
    assert _load(tmp_path, text).community.interval == 1
