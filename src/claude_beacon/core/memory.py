"""What a consumer remembers about one source between polls, and its JSON form.

The memory is what makes events exactly-once across restarts: the keys of everything already
reported, the items still open, and the last component levels. It is plain data so that the
shell can persist it atomically and a corrupt copy can be discarded without losing anything else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from claude_beacon.core.model import ItemKind, Level, aware_time

SEEN_RETENTION = timedelta(days=45)
"""How long an event key is kept after its item is no longer open; well past any resolution."""


@dataclass(frozen=True, slots=True)
class Tracked:
    """An open incident or maintenance, remembered so that its end can be announced."""

    kind: ItemKind
    name: str
    status: str
    level: Level
    url: str | None = None
    components: tuple[str, ...] = ()
    vanished_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Memory:
    initialised: bool = False
    seen: Mapping[str, datetime] = field(default_factory=dict)
    tracked: Mapping[str, Tracked] = field(default_factory=dict)
    components: Mapping[str, Level] = field(default_factory=dict)
    filter: tuple[str, ...] = ()
    failures: int = 0
    down: bool = False


def prune(
    seen: Mapping[str, datetime], tracked: Mapping[str, Tracked], now: datetime
) -> dict[str, datetime]:
    """Forget old keys, but never those of an item that is still open."""
    return {
        key: at
        for key, at in seen.items()
        if now - at < SEEN_RETENTION or key.split(":")[1] in tracked
    }


def to_dict(memory: Memory) -> dict[str, Any]:
    return {
        "initialised": memory.initialised,
        "seen": {key: at.isoformat() for key, at in memory.seen.items()},
        "tracked": {
            item_id: {
                "kind": t.kind.value,
                "name": t.name,
                "status": t.status,
                "level": t.level.key,
                "url": t.url,
                "components": list(t.components),
                "vanished_at": t.vanished_at.isoformat() if t.vanished_at else None,
            }
            for item_id, t in memory.tracked.items()
        },
        "components": {cid: level.key for cid, level in memory.components.items()},
        "filter": list(memory.filter),
        "failures": memory.failures,
        "down": memory.down,
    }


def from_dict(data: Mapping[str, Any]) -> Memory:
    """The inverse of ``to_dict``; raises ``ValueError`` (or ``KeyError``/``TypeError``) on junk."""
    return Memory(
        initialised=bool(data["initialised"]),
        seen={str(k): _time(v) for k, v in dict(data["seen"]).items()},
        tracked={
            str(item_id): Tracked(
                kind=ItemKind(t["kind"]),
                name=str(t["name"]),
                status=str(t["status"]),
                level=Level.from_key(str(t["level"])),
                url=str(t["url"]) if t.get("url") else None,
                components=tuple(str(c) for c in t.get("components", ())),
                vanished_at=_time(t["vanished_at"]) if t.get("vanished_at") else None,
            )
            for item_id, t in dict(data["tracked"]).items()
        },
        components={str(k): Level.from_key(str(v)) for k, v in dict(data["components"]).items()},
        filter=tuple(str(f) for f in data.get("filter", ())),
        failures=int(data.get("failures", 0)),
        down=bool(data.get("down", False)),
    )


def _time(value: Any) -> datetime:
    return aware_time(value)
