"""Configuration: the embedded default, the documented shape, and clear refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from claude_beacon.config import settings as config
from claude_beacon.config.settings import CLAUDE, ConfigError, load


def write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "config.toml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_no_file_means_the_claude_status_page() -> None:
    loaded = load()
    assert loaded.sources == (CLAUDE,)
    assert loaded.sources[0].url == "https://status.claude.com"
    assert (loaded.cadence.interval, loaded.cadence.fast_interval) == (60, 15)
    assert loaded.path is None


def test_the_documented_shape(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
interval = 90
[[sources]]
type = "statuspage"
name = "Claude"
url = "https://status.claude.com/"
components = ["Claude Code", "Claude API (api.anthropic.com)"]

[[sources]]
url = "https://www.githubstatus.com/api/v2/summary.json"
""",
    )
    loaded = load(path)
    claude, github = loaded.sources
    assert claude.components == ("Claude Code", "Claude API (api.anthropic.com)")
    assert claude.url == "https://status.claude.com"
    assert (github.name, github.url) == ("www.githubstatus.com", "https://www.githubstatus.com")
    assert loaded.cadence.interval == 90


def test_environment_variable_names_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, "interval = 120\n")
    monkeypatch.setenv("CLAUDE_BEACON_CONFIG", str(path))
    assert load().cadence.interval == 120


def test_the_user_config_file_is_read_when_present() -> None:
    target = config.paths.config_file()
    target.parent.mkdir(parents=True)
    target.write_text("interval = 300\n")
    assert load().cadence.interval == 300


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("interval = 'soon'", "interval: expected a positive number of seconds"),
        ("interval = 2", "interval: expected at least 10 seconds"),
        ("colour = 'red'", "colour: unknown setting"),
        ("[[sources]]\nname = 'x'", "sources[0].url: expected the status page's address"),
        ("[[sources]]\nurl = 'http://status.claude.com'", "sources[0].url: expected an https://"),
        ("[[sources]]\nurl = 'ftp://example.com'", "sources[0].url: expected an https://"),
        ("[[sources]]\nurl = 'https://x.io'\ntype = 'rss'", "sources[0].type: expected one of"),
        ("[[sources]]\nurl = 'https://x.io'\ncomponents = 'API'", "sources[0].components"),
        ("[[sources]]\nurl = 'https://x.io'\nnmae = 'typo'", "sources[0].nmae: unknown setting"),
        ("sources = 3", "sources: expected a list"),
        ("interval = [", "not valid TOML"),
    ],
)
def test_bad_settings_name_file_key_and_expectation(tmp_path: Path, text: str, words: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load(path)
    assert str(path) in str(caught.value)
    assert words in str(caught.value)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("intervall = 60", "intervall: unknown setting (did you mean interval?)"),
        (
            "[[sources]]\nurl = 'https://x.io'\nnmae = 'typo'",
            "sources[0].nmae: unknown setting (did you mean name?)",
        ),
        ("[notifications]\nkind = []", "notifications.kind: unknown setting (did you mean kinds?)"),
        (
            "[diagnostics]\ntimout = 3",
            "diagnostics.timout: unknown setting (did you mean timeout?)",
        ),
        ("[hooks]\non_events = []", "hooks.on_events: unknown setting (did you mean on_event?)"),
        (
            "[[hooks.webhooks]]\nurl = 'https://x.io'\nformats = 'json'",
            "hooks.webhooks[0].formats: unknown setting (did you mean format?)",
        ),
        (
            "colour = 'red'",
            "colour: unknown setting (known: claude, community, diagnostics, fast_interval, hooks,"
            " interval, notifications, sources)",
        ),
    ],
)
def test_a_misspelt_key_is_answered_with_the_key_it_resembles(
    tmp_path: Path, text: str, words: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load(write(tmp_path, text))
    assert str(caught.value).endswith(words)


def test_loopback_sources_may_poll_fast_over_http(tmp_path: Path) -> None:
    path = write(tmp_path, "interval = 0.5\n[[sources]]\nurl = 'http://127.0.0.1:8080'\n")
    loaded = load(path)
    assert loaded.cadence.interval == 0.5
    assert loaded.cadence.fast_interval == 0.5


def test_named_file_must_exist(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such configuration file"):
        load(tmp_path / "missing.toml")


def test_binary_file_is_refused_clearly(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not a text file"):
        load(write(tmp_path, b"\xff\xfe\x00\x01binary"))


def test_template_is_commented_and_valid(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "config.toml"
    assert config.write_template(target)
    assert not config.write_template(target)  # never overwrites the user's file
    assert load(target).sources == (CLAUDE,)


def test_the_templates_commented_kinds_are_the_default_ones(tmp_path: Path) -> None:
    """Uncommenting the template's list must not quietly switch a kind off."""
    lines = config.template().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("# kinds = ["))
    end = next(i for i in range(start, len(lines)) if lines[i].rstrip().endswith("]"))
    listed = "\n".join(line.removeprefix("#") for line in lines[start : end + 1])
    path = tmp_path / "c.toml"
    path.write_text(f"[notifications]\n{listed}\n")
    assert load(path).notify.kinds == config.DEFAULT_NOTIFY_KINDS


def test_notifications_and_diagnostics_tables_are_read(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(
        "[notifications]\n"
        'kinds = ["incident_opened", "component_changed"]\n'
        'components = ["Claude Code"]\n'
        "[diagnostics]\n"
        "interval = 30\n"
        'claude = ["http://127.0.0.1:9/v1/models"]\n'
        "internet = []\n"
        'api_key = "sk-ant-secret"\n'
    )
    loaded = config.load(path)
    assert {k.value for k in loaded.notify.kinds} == {"incident_opened", "component_changed"}
    assert loaded.notify.components == ("Claude Code",)
    assert loaded.diagnostics.interval == 30
    assert loaded.diagnostics.claude == ("http://127.0.0.1:9/v1/models",)
    assert loaded.diagnostics.internet == ()
    assert "sk-ant-secret" not in repr(loaded)


def test_notifications_can_be_switched_off(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("[notifications]\nenabled = false\n")
    assert config.load(path).notify.kinds == frozenset()


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('[diagnostics]\nclaude = ["http://api.example.com/"]\n', "diagnostics.claude: expected"),
        ("[diagnostics]\ntimeout = 0\n", "diagnostics: timeout: expected a positive number"),
        ("[diagnostics]\nproxy = 1\n", "diagnostics.proxy: unknown setting"),
        ('[notifications]\nkinds = ["nope"]\n', "notifications.kinds: expected a list"),
    ],
)
def test_bad_diagnostics_and_notifications(tmp_path: Path, text: str, words: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(text)
    with pytest.raises(config.ConfigError, match=words):
        config.load(path)


def test_a_hosted_page_without_a_type_takes_its_hosts_provider() -> None:
    parsed = config.parse(
        {
            "sources": [
                {"url": "https://xai.instatus.com"},
                {"url": "https://acme.incident.io"},
                {"url": "https://acme.incident.io/other", "type": "statuspage"},
                {"url": "https://status.example.com"},
            ]
        }
    )
    kinds = [s.kind for s in parsed.sources]
    assert kinds == ["instatus", "incidentio", "statuspage", "statuspage"]
