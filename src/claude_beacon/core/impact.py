"""What an incident means for this user: is it their model, and what works instead.

The status page writes per model ("Elevated errors on Claude Opus 4.8", often with impact
``none`` and no component); ``core.models`` reads which models an incident names. Here that
meets the user's own models (``Snapshot.your_models``): the events get the fields the JSON
contract carries, and the tooltip, the notification and the guide get one sentence each:
"Opus 4.8 has elevated errors; Sonnet is not affected: /model sonnet".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from claude_beacon.core.model import Event, EventKind, Item, Reading, Snapshot
from claude_beacon.core.modelids import KNOWN_FAMILIES, display_name, same_model, version_of
from claude_beacon.core.models import (
    ModelMention,
    affects,
    read_models,
    switch_advice,
    unaffected_alternatives,
)

MODEL_EVENT_KINDS = frozenset(
    {EventKind.INCIDENT_OPENED, EventKind.INCIDENT_UPDATED, EventKind.INCIDENT_RESOLVED}
)
"""The events whose text is read for models; the early warning names its model itself."""
SWITCH_ORDER = ("sonnet", "opus", "haiku")
"""The families offered to switch to, after the user's own other models."""
OTHER_MODELS_CHOICES = ("quiet", "notify", "silent")
"""``[claude] other_models``: how an incident naming only models not yours notifies."""
_TROUBLE = (
    (re.compile(r"\berr(?:or|ors)\b", re.I), "has elevated errors"),
    (re.compile(r"\blaten|\bslow", re.I), "is slower than usual"),
    (re.compile(r"\bunavailable\b|\boutage\b|\bdown\b", re.I), "is unavailable"),
)


def annotate(event: Event, your_models: Sequence[str], families: frozenset[str]) -> Event:
    """An incident event with the models its title and text name, and whether they are yours."""
    if event.kind not in MODEL_EVENT_KINDS:
        return event
    mention = read_models(event.title, (event.body,) if event.body else (), families)
    return with_mention(event, mention, your_models)


def with_mention(event: Event, mention: ModelMention, your_models: Sequence[str]) -> Event:
    return replace(
        event,
        models=mention.models,
        any_model=mention.any_model,
        affects_you=affects(mention, your_models),
    )


def learned_families(readings: Iterable[Reading], families: frozenset[str]) -> frozenset[str]:
    """Families the open incidents teach that ``families`` does not hold yet."""
    known = families
    for reading in readings:
        if reading.source.alternative:
            continue  # another vendor's "models" are not Claude's
        for item in reading.incidents:
            latest = item.latest
            mention = read_models(item.name, (latest.body,) if latest else (), known)
            known = known | mention.learned
    return known - families


def open_incidents(snapshot: Snapshot) -> tuple[Item, ...]:
    primary = snapshot.primary
    if primary is None or not primary.ok:
        return ()
    return tuple(i for i in primary.incidents if not i.resolved)


def trouble(title: str) -> str:
    """What the title says is wrong, as the rest of a sentence: "has elevated errors"."""
    return next((words for pattern, words in _TROUBLE if pattern.search(title)), "is affected")


def _named_as(mention: ModelMention, yours: str) -> str | None:
    """Your model as the incident names it, the more specific of the two: your alias ``opus``
    and "Opus 4.8" is Opus 4.8; None when the incident does not name it."""
    named = next((m for m in mention.models if same_model(m, yours)), None)
    if named is None:
        return None
    return yours if version_of(named) is None else named


def item_note(snapshot: Snapshot, item: Item) -> str:
    """One sentence on what an open incident means for this user; "" when nothing to say.

    Yours: "Opus 4.8 has elevated errors; Sonnet is not affected: /model sonnet". Only
    other models: "Haiku 4.5 has elevated errors: not your model". Models but none of yours
    known: the models it names, so that a person can judge ("Models named: Opus 4.8").
    """
    mention = item.mention(snapshot.families)
    if not mention.speaks_of_models:
        return ""
    verdict = affects(mention, snapshot.your_models)
    named = ", ".join(display_name(m) for m in mention.models)
    if verdict is None:
        return f"Models named: {named}" if named else "Speaks of Claude models it does not name"
    if verdict is False:
        return f"{named} {trouble(item.name)}: not your model"
    hit = [m for m in snapshot.your_models if affects(mention, (m,))]
    by_name = [n for m in hit if (n := _named_as(mention, m)) is not None]
    if by_name:
        who = " and ".join(dict.fromkeys(display_name(m) for m in by_name))
        sentence = f"{who} {trouble(item.name)}"
    else:
        who = " and ".join(dict.fromkeys(display_name(m) for m in hit))
        sentence = f"{who} may be affected (the incident speaks of models it does not name)"
    advice = switch_hint(snapshot)
    return f"{sentence}; {advice}" if advice else sentence


def switch_hint(snapshot: Snapshot) -> str:
    """The first model no open incident touches: "Sonnet is not affected: /model sonnet"."""
    mentions = [i.mention(snapshot.families) for i in open_incidents(snapshot)]
    candidates = [*snapshot.your_models, *SWITCH_ORDER]
    spared = unaffected_alternatives(mentions, candidates)
    if not spared:
        return ""
    model = spared[0]
    return switch_advice(model, alias=model in KNOWN_FAMILIES)


def model_notes(snapshot: Snapshot) -> tuple[str, ...]:
    """The note of each open incident of the primary page that speaks of models, those on
    your models first: the tooltip and the verdict lead with the first."""
    items = open_incidents(snapshot)
    yours = [i for i in items if snapshot.affects_you(i)]
    notes = (item_note(snapshot, item) for item in (*yours, *(i for i in items if i not in yours)))
    return tuple(dict.fromkeys(n for n in notes if n))


def incident_fields(snapshot: Snapshot, item: Item) -> tuple[tuple[str, ...], bool, bool | None]:
    """An item's ``models``, ``any_model`` and ``affects_you`` as the JSON contract has them."""
    mention = item.mention(snapshot.families)
    return mention.models, mention.any_model, affects(mention, snapshot.your_models)


def event_note(event: Event) -> str:
    """The line a notification adds about models: yours, or not yours."""
    if event.affects_you is None:
        if event.models:
            return "Models named: " + ", ".join(display_name(m) for m in event.models)
        return ""
    if event.affects_you:
        named = ", ".join(display_name(m) for m in event.models)
        return f"Your model: {named}" if named else "May affect your model"
    return "Not your model: " + ", ".join(display_name(m) for m in event.models)
