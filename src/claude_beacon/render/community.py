"""The community's pulse as ``doctor`` prints it: a labelled finding, its posts and links."""

from __future__ import annotations

from typing import Any

from claude_beacon.core.community import Pulse
from claude_beacon.core.text import shown


def community_json(pulse: Pulse | None) -> dict[str, Any] | None:
    """``null`` when the community source is off or nothing could be read."""
    if pulse is None:
        return None
    return {
        "kind": "community_spike" if pulse.spike else "community_quiet",
        "spike": pulse.spike,
        "summary": pulse.summary,
        "recent": pulse.recent,
        "usual": pulse.usual,
        "models": [{"model": m, "posts": n} for m, n in pulse.models],
        "posts": [
            {"source": p.source, "title": p.title, "url": p.url, "at": p.created.isoformat()}
            for p in pulse.posts
        ],
        "unavailable": dict(pulse.unavailable),
    }


def community_lines(pulse: Pulse | None) -> list[str]:
    """The ``Community:`` block of the text report; nothing when the source is off."""
    if pulse is None:
        return []
    label = "spike" if pulse.spike else "quiet"
    lines = ["", f"Community ({label}): {shown(pulse.summary)}"]
    lines += [f"  {shown(p.title, 120)}  {p.url}" for p in pulse.posts]
    lines += [f"  {source} not read: {shown(why)}" for source, why in pulse.unavailable]
    return lines
