"""Which of a source's events notify, by the alert level chosen for that source.

``all`` tells everything the notification settings let through; ``outages`` only incidents
that reach a partial or major outage (their updates and their end included) and the page
itself going unreadable or coming back; ``muted`` nothing. Hooks, webhooks, ``watch`` and
the history still see every event: alert levels are about interrupting a person.
"""

from __future__ import annotations

from claude_beacon.core.model import Event, EventKind, Level

ALERT_LEVELS = ("all", "outages", "muted")
OUTAGE = Level.PARTIAL_OUTAGE
INCIDENT_KINDS = frozenset(
    {EventKind.INCIDENT_OPENED, EventKind.INCIDENT_UPDATED, EventKind.INCIDENT_RESOLVED}
)
ALWAYS_OUTAGES = frozenset(
    {EventKind.SOURCE_DOWN, EventKind.SOURCE_RECOVERED, EventKind.EARLY_WARNING}
)


def notifies(event: Event, alerts: str) -> bool:
    """Whether ``event`` may interrupt a person watching its source at ``alerts``."""
    if alerts == "muted":
        return False
    if alerts == "outages":
        if event.kind in ALWAYS_OUTAGES:
            return True
        return event.kind in INCIDENT_KINDS and max(event.level, event.peak) >= OUTAGE
    return True
