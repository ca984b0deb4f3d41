"""The troubleshooting guide: one self-contained HTML page, written locally and opened.

Everything from the network is untrusted. Jinja2 escapes every value by default, links are kept
only when they are ``https:``, and a Content-Security-Policy allows no external resource and
only the page's own script (by hash), which remembers the checklist in local storage.
"""

from __future__ import annotations

import base64
import hashlib
import os
import webbrowser
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup

from claude_beacon import __version__
from claude_beacon.core.community import Pulse
from claude_beacon.core.impact import model_notes
from claude_beacon.core.model import Item, Level, Reading, Snapshot
from claude_beacon.core.modelids import display_name
from claude_beacon.core.probes import ProbeResult
from claude_beacon.core.serving import serving, serving_note
from claude_beacon.core.verdict import Verdict
from claude_beacon.render import wording
from claude_beacon.render.palette import COLOURS, look_for
from claude_beacon.render.probes import ms, outcome, steps
from claude_beacon.store import paths

if TYPE_CHECKING:
    from claude_beacon.render.local_history import UptimeRow
from claude_beacon.store.atomic import write_atomically

SCRIPT = """document.documentElement.dataset.ready = "1";
document.querySelectorAll('input[type=checkbox][data-key]').forEach(function (box) {
  var key = 'claude-beacon:' + box.dataset.key;
  try { box.checked = localStorage.getItem(key) === '1'; } catch (e) {}
  box.addEventListener('change', function () {
    try { localStorage.setItem(key, box.checked ? '1' : '0'); } catch (e) {}
  });
});"""
HISTORY_ROWS = 10


@dataclass(frozen=True)
class Link:
    text: str
    url: str


@dataclass(frozen=True)
class Step:
    key: str
    text: str
    links: tuple[Link, ...] = ()


SHOWN_ROWS = 100
"""Components or items of one source the guide lists."""
NAME_WIDTH = 200
"""Characters of a name, a status or an impact on the page."""


def checklist(status_page: str) -> tuple[Step, ...]:
    """Practice, in the order it pays off when Claude seems down."""
    return (
        Step(
            "status",
            "Confirm on the official status page, a third-party monitor and community channels.",
            (
                Link("Status page", status_page),
                Link("Downdetector", "https://downdetector.com/status/claude-ai/"),
                Link("r/ClaudeAI", "https://www.reddit.com/r/ClaudeAI/"),
            ),
        ),
        Step(
            "connection",
            "Rule out your own connection: do other sites load? DNS, VPN, proxy, firewall, or a"
            " captive portal (open any web page to see its login)?",
        ),
        Step(
            "refresh",
            "Refresh local state: restart the client or editor, clear its cache, log in again.",
        ),
        Step(
            "simplify",
            "Simplify the request: a shorter prompt, a smaller model, or try again later.",
        ),
        Step(
            "backoff",
            "Retry with exponential backoff and jitter (e.g. 1, 2, 4, 8 s, each randomised),"
            " a bounded number of attempts and a cap on the total wait; honour Retry-After.",
            (Link("API errors and retries", "https://docs.anthropic.com/en/api/errors"),),
        ),
        Step(
            "fallback",
            "Switch endpoint or region, or fall back: a read-only or cached path, or another"
            " provider until Claude recovers.",
        ),
        Step(
            "subscribe",
            "Subscribe to status updates (email, RSS or webhook on the status page).",
            (Link("Subscribe", status_page),),
        ),
        Step("playbook", "Write down your outage playbook, so the next time is quicker."),
        Step(
            "support",
            "Contact support with the report that claude-beacon doctor prints attached.",
            (Link("Anthropic support", "https://support.anthropic.com"),),
        ),
    )


def render(
    snapshot: Snapshot,
    verdict: Verdict,
    probes: Sequence[ProbeResult] = (),
    history: Sequence[Item] = (),
    now: datetime | None = None,
    uptime: Sequence[UptimeRow] = (),
    community: Pulse | None = None,
) -> str:
    environment = jinja2.Environment(
        loader=jinja2.FunctionLoader(_template),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    look = look_for(verdict.level, local_problem=verdict.seen_from_here)
    badge, ink = COLOURS[look]
    first = snapshot.primary
    source_url = safe_url(first.page_url or first.source.url) if first else None
    context: dict[str, Any] = {
        "verdict": verdict,
        "symbol": wording.SYMBOLS[verdict.level],
        "colour": _hex(badge),
        "dark_text": sum(ink) < 200,
        "checked_at": wording.local_time(snapshot.at, now),
        "version": __version__,
        "source_url": source_url,
        "source_name": first.source.name if first else "",
        "readings": [_reading(r, now) for r in snapshot.readings],
        "alternatives": alternatives(snapshot),
        "your_models": [display_name(m) for m in snapshot.your_models],
        "model_notes": (*model_notes(snapshot), *filter(None, [serving_note(serving(os.environ))])),
        "history": [_past(i) for i in history if i.resolved][:HISTORY_ROWS],
        "probes": [_probe(p) for p in probes],
        "uptime": [
            {
                "name": row.name,
                "figures": row.figures,
                "cells": [_level_colour(c) if c is not None else "" for c in row.strip],
            }
            for row in uptime
        ],
        "community": _community(community),
        "checklist": checklist(source_url or "https://status.claude.com"),
        "script": Markup(SCRIPT),  # our own constant, allowed by its hash
        "script_hash": base64.b64encode(hashlib.sha256(SCRIPT.encode()).digest()).decode(),
    }
    return environment.get_template("guide.html").render(context)


def alternatives(snapshot: Snapshot) -> dict[str, Any] | None:
    """The services marked as alternatives to Claude, and which of them are up right now."""
    rows = [r for r in snapshot.readings if r.source.alternative]
    if not rows:
        return None
    up = [r.source.name for r in rows if r.level is Level.OPERATIONAL]
    if up:
        summary = f"Up right now: {', '.join(up)}."
    else:
        summary = "None of your alternatives is fully up right now."
    return {
        "summary": summary,
        "rows": [
            {
                "name": r.source.name,
                "level": r.level.label if r.ok else "unknown",
                "colour": _level_colour(r.level),
                "url": safe_url(r.page_url or r.source.url),
            }
            for r in rows
        ],
    }


def write(html: str, path: Path | None = None) -> Path:
    """Write the page atomically, readable by its owner only."""
    path = path or paths.cache_dir() / "guide.html"
    write_atomically(path, html.encode("utf-8"), mode=0o600)
    return path


def open_in_browser(path: Path) -> bool:
    """Open the page; False when no browser could be started (the caller shows the path)."""
    try:
        return bool(webbrowser.open(path.resolve().as_uri()))
    except webbrowser.Error:
        return False


def safe_url(url: str | None) -> str | None:
    """The URL if it is ``https:`` with a host, else nothing: no ``javascript:``, no ``data:``."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme.lower() == "https" and parts.netloc else None


def _template(name: str) -> str:
    return resources.files("claude_beacon").joinpath("templates", name).read_text("utf-8")


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def _level_colour(level: Level) -> str:
    return _hex(COLOURS[look_for(level)][0])


def _reading(reading: Reading, now: datetime | None) -> dict[str, Any]:
    return {
        "name": _name(reading.source.name),
        "level": reading.level.label,
        "error": wording.trim(reading.failure.message, 400) if reading.failure else None,
        "limitations": reading.limitations,
        "components": [
            {"name": _name(c.name), "level": c.level.label, "colour": _level_colour(c.level)}
            for c in reading.components[:SHOWN_ROWS]
        ],
        "incidents": [_item(i, now) for i in reading.incidents[:SHOWN_ROWS]],
        "maintenances": [_item(m, now) for m in reading.maintenances[:SHOWN_ROWS]],
    }


def _item(item: Item, now: datetime | None) -> dict[str, Any]:
    latest = item.latest
    return {
        "name": _name(item.name),
        "url": safe_url(item.url),
        "status": _name(item.status),
        "impact": _name(item.impact),
        "since": wording.local_time(item.started_at, now),
        "components": wording.trim(", ".join(item.component_names[:20]), NAME_WIDTH * 4),
        "latest": wording.trim(latest.body, 1200) if latest else "",
        "window": wording.window(item.scheduled_for, item.scheduled_until, now),
    }


def _past(item: Item) -> dict[str, Any]:
    ended = item.latest.at if item.latest else None
    lasted = ""
    if ended and item.started_at and ended >= item.started_at:
        minutes = round((ended - item.started_at).total_seconds() / 60)
        lasted = f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{minutes} min"
    return {
        "name": _name(item.name),
        "url": safe_url(item.url),
        "impact": _name(item.impact),
        "started": wording.local_time(item.started_at),
        "lasted": lasted,
    }


def _name(text: str) -> str:
    return wording.trim(text, NAME_WIDTH)


def _probe(probe: ProbeResult) -> dict[str, str]:
    timings = {name.lower(): ms(value) for name, value in steps(probe)}
    return {"name": probe.name, "result": outcome(probe), **timings}


def _community(pulse: Pulse | None) -> dict[str, Any] | None:
    """The community's pulse: its summary and the posts, linked only where ``https:``."""
    if pulse is None:
        return None
    return {
        "kind": "community_spike" if pulse.spike else "community_quiet",
        "summary": pulse.summary,
        "unavailable": [(s, wording.trim(w, 200)) for s, w in pulse.unavailable],
        "posts": [{"title": _name(p.title), "url": safe_url(p.url) or ""} for p in pulse.posts],
    }
