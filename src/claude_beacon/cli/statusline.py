"""``claude-beacon statusline``: Claude's health in one line, for Claude Code, tmux or a prompt.

Claude Code runs its ``statusLine`` command as often as every 300 ms with the session as JSON on
stdin (``model.id``, ``workspace.current_dir``, ``transcript_path``, ...) and shows the first
line printed. So this never touches the network and imports nothing heavy: it reads the cache
every poll leaves (``store.statuscache``). When no poll has left a fresh one, it starts one
detached ``claude-beacon status --quiet`` (never two at once: a lock file) and says what it knows
as stale. When the session's transcript shows API errors of the last minutes, the line says so
at once and pokes a running tray or ``watch`` into checking now. It always exits 0.
"""

# os.path, not pathlib, on purpose: importing pathlib costs every statusline run milliseconds.
from __future__ import annotations

import json
import os
import sys
import time

from claude_beacon.cli.statusrefresh import POKE_GAP, alive, poke, start_refresh
from claude_beacon.store import statuscache

TYPE_CHECKING = False  # typing and pathlib would cost every run a few milliseconds
if TYPE_CHECKING:
    import argparse
    from typing import Any

    from claude_beacon.core.sessionerrors import SessionErrors

GLYPHS = {
    "operational": "✓",
    "maintenance": "~",
    "degraded": "!",
    "partial_outage": "!",
    "major_outage": "✗",
    "unknown": "?",
}
ERROR_WINDOW = 300.0
"""API errors in the transcript count for this long (seconds)."""
TAIL_BYTES = 64 * 1024
"""Only this much of the transcript's end is read: a session's file grows to megabytes."""
STDIN_LIMIT = 1024 * 1024
STDIN_WAIT = 0.5
TITLE_CHARS = 60
ALTERNATIVES = ("sonnet", "opus", "haiku")
"""Models offered in place of an affected one, in this order: ``/model sonnet``."""


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    command = commands.add_parser(
        "statusline",
        parents=[common],
        help="print one line for Claude Code's status line, tmux or a prompt (no network)",
        description="Print Claude's health in one line from the last poll's cache; with "
        "--install, make it Claude Code's status line.",
    )
    command.add_argument(
        "--install", action="store_true", help="set it as the statusLine in ~/.claude/settings.json"
    )
    command.add_argument("--yes", action="store_true", help="with --install: do not ask")
    command.add_argument(
        "--force", action="store_true", help="with --install: replace another status line"
    )
    command.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.install:
        from claude_beacon.cli.statusinstall import install

        return install(yes=args.yes, force=args.force)
    return show(args.config)


def show(config: str | None = None) -> int:
    """Print the line; whatever goes wrong, print something and exit 0."""
    try:
        text = statusline(session_input(), config)
    except Exception as exc:  # a status line must never show a traceback
        text = f"? Claude: statusline failed ({type(exc).__name__})"
    sys.stdout.write(text + "\n")
    sys.stdout.flush()
    return 0


def statusline(session: dict[str, Any], config: str | None) -> str:
    now = time.time()
    cache = statuscache.read()
    if cache is not None and cache.get("settings") != _settings_now(config):
        cache = None  # an answer for other settings (a page removed, the file gone): none
    written = float(cache["written"]) if cache else None
    fresh = cache is not None and written is not None and _is_fresh(cache, written, now)
    engine = cache is not None and cache.get("writer") == "engine" and alive(cache.get("pid"))
    started = False
    if not fresh and not engine:
        started = start_refresh(config)
    errors = session_errors(session.get("transcript_path"), now)
    if errors is not None and errors.count:
        poke(errors.at or now)
        if not engine and not started and (written is None or now - written >= POKE_GAP):
            start_refresh(config)
    text = _status_text(cache, session, fresh, now, started)
    if errors is not None and errors.count:
        return f"⚠ API errors in this session ({errors.label}) · {text}"
    return text


def _settings_now(config: str | None) -> str:
    """The stamp of the settings this run would read: one stat of the file."""
    return statuscache.settings_stamp(statuscache.settings_file(config))


def _is_fresh(cache: dict[str, Any], written: float, now: float) -> bool:
    window = cache.get("fresh_for")
    window = float(window) if isinstance(window, int | float) else 180.0
    return -60.0 <= now - written <= window


def _status_text(
    cache: dict[str, Any] | None, session: dict[str, Any], fresh: bool, now: float, started: bool
) -> str:
    if cache is None:
        return "? Claude: checking…" if started else "? Claude: no status yet"
    glyph, detail = describe(cache, session)
    name = _clean(cache.get("primary"), 40) or "Claude"
    if fresh:
        return f"{glyph} {name}: {detail}" if detail else f"{glyph} {name}"
    age = _age(now - float(cache["written"]))
    was = f"{glyph} {detail}" if detail else glyph
    return f"? {name}: stale {age} (was {was})"


def describe(cache: dict[str, Any], session: dict[str, Any]) -> tuple[str, str]:
    """The glyph and what is wrong, short: ('✓', '') or ('!', 'Elevated errors on ...')."""
    level = cache.get("level") if cache.get("level") in GLYPHS else "unknown"
    glyph = GLYPHS[str(level)]
    items = [i for i in _list(cache.get("incidents")) if isinstance(i, dict)]
    sources = [s for s in _list(cache.get("sources")) if isinstance(s, dict)]
    primary = _clean(cache.get("primary"), 40)
    if not items:
        if level == "operational":
            return glyph, ""
        summary = next((s for s in sources if _clean(s.get("name"), 40) == primary), None)
        summary = summary or (sources[0] if sources else {})
        return glyph, _cut(_clean(summary.get("summary"), 120), TITLE_CHARS) or str(level)
    judged = _judge(items, cache, session)
    order = sorted(range(len(items)), key=lambda i: _rank(items[i], judged[i][0]))
    top, (mine, advice) = items[order[0]], judged[order[0]]
    title = _cut(_clean(top.get("title"), 160), TITLE_CHARS)
    source = _clean(top.get("source"), 40)
    text = f"{source}: {title}" if source and source != primary else title
    if top.get("kind") == "maintenance":
        text = f"maintenance: {text}"
    text += {True: " (your model)", False: " (not your model)", None: ""}[mine]
    if len(items) > 1:
        text += f" +{len(items) - 1} more"
    if mine and advice:
        text += f" — {advice}"
    if level == "operational":  # an incident the page has not yet reflected in its levels
        glyph = GLYPHS["degraded"] if top.get("kind") == "incident" else GLYPHS["maintenance"]
    return glyph, text


def _rank(item: dict[str, Any], mine: bool | None) -> tuple[int, int, int]:
    levels = list(GLYPHS)
    level = item.get("level")
    severity = levels.index(level) if level in levels and level != "unknown" else 0
    return (
        {True: 0, None: 1, False: 2}[mine],
        -severity,
        0 if item.get("kind") == "incident" else 1,
    )


def _judge(
    items: list[dict[str, Any]], cache: dict[str, Any], session: dict[str, Any]
) -> list[tuple[bool | None, str]]:
    """For each item: whether it touches your model, and a model to switch to if it does.
    The model reader is loaded only here: the line for a healthy page never needs it."""
    if not any(i.get("models") or i.get("scope") or i.get("excluded") for i in items):
        return [(None, "")] * len(items)
    from claude_beacon.core.modelids import KNOWN_FAMILIES, model_command, setting_models
    from claude_beacon.core.models import ModelMention, Scope, affects, unaffected_alternatives

    known = KNOWN_FAMILIES | {f for f in _list(cache.get("families")) if isinstance(f, str)}
    mentions = []
    for item in items:
        scope = item.get("scope")
        mentions.append(
            ModelMention(
                models=_strings(item.get("models")),
                scope=Scope(scope) if scope in {s.value for s in Scope} else None,
                excluded=_strings(item.get("excluded")),
            )
        )
    mine = _session_models(session, known, setting_models)
    spared = unaffected_alternatives(mentions, ALTERNATIVES) if mine else ()
    advice = model_command(spared[0], alias=True) if spared else ""
    return [(affects(m, mine), advice) for m in mentions]


def _session_models(session: dict[str, Any], known: Any, setting_models: Any) -> tuple[str, ...]:
    """The session's model from Claude Code's stdin; else the user's from their settings."""
    model = session.get("model")
    for key in ("id", "display_name"):
        spelled = model.get(key) if isinstance(model, dict) else None
        if isinstance(spelled, str) and (found := setting_models(spelled[:200], known)):
            return tuple(found)
    from pathlib import Path

    from claude_beacon.config.usermodels import your_models

    workspace = session.get("workspace")
    folder = workspace.get("current_dir") if isinstance(workspace, dict) else None
    cwd = Path(folder) if isinstance(folder, str) and folder else Path.cwd()
    return your_models((), None, os.environ, cwd, Path.home(), known)


def session_input(stream: Any = None) -> dict[str, Any]:
    """Claude Code's JSON on stdin; {} on a terminal, with nothing given, or for bad input."""
    stream = sys.stdin if stream is None else stream
    try:
        if stream is None or stream.isatty():
            return {}
        data = _read_briefly(stream.fileno())
        document = json.loads(data.decode("utf-8", "replace")) if data.strip() else {}
    except (OSError, ValueError, RecursionError):
        return {}
    return document if isinstance(document, dict) else {}


def _read_briefly(fd: int) -> bytes:
    """All of stdin up to ``STDIN_LIMIT``, waiting at most ``STDIN_WAIT`` for a writer that
    never closes it (POSIX; elsewhere a plain read)."""
    if os.name != "posix":
        return os.read(fd, STDIN_LIMIT)
    import select

    chunks: list[bytes] = []
    size, deadline = 0, time.monotonic() + STDIN_WAIT
    while size < STDIN_LIMIT and (left := deadline - time.monotonic()) > 0:
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            break
        chunk = os.read(fd, STDIN_LIMIT - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def session_errors(path: object, now: float) -> SessionErrors | None:
    """The server-side API errors at the end of the session's transcript, if it names one."""
    if not isinstance(path, str) or not path or "\0" in path:
        return None
    found = statuscache.read_regular(path, TAIL_BYTES, from_end=True)
    if found is None:
        return None
    tail, info = found
    if now - info.st_mtime > ERROR_WINDOW:
        return None  # untouched for longer than the window: nothing recent in it
    if info.st_size > TAIL_BYTES:  # the first line is cut: drop it
        tail = tail.partition(b"\n")[2]
    if not any(marker in tail for marker in (b"api_error", b"isApiErrorMessage", b"API Error")):
        return None
    from claude_beacon.core.sessionerrors import recent_errors

    return recent_errors(tail, now, ERROR_WINDOW, info.st_mtime)


def _age(seconds: float) -> str:
    seconds = max(0.0, seconds)
    if seconds < 90:
        return f"{int(seconds)}s"
    if seconds < 3570:
        return f"{round(seconds / 60)}m"
    if seconds < 36 * 3600:
        return f"{round(seconds / 3600)}h"
    return f"{round(seconds / 86400)}d"


def _clean(value: object, limit: int) -> str:
    """Text from the cache, shown in a terminal: printable characters only, cut to ``limit``."""
    if not isinstance(value, str):
        return ""
    return "".join(c for c in value[: limit * 2] if c.isprintable()).strip()[:limit]


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _strings(value: object) -> tuple[str, ...]:
    return tuple(v[:60] for v in _list(value) if isinstance(v, str))
