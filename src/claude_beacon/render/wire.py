"""The JSON contract of ``status --json``, ``watch --json``, hooks and webhooks.

Field names and meanings are documented in the README; add fields, never rename them.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from claude_beacon.core.impact import incident_fields
from claude_beacon.core.model import Event, Item, Reading, Snapshot
from claude_beacon.core.text import NAME_LIMIT, SHOWN_BODY_LIMIT, cap, json_safe


def dumps(document: Any, indent: int | None = None) -> str:
    """JSON as the commands print it: readable non-ASCII text, but no C1 or bidi control,
    line separator or lone surrogate raw (each is a ``\\uXXXX`` escape)."""
    return json_safe(json.dumps(document, indent=indent, ensure_ascii=False))


def status_json(snapshot: Snapshot) -> dict[str, Any]:
    return {
        "level": snapshot.overall.key,
        "checked_at": _iso(snapshot.at),
        "your_models": list(snapshot.your_models),
        "sources": [_reading_json(snapshot, r) for r in snapshot.readings],
        "error": None,
        "error_kind": None,
    }


PROBLEM_KINDS = ("usage", "settings", "internal")
"""Why ``status`` could not check at all: a bad option, a bad or missing settings file, a bug."""


def problem_json(kind: str, message: str) -> dict[str, Any]:
    """``status --json`` when nothing could be checked: the same object, level ``unknown``, no
    source, and what is wrong in ``error`` (``error_kind`` one of ``PROBLEM_KINDS``)."""
    return {
        "level": "unknown",
        "checked_at": None,
        "your_models": [],
        "sources": [],
        "error": message,
        "error_kind": kind,
    }


def _reading_json(snapshot: Snapshot, reading: Reading) -> dict[str, Any]:
    return {
        "name": reading.source.name,
        "url": reading.source.url,
        "type": reading.source.kind,
        "alternative": reading.source.alternative,
        "level": reading.level.key,
        "description": reading.description,
        "checked_at": _iso(reading.at),
        "components": [
            {"id": c.id, "name": c.name, "group": c.group, "status": c.status, "level": c.level.key}
            for c in reading.components
        ],
        "incidents": [_incident_json(snapshot, reading, i) for i in reading.incidents],
        "maintenances": [_item_json(m) for m in reading.maintenances],
        "error": reading.failure.message if reading.failure else None,
        "warnings": list(reading.warnings),
        "path": reading.path.value,
        "limitations": list(reading.limitations),
    }


def _incident_json(snapshot: Snapshot, reading: Reading, item: Item) -> dict[str, Any]:
    """An incident with the models it names; on an alternative's page they are not Claude's."""
    models: tuple[str, ...] = ()
    any_model, yours = False, None
    if not reading.source.alternative:
        models, any_model, yours = incident_fields(snapshot, item)
    fields = {"models": list(models), "any_model": any_model, "affects_you": yours}
    return {**_item_json(item), **fields}


def _item_json(item: Item) -> dict[str, Any]:
    latest = item.latest
    return {
        "id": item.id,
        "name": item.name,
        "status": item.status,
        "impact": item.impact,
        "level": item.level.key,
        "url": item.url,
        "components": list(item.component_names),
        "started_at": _iso(item.started_at),
        "updated_at": _iso(item.updated_at),
        "scheduled_for": _iso(item.scheduled_for),
        "scheduled_until": _iso(item.scheduled_until),
        "latest_update": None
        if latest is None
        else {
            "status": latest.status,
            "body": cap(latest.body, SHOWN_BODY_LIMIT),
            "at": _iso(latest.at),
        },
    }


def event_json(event: Event) -> dict[str, Any]:
    return {
        "kind": event.kind.value,
        "source": event.source_name,
        "source_url": event.source_key,
        "id": event.subject_id,
        "event_id": event.id,
        "title": cap(event.title, NAME_LIMIT),
        "body": cap(event.body, SHOWN_BODY_LIMIT),
        "level": event.level.key,
        "status": event.status,
        "components": list(event.components),
        "url": event.url,
        "at": _iso(event.at),
        "starts": _iso(event.starts),
        "ends": _iso(event.ends),
        "models": list(event.models),
        "any_model": event.any_model,
        "affects_you": event.affects_you,
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
