"""Whether an event may interrupt a person: the one notification rule, pure.

The notification settings pick the kinds and components; each source's alert level picks how
loud it may be: ``all`` tells everything, ``outages`` only incidents that reach a partial or
major outage (their updates and their end included) and the page itself going unreadable or
coming back, ``muted`` nothing. A snooze silences one source, a pause all of them, for a while.
Hooks, webhooks, ``watch`` and the history still see every event: this is about a person.
An incident that names only models that are not the user's (``Event.affects_you`` false)
follows ``[claude] other_models``: ``quiet`` (the default) shows it at low urgency, ``notify``
as any other, ``silent`` not at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from claude_beacon.core.model import Event, EventKind, Level, SourceSpec


class OtherModels(StrEnum):
    """How an incident about other models than yours may interrupt you."""

    QUIET = "quiet"
    NOTIFY = "notify"
    SILENT = "silent"


def quiet(event: Event, other_models: str) -> bool:
    """Whether ``event`` is shown at low urgency: it names only models that are not yours."""
    return event.affects_you is False and other_models == OtherModels.QUIET


class AlertLevel(StrEnum):
    ALL = "all"
    OUTAGES = "outages"
    MUTED = "muted"


ALERT_LEVELS = tuple(level.value for level in AlertLevel)
OUTAGE = Level.PARTIAL_OUTAGE
INCIDENT_KINDS = frozenset(
    {EventKind.INCIDENT_OPENED, EventKind.INCIDENT_UPDATED, EventKind.INCIDENT_RESOLVED}
)
ALWAYS_OUTAGES = frozenset(
    {EventKind.SOURCE_DOWN, EventKind.SOURCE_RECOVERED, EventKind.EARLY_WARNING}
)
DEFAULT_KINDS = frozenset(EventKind) - {EventKind.COMPONENT_CHANGED, EventKind.COMMUNITY_SPIKE}
"""A component change always comes with an incident or maintenance, and the community's pulse
never interrupts on its own: shown only when asked for."""


@dataclass(frozen=True, slots=True)
class NotifyRules:
    """The ``[notifications]`` settings."""

    kinds: frozenset[EventKind] = DEFAULT_KINDS
    components: tuple[str, ...] = ()
    """Only events naming one of these components (or none at all) are shown; empty: all."""

    def wants(self, event: Event) -> bool:
        if event.kind not in self.kinds:
            return False
        if not self.components or not event.components:
            return True
        wanted = {c.casefold() for c in self.components}
        return any(c.casefold() in wanted for c in event.components)


def notifies(event: Event, alerts: str) -> bool:
    """Whether ``event`` may interrupt a person watching its source at ``alerts``."""
    if alerts == AlertLevel.MUTED:
        return False
    if alerts == AlertLevel.OUTAGES:
        if event.kind in ALWAYS_OUTAGES:
            return True
        return event.kind in INCIDENT_KINDS and max(event.level, event.peak) >= OUTAGE
    return True


def should_notify(
    event: Event,
    source: SourceSpec | None,
    rules: NotifyRules,
    snoozes: Mapping[str, datetime],
    pause: datetime | None,
    now: datetime,
    other_models: str = OtherModels.QUIET,
) -> bool:
    """Whether ``event`` becomes a desktop notification now.

    ``source`` is the event's source (``None`` for events of no configured source, such as the
    early warning of a source since removed); ``snoozes`` maps source keys to the end of their
    snooze; ``pause`` is when a global pause ends, if one was set; ``other_models`` is the
    ``[claude] other_models`` setting (see ``quiet`` for the low-urgency case).
    """
    if pause is not None and now < pause:
        return False
    if not rules.wants(event):
        return False
    if event.affects_you is False and other_models == OtherModels.SILENT:
        return False
    if source is None:
        return True
    until = snoozes.get(source.key)
    if until is not None and now < until:
        return False
    return notifies(event, source.alerts)
