"""Edits of the ``[[sources]]`` tables in a config file that keep everything else as written.

Each edit is made on the text, so the added, changed or removed table is the only difference:
comments, blank lines, line endings and a byte-order mark stay byte for byte. Values are
written by tomlkit, which quotes any text TOML can hold. The result must read back as exactly
the expected settings before it replaces the file, atomically; if the text edit does not (an
unusual layout), tomlkit edits the parsed document instead, and failing that nothing is written.
"""

from __future__ import annotations

import codecs
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomlkit

from claude_beacon.config import settings as config_module
from claude_beacon.config.presets import EditError, same_page
from claude_beacon.config.settings import CLAUDE, Config, ConfigError
from claude_beacon.core.model import SourceSpec
from claude_beacon.store.atomic import write_atomically

Row = dict[str, Any]
"""One ``[[sources]]`` table as TOML reads it."""

_SOURCES_HEADER = re.compile(
    r"""[ \t]*\[\[[ \t]*(?:sources|"sources"|'sources')[ \t]*\]\][ \t]*(?:#.*)?"""
)
_ANY_HEADER = re.compile(r"[ \t]*\[")
_COMMENT = re.compile(r"[ \t]*#.*")
_TRIVIA = re.compile(r"[ \t]*(?:#.*)?")
_LINE = re.compile(r"[^\n]*\n|[^\n]+\Z")


class _UnsuitedLayoutError(Exception):
    """The text's layout does not suit this way of making the edit; the next way is tried."""


@dataclass(frozen=True, slots=True)
class ConfigFile:
    """A config file as written and as read; a missing one reads as the commented template."""

    path: Path
    text: str
    exists: bool
    bom: bool
    data: Mapping[str, Any]
    config: Config

    @property
    def rows(self) -> list[Row]:
        """The ``[[sources]]`` tables as written; empty when the default (Claude) is watched."""
        return list(self.data.get("sources", []))

    @property
    def newline(self) -> str:
        return "\r\n" if "\r\n" in self.text else "\n"


def read(path: Path) -> ConfigFile:
    """The config at ``path``; ``EditError`` if it cannot be read or says something wrong."""
    exists = True
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raw, exists = config_module.template().encode("utf-8"), False
    except OSError as exc:
        raise EditError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    bom = raw.startswith(codecs.BOM_UTF8)  # Notepad writes one
    try:
        text = raw[len(codecs.BOM_UTF8) if bom else 0 :].decode("utf-8")
        data = tomllib.loads(text)
        config = config_module.parse(data, path)
    except UnicodeDecodeError:
        raise EditError(f"fix the configuration first: {path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise EditError(f"fix the configuration first: {path}: not valid TOML ({exc})") from None
    except ConfigError as exc:
        raise EditError(f"fix the configuration first: {exc}") from None
    return ConfigFile(path, text, exists, bom, data, config)


def row(spec: SourceSpec, alternative: bool = False) -> Row:
    written: Row = {"type": spec.kind, "name": spec.name, "url": spec.url}
    if spec.components:
        written["components"] = list(spec.components)
    if alternative:
        written["alternative"] = True
    return written


def add(file: ConfigFile, new: Row) -> None:
    """Write ``new`` after the last ``[[sources]]`` table.

    A file without any watches Claude by default: Claude is written out first, so that adding
    a page never silently stops watching Claude.
    """
    rows = file.rows
    added = [new] if rows or same_page(new["url"], CLAUDE.url) else [row(CLAUDE), new]
    nl = file.newline
    chunk = nl.join(_table_text(r, nl) for r in added)
    lines = _LINE.findall(file.text)
    headers = _headers(lines)
    edits: list[Callable[[], str]] = []
    if headers and len(headers) == len(rows):  # else a header-like line sits inside a value
        edits.append(lambda: _insert(lines, _content_end(lines, headers[-1]), chunk, nl))
    edits.append(lambda: _insert(lines, len(lines), chunk, nl))
    edits.append(lambda: _with_tomlkit(file.text, lambda d: _append(d, added)))
    _save_first_valid(file, edits, rows + added)


def update(file: ConfigFile, index: int, changes: Row) -> None:
    """Set ``changes`` in the ``index``-th table: values in place, new keys at its end."""
    rows = file.rows
    expected = [*rows[:index], rows[index] | changes, *rows[index + 1 :]]
    present = {k: v for k, v in changes.items() if k in rows[index]}
    missing = {k: v for k, v in changes.items() if k not in rows[index]}

    def in_text() -> str:
        text = _with_tomlkit(file.text, lambda d: d["sources"][index].update(present))
        if not missing:
            return text
        lines = _LINE.findall(text)
        headers = _headers(lines)
        if len(headers) != len(rows):
            raise _UnsuitedLayoutError
        nl = file.newline
        keys = "".join(f"{k} = {tomlkit.item(v).as_string()}{nl}" for k, v in missing.items())
        end = _content_end(lines, headers[index])
        before = "".join(lines[:end])
        if before and not before.endswith("\n"):
            before += nl
        return before + keys + "".join(lines[end:])

    def everything() -> str:
        return _with_tomlkit(file.text, lambda d: d["sources"][index].update(changes))

    _save_first_valid(file, [in_text, everything], expected)


def remove(file: ConfigFile, index: int) -> None:
    """Take out the ``index``-th table with the comment block that introduces it."""
    rows = file.rows
    lines = _LINE.findall(file.text)
    headers = _headers(lines)
    edits: list[Callable[[], str]] = []
    if len(headers) == len(rows):
        edits.append(lambda: _cut(lines, headers[index]))

    def drop(doc: tomlkit.TOMLDocument) -> None:
        del doc["sources"][index]

    edits.append(lambda: _with_tomlkit(file.text, drop))
    _save_first_valid(file, edits, [*rows[:index], *rows[index + 1 :]])


def _table_text(table: Row, nl: str) -> str:
    values = "".join(f"{k} = {tomlkit.item(v).as_string()}{nl}" for k, v in table.items())
    return f"[[sources]]{nl}{values}"


def _headers(lines: list[str]) -> list[int]:
    return [n for n, line in enumerate(lines) if _SOURCES_HEADER.fullmatch(line.rstrip("\r\n"))]


def _content_end(lines: list[str], header: int) -> int:
    """The line after a table's last setting: comments and blank lines before the next header
    introduce what follows, so they stay with it."""
    end = next(
        (n for n in range(header + 1, len(lines)) if _ANY_HEADER.match(lines[n])), len(lines)
    )
    while end > header + 1 and _TRIVIA.fullmatch(lines[end - 1].rstrip("\r\n")):
        end -= 1
    return end


def _blank(line: str) -> bool:
    return not line.strip()


def _insert(lines: list[str], at: int, chunk: str, nl: str) -> str:
    """``chunk`` at line ``at``, with one blank line on each side where there is none."""
    before, after = "".join(lines[:at]), "".join(lines[at:])
    if before and not before.endswith("\n"):
        before += nl
    lead = "" if at == 0 or _blank(lines[at - 1]) else nl
    trail = nl if at < len(lines) and not _blank(lines[at]) else ""
    return before + lead + chunk + trail + after


def _cut(lines: list[str], header: int) -> str:
    start = header
    while start > 0 and _COMMENT.fullmatch(lines[start - 1].rstrip("\r\n")):
        start -= 1
    if start > 0 and not _blank(lines[start - 1]):  # the comments end what came before
        start = header
    end = _content_end(lines, header)
    if end == len(lines) or _blank(lines[end]):  # one blank line between neighbours, not two
        if start > 0 and _blank(lines[start - 1]):
            start -= 1
        elif start == 0 and end < len(lines):
            end += 1
    return "".join(lines[:start] + lines[end:])


def _with_tomlkit(text: str, edit: Callable[[tomlkit.TOMLDocument], object]) -> str:
    doc = tomlkit.parse(text)
    edit(doc)
    return tomlkit.dumps(doc)


def _append(doc: tomlkit.TOMLDocument, added: list[Row]) -> None:
    existing = doc.get("sources")
    if existing is None:
        doc["sources"] = existing = tomlkit.aot()
    for table in added:
        # [[sources]] tables, or inline ones in a written-out list: sources = [{...}, ...]
        item = (
            tomlkit.table() if isinstance(existing, tomlkit.items.AoT) else tomlkit.inline_table()
        )
        item.update(table)
        existing.append(item)


def _save_first_valid(
    file: ConfigFile, edits: Iterable[Callable[[], str]], expected: list[Row]
) -> None:
    """Write the first edit that reads back as ``expected`` with all else unchanged."""
    refusal: ConfigError | None = None
    for edit in edits:
        try:
            text = edit()
            data = tomllib.loads(text)
        except (
            _UnsuitedLayoutError,
            tomllib.TOMLDecodeError,
            tomlkit.exceptions.TOMLKitError,
            LookupError,
        ):
            continue
        if data.get("sources", []) != expected or _rest(data) != _rest(file.data):
            continue
        try:
            config_module.parse(data, file.path)
        except ConfigError as exc:
            refusal = exc
            continue
        _write(file, text)
        return
    if refusal:
        raise EditError(f"this change would make the configuration wrong: {refusal}")
    raise EditError(f"{file.path}: cannot make this change without touching other settings")


def _rest(data: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != "sources"}


def _write(file: ConfigFile, text: str) -> None:
    """Replace the file (a link's target, so that the link stays) keeping its permissions; a
    new one is the owner's alone, since it may come to hold an API key."""
    data = (codecs.BOM_UTF8 if file.bom else b"") + text.encode("utf-8")
    try:
        target = file.path.resolve() if file.exists else file.path
        mode = target.stat().st_mode & 0o777 if file.exists else 0o600
        write_atomically(target, data, mode=mode)
    except OSError as exc:  # a read-only or missing directory, a full disk: nothing was changed
        raise EditError(f"{file.path}: cannot write it ({exc.strerror or exc})") from None
