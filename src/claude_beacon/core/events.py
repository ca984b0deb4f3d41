"""Diff a new reading against what was remembered: the events, each reported exactly once.

Exactly-once rests on keys kept in ``Memory.seen``: ``o:<item>`` (opened), ``u:<item>:<update>``
(each incident update), ``r:<item>:<update>`` (resolved), ``m:<item>:<stage>`` (maintenance
stages). A key is written in the same step that produces its event, so a persisted memory never
repeats one. A failed reading produces no item events: an unreadable page is never "resolved".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from claude_beacon.core.memory import Memory, Tracked, prune
from claude_beacon.core.model import (
    Event,
    EventKind,
    Item,
    ItemKind,
    Level,
    Reading,
    Update,
)

CONFIRMATION_PATIENCE = timedelta(minutes=15)
"""How long an item that left the summary waits for the history to confirm how it ended."""
GONE_BODY = "No longer listed as open on the status page."


@dataclass(frozen=True, slots=True)
class Diff:
    events: tuple[Event, ...]
    memory: Memory


def needs_confirmation(memory: Memory, reading: Reading) -> frozenset[ItemKind]:
    """Kinds of items that left the summary and whose ending only the history can tell.

    A maintenance that left while in progress has completed; one that left while merely
    scheduled may have completed or been cancelled, and an incident may have been resolved or
    deleted: for those the caller fetches ``incidents.json`` / ``scheduled-maintenances.json``.
    """
    if not reading.ok or not memory.initialised:
        return frozenset()
    present = {i.id for i in (*reading.incidents, *reading.maintenances)}
    return frozenset(
        t.kind
        for item_id, t in memory.tracked.items()
        if item_id not in present and not (t.kind is ItemKind.MAINTENANCE and _started(t))
    )


def diff(
    memory: Memory,
    reading: Reading,
    now: datetime,
    history: Mapping[str, Item] | None = None,
    down_after: int = 3,
) -> Diff:
    """The events between ``memory`` and ``reading``, and the memory that includes them.

    ``history`` maps item ids to items from the page's history endpoints, when the caller fetched
    them because ``needs_confirmation`` asked; ``None`` means it is not available (yet).
    ``down_after`` consecutive failed readings make one ``source_down`` event.
    """
    if not reading.ok:
        return _failed(memory, reading, now, down_after)
    step = _Step(memory, reading, now)
    if memory.down:
        step.emit(EventKind.SOURCE_RECOVERED, "", "Status page readable again", Level.OPERATIONAL)
    step.components()
    for item in reading.incidents:
        step.incident(item)
    for item in reading.maintenances:
        step.maintenance(item)
    step.departures(history)
    seen = prune(step.seen, step.tracked, now)
    new_memory = Memory(
        initialised=True,
        seen=seen,
        tracked=step.tracked,
        # The feed knows no component states: keep the last known ones to compare with later.
        components=(
            dict(memory.components)
            if reading.from_feed
            else {c.id: c.level for c in reading.components}
        ),
        filter=reading.source.components,
        failures=0,
        down=False,
    )
    return Diff(tuple(step.events), new_memory)


def _failed(memory: Memory, reading: Reading, now: datetime, down_after: int) -> Diff:
    failures = memory.failures + 1
    events: tuple[Event, ...] = ()
    if failures >= down_after and not memory.down:
        failure = reading.failure
        events = (
            Event(
                kind=EventKind.SOURCE_DOWN,
                source_name=reading.source.name,
                source_key=reading.source.key,
                subject_id="",
                title="Status page unreadable",
                body=failure.message if failure else "",
                level=Level.UNKNOWN,
                url=reading.source.url,
                at=now,
            ),
        )
    down = memory.down or bool(events)
    return Diff(events, replace(memory, failures=failures, down=down))


class _Step:
    """The mutable working set of one diff; never escapes ``diff``."""

    def __init__(self, memory: Memory, reading: Reading, now: datetime) -> None:
        self.memory = memory
        self.reading = reading
        self.now = now
        self.seen: dict[str, datetime] = dict(memory.seen)
        self.events: list[Event] = []
        present = {i.id for i in (*reading.incidents, *reading.maintenances)}
        # After the user changes the component filter, items outside it leave quietly.
        filter_changed = memory.initialised and memory.filter != reading.source.components
        self.tracked: dict[str, Tracked] = {
            k: t for k, t in memory.tracked.items() if not filter_changed or k in present
        }

    def emit(
        self,
        kind: EventKind,
        subject_id: str,
        title: str,
        level: Level,
        body: str = "",
        url: str | None = None,
        components: tuple[str, ...] = (),
        status: str = "",
        window: tuple[datetime | None, datetime | None] = (None, None),
        peak: Level = Level.UNKNOWN,
    ) -> None:
        self.events.append(
            Event(
                kind=kind,
                source_name=self.reading.source.name,
                source_key=self.reading.source.key,
                subject_id=subject_id,
                title=title,
                body=body,
                level=level,
                url=url or self.reading.page_url or self.reading.source.url,
                at=self.now,
                components=components,
                status=status,
                starts=window[0],
                ends=window[1],
                peak=peak,
            )
        )

    def first_time(self, key: str) -> bool:
        """Record ``key``; true when it was not recorded before."""
        if key in self.seen:
            return False
        self.seen[key] = self.now
        return True

    def components(self) -> None:
        if not self.memory.initialised:
            return
        for component in self.reading.components:
            before = self.memory.components.get(component.id)
            if before is not None and before != component.level:
                self.emit(
                    EventKind.COMPONENT_CHANGED,
                    component.id,
                    f"{component.name} {component.level.phrase}",
                    component.level,
                    body=f"It {before.past_phrase} before.",
                    components=(component.name,),
                    status=component.status,
                )

    def incident(self, item: Item) -> None:
        self.tracked[item.id] = _track(item)
        fresh = [u for u in item.updates if u.id and not self.reported(item.id, u)]
        if self.first_time(f"o:{item.id}"):
            self.record(item.id, item.updates)
            self._item_event(EventKind.INCIDENT_OPENED, item, _latest_body(item))
            return
        if not fresh:
            return
        self.record(item.id, item.updates)
        self._item_event(EventKind.INCIDENT_UPDATED, item, fresh[0].body, fresh[0].status)

    def reported(self, item_id: str, update: Update) -> bool:
        """Whether this update was told before, through this path or the other one.

        The API and the feed name updates differently; the feed's times are whole minutes of
        the API's. So each update also records its minute, by path, and an update matches one
        the other path told within a minute of it.
        """
        if f"u:{item_id}:{update.id}" in self.seen:
            return True
        if update.at is None:
            return False
        other = "ta" if update.approximate_time else "tf"
        minute = update.at.replace(second=0, microsecond=0)
        return any(
            f"{other}:{item_id}:{minute + timedelta(minutes=step):%Y%m%d%H%M}" in self.seen
            for step in (-1, 0, 1)
        )

    def record(self, item_id: str, updates: tuple[Update, ...]) -> None:
        for update in updates:
            if not update.id:
                continue
            self.first_time(f"u:{item_id}:{update.id}")
            if update.at is not None:
                path = "tf" if update.approximate_time else "ta"
                self.first_time(f"{path}:{item_id}:{update.at:%Y%m%d%H%M}")

    def maintenance(self, item: Item) -> None:
        self.tracked[item.id] = _track(item)
        if item.in_progress:
            self.first_time(f"m:{item.id}:scheduled")
            if self.first_time(f"m:{item.id}:started"):
                self._item_event(EventKind.MAINTENANCE_STARTED, item, _latest_body(item))
        elif self.first_time(f"m:{item.id}:scheduled"):
            self._item_event(EventKind.MAINTENANCE_SCHEDULED, item, _latest_body(item))

    def departures(self, history: Mapping[str, Item] | None) -> None:
        present = {i.id for i in (*self.reading.incidents, *self.reading.maintenances)}
        for item_id, tracked in list(self.tracked.items()):
            if item_id in present:
                continue
            if self.reading.from_feed and (history is None or item_id not in history):
                continue  # a feed holds only its latest entries: its silence proves nothing
            if tracked.kind is ItemKind.MAINTENANCE and _started(tracked):
                self._ended(item_id, tracked, None)
                continue
            known = history.get(item_id) if history is not None else None
            if history is not None and (known is None or known.resolved):
                self._ended(item_id, tracked, known)
                continue
            vanished_at = tracked.vanished_at or self.now
            if self.now - vanished_at > CONFIRMATION_PATIENCE:
                if tracked.kind is ItemKind.INCIDENT and history is None:
                    self._ended(item_id, tracked, None)
                else:
                    del self.tracked[item_id]  # the history says it is still open: stop waiting
            else:
                self.tracked[item_id] = replace(tracked, vanished_at=vanished_at)

    def _ended(self, item_id: str, tracked: Tracked, final: Item | None) -> None:
        """Announce the end of an item that left the summary, once."""
        del self.tracked[item_id]
        latest = final.latest if final else None
        body = latest.body if latest else GONE_BODY
        url = (final.url if final else None) or tracked.url
        if tracked.kind is ItemKind.INCIDENT:
            key = f"r:{item_id}:{latest.id if latest else ''}"
            kind = EventKind.INCIDENT_RESOLVED
            status = final.status if final else "resolved"
        else:
            if final is None and not _started(tracked):
                return  # a scheduled maintenance gone without trace was cancelled
            key = f"m:{item_id}:completed"
            kind = EventKind.MAINTENANCE_COMPLETED
            status = "completed"
        if final is not None:
            self.record(item_id, final.updates)
        if self.first_time(key):
            self.emit(
                kind,
                item_id,
                tracked.name,
                Level.OPERATIONAL,
                body,
                url,
                tracked.components,
                status,
                peak=tracked.level,
            )

    def _item_event(self, kind: EventKind, item: Item, body: str, status: str = "") -> None:
        self.emit(
            kind,
            item.id,
            item.name,
            item.level,
            body,
            item.url,
            item.component_names,
            status or item.status,
            (item.scheduled_for, item.scheduled_until),
        )


def _track(item: Item) -> Tracked:
    return Tracked(
        kind=item.kind,
        name=item.name,
        status=item.status,
        level=item.level,
        url=item.url,
        components=item.component_names,
    )


def _started(tracked: Tracked) -> bool:
    return tracked.status in {"in_progress", "verifying"}


def _latest_body(item: Item) -> str:
    latest = item.latest
    return latest.body if latest else ""
