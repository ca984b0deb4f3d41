"""Which models an incident speaks of, read from its title and updates, and whether that is you.

The Claude status page is written per model, mostly in the incident's title: "Elevated errors on
Claude Opus 4.6", "Sonnet 4.6 and Opus 4.6 elevated error rate", "Elevated errors across many
models". The reader finds the models named (canonical names, see ``core.modelids``) and whether
the text also speaks of models it does not name ("several models", "all models", "and other
models").

Families are learned, not listed: a known family is recognised with or without "Claude" ("Opus
4.8", "opus 4.7", "Claude 4 Opus"); a new one is recognised when the page first writes it as
"Claude <Word> <version>" ("Claude Mythos 5") or as an id (``claude-mythos-5``), and is returned
in ``learned`` for the caller to keep and pass back, so that "Mythos 5" or a bare "Mythos" is
recognised afterwards. Nothing here keeps state between calls.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from enum import StrEnum

from claude_beacon.core.modelids import (
    KNOWN_FAMILIES,
    UNNAMED_FAMILY,
    canonical_model,
    could_be_family,
    covers,
    display_name,
    family_of,
    match_family,
    model_command,
    same_model,
    version_text,
)


class Scope(StrEnum):
    """How the text speaks of models it does not name, widest first."""

    ALL = "all"  # "across all models"
    MANY = "many"  # "many models", "multiple models", "most models"
    SEVERAL = "several"  # "several models", "various models"
    UNNAMED = "unnamed"  # "some models", "Claude models", "across models"
    OTHER = "other"  # "…, Claude Haiku 4.5, and other models", "models other than Opus 4.6"


_WIDTH = {scope: rank for rank, scope in enumerate(Scope)}


@dataclass(frozen=True, slots=True)
class ModelMention:
    models: tuple[str, ...] = ()
    """Canonical names in the order first named, each once: ``("opus-4.8", "haiku-4.5")``."""
    scope: Scope | None = None
    """The widest way the text speaks of models it does not name, if it does."""
    learned: frozenset[str] = frozenset()
    """Families this text taught that the reader was not given: keep them for the next call."""
    excluded: tuple[str, ...] = ()
    """Models the text says are spared: "models other than Claude Opus 4.6", "non-Opus models"."""

    @property
    def any_model(self) -> bool:
        """Whether models beyond those named may be affected."""
        return self.scope is not None

    @property
    def speaks_of_models(self) -> bool:
        return bool(self.models or self.scope or self.excluded)


_QUAL = r"(?:(?:of\s+)?(?:the\s+|our\s+)?(?:claude\s+|anthropic\s+|frontier\s+)?)"
_SCOPES = (
    (Scope.ALL, rf"\b(?:all|every|each)\s+{_QUAL}models?\b"),
    (Scope.MANY, rf"\b(?:many|most|multiple|numerous)\s+{_QUAL}models\b"),
    (
        Scope.SEVERAL,
        rf"\b(?:several|various|a\s+few|a\s+number|a\s+subset|a\s+handful)\s+{_QUAL}models\b",
    ),
    (Scope.OTHER, rf"\bother\s+{_QUAL}models\b|\bmodels\s+other\s+than\b|\bnon-?[a-z]+\s+models\b"),
    (
        Scope.UNNAMED,
        rf"(?:\b(?:some|certain|select|specific)\s+{_QUAL}models"
        r"|\b(?:claude|anthropic|to|across|on|for)\s+models"
        r"|\bclaude\s+\d+(?:\.\d+)?\s+(?:models|family))\b(?!\s+other\s+than)",
    ),
)
# The patterns stay strings: ``re`` compiles each on first use and keeps it, so that a command
# that reads no incident (``status`` on a quiet day) does not compile them at every start.
_RECOVERED = (
    r"\b(?:recover\w*|resolved|healthy|unaffected|no longer|not (?:been )?(?:impacted|affected)"
    r"|(?:returned?|back) to (?:normal|baseline|expected))\b"
)
_SENTENCES = r"(?<=[.!?])\s+|\n+"
_ID = r"(?i)\bclaude-[a-z0-9][a-z0-9.\-]*(?::\d+)?(?:@\d+)?(?:\[[^\]\s]*\])?"
MAX_TEXT = 20_000
"""Characters read of one title or update; Anthropic's longest updates are a few thousand."""
_TOKEN = (
    r"(?P<time>\d{1,2}:\d{2}(?::\d{2})?)"
    r"|(?P<pct>\d+(?:\.\d+)?\s?%)"
    r"|(?P<num>[vV]?\d+(?:[.\-]\d+)*)(?![\w%])"
    r"|(?P<word>[A-Za-z]+)"
    r"|(?P<sep>[,&/+])"
    r"|(?P<stop>[.!?;:()\[\]\"”“]|\n)"
)
_SEP_WORDS = frozenset({"and", "or"})


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # word, num, sep, stop, other
    text: str

    @property
    def low(self) -> str:
        return self.text.lower()


def _tokens(text: str) -> list[_Token]:
    found: list[_Token] = []
    for match in re.finditer(_TOKEN, text):
        kind = match.lastgroup or "other"
        if kind in ("time", "pct"):
            kind = "other"
        elif kind == "word" and match.group().lower() in _SEP_WORDS:
            kind = "sep"
        found.append(_Token(kind, match.group()))
    return found


def _version(token: _Token | None, *, typo: bool = False, strict: bool = False) -> str | None:
    """The model version a number token spells, if it can be one.

    "4.6", "4-6", "5", "v1.0"; with ``typo`` also "48" for 4.8 (a real title: "elevated errors
    on Opus 48"); with ``strict`` no semantic-version triples ("2.1.120" is Claude Code's).
    """
    if token is None or token.kind != "num":
        return None
    text = token.text.lower().removeprefix("v")
    parts = re.split(r"[.\-]", text)
    if len(parts[0]) > 2 or (strict and (len(parts) > 2 or token.text[0] in "vV")):
        return None
    if len(parts) == 1 and len(text) == 2 and typo and text[0] != "0" and text[1] != "0":
        return version_text(text[0], text[1])
    minor = parts[1] if len(parts) > 1 and len(parts[1]) <= 2 else None
    return version_text(parts[0], minor)


class _Reader:
    """One pass over one text's tokens."""

    def __init__(self, text: str, known: frozenset[str]) -> None:
        self.known = known
        self.learned: set[str] = set()
        self.found: list[tuple[str, bool]] = []  # (model, excluded)
        self.spans: list[tuple[int, int, str, str | None, bool]] = []
        self.used: set[int] = set()
        self.text = re.sub(_ID, self._read_id, text)
        self.toks = _tokens(self.text)

    @property
    def families(self) -> frozenset[str]:
        return self.known | self.learned

    def _read_id(self, match: re.Match[str]) -> str:
        model = canonical_model(match.group(), self.families)
        if model is None:
            return match.group()
        family = family_of(model)
        if family != UNNAMED_FAMILY and family not in self.families and "-" in model:
            self.learned.add(family)
        self.found.append((model, False))
        return " ; "

    def _tok(self, i: int) -> _Token | None:
        return self.toks[i] if 0 <= i < len(self.toks) else None

    def _family_at(self, i: int, *, versioned: bool) -> str | None:
        tok = self._tok(i)
        if tok is None or tok.kind != "word" or tok.low == UNNAMED_FAMILY:
            return None
        family = match_family(tok.low, self.families, typo=versioned)
        if family is None:
            return None
        # A bare word that is also plain English ("instant", "fable") must be written as a name.
        if not versioned and family not in KNOWN_FAMILIES and not tok.text[0].isupper():
            return None
        return family

    def _next_is_family(self, i: int) -> bool:
        return self._family_at(i, versioned=True) is not None

    def read(self) -> None:
        excluding = False
        for i, tok in enumerate(self.toks):
            if (
                tok.kind == "word"
                and tok.low == "than"
                and (self._tok(i - 1) or tok).low == "other"
            ):
                excluding = True
                continue
            if tok.kind == "word" and tok.low == UNNAMED_FAMILY:
                self._after_claude(i, excluding)
                continue
            family = self._family_at(i, versioned=True)
            if family is None:
                if tok.kind not in ("sep", "num"):
                    excluding = False
                continue
            prev = self._tok(i - 1)
            self._read_family(i, family, excluding or (prev is not None and prev.low == "non"))
        self._share_versions()

    def _after_claude(self, i: int, excluding: bool) -> None:
        nxt, after = self._tok(i + 1), self._tok(i + 2)
        version = _version(nxt, strict=True)  # "Claude 1.1.9310" is the desktop app's
        if version is not None:
            generation = after is not None and after.low in ("models", "family")
            if not generation and not self._next_is_family(i + 2):  # "Claude 2.1"
                self.used.add(i + 1)
                self._add(i, i + 1, UNNAMED_FAMILY, version, excluding)
            return
        if (
            nxt is not None
            and nxt.kind == "word"
            and nxt.text[0].isupper()
            and could_be_family(nxt.low)
            and match_family(nxt.low, self.families, typo=True) is None
            and _version(after, strict=True) is not None
        ):
            self.learned.add(nxt.low)  # "Claude Mythos 5": read as a family from here on

    def _read_family(self, i: int, family: str, excluding: bool) -> None:
        version = _version(self._tok(i + 1), typo=True)
        start = end = i
        if version is not None:
            self.used.add(i + 1)
            end = i + 1
        else:
            before = self._tok(i - 1)
            version = None if i - 1 in self.used else _version(before)
            if version is not None:  # the older order: "Claude 3.5 Sonnet", "3.7 Sonnet"
                self.used.add(i - 1)
                start = i - 1
            elif self._family_at(i, versioned=False) is None:
                return
        self._add(start, end, family, version, excluding)

    def _add(self, start: int, end: int, family: str, version: str | None, excl: bool) -> None:
        self.spans.append((start, end, family, version, excl))
        if version is None:
            return
        # A list of versions after one family: "Claude 1.0, 1.1, and 1.2", "Sonnet 4/4.5".
        k = end + 1
        while True:
            m = k
            while (tok := self._tok(m)) is not None and tok.kind == "sep":
                m += 1
            more = _version(self._tok(m), strict=True)
            if m == k or more is None or self._next_is_family(m + 1):
                return
            self.used.add(m)
            self.spans.append((m, m, family, more, excl))
            k = m + 1

    def _share_versions(self) -> None:
        """A family without a version before a listed one takes its version: "Opus and Sonnet
        4.6" is Opus 4.6 and Sonnet 4.6."""
        spans = sorted(self.spans)
        for n in range(len(spans) - 2, -1, -1):
            start, end, family, version, excl = spans[n]
            nxt = spans[n + 1]
            between = self.toks[end + 1 : nxt[0]]
            joined = between and all(t.kind == "sep" or t.low == UNNAMED_FAMILY for t in between)
            if version is None and nxt[3] is not None and joined and nxt[2] != family:
                spans[n] = (start, end, family, nxt[3], excl)
        for _, _, family, version, excl in spans:
            self.found.append((f"{family}-{version}" if version else family, excl))


def _scope_of(text: str) -> Scope | None:
    widest: Scope | None = None
    for sentence in re.split(_SENTENCES, text.lower()):
        if re.search(_RECOVERED, sentence):
            continue  # "all models have recovered" widens nothing
        for scope, pattern in _SCOPES:
            if re.search(pattern, sentence) and (widest is None or _WIDTH[scope] < _WIDTH[widest]):
                widest = scope
    return widest


def read_models(
    title: str, bodies: Iterable[str] = (), known: AbstractSet[str] = KNOWN_FAMILIES
) -> ModelMention:
    """The models an incident's title and update bodies speak of, all texts together.

    ``known`` is the set of families recognised so far (``KNOWN_FAMILIES`` plus what earlier
    calls learned); families learned in the title count in the bodies. Names are collected
    from every text, so a model named once stays named ("Sonnet 4.6 is now healthy"): pass only
    the title and the newest update to ask what is still affected. A scope phrase in a sentence
    that reports recovery ("other models have recovered") widens nothing. Each text is read up
    to ``MAX_TEXT`` characters.
    """
    given = families = frozenset(known)
    models: list[str] = []
    excluded: list[str] = []
    scope: Scope | None = None
    for whole in (title, *bodies):
        text = whole[:MAX_TEXT]
        reader = _Reader(text, families)
        reader.read()
        families = families | reader.learned
        for model, is_excluded in reader.found:
            target = excluded if is_excluded else models
            if model not in target:
                target.append(model)
        found = _scope_of(text)
        if found is not None and (scope is None or _WIDTH[found] < _WIDTH[scope]):
            scope = found
    if excluded and scope is None:
        scope = Scope.OTHER
    return ModelMention(tuple(models), scope, families - given, tuple(excluded))


def _affects_one(mention: ModelMention, model: str) -> bool:
    if any(same_model(named, model) for named in mention.models):
        return True
    if any(covers(spared, model) for spared in mention.excluded):
        return False
    return mention.any_model


def affects(mention: ModelMention, your_models: Sequence[str]) -> bool | None:
    """Whether an incident touches any of your models (canonical names).

    None when no model of yours is known, or when the incident speaks of no model at all (a
    surface such as Claude.ai, the API, login): its models then say nothing either way.
    True when it names one of your models: a family on either side matches every version of
    it (your alias ``opus`` and "Opus 4.8"; your ``opus-4.8`` and "Increased errors on Opus").
    True as well when it speaks of unnamed, several, many or all models, since yours may be
    among them. "Other models" counts the same way: "Claude Haiku 4.5, and other models" leaves
    every model unnamed in doubt, so one not named is taken as affected, except one the page
    explicitly spares ("models other than Claude Opus 4.6", "non-Opus models"). A spared
    family covers its versions, but a spared "Opus 4.6" does not spare your alias ``opus``.
    False when it names models, none of them yours, and speaks of no others.
    """
    if not your_models or not mention.speaks_of_models:
        return None
    return any(_affects_one(mention, model) for model in your_models)


def unaffected_alternatives(
    open_mentions: Iterable[ModelMention], candidates: Iterable[str]
) -> tuple[str, ...]:
    """The candidates that no open incident touches, in the candidates' order, each once.

    An incident about unnamed or all models touches every candidate it does not spare, so
    none is offered then: switching to a model that may be failing as well is no advice.
    """
    mentions = tuple(open_mentions)
    spared: list[str] = []
    for model in candidates:
        if model not in spared and not any(affects(m, (model,)) for m in mentions):
            spared.append(model)
    return tuple(spared)


def switch_advice(model: str, *, alias: bool = False) -> str:
    """'Sonnet 5 is not affected: /model claude-sonnet-5' (``alias``: '/model sonnet')."""
    return f"{display_name(model)} is not affected: {model_command(model, alias=alias)}"
