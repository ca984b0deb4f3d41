"""incident.io status pages (their public widget API) -> a Statuspage-shaped document.

``GET <page>/api/v1/summary`` lists what is open right now: ``ongoing_incidents``,
``in_progress_maintenances`` and ``scheduled_maintenances``, each with its latest update and the
components it affects. There is no full component list and no update history, so:

* the components shown are the affected ones, with their current status;
* each new ``last_update_at`` is one update (its id is the item's id and that time), which is
  what lets the event diff tell each update exactly once;
* an item that leaves the lists has ended (there is no history endpoint to ask).

Many incident.io pages also serve a Statuspage-compatible ``/api/v2/summary.json``; that one is
preferred where it exists, because it lists every component.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from claude_beacon.core.statuspage import PayloadError, records, text
from claude_beacon.core.text import BODY_LIMIT, clean

DOCUMENT = "/api/v1/summary"
KEYS = ("ongoing_incidents", "in_progress_maintenances", "scheduled_maintenances")
STATUSES: Mapping[str, str] = {
    "operational": "operational",
    "degraded_performance": "degraded_performance",
    "partial_outage": "partial_outage",
    "full_outage": "major_outage",
    "under_maintenance": "under_maintenance",
}
IMPACTS: Mapping[str, str] = {
    "operational": "none",
    "degraded_performance": "minor",
    "partial_outage": "major",
    "full_outage": "critical",
}
MAINTENANCE_STATUSES: Mapping[str, str] = {
    "maintenance_scheduled": "scheduled",
    "maintenance_in_progress": "in_progress",
    "maintenance_complete": "completed",
    "maintenance_completed": "completed",
}


def to_statuspage(data: Mapping[str, Any]) -> dict[str, Any]:
    """A decoded widget summary -> the same facts as a Statuspage ``summary.json``.

    Values this code has never seen are passed on unchanged, so that the Statuspage reader
    counts them cautiously and warns, as it does for its own.
    """
    if not any(key in data for key in KEYS):
        raise PayloadError(f"JSON without any of {', '.join(KEYS)}", challenge=True)
    page_url = text(data.get("page_url"))
    incidents = [_incident(row) for row in records(data.get("ongoing_incidents"))]
    maintenances = [
        _maintenance(row)
        for key in ("in_progress_maintenances", "scheduled_maintenances")
        for row in records(data.get(key))
    ]
    return {
        "page": {"name": text(data.get("page_title")), "url": page_url},
        "components": _components(data),
        "incidents": incidents,
        "scheduled_maintenances": maintenances,
    }


def _components(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The components the open items affect, each once, at its current status."""
    found: dict[str, dict[str, Any]] = {}
    for key in KEYS:
        for item in records(data.get(key)):
            for row in records(item.get("affected_components")):
                component_id = text(row.get("id"))
                if not component_id or component_id in found:
                    continue
                group = text(row.get("group_name"))
                found[component_id] = {
                    "id": component_id,
                    "name": text(row.get("name")) or component_id,
                    "status": _status(row.get("current_status"), key),
                    "group_id": f"group:{group}" if group else None,
                }
                if group:
                    found.setdefault(f"group:{group}", {"id": f"group:{group}", "name": group})
                    found[f"group:{group}"]["group"] = True
    return list(found.values())


def _status(value: Any, where: str) -> str:
    if not value and where != "ongoing_incidents":
        return "under_maintenance" if where == "in_progress_maintenances" else "operational"
    return STATUSES.get(text(value), text(value))


def _incident(row: Mapping[str, Any]) -> dict[str, Any]:
    impact = text(row.get("current_worst_impact"))
    return {
        **_common(row),
        "status": text(row.get("status")),
        "impact": IMPACTS.get(impact, impact),
        "started_at": row.get("started_at") or row.get("created_at"),
    }


def _maintenance(row: Mapping[str, Any]) -> dict[str, Any]:
    status = text(row.get("status"))
    return {
        **_common(row),
        "status": MAINTENANCE_STATUSES.get(status, status),
        "impact": "maintenance",
        "scheduled_for": row.get("starts_at") or row.get("started_at"),
        "scheduled_until": row.get("ends_at") or row.get("scheduled_end_at"),
    }


def _common(row: Mapping[str, Any]) -> dict[str, Any]:
    item_id = text(row.get("id"))
    at = text(row.get("last_update_at"))
    update = {
        "id": f"{item_id}@{at}" if at else "",
        "status": text(row.get("status")),
        "body": clean(row.get("last_update_message"), BODY_LIMIT, newlines=True),
        "created_at": at,
    }
    return {
        "id": item_id,
        "name": text(row.get("name")),
        "shortlink": text(row.get("url")),
        "updated_at": at,
        "incident_updates": [update] if update["id"] else [],
        "components": [
            {"id": text(c.get("id")), "name": text(c.get("name"))}
            for c in records(row.get("affected_components"))
        ],
    }
