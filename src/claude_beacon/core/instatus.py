"""Instatus status pages -> a Statuspage-shaped document.

An Instatus page publishes ``<page>/summary.json`` (the page's state, ``activeIncidents`` and
``activeMaintenances``) and ``<page>/v2/components.json`` (every component). Enum values are
upper case without separators (``PARTIALOUTAGE``); times are ISO 8601, or on older pages a
JavaScript date string (``Sat Jun 11 2022 18:55:50 GMT+0000 (Coordinated Universal Time)``).
There is no update text and no history: each new ``updatedAt`` (or status) is one update, and
an item that leaves the lists has ended.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from claude_beacon.core.statuspage import PayloadError, mapping, parse_time, records, text

SUMMARY = "/summary.json"
COMPONENTS = "/v2/components.json"
COMPONENT_STATUSES: Mapping[str, str] = {
    "OPERATIONAL": "operational",
    "UNDERMAINTENANCE": "under_maintenance",
    "DEGRADEDPERFORMANCE": "degraded_performance",
    "PARTIALOUTAGE": "partial_outage",
    "MINOROUTAGE": "partial_outage",
    "MAJOROUTAGE": "major_outage",
}
IMPACTS: Mapping[str, str] = {
    "OPERATIONAL": "none",
    "DEGRADEDPERFORMANCE": "minor",
    "MINOROUTAGE": "minor",
    "PARTIALOUTAGE": "major",
    "MAJOROUTAGE": "critical",
}
PAGE_INDICATORS: Mapping[str, str] = {
    "UP": "none",
    "HASISSUES": "minor",
    "UNDERMAINTENANCE": "maintenance",
}
PAGE_DESCRIPTIONS: Mapping[str, str] = {
    "UP": "All Systems Operational",
    "HASISSUES": "Some systems have issues",
    "UNDERMAINTENANCE": "Under maintenance",
}
MAINTENANCE_STATUSES: Mapping[str, str] = {
    "NOTSTARTEDYET": "scheduled",
    "INPROGRESS": "in_progress",
    "COMPLETED": "completed",
}
ACTIVE = ("activeIncidents", "activeMaintenances")
JS_DATE = re.compile(r"^\w{3} (\w{3} \d{1,2} \d{4} \d{2}:\d{2}:\d{2}) GMT([+-]\d{4})")


def to_statuspage(summary: Mapping[str, Any], components: Any = None) -> dict[str, Any]:
    """A decoded ``summary.json`` (and ``components.json``, when it could be read) -> the facts
    of a Statuspage ``summary.json``. Unknown values pass through, to be counted cautiously."""
    page = mapping(summary.get("page"))
    if "status" not in page and not any(k in summary for k in ACTIVE):
        raise PayloadError("JSON without page.status, activeIncidents or activeMaintenances", True)
    state = text(page.get("status"))
    return {
        "page": {"name": text(page.get("name")), "url": text(page.get("url"))},
        "status": {
            "indicator": PAGE_INDICATORS.get(state, state.lower()),
            "description": PAGE_DESCRIPTIONS.get(state, ""),
        },
        "components": _components(components),
        "incidents": [_incident(row) for row in records(summary.get("activeIncidents"))],
        "scheduled_maintenances": [
            _maintenance(row) for row in records(summary.get("activeMaintenances"))
        ],
    }


def _components(document: Any) -> list[dict[str, Any]]:
    listed = document.get("components") if isinstance(document, Mapping) else document
    found: list[dict[str, Any]] = []
    groups: dict[str, str] = {}
    for row in records(listed):
        group = mapping(row.get("group"))
        group_id = text(group.get("id")) or None
        if group_id:
            groups[group_id] = text(group.get("name")) or group_id
        status = text(row.get("status"))
        found.append(
            {
                "id": text(row.get("id")) or text(row.get("name")),
                "name": text(row.get("name")).strip(),
                "status": COMPONENT_STATUSES.get(status, status.lower()),
                "group_id": group_id,
            }
        )
    for row in found:  # a component that others name as their group is a group
        row["group"] = row["id"] in groups
    ids = {row["id"] for row in found}
    found += [
        {"id": gid, "name": name, "group": True} for gid, name in groups.items() if gid not in ids
    ]
    return [row for row in found if row["id"]]


def _incident(row: Mapping[str, Any]) -> dict[str, Any]:
    status = text(row.get("status"))
    impact = text(row.get("impact"))
    return {
        **_common(row, status.lower()),
        "status": status.lower(),
        "impact": IMPACTS.get(impact, impact.lower()),
        "started_at": _time(row.get("started")),
    }


def _maintenance(row: Mapping[str, Any]) -> dict[str, Any]:
    status = text(row.get("status"))
    status = MAINTENANCE_STATUSES.get(status, status.lower())
    start = parse_time(_time(row.get("start")))
    minutes = _minutes(row.get("duration"))
    return {
        **_common(row, status),
        "status": status,
        "impact": "maintenance",
        "scheduled_for": start.isoformat() if start else None,
        "scheduled_until": (start + timedelta(minutes=minutes)).isoformat()
        if start and minutes
        else None,
    }


def _common(row: Mapping[str, Any], status: str) -> dict[str, Any]:
    item_id = text(row.get("id")) or text(row.get("url")) or text(row.get("name"))
    at = _time(row.get("updatedAt")) or _time(row.get("started")) or _time(row.get("start"))
    return {
        "id": item_id,
        "name": text(row.get("name")),
        "shortlink": text(row.get("url")),
        "updated_at": at,
        "incident_updates": [
            {
                "id": f"{item_id}@{at or ''}:{status}",
                "status": status,
                "body": status.replace("_", " ").capitalize(),
                "created_at": at,
            }
        ],
    }


def _time(value: Any) -> str | None:
    """ISO 8601 as it is; a JavaScript date string turned into ISO 8601; else ``None``."""
    value = text(value)
    if parse_time(value):
        return str(value)
    found = JS_DATE.match(value)
    if not found:
        return None
    try:
        at = datetime.strptime(f"{found.group(1)} {found.group(2)}", "%b %d %Y %H:%M:%S %z")
    except ValueError:
        return None
    return at.astimezone(UTC).isoformat()


def _minutes(value: Any) -> float:
    try:
        minutes = float(value)
    except (TypeError, ValueError):
        return 0.0
    return minutes if 0 < minutes < 60 * 24 * 366 else 0.0
