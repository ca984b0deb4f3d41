"""Statuspage v2 payloads built in the shape the real Claude page serves.

Component names and ids are those of the recorded ``anthropic-summary-1.json``; the field sets
follow the recorded payloads, so the parser sees what it would see in production.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

PAGE = {
    "id": "tymt9n04zgry",
    "name": "Claude",
    "url": "https://status.claude.com",
    "time_zone": "Etc/UTC",
    "updated_at": "2026-10-07T23:44:53.565Z",
}
COMPONENT_IDS = {
    "claude.ai": "rwppv331jlwc",
    "Claude Console (platform.claude.com)": "0qbwn08sd68x",
    "Claude API (api.anthropic.com)": "k8w3r06qmzrp",
    "Claude Code": "yyzkbfz2thpt",
    "Claude Cowork": "bpp5gb3hpjcl",
    "Claude for Government": "0scnb50nvy53",
}
INDICATOR_BY_LEVEL = {
    "operational": "none",
    "under_maintenance": "maintenance",
    "degraded_performance": "minor",
    "partial_outage": "major",
    "major_outage": "critical",
}
DESCRIPTION = {
    "none": "All Systems Operational",
    "maintenance": "Service Under Maintenance",
    "minor": "Partially Degraded Service",
    "major": "Partial System Outage",
    "critical": "Major System Outage",
}
Update = tuple[str, str, str] | tuple[str, str, str, float]
"""(update id, status, body[, minutes ago]), newest first as the API lists them.

Without the minutes, the n-th update is n minutes old."""


def stamp(moment: datetime | None = None) -> str:
    moment = moment or datetime.now(UTC)
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def component(name: str, status: str = "operational", position: int = 1) -> dict[str, Any]:
    return {
        "id": COMPONENT_IDS.get(name, f"c{abs(hash(name)) % 10**10:010d}"),
        "name": name,
        "status": status,
        "created_at": "2023-07-11T17:52:24.275Z",
        "updated_at": stamp(),
        "position": position,
        "description": None,
        "showcase": True,
        "start_date": "2023-07-11",
        "group_id": None,
        "page_id": PAGE["id"],
        "group": False,
        "only_show_if_degraded": False,
    }


def _updates(item_id: str, updates: Sequence[Update], components: Iterable[str]) -> list[dict]:
    base = datetime.now(UTC)
    affected = [
        {"code": COMPONENT_IDS.get(n, n), "name": n, "old_status": "operational"}
        for n in components
    ]
    return [
        {
            "id": uid,
            "status": status,
            "body": body,
            "incident_id": item_id,
            "created_at": stamp(base - timedelta(minutes=_age(update, index))),
            "updated_at": stamp(base - timedelta(minutes=_age(update, index))),
            "display_at": stamp(base - timedelta(minutes=_age(update, index))),
            "affected_components": [dict(a, new_status="partial_outage") for a in affected] or None,
            "deliver_notifications": True,
            "custom_tweet": None,
            "tweet_id": None,
        }
        for index, update in enumerate(updates)
        for uid, status, body in [update[:3]]
    ]


def _age(update: Update, index: int) -> float:
    return float(update[3]) if len(update) > 3 else float(index)  # type: ignore[misc]


def incident(
    item_id: str,
    name: str,
    *,
    status: str = "investigating",
    impact: str = "minor",
    updates: Sequence[Update] = (),
    components: Sequence[str] = (),
) -> dict[str, Any]:
    now = stamp()
    updates = updates or [(f"{item_id}-u1", status, f"{name}: {status}.")]
    return {
        "id": item_id,
        "name": name,
        "status": status,
        "impact": impact,
        "created_at": now,
        "updated_at": now,
        "monitoring_at": now if status == "monitoring" else None,
        "resolved_at": now if status in ("resolved", "postmortem") else None,
        "started_at": now,
        "shortlink": f"https://stspg.io/{item_id}",
        "page_id": PAGE["id"],
        "incident_updates": _updates(item_id, updates, components),
        "components": [component(n) for n in components],
        "reminder_intervals": None,
    }


def maintenance(
    item_id: str,
    name: str,
    *,
    status: str = "scheduled",
    scheduled_for: datetime | None = None,
    scheduled_until: datetime | None = None,
    updates: Sequence[Update] = (),
    components: Sequence[str] = (),
) -> dict[str, Any]:
    starts = scheduled_for or datetime.now(UTC) + timedelta(hours=2)
    ends = scheduled_until or starts + timedelta(hours=1)
    updates = updates or [(f"{item_id}-{status}", status, f"{name}: {status}.")]
    item = incident(item_id, name, status=status, impact="maintenance", updates=updates)
    item["components"] = [component(n, "under_maintenance") for n in components]
    item.update(scheduled_for=stamp(starts), scheduled_until=stamp(ends))
    item.pop("reminder_intervals")
    return item


def summary(
    components: Mapping[str, str] | None = None,
    incidents: Sequence[dict[str, Any]] = (),
    maintenances: Sequence[dict[str, Any]] = (),
    indicator: str | None = None,
) -> dict[str, Any]:
    """The Claude page with every component operational except those named in ``components``."""
    states = dict.fromkeys(COMPONENT_IDS, "operational") | dict(components or {})
    order = list(INDICATOR_BY_LEVEL)
    worst = max(states.values(), key=lambda s: order.index(s) if s in order else 2)
    indicator = indicator or INDICATOR_BY_LEVEL.get(worst, "minor")
    return {
        "page": PAGE,
        "status": {"indicator": indicator, "description": DESCRIPTION.get(indicator, "")},
        "components": [
            component(name, status, position)
            for position, (name, status) in enumerate(states.items(), start=1)
        ],
        "incidents": list(incidents),
        "scheduled_maintenances": list(maintenances),
    }


def incidents_page(incidents: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """``/api/v2/incidents.json``: the page's recent incidents, resolved ones included."""
    return {"page": PAGE, "incidents": list(incidents)}


def maintenances_page(maintenances: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """``/api/v2/scheduled-maintenances.json``."""
    return {"page": PAGE, "scheduled_maintenances": list(maintenances)}


def atom(items: Sequence[dict[str, Any]], host: str = "status.claude.com") -> bytes:
    """A ``history.atom`` in Statuspage's shape for API-shaped incidents or maintenances.

    Each update becomes a paragraph with its time to the minute (UTC) and its label, newest
    first, as the real feed renders them.
    """
    from html import escape
    from xml.sax.saxutils import escape as xml_escape

    entries = []
    for item in items:
        paragraphs = []
        for update in item["incident_updates"]:
            at = datetime.fromisoformat(update["created_at"].replace("Z", "+00:00"))
            label = update["status"].replace("_", " ").capitalize()
            paragraphs.append(
                f"<p><small>{at:%b} <var data-var='date'>{at.day:2d}</var>, "
                f"<var data-var='time'>{at:%H:%M}</var> UTC</small><br>"
                f"<strong>{label}</strong> - {escape(update['body'])}</p>"
            )
        entries.append(
            "<entry>"
            f"<id>tag:{host},2005:Incident/{abs(hash(item['id'])) % 10**8}</id>"
            f"<published>{item['updated_at']}</published><updated>{item['updated_at']}</updated>"
            f'<link rel="alternate" type="text/html" href="https://{host}/incidents/{item["id"]}"/>'
            f"<title>{xml_escape(item['name'])}</title>"
            f'<content type="html">{xml_escape("".join(paragraphs))}</content>'
            "</entry>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<feed xml:lang="en-US" xmlns="http://www.w3.org/2005/Atom">'
        f"<id>tag:{host},2005:/history</id><title>Claude Status - Incident History</title>"
        f"<updated>{stamp()}</updated>{''.join(entries)}</feed>"
    ).encode()
