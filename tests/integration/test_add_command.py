"""``claude-beacon add`` as a user runs it: any name, any address typed, and a config file
whose every other byte stays as written."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from claude_beacon.config import settings as config
from claude_beacon.core.text import printable
from tests.integration.conftest import cli
from tests.support import payloads
from tests.support.statuspage_server import StatuspageServer

OPENAI = {"type": "statuspage", "url": "https://status.openai.com", "alternative": True}
NAMES = [
    "Claude ☁️ prod",
    'the "real" one',
    r"C:\status\page \\ and \u0041",
    "it's 'quoted'",
    "👩‍💻 team 🇫🇷 status",
    "חדשות הסטטוס",
    "حالة الخدمة",
    "状态页 ステータス 상태",
    "[[sources]] # not a header",
    'name = "x"',
    "\u202eevil-looking but typed",
]
LAYOUT = """\
\ufeff# my settings, with odd spacing kept
interval   =  60   # seconds

[[sources]]
name = "Claude"         # the one that matters
url  = 'https://status.claude.com'

    # indented comment about notifications
[notifications]
enabled = true
kinds = [
  "incident_opened",   # first
  "incident_resolved",
]

[diagnostics]
api_check = "https://api.anthropic.com/v1/models?limit=1"
"""


def sources_of(path: Path) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = tomllib.loads(path.read_text(encoding="utf-8-sig"))["sources"]
    return rows


def inserted(before: bytes, after: bytes) -> bytes:
    """The one run of bytes ``after`` adds to ``before``; fails if anything else differs."""
    head = next((n for n, (a, b) in enumerate(zip(before, after, strict=False)) if a != b), None)
    head = len(before) if head is None else head
    tail = 0
    while tail < len(before) - head and before[-1 - tail] == after[-1 - tail]:
        tail += 1
    assert head + tail == len(before), "bytes outside the added table changed"
    return after[head : len(after) - tail]


@pytest.mark.parametrize("name", NAMES)
def test_any_name_a_person_types_is_written_and_read_back_as_typed(
    isolated_home: Path, name: str
) -> None:
    path = isolated_home / "beacon.toml"
    result = cli("add", "openai", "--name", name, "--config", str(path))
    assert result.returncode == 0, result.stderr
    shown = printable(name)  # a bidi override is written as typed, shown as its escape
    assert result.stdout.startswith(f"added: {shown} (https://status.openai.com")
    _, openai = sources_of(path)
    assert openai == OPENAI | {"name": name}
    assert config.load(path).sources[1].name == name  # the real parser agrees
    again = cli("add", "openai", "--config", str(path))
    assert again.stdout.startswith(f"already watched: {shown} (")


@pytest.mark.parametrize("name", ["two\nlines", "tab\there", "bell\a", "\x1b[31mred", "   "])
def test_a_name_that_is_not_one_line_of_text_is_refused_and_nothing_written(
    isolated_home: Path, name: str
) -> None:
    path = isolated_home / "beacon.toml"
    result = cli("add", "openai", "--name", name, "--config", str(path))
    assert result.returncode == 2
    assert result.stderr.startswith("claude-beacon: --name: expected")
    assert "Traceback" not in result.stderr
    assert not path.exists()


def test_a_name_in_bytes_that_are_not_utf8_is_refused(isolated_home: Path) -> None:
    path = isolated_home / "beacon.toml"
    command = [sys.executable, "-m", "claude_beacon", "add", "openai", "--config", str(path)]
    result = subprocess.run(
        [*command, "--name", b"caf\xe9"],
        capture_output=True,
        timeout=60,
        env=os.environ.copy(),
    )
    assert result.returncode == 2
    assert b"--name: not valid text" in result.stderr and b"Traceback" not in result.stderr
    assert not path.exists()


def test_adding_keeps_every_other_byte_and_goes_after_the_last_source(
    isolated_home: Path,
) -> None:
    path = isolated_home / "beacon.toml"
    before = LAYOUT.replace("\n", "\r\n").encode("utf-8")  # a BOM and Windows line ends
    path.write_bytes(before)
    path.chmod(0o640)
    result = cli("add", "openai", "--name", 'Open "AI" ☁️', "--config", str(path))
    assert result.returncode == 0, result.stderr
    after = path.read_bytes()
    table = inserted(before, after)
    assert table.strip(b"\r\n") == (
        b'[[sources]]\r\ntype = "statuspage"\r\nname = "Open \\"AI\\" \xe2\x98\x81\xef\xb8\x8f"'
        b'\r\nurl = "https://status.openai.com"\r\nalternative = true'
    )
    assert table.count(b"\r\n") == 6  # its five lines and one blank line; no bare \n
    assert table.count(b"\n") == 6
    assert after.index(table) < after.index(b"    # indented comment")  # it introduces what follows
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert [s.name for s in config.load(path).sources] == ["Claude", 'Open "AI" ☁️']


def test_a_file_without_sources_gets_claude_then_the_page_at_its_end(isolated_home: Path) -> None:
    path = isolated_home / "beacon.toml"
    before = b"# only comments\n[notifications]\nenabled = false # quiet"  # no final newline
    path.write_bytes(before)
    assert cli("add", "github", "--config", str(path)).returncode == 0
    assert path.read_bytes().startswith(before + b"\n\n[[sources]]\n")
    assert [s["name"] for s in sources_of(path)] == ["Claude", "GitHub"]
    assert tomllib.loads(path.read_text())["notifications"] == {"enabled": False}


def test_sources_written_as_an_inline_list_get_one_more(isolated_home: Path) -> None:
    path = isolated_home / "beacon.toml"
    path.write_text('sources = [{ url = "https://status.claude.com" }]\n')
    assert cli("add", "github", "--config", str(path)).returncode == 0
    assert [s["url"] for s in sources_of(path)] == [
        "https://status.claude.com",
        "https://www.githubstatus.com",
    ]


def test_a_new_config_file_is_the_owners_alone(isolated_home: Path) -> None:
    made_by_add = isolated_home / "by-add" / "config.toml"
    assert cli("add", "github", "--config", str(made_by_add)).returncode == 0
    made_by_settings = isolated_home / "by-settings" / "config.toml"
    assert config.write_template(made_by_settings)  # what "Open settings" does
    for path in (made_by_add, made_by_settings):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert "# api_key" in made_by_settings.read_text()


def test_a_linked_config_file_stays_a_link(isolated_home: Path) -> None:
    target = isolated_home / "dotfiles" / "claude-beacon.toml"
    target.parent.mkdir()
    target.write_text("# in my dotfiles\n")
    link = isolated_home / "beacon.toml"
    link.symlink_to(target)
    assert cli("add", "github", "--config", str(link)).returncode == 0
    assert link.is_symlink()
    assert target.read_text().startswith("# in my dotfiles\n\n[[sources]]")


def test_adding_to_a_watched_page_with_a_new_name_renames_it(isolated_home: Path) -> None:
    path = isolated_home / "beacon.toml"
    assert cli("add", "openai", "--config", str(path)).returncode == 0
    before = path.read_text()
    result = cli("add", "openai", "--name", "My OpenAI", "--config", str(path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("renamed: OpenAI → My OpenAI (https://status.openai.com)")
    assert path.read_text() == before.replace('name = "OpenAI"', 'name = "My OpenAI"')
    same = cli("add", "https://status.openai.com/", "--name", "My OpenAI", "--config", str(path))
    assert same.stdout.startswith("already watched: My OpenAI (https://status.openai.com")


def test_renaming_keeps_the_comment_on_the_line_and_adds_a_missing_name_in_place(
    isolated_home: Path,
) -> None:
    path = isolated_home / "beacon.toml"
    path.write_text(
        '[[sources]]\nurl = "https://www.githubstatus.com"  # work\n\n# next: Claude\n'
        '[[sources]]\nname = "Claude"  # keep me\nurl = "https://status.claude.com"\n'
    )
    assert cli("add", "claude", "--name", "Claude ☁️", "--config", str(path)).returncode == 0
    assert 'name = "Claude ☁️"  # keep me\n' in path.read_text()
    result = cli("add", "github", "--name", "GitHub", "--alternative", "--config", str(path))
    assert result.stdout.startswith("renamed: www.githubstatus.com → GitHub\n")
    assert "now an alternative to Claude: GitHub" in result.stdout
    assert path.read_text().startswith(
        '[[sources]]\nurl = "https://www.githubstatus.com"  # work\n'
        'name = "GitHub"\nalternative = true\n\n# next: Claude\n'
    )


def test_renaming_the_default_claude_writes_it_out(isolated_home: Path) -> None:
    path = isolated_home / "beacon.toml"
    result = cli("add", "status.claude.com", "--name", "Claude (work)", "--config", str(path))
    assert result.stdout.startswith("renamed: Claude → Claude (work)")
    assert sources_of(path) == [
        {"type": "statuspage", "name": "Claude (work)", "url": "https://status.claude.com"}
    ]


@pytest.mark.parametrize(
    "page",
    [
        "ftp://127.0.0.1:{port}/",
        "file://127.0.0.1:{port}/etc/passwd",
        "javascript:fetch('http://127.0.0.1:{port}/')",
        "gopher://127.0.0.1:{port}",
        "http://status.example.com",
    ],
)
def test_addresses_that_are_not_web_pages_are_refused_before_any_request(
    server: StatuspageServer, isolated_home: Path, page: str
) -> None:
    path = isolated_home / "beacon.toml"
    port = server.url.rsplit(":", 1)[1]
    result = cli("add", page.format(port=port), "--config", str(path))
    assert result.returncode == 2
    assert "expected an https:// address" in result.stderr
    assert server.requests == []
    assert not path.exists()


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_a_page_on_this_machine_without_a_scheme_is_read_over_http(
    server: StatuspageServer, isolated_home: Path, host: str
) -> None:
    server.set_summary(payloads.summary())
    path = isolated_home / "beacon.toml"
    port = server.url.rsplit(":", 1)[1]
    result = cli("add", f"{host}:{port}", "--config", str(path))
    assert result.returncode == 0, result.stderr
    assert sources_of(path)[1]["url"] == f"http://{host}:{port}"


def test_a_failure_is_told_once_however_many_providers_were_asked(
    server: StatuspageServer, isolated_home: Path
) -> None:
    path = isolated_home / "beacon.toml"
    port = server.url.rsplit(":", 1)[1]
    tls = cli("add", f"https://127.0.0.1:{port}", "--config", str(path))  # http server
    assert tls.returncode == 2
    assert tls.stderr.count("TLS with 127.0.0.1 failed") == 1, tls.stderr
    assert "read over http://" in tls.stderr
    missing = cli("add", server.url, "--config", str(path))  # every document: 404
    assert missing.stderr.count("answered HTTP 404") == 1, missing.stderr
    assert "Atlassian Statuspage, incident.io, Instatus: " in missing.stderr
    with StatuspageServer() as closed:
        gone = closed.url
    refused = cli("add", gone, "--config", str(path))
    assert refused.stderr.count("cannot connect to 127.0.0.1") == 1, refused.stderr
    assert not path.exists()


def test_a_pages_own_name_is_taken_as_one_short_line(
    server: StatuspageServer, isolated_home: Path
) -> None:
    summary = payloads.summary()
    summary["page"] = summary["page"] | {"name": "Evil\n[[sources]]\x1b[2J" + " page" * 40}
    server.set_summary(summary)
    path = isolated_home / "beacon.toml"
    assert cli("add", server.url, "--config", str(path)).returncode == 0
    name = str(sources_of(path)[1]["name"])
    assert name.startswith("Evil [[sources]][2J page page") and name.endswith("…")  # ESC removed
    assert len(name) == 60 and name.isprintable()


def test_a_change_that_would_break_the_configuration_is_refused(isolated_home: Path) -> None:
    path = isolated_home / "beacon.toml"
    before = '# fast, for a local page\ninterval = 1\n[[sources]]\nurl = "http://127.0.0.1:9"\n'
    path.write_text(before)
    result = cli("add", "github", "--config", str(path))
    assert result.returncode == 2
    assert "would make the configuration wrong" in result.stderr
    assert "at least 10 seconds for a remote status page" in result.stderr
    assert path.read_text() == before


def test_a_broken_configuration_is_reported_and_left_alone(isolated_home: Path) -> None:
    path = isolated_home / "beacon.toml"
    path.write_text("interval = \n")
    result = cli("add", "github", "--config", str(path))
    assert result.returncode == 2 and "fix the configuration first" in result.stderr
    assert path.read_text() == "interval = \n"


def test_a_config_directory_that_cannot_be_written_is_said_plainly(isolated_home: Path) -> None:
    """Tests run as root, for whom a read-only directory is writable: /proc takes no new
    directory or file from anyone, so writing there fails as a read-only directory would."""
    path = Path("/proc/claude-beacon-test/config.toml")
    result = cli("add", "openai", "--config", str(path))
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert f"{path}: cannot write it" in result.stderr
