"""The normalised, immutable health model every other part of claude-beacon speaks.

Values here cross threads freely: every type is a frozen dataclass or an enum.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum, IntEnum, StrEnum

from claude_beacon.core.modelids import KNOWN_FAMILIES
from claude_beacon.core.urls import redact

TYPE_CHECKING = False
if TYPE_CHECKING:
    from claude_beacon.core.models import ModelMention


class Level(IntEnum):
    """Health, ordered so that the worst of several is their ``max``.

    ``UNKNOWN`` sorts below everything: it means "could not be read", and a known level always
    says more than an unknown one.
    """

    UNKNOWN = -1
    OPERATIONAL = 0
    MAINTENANCE = 1
    DEGRADED = 2
    PARTIAL_OUTAGE = 3
    MAJOR_OUTAGE = 4

    @property
    def key(self) -> str:
        """The stable machine name: ``partial_outage``."""
        return self.name.lower()

    @property
    def label(self) -> str:
        """The words a person reads: ``partial outage``."""
        return self.name.lower().replace("_", " ")

    @property
    def phrase(self) -> str:
        """The rest of a sentence about something at this level: "has a major outage".

        A label is a noun for some levels and an adjective for others, so "is" + label reads
        wrong ("is major outage"); this is what goes after a name instead."""
        return _PHRASES[self][0]

    @property
    def past_phrase(self) -> str:
        """As ``phrase``, in the past: "had a major outage", "was degraded"."""
        return _PHRASES[self][1]

    @classmethod
    def from_key(cls, key: str) -> Level:
        return cls[key.upper()]


_PHRASES = {
    Level.UNKNOWN: ("is in an unknown state", "was in an unknown state"),
    Level.OPERATIONAL: ("is operational", "was operational"),
    Level.MAINTENANCE: ("is under maintenance", "was under maintenance"),
    Level.DEGRADED: ("is degraded", "was degraded"),
    Level.PARTIAL_OUTAGE: ("has a partial outage", "had a partial outage"),
    Level.MAJOR_OUTAGE: ("has a major outage", "had a major outage"),
}


def aware_time(value: object) -> datetime:
    """An ISO 8601 time with its offset, as this product writes them; ``ValueError`` on
    anything else (a time without a zone would be read in whatever zone the machine is in)."""
    parsed = datetime.fromisoformat(str(value))
    if parsed.tzinfo is None:
        raise ValueError(f"timestamp without a time zone: {value!r}")
    return parsed


def worst(levels: Iterable[Level]) -> Level:
    """The worst known level, or ``UNKNOWN`` when nothing is known."""
    return max(levels, default=Level.UNKNOWN)


class ItemKind(Enum):
    INCIDENT = "incident"
    MAINTENANCE = "maintenance"


INCIDENT_STATUSES = frozenset(
    {"investigating", "identified", "monitoring", "resolved", "postmortem"}
)
MAINTENANCE_STATUSES = frozenset({"scheduled", "in_progress", "verifying", "completed"})
"""Statuspage's documented value sets, defined once for every reader."""
RESOLVED_STATUSES = frozenset({"resolved", "postmortem", "completed"})
IN_PROGRESS_MAINTENANCE = frozenset({"in_progress", "verifying"})


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """A status source as configured: data, not behaviour."""

    name: str
    url: str
    kind: str = "statuspage"
    components: tuple[str, ...] = ()
    fallbacks: tuple[str, ...] = ()
    """Other base URLs serving the same page's API (its statuspage.io alias), tried in order."""
    alerts: str = "all"
    """Which of its events notify: ``all``, only ``outages``, or none (``muted``)."""
    alternative: bool = False
    """A service to switch to while Claude is down: the guide says whether it is up."""

    @property
    def key(self) -> str:
        """Identity used for persisted state: the URL, which outlives a renamed source; without
        its credentials, as it is stored and sent."""
        return redact(self.url).rstrip("/").lower()


def primary_of(sources: Iterable[SourceSpec]) -> SourceSpec | None:
    """The source the verdict, ``wait`` and "Open status page" are about: the first that is
    not an alternative (Claude, unless the user chose otherwise), else the first at all."""
    listed = list(sources)
    return next((s for s in listed if not s.alternative), listed[0] if listed else None)


@dataclass(frozen=True, slots=True)
class Component:
    id: str
    name: str
    level: Level
    status: str
    group: str | None = None


@dataclass(frozen=True, slots=True)
class Update:
    id: str
    status: str
    body: str
    at: datetime | None
    approximate_time: bool = False
    """From a feed: its time is the whole minute a person wrote, not the API's exact one."""


@dataclass(frozen=True, slots=True)
class Item:
    """An incident or a scheduled maintenance."""

    id: str
    kind: ItemKind
    name: str
    status: str
    impact: str
    level: Level
    url: str | None
    updates: tuple[Update, ...] = ()
    component_ids: tuple[str, ...] = ()
    component_names: tuple[str, ...] = ()
    started_at: datetime | None = None
    updated_at: datetime | None = None
    scheduled_for: datetime | None = None
    scheduled_until: datetime | None = None

    @property
    def latest(self) -> Update | None:
        """The newest update (``updates`` is kept newest first)."""
        return self.updates[0] if self.updates else None

    @property
    def resolved(self) -> bool:
        return self.status in RESOLVED_STATUSES

    @property
    def in_progress(self) -> bool:
        """For a maintenance: its window has begun and it is not completed."""
        return self.status in IN_PROGRESS_MAINTENANCE

    def mention(self, families: frozenset[str] = KNOWN_FAMILIES) -> ModelMention:
        """The models its title and newest update speak of: what is affected now."""
        from claude_beacon.core.models import read_models  # its patterns load on first use

        latest = self.latest
        return read_models(self.name, (latest.body,) if latest else (), families)


class ReadPath(StrEnum):
    """How a reading was made: the page's own API, the same API at its other address, or its
    history feed (incidents and maintenance only, no component states)."""

    API = "api"
    ALIAS = "alias"
    FEED = "feed"


class FailureKind(Enum):
    CONNECT = "connect"
    TIMEOUT = "timeout"
    TLS = "tls"
    HTTP_STATUS = "http_status"
    BLOCKED = "blocked"
    BAD_PAYLOAD = "bad_payload"
    TOO_LARGE = "too_large"


@dataclass(frozen=True, slots=True)
class Failure:
    """Why a source could not be read. Network trouble is a value, never an exception."""

    kind: FailureKind
    message: str
    retry_after: float | None = None
    status_code: int | None = None


@dataclass(frozen=True, slots=True)
class Reading:
    """What one source said in one poll, already filtered to the components the user watches."""

    source: SourceSpec
    at: datetime
    level: Level
    description: str = ""
    page_name: str = ""
    page_url: str = ""
    components: tuple[Component, ...] = ()
    incidents: tuple[Item, ...] = ()
    maintenances: tuple[Item, ...] = ()
    failure: Failure | None = None
    warnings: tuple[str, ...] = ()
    path: ReadPath = ReadPath.API
    """How it was read: its API, its other host's, or its feed."""
    limitations: tuple[str, ...] = ()
    """What this reading could not know, in words a person reads."""
    page_base: str = ""
    """The base URL the reading came from, where the page's other documents are asked for."""

    @property
    def ok(self) -> bool:
        return self.failure is None

    @property
    def from_feed(self) -> bool:
        """Read from the history feed: no component states, and only the feed's recent items."""
        return self.path is ReadPath.FEED

    @property
    def problem_components(self) -> tuple[Component, ...]:
        return tuple(c for c in self.components if c.level > Level.OPERATIONAL)


def failed_reading(source: SourceSpec, at: datetime, failure: Failure) -> Reading:
    return Reading(source=source, at=at, level=Level.UNKNOWN, failure=failure)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Every source's latest reading at one moment: the one thing handed between threads."""

    at: datetime
    readings: tuple[Reading, ...] = ()
    your_models: tuple[str, ...] = ()
    """This user's Claude models (canonical names), most specific first; empty: not known."""
    families: frozenset[str] = KNOWN_FAMILIES
    """The model families known when it was taken, the learned ones included."""

    def affects_you(self, item: Item) -> bool | None:
        """Whether an incident touches one of your models (see ``core.models.affects``)."""
        from claude_beacon.core.models import affects

        return affects(item.mention(self.families), self.your_models)

    def shown_level(self, reading: Reading) -> Level:
        """A reading's level as shown to this user: at least degraded while an open incident
        of the primary page touches one of their models, whatever impact the page gave it."""
        primary = self.primary
        if primary is None or reading.source != primary.source or not reading.ok:
            return reading.level
        if any(not i.resolved and self.affects_you(i) for i in reading.incidents):
            return max(reading.level, Level.DEGRADED)
        return reading.level

    @property
    def primary(self) -> Reading | None:
        """The reading of the primary source (see ``primary_of``), once it has one."""
        chosen = primary_of(r.source for r in self.readings)
        return next((r for r in self.readings if r.source == chosen), None)

    @property
    def overall(self) -> Level:
        """The answer to "is Claude all right?": unknown whenever the primary page could not be
        read, since another page being fine says nothing about Claude; else ``level``, raised
        to degraded while an open incident touches one of your models (``shown_level``)."""
        primary = self.primary
        if primary is None or not primary.ok:
            return Level.UNKNOWN
        return max(self.level, self.shown_level(primary))

    @property
    def level(self) -> Level:
        """The worst of the watched pages; alternatives to Claude only count if nothing else is.

        An alternative is watched to know whether one can switch to it: its outage must not
        turn the icon red, fail ``status`` or keep ``wait`` waiting while Claude is fine.
        """
        counted = [r for r in self.readings if not r.source.alternative] or self.readings
        return worst(r.level for r in counted)


class EventKind(Enum):
    INCIDENT_OPENED = "incident_opened"
    INCIDENT_UPDATED = "incident_updated"
    INCIDENT_RESOLVED = "incident_resolved"
    MAINTENANCE_SCHEDULED = "maintenance_scheduled"
    MAINTENANCE_STARTED = "maintenance_started"
    MAINTENANCE_COMPLETED = "maintenance_completed"
    COMPONENT_CHANGED = "component_changed"
    SOURCE_DOWN = "source_down"
    SOURCE_RECOVERED = "source_recovered"
    EARLY_WARNING = "early_warning"
    """Claude fails from here while its status page is green: raised by the diagnostics."""
    COMMUNITY_SPIKE = "community_spike"
    """Many more public posts than usual speak of an outage: shown and recorded, not notified."""


@dataclass(frozen=True, slots=True)
class Event:
    """Something worth telling a person, produced exactly once."""

    kind: EventKind
    source_name: str
    source_key: str
    subject_id: str
    title: str
    body: str = ""
    level: Level = Level.UNKNOWN
    url: str | None = None
    at: datetime | None = None
    components: tuple[str, ...] = field(default=())
    status: str = ""
    starts: datetime | None = None
    ends: datetime | None = None
    """A maintenance's planned window."""
    peak: Level = Level.UNKNOWN
    """For an item that ended: the worst level it was at while open."""
    models: tuple[str, ...] = ()
    """The models it names (canonical names): an incident's, or the early warning's."""
    any_model: bool = False
    """Whether it speaks of models it does not name ("many models", "all models")."""
    affects_you: bool | None = None
    """Whether it touches one of your models; None: no model of yours known, or none spoken of."""

    @property
    def id(self) -> str:
        """Stable identity, the same in every sink and after a restart: receivers dedupe by it.

        The core emits an event once per thing it tells, at the moment it first saw it, so the
        source, kind, subject and that moment name it uniquely.
        """
        moment = self.at.isoformat() if self.at else ""
        return f"{self.source_key}|{self.kind.value}|{self.subject_id}|{moment}"
