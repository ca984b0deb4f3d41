"""Atlassian Statuspage v2 JSON -> the normalised model.

Payloads vary across pages and years (missing keys, ``null`` where a list is expected, enum values
a future API may add), so every field is read defensively. Unknown enum values map to a cautious
level, never to operational, and are reported as warnings for the caller to log.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from claude_beacon.core.model import (
    INCIDENT_STATUSES,
    MAINTENANCE_STATUSES,
    Component,
    Failure,
    FailureKind,
    Item,
    ItemKind,
    Level,
    Reading,
    SourceSpec,
    Update,
    worst,
)
from claude_beacon.core.text import BODY_LIMIT, LINK_LIMIT, NAME_LIMIT, clean

COMPONENT_LEVELS: Mapping[str, Level] = {
    "operational": Level.OPERATIONAL,
    "under_maintenance": Level.MAINTENANCE,
    "degraded_performance": Level.DEGRADED,
    "partial_outage": Level.PARTIAL_OUTAGE,
    "major_outage": Level.MAJOR_OUTAGE,
}
IMPACT_LEVELS: Mapping[str, Level] = {
    "none": Level.OPERATIONAL,
    "maintenance": Level.MAINTENANCE,
    "minor": Level.DEGRADED,
    "major": Level.PARTIAL_OUTAGE,
    "critical": Level.MAJOR_OUTAGE,
}
DOCUMENT_KEYS = ("status", "components", "incidents", "scheduled_maintenances")
DOCUMENT_SHAPE = "a page object, status, components, incidents or scheduled maintenances"
CAUTIOUS_LEVEL = Level.DEGRADED
"""What an enum value this code has never seen counts as: a problem, but not an outage."""
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
"""Times outside these are not a status page's: the field counts as missing. Far dates also
overflow when shown in a local zone (year 9999 east of UTC, year 1 west of it)."""
MAX_DIGITS = 40
"""A longer JSON integer is no count or position a page sends: it reads as ``null``."""


class PayloadError(ValueError):
    """The body is not a Statuspage v2 document.

    ``challenge`` marks a body that is well-formed but not the API's (an HTML page, JSON of
    another shape): what a CDN sends when it challenges an automated client, even with a 200.
    """

    def __init__(self, message: str, challenge: bool = False) -> None:
        super().__init__(message)
        self.challenge = challenge


def decode(body: bytes) -> dict[str, Any]:
    """Bytes -> the top-level JSON object, or ``PayloadError`` saying what was wrong.

    A body that does not even start like JSON (an HTML or text page, an empty answer) is what a
    CDN sends an automated client it blocks; JSON that breaks off is a damaged answer instead.
    """
    head = body[:200].removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    if head.startswith(b"<"):
        raise PayloadError("got an HTML/XML page instead of JSON", challenge=True)
    if not head:
        raise PayloadError("got an empty answer instead of JSON", challenge=True)
    if head[:1].isalpha():
        raise PayloadError("got a text page instead of JSON", challenge=True)
    try:
        data = json.loads(body, parse_int=_bounded_int)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:  # nested too deep
        raise PayloadError(f"invalid JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise PayloadError(f"expected a JSON object, got {type(data).__name__}")
    return data


def _bounded_int(digits: str) -> int | None:
    """A JSON integer, or ``None`` for one too long to be a real field (Python refuses to
    convert more than 4300 digits, and converting fewer still costs quadratic time)."""
    return int(digits) if len(digits) <= MAX_DIGITS else None


def parse_summary(body: bytes | Mapping[str, Any], source: SourceSpec, at: datetime) -> Reading:
    """A ``summary.json`` (or ``status.json`` / ``components.json``) body -> a ``Reading``.

    A body that is not a Statuspage document yields a failed reading, never an exception.
    """
    try:
        data = decode(body) if isinstance(body, bytes) else dict(body)
        if not _is_document(data):
            raise PayloadError(f"JSON without {DOCUMENT_SHAPE}", challenge=True)
    except PayloadError as exc:
        return Reading(source=source, at=at, level=Level.UNKNOWN, failure=payload_failure(exc))
    warnings: list[str] = []
    page = mapping(data.get("page"))
    page_url = clean(page.get("url"), LINK_LIMIT)
    all_components = _components(_list(data.get("components")), warnings)
    components = _watched(all_components, source.components, warnings)
    watched_ids = {c.id for c in components}
    filtered = bool(source.components)

    incidents = tuple(
        item
        for item in parse_items(_list(data.get("incidents")), ItemKind.INCIDENT, warnings, page_url)
        if not item.resolved and _concerns(item, watched_ids, filtered)
    )
    maintenances = tuple(
        item
        for item in parse_items(
            _list(data.get("scheduled_maintenances")), ItemKind.MAINTENANCE, warnings, page_url
        )
        if not item.resolved and _concerns(item, watched_ids, filtered)
    )
    status = mapping(data.get("status"))
    levels = [c.level for c in components]
    levels += [_current_level(i) for i in incidents]
    levels += [Level.MAINTENANCE for m in maintenances if m.in_progress]
    if not all_components and not filtered and "indicator" in status:
        levels.append(_level(IMPACT_LEVELS, status.get("indicator"), "indicator", warnings))
    return Reading(
        source=source,
        at=at,
        level=max(worst(levels), Level.OPERATIONAL),
        description=text(status.get("description")),
        page_name=text(page.get("name")),
        page_url=page_url,
        components=components,
        incidents=incidents,
        maintenances=maintenances,
        warnings=tuple(dict.fromkeys(warnings)),
    )


def _is_document(data: Mapping[str, Any]) -> bool:
    """Whether JSON is a Statuspage document: every one has its ``page``, and one without it
    must still carry status or items. A gateway's ``{"status": "blocked"}`` or an empty
    ``{"incidents": []}`` is not evidence that all is well."""
    if isinstance(data.get("page"), dict):
        return any(key in data for key in DOCUMENT_KEYS)
    status = data.get("status")
    if isinstance(status, dict) and "indicator" in status:
        return True
    return any(isinstance(data.get(key), list) and data[key] for key in DOCUMENT_KEYS[1:])


def payload_failure(exc: PayloadError) -> Failure:
    """Why a body could not be read, as the failure a reading carries."""
    if exc.challenge:
        return Failure(
            FailureKind.BLOCKED, f"the status page blocked this request ({exc}; a CDN challenge?)"
        )
    return Failure(FailureKind.BAD_PAYLOAD, f"not a status page response: {exc}")


def _current_level(incident: Item) -> Level:
    """An incident's weight now: its impact records the peak, so once a fix is being monitored
    it counts as degraded at most (the components, when listed, still say more)."""
    if incident.status == "monitoring":
        return min(incident.level, Level.DEGRADED)
    return incident.level


def parse_items(
    rows: Iterable[Any],
    kind: ItemKind,
    warnings: list[str] | None = None,
    page_url: str = "",
) -> tuple[Item, ...]:
    """The ``incidents`` or ``scheduled_maintenances`` list -> items, resolved ones included."""
    sink: list[str] = [] if warnings is None else warnings
    items = []
    for row in rows:
        if not isinstance(row, Mapping) or not ident(row.get("id")):
            continue
        try:
            items.append(_item(row, kind, sink, page_url))
        except (ValueError, TypeError, OverflowError, ArithmeticError) as exc:
            sink.append(f"one {kind.value} could not be read ({type(exc).__name__}), skipped")
    return tuple(items)


def parse_history(body: bytes) -> tuple[Item, ...]:
    """``incidents.json`` or ``scheduled-maintenances.json`` -> every item in it.

    Used to confirm that an item which left ``summary.json`` was really resolved.
    """
    data = decode(body)
    if "incidents" not in data and "scheduled_maintenances" not in data:
        raise PayloadError("JSON without 'incidents' or 'scheduled_maintenances'")
    page_url = clean(mapping(data.get("page")).get("url"), LINK_LIMIT)
    return parse_items(
        _list(data.get("incidents")), ItemKind.INCIDENT, page_url=page_url
    ) + parse_items(
        _list(data.get("scheduled_maintenances")), ItemKind.MAINTENANCE, page_url=page_url
    )


def _components(rows: Sequence[Any], warnings: list[str]) -> tuple[Component, ...]:
    groups = {
        ident(row.get("id")): text(row.get("name"))
        for row in rows
        if isinstance(row, Mapping) and row.get("group") and ident(row.get("id"))
    }
    ordered = sorted(
        (row for row in rows if isinstance(row, Mapping) and ident(row.get("id"))),
        key=lambda row: (ident(row.get("group_id")), _int(row.get("position"))),
    )
    parents_with_children = {ident(r.get("group_id")) for r in ordered if r.get("group_id")}
    components = []
    for row in ordered:
        component_id = ident(row.get("id"))
        # A group's status only rolls up its children; count the children instead, unless the
        # list was trimmed and the group stands alone.
        if component_id in groups and component_id in parents_with_children:
            continue
        status = text(row.get("status"))
        components.append(
            Component(
                id=component_id,
                name=text(row.get("name")) or component_id,
                level=_level(COMPONENT_LEVELS, status, "component status", warnings),
                status=status,
                group=groups.get(ident(row.get("group_id"))),
            )
        )
    return tuple(components)


def _watched(
    components: tuple[Component, ...], wanted: Sequence[str], warnings: list[str]
) -> tuple[Component, ...]:
    """Keep the components a user chose, matched by id, name or group name (case-insensitive)."""
    if not wanted:
        return components
    keys = {w.casefold().strip() for w in wanted}
    kept = tuple(
        c
        for c in components
        if {c.id.casefold(), c.name.casefold(), (c.group or "").casefold()} & keys
    )
    known = {c.id.casefold() for c in components} | {c.name.casefold() for c in components}
    known |= {(c.group or "").casefold() for c in components}
    for name in sorted(keys - known):
        warnings.append(f"no component named {name!r} on this page")
    return kept


def _concerns(item: Item, watched_ids: set[str], filtered: bool) -> bool:
    """Whether an item touches the watched components; one naming no component always does."""
    return not filtered or not item.component_ids or bool(watched_ids & set(item.component_ids))


def _item(row: Mapping[str, Any], kind: ItemKind, warnings: list[str], page_url: str) -> Item:
    status = text(row.get("status"))
    known = INCIDENT_STATUSES if kind is ItemKind.INCIDENT else MAINTENANCE_STATUSES
    if status not in known:
        warnings.append(f"unknown {kind.value} status {status!r}, treated as unresolved")
    impact = text(row.get("impact")) or ("maintenance" if kind is ItemKind.MAINTENANCE else "")
    components = [c for c in _list(row.get("components")) if isinstance(c, Mapping)]
    updates = sorted(
        (_update(u) for u in _list(row.get("incident_updates")) if isinstance(u, Mapping)),
        key=lambda u: (u.at is not None, u.at or datetime.min),
        reverse=True,
    )
    item_id = ident(row.get("id"))
    return Item(
        id=item_id,
        kind=kind,
        name=text(row.get("name")) or item_id,
        status=status,
        impact=impact,
        level=_level(IMPACT_LEVELS, impact, "impact", warnings),
        url=_link(row, page_url),
        updates=tuple(updates),
        component_ids=tuple(ident(c.get("id")) for c in components if ident(c.get("id"))),
        component_names=tuple(text(c.get("name")) for c in components if c.get("name")),
        started_at=parse_time(row.get("started_at") or row.get("created_at")),
        updated_at=parse_time(row.get("updated_at")),
        scheduled_for=parse_time(row.get("scheduled_for")),
        scheduled_until=parse_time(row.get("scheduled_until")),
    )


def _update(row: Mapping[str, Any]) -> Update:
    return Update(
        id=ident(row.get("id")),
        status=text(row.get("status")),
        body=clean(row.get("body"), BODY_LIMIT, newlines=True),
        at=parse_time(row.get("display_at") or row.get("created_at")),
    )


def _link(row: Mapping[str, Any], page_url: str) -> str | None:
    """The item's public page: its shortlink, else ``<page>/incidents/<id>``; only web links."""
    link = clean(row.get("shortlink"), LINK_LIMIT)
    if not link and page_url:
        link = f"{page_url.rstrip('/')}/incidents/{ident(row.get('id'))}"
    return link if link.startswith(("https://", "http://")) else None


def parse_time(value: Any) -> datetime | None:
    """An ISO-8601 timestamp from 2000 to 2100 -> an aware datetime; anything else -> ``None``."""
    if not isinstance(value, str) or not value or len(value) > 64:
        return None
    try:
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None or not EARLIEST <= parsed < LATEST:
            return None
    except (ValueError, OverflowError):
        return None
    return parsed


def _level(table: Mapping[str, Level], value: Any, what: str, warnings: list[str]) -> Level:
    level = table.get(value) if isinstance(value, str) else None
    if level is None:
        warnings.append(f"unknown {what} {value!r}, counted as {CAUTIOUS_LEVEL.label}")
        return CAUTIOUS_LEVEL
    return level


def mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def records(value: Any) -> list[Mapping[str, Any]]:
    """The JSON objects in what should be a list of them; anything else is skipped."""
    return [row for row in _list(value) if isinstance(row, Mapping)]


def text(value: Any) -> str:
    """A name, title or word from the payload, cleaned and capped; not a string -> ``""``."""
    return clean(value, NAME_LIMIT)


def ident(value: Any) -> str:
    """An id as text: a string or a (bounded) number, cleaned and capped; else ``""``."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return clean(str(value), NAME_LIMIT)
    return clean(value, NAME_LIMIT)


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0
