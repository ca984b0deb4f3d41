"""The user's models, found in real settings files under a temporary home and project."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import pytest

from claude_beacon.config.usermodels import (
    MAX_SETTINGS_BYTES,
    project_claude_dir,
    settings_model,
    your_models,
)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    folder = tmp_path / "home" / "ana"
    folder.mkdir(parents=True)
    return folder


@pytest.fixture
def project(home: Path) -> Path:
    folder = home / "src" / "shop"
    (folder / "backend" / "api").mkdir(parents=True)
    (folder / ".claude").mkdir()
    return folder


def write(path: Path, content: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = content if isinstance(content, str) else json.dumps(content)
    path.write_text(text, encoding="utf-8")
    return path


def models_in(cwd: Path, home: Path, environ: dict[str, str] | None = None) -> tuple[str, ...]:
    return your_models((), None, environ or {}, cwd, home)


def test_every_source_most_specific_first(home: Path, project: Path) -> None:
    write(project / ".claude" / "settings.local.json", {"model": "claude-sonnet-4-5[1m]"})
    write(project / ".claude" / "settings.json", {"model": "haiku"})
    write(home / ".claude" / "settings.json", {"model": "claude-opus-4-1-20250805"})
    found = your_models(
        ("claude-opus-4-8", "Sonnet 5"),
        "claude-3-5-haiku-20241022",
        {"ANTHROPIC_MODEL": "us.anthropic.claude-sonnet-4-20250514-v1:0"},
        project / "backend" / "api",
        home,
    )
    assert found == (
        "opus-4.8",
        "sonnet-5",
        "haiku-3.5",
        "sonnet-4",
        "sonnet-4.5",
        "haiku",
        "opus-4.1",
    )


def test_each_model_once(home: Path, project: Path) -> None:
    write(project / ".claude" / "settings.json", {"model": "claude-opus-4-8"})
    write(home / ".claude" / "settings.json", {"model": "opus"})
    found = your_models(("Opus 4.8", "opus"), "claude-opus-4-8", {}, project, home)
    assert found == ("opus-4.8", "opus")


def test_aliases_and_defaults(home: Path) -> None:
    assert your_models(("opusplan",), "default", {}, home, home) == ("opus", "sonnet")
    assert your_models(("best", ""), None, {"ANTHROPIC_MODEL": ""}, home, home) == ()


def test_a_new_family_is_kept_with_its_version(home: Path) -> None:
    write(home / ".claude" / "settings.json", {"model": "claude-mythos-5"})
    assert models_in(home, home) == ("mythos-5",)
    assert your_models(("mythos",), None, {}, home, home) == ("mythos-5",)
    known = frozenset({"opus", "sonnet", "haiku", "mythos"})
    assert your_models(("mythos",), None, {}, home, home, known) == ("mythos", "mythos-5")


def test_nothing_anywhere(home: Path) -> None:
    assert models_in(home / "nowhere", home) == ()


class TestFindingTheProject:
    def test_the_nearest_claude_folder_above(self, home: Path, project: Path) -> None:
        inner = project / "backend" / ".claude"
        inner.mkdir()
        assert project_claude_dir(project / "backend" / "api", home) == inner.resolve()
        assert project_claude_dir(project, home) == (project / ".claude").resolve()

    def test_the_homes_own_claude_folder_is_not_a_project(self, home: Path) -> None:
        write(home / ".claude" / "settings.local.json", {"model": "haiku"})
        write(home / ".claude" / "settings.json", {"model": "opus"})
        (home / "notes").mkdir()
        assert project_claude_dir(home / "notes", home) is None
        assert project_claude_dir(home, home) is None
        assert models_in(home / "notes", home) == ("opus",)

    def test_outside_home_up_to_the_root(self, tmp_path: Path, home: Path) -> None:
        work = tmp_path / "srv" / "repo" / "deep"
        work.mkdir(parents=True)
        write(tmp_path / "srv" / "repo" / ".claude" / "settings.json", {"model": "sonnet"})
        assert models_in(work, home) == ("sonnet",)

    def test_a_file_named_claude_is_not_the_folder(self, home: Path, project: Path) -> None:
        (project / "backend" / ".claude").write_text("not a folder", encoding="utf-8")
        assert project_claude_dir(project / "backend" / "api", home) == (
            (project / ".claude").resolve()
        )

    def test_a_working_folder_that_is_gone(self, home: Path) -> None:
        assert project_claude_dir(home / "deleted" / "folder", home) is None


def test_claude_config_dir_moves_the_users_settings(tmp_path: Path, home: Path) -> None:
    write(home / ".claude" / "settings.json", {"model": "opus"})
    elsewhere = write(tmp_path / "cfg" / "settings.json", {"model": "haiku"}).parent
    assert models_in(home, home, {"CLAUDE_CONFIG_DIR": str(elsewhere)}) == ("haiku",)
    assert models_in(home, home, {"CLAUDE_CONFIG_DIR": ""}) == ("opus",)


class TestUntrustedFiles:
    @pytest.mark.parametrize(
        "content",
        [
            "{not json",
            "",
            "[1, 2, 3]",
            '"claude-opus-4-8"',
            "null",
            '{"model": 48}',
            '{"model": ["opus"]}',
            '{"model": {"name": "opus"}}',
            '{"model": null}',
            '{"permissions": {"allow": []}}',
            "[" * 100_000 + "]" * 100_000,
        ],
    )
    def test_skipped_without_an_exception(self, home: Path, content: str) -> None:
        write(home / ".claude" / "settings.json", content)
        assert models_in(home, home) == ()

    def test_a_bad_file_does_not_hide_the_next(self, home: Path, project: Path) -> None:
        write(project / ".claude" / "settings.local.json", "{broken")
        write(project / ".claude" / "settings.json", {"model": 4.8})
        write(home / ".claude" / "settings.json", {"model": "sonnet"})
        assert models_in(project, home) == ("sonnet",)

    def test_not_utf8(self, home: Path) -> None:
        path = home / ".claude" / "settings.json"
        path.parent.mkdir()
        path.write_bytes(b'{"model": "\xff\xfe opus"}')
        assert models_in(home, home) == ()

    def test_a_byte_order_mark_is_fine(self, home: Path) -> None:
        path = home / ".claude" / "settings.json"
        path.parent.mkdir()
        path.write_bytes(b'\xef\xbb\xbf{"model": "opus"}')
        assert models_in(home, home) == ("opus",)

    def test_a_huge_file_is_not_read(self, home: Path, caplog: pytest.LogCaptureFixture) -> None:
        padding = " " * MAX_SETTINGS_BYTES
        write(home / ".claude" / "settings.json", '{"model": "opus"' + padding + "}")
        with caplog.at_level(logging.DEBUG, logger="claude_beacon.config.usermodels"):
            assert models_in(home, home) == ()
        assert "over" in caplog.text

    def test_just_under_the_cap_is_read(self, home: Path) -> None:
        padding = " " * (MAX_SETTINGS_BYTES - 40)
        write(home / ".claude" / "settings.json", '{"model": "opus"' + padding + "}")
        assert models_in(home, home) == ("opus",)

    def test_a_folder_in_place_of_the_file(self, home: Path) -> None:
        (home / ".claude" / "settings.json").mkdir(parents=True)
        assert settings_model(home / ".claude" / "settings.json") is None
        assert models_in(home, home) == ()

    @pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
    def test_a_named_pipe_is_not_opened(self, home: Path) -> None:
        (home / ".claude").mkdir()
        os.mkfifo(home / ".claude" / "settings.json")
        assert models_in(home, home) == ()  # opening it would wait for a writer forever

    def test_skips_are_logged_at_debug(self, home: Path, caplog: pytest.LogCaptureFixture) -> None:
        write(home / ".claude" / "settings.json", '{"model": 1}')
        with caplog.at_level(logging.DEBUG, logger="claude_beacon.config.usermodels"):
            models_in(home, home)
        assert "not a string" in caplog.text
        assert all(record.levelno == logging.DEBUG for record in caplog.records)


class TestUntrustedStrings:
    def test_control_characters_are_stripped(self, home: Path) -> None:
        write(home / ".claude" / "settings.json", {"model": "\x1b[2J\x00opus\u202e\r\n"})
        assert models_in(home, home) == ("opus",)

    def test_a_long_value_is_cut_before_it_is_read(self, home: Path) -> None:
        write(home / ".claude" / "settings.json", {"model": "claude-opus-4-8" + "x" * 100_000})
        assert models_in(home, home) == ("opus-4.8",)

    def test_the_environment_too(self, home: Path) -> None:
        environ = {"ANTHROPIC_MODEL": "\x07claude-sonnet-4-5\x1b]0;title\x07"}
        assert models_in(home, home, environ) == ("sonnet-4.5",)

    def test_not_a_model_at_all(self, home: Path) -> None:
        environ = {"ANTHROPIC_MODEL": "gpt-4o"}
        assert your_models(("Claude Code 2.1",), "rm -rf /", environ, home, home) == ()
