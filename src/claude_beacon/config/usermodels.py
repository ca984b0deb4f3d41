"""Which Claude models this user works with, from the settings they already have.

Most specific first: the models listed in claude-beacon's own config, the model of the running
Claude Code session, ``ANTHROPIC_MODEL``, then Claude Code's settings files (the project's
``.claude/settings.local.json`` and ``.claude/settings.json``, then the user's
``~/.claude/settings.json``, or the one in ``CLAUDE_CONFIG_DIR``). Each is read to canonical
names (``core.modelids``); an alias such as ``opus`` stays a family, ``opusplan`` is Opus and
Sonnet, ``default`` says nothing.

Every file and variable here is untrusted input: a settings file that is not a regular file,
is over a mebibyte, is not JSON, is not an object, or has a model that is not a string is
skipped with a debug message, never an exception.
"""

from __future__ import annotations

import json
import logging
import stat
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from pathlib import Path

from claude_beacon.core.modelids import KNOWN_FAMILIES, clean_text, setting_models

log = logging.getLogger(__name__)

MAX_SETTINGS_BYTES = 1024 * 1024
"""Claude Code's settings are a few kilobytes; a larger file is not read."""
MAX_VALUE_CHARS = 200
"""A model setting longer than this is cut before it is read."""
PROJECT_SETTINGS = ("settings.local.json", "settings.json")
"""A project's settings in the order Claude Code lets them win: the local file first."""


def project_claude_dir(cwd: Path, home: Path) -> Path | None:
    """The nearest ``.claude`` directory at or above ``cwd``, below ``home`` (whose ``.claude``
    is the user's own) or, outside ``home``, up to the root."""
    try:
        start, top = cwd.resolve(), home.resolve()
    except (OSError, RuntimeError) as error:
        log.debug("cannot resolve %s or %s: %s", cwd, home, error)
        return None
    for folder in (start, *start.parents):
        if folder == top:
            return None
        candidate = folder / ".claude"
        try:
            if candidate.is_dir():
                return candidate
        except OSError as error:  # unreadable parent, too-long path
            log.debug("cannot look at %s: %s", candidate, error)
    return None


def user_claude_dir(environ: Mapping[str, str], home: Path) -> Path:
    """Where Claude Code keeps the user's settings: ``CLAUDE_CONFIG_DIR`` or ``~/.claude``."""
    configured = clean_text(environ.get("CLAUDE_CONFIG_DIR", ""), 4096)
    return Path(configured).expanduser() if configured else home / ".claude"


def settings_model(path: Path) -> str | None:
    """The ``model`` of one Claude Code settings file, or None (missing, unusable, unset)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    except OSError as error:
        log.debug("cannot read %s: %s", path, error)
        return None
    if not stat.S_ISREG(info.st_mode):  # a FIFO or a device would block or never end
        log.debug("skipping %s: not a regular file", path)
        return None
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_SETTINGS_BYTES + 1)
    except OSError as error:
        log.debug("cannot read %s: %s", path, error)
        return None
    if len(data) > MAX_SETTINGS_BYTES:
        log.debug("skipping %s: over %d bytes", path, MAX_SETTINGS_BYTES)
        return None
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        log.debug("skipping %s: not JSON (%s)", path, error)
        return None
    if not isinstance(document, dict):
        log.debug("skipping %s: not a JSON object", path)
        return None
    model = document.get("model")
    if model is None:
        return None
    if not isinstance(model, str):
        log.debug("skipping the model of %s: not a string", path)
        return None
    return model


def _spellings(
    config_models: Sequence[str],
    session_model: str | None,
    environ: Mapping[str, str],
    cwd: Path,
    home: Path,
) -> Iterable[str]:
    yield from config_models
    if session_model:
        yield session_model
    if environ.get("ANTHROPIC_MODEL"):
        yield environ["ANTHROPIC_MODEL"]
    files: list[Path] = []
    project = project_claude_dir(cwd, home)
    if project is not None:
        files.extend(project / name for name in PROJECT_SETTINGS)
    files.append(user_claude_dir(environ, home) / "settings.json")
    for path in files:
        model = settings_model(path)
        if model is not None:
            yield model


def your_models(
    config_models: Sequence[str],
    session_model: str | None,
    environ: Mapping[str, str],
    cwd: Path,
    home: Path,
    known: AbstractSet[str] = KNOWN_FAMILIES,
) -> tuple[str, ...]:
    """This user's models as canonical names, most specific first, each once.

    ``config_models`` are the ``[claude] models`` of claude-beacon's config and
    ``session_model`` the model of the Claude Code session, both as the caller has them;
    ``known`` the model families recognised so far (a bare ``mythos`` needs it).
    """
    found: list[str] = []
    for spelling in _spellings(config_models, session_model, environ, cwd, home):
        if not isinstance(spelling, str):
            log.debug("skipping a model setting that is not a string: %r", type(spelling))
            continue
        text = clean_text(spelling, MAX_VALUE_CHARS)
        models = setting_models(text, known)
        if not models and text:
            log.debug("no model in the setting %r", text)
        for model in models:
            if model not in found:
                found.append(model)
    return tuple(found)
