"""Claude's models by one name each, however a model is spelled.

The canonical form is lowercase ``family-version``: ``opus-4.8``, ``sonnet-5``, ``haiku-3.5``.
A ".0" minor is dropped ("Sonnet 4.0" and "Sonnet 4" are both ``sonnet-4``). The family alone
(``opus``) stands for any version of it, as Claude Code's alias ``opus`` does. The models of
2023 had no family name: "Claude 2.1" is ``claude-2.1``, "claude-v1.0" is ``claude-1``.

Families are not a fixed list. Opus, Sonnet and Haiku are known from the start; a spelling such
as ``claude-mythos-5`` or "Claude Mythos 5" names a new family by its shape, and callers that
keep a set of known families (see ``core.models``) recognise it afterwards on its own.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet

KNOWN_FAMILIES = frozenset({"opus", "sonnet", "haiku"})
"""The families known before the status page or a setting teaches others."""
UNNAMED_FAMILY = "claude"
"""The family of the early models that had none: Claude 1.x and 2.x."""
MAX_SPELLING = 200
"""Longer spellings are cut: a model's name is never this long."""

NOT_FAMILIES = frozenset(
    {
        # Claude's surfaces and products: "Claude Code 2.1" is not a model.
        "ai", "api", "app", "apps", "browser", "chrome", "cli", "code", "com", "console",
        "cowork", "desktop", "docs", "excel", "extension", "gov", "government", "ios",
        "mobile", "office", "platform", "plugin", "powerpoint", "sdk", "slack", "status",
        "tag", "web", "windows", "word",
        # Plans, accounts and other words that follow "Claude" in prose.
        "account", "accounts", "and", "by", "default", "enterprise", "for", "free", "in",
        "is", "login", "max", "model", "models", "of", "on", "or", "plan", "plans", "pro",
        "service", "services", "team", "teams", "the", "to", "users", "version", "was",
        "with", "latest", "opusplan", "best", "anthropic",
    }
)  # fmt: skip
"""Words that are never a model family, whatever follows them."""

_PLAN_ALIASES = {"opusplan": ("opus", "sonnet")}
"""Claude Code settings that run on more than one model: Opus to plan, Sonnet to act."""
_ESCAPES = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-~])")
"""Terminal escape sequences (colours, titles), removed whole rather than leaving '[31m'."""
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_WORDS_AND_NUMBERS = re.compile(r"[a-z]+|\d+")
_BRACKETS = re.compile(r"\[[^\]]*\]")


def clean_text(text: str, limit: int = MAX_SPELLING) -> str:
    """Terminal escapes, control and direction characters removed, space stripped, cut to
    ``limit`` characters."""
    return _CONTROL.sub("", _ESCAPES.sub("", text[: limit * 4])).strip()[:limit]


def version_text(major: str, minor: str | None = None) -> str:
    """'4', '8' -> '4.8'; '4', '0' -> '4'; leading zeros go ('04' -> '4')."""
    text = str(int(major))
    if minor is not None and int(minor) != 0:
        text += f".{int(minor)}"
    return text


def family_of(model: str) -> str:
    """``opus-4.8`` -> ``opus``; ``opus`` -> ``opus``."""
    return model.split("-", 1)[0]


def version_of(model: str) -> str | None:
    """``opus-4.8`` -> ``4.8``; ``opus`` -> None."""
    parts = model.split("-", 1)
    return parts[1] if len(parts) == 2 else None


def same_model(a: str, b: str) -> bool:
    """Whether two canonical names can be the same model: a family alone matches its versions."""
    if family_of(a) != family_of(b):
        return False
    va, vb = version_of(a), version_of(b)
    return va is None or vb is None or va == vb


def covers(general: str, specific: str) -> bool:
    """Whether every model ``specific`` can be is one of ``general``: ``opus`` covers ``opus-4.8``,
    but ``opus-4.6`` does not cover the alias ``opus`` (which may be another version)."""
    if family_of(general) != family_of(specific):
        return False
    return version_of(general) is None or version_of(general) == version_of(specific)


def one_edit_apart(a: str, b: str) -> bool:
    """One insertion, deletion, substitution or swap of neighbours apart ("Sonet", "Opsu")."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        i, j = diff[0], diff[-1]
        return len(diff) == 2 and j == i + 1 and a[i] == b[j] and a[j] == b[i]
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def match_family(word: str, known: AbstractSet[str], *, typo: bool) -> str | None:
    """The known family ``word`` names, allowing one typo when ``typo`` (a version beside it).

    A typo keeps the first letter ("Sonet", "Opsu"): "table 2" is not "Fable 2".
    """
    if word in known:
        return word
    if not typo or len(word) < 4 or word in NOT_FAMILIES:
        return None
    close = sorted(f for f in known if len(f) >= 4 and f[0] == word[0] and one_edit_apart(word, f))
    return close[0] if len(close) == 1 else None


def could_be_family(word: str) -> bool:
    """Whether a word not yet known may name a new family (given a version beside it)."""
    return word.isalpha() and len(word) >= 3 and word not in NOT_FAMILIES


def canonical_model(spelling: str, known: AbstractSet[str] = KNOWN_FAMILIES) -> str | None:
    """The canonical name of one model spelling, or None when it names no single model.

    API ids (``claude-opus-4-8``, ``claude-sonnet-4-5-20250929``, ``claude-3-5-haiku-20241022``),
    Vertex ids (``claude-opus-4-1@20250805``), Bedrock ids and ARNs
    (``us.anthropic.claude-opus-4-1-20250805-v1:0``, ``anthropic.claude-v2:1``), Claude Code's
    context suffix (``claude-sonnet-4-5[1m]``), display names ("Claude Opus 4.8", "Claude 3.5
    Sonnet", "Opus 4.1"), and the aliases ``opus``/``sonnet``/``haiku`` (the family: any version).
    A new family is accepted by its shape after "claude" and before a version
    (``claude-mythos-5``, "Claude Mythos 5"); a known one also without either (``gpt-4o`` is
    no Claude model). ``default``, ``opusplan`` (two models) and anything else give None.
    """
    text = _BRACKETS.sub(" ", clean_text(spelling).lower()).split("@", 1)[0]
    at = text.rfind(UNNAMED_FAMILY)
    said_claude = at >= 0
    if said_claude:
        text = text[at + len(UNNAMED_FAMILY) :]
    numbers: list[str] = []
    word: str | None = None
    done = False
    for token in _WORDS_AND_NUMBERS.findall(text):
        if token.isdigit():
            if done:
                continue
            if len(token) > 2:  # a date such as 20250929 ends the version
                done = bool(numbers)
                continue
            numbers.append(token)
            done = len(numbers) == 2
            continue
        done = done or bool(numbers)
        if token != "v" and word is None:
            word = token
    version = version_text(numbers[0], numbers[1] if len(numbers) > 1 else None) if numbers else ""
    if word is None:
        return f"{UNNAMED_FAMILY}-{version}" if version and said_claude else None
    family = match_family(word, known, typo=bool(version))
    if family is None and version and said_claude and could_be_family(word):
        family = word
    if family is None:
        return None
    return f"{family}-{version}" if version else family


def setting_models(spelling: str, known: AbstractSet[str] = KNOWN_FAMILIES) -> tuple[str, ...]:
    """The models a model setting runs on: ``opusplan`` is Opus and Sonnet, others one or none."""
    word = _BRACKETS.sub("", clean_text(spelling).lower()).strip()
    if word in _PLAN_ALIASES:
        return _PLAN_ALIASES[word]
    model = canonical_model(spelling, known)
    return (model,) if model else ()


def display_name(model: str) -> str:
    """``opus-4.8`` -> "Opus 4.8"; ``opus`` -> "Opus"; ``claude-2.1`` -> "Claude 2.1"."""
    version = version_of(model)
    name = family_of(model).capitalize()
    return f"{name} {version}" if version else name


def api_id(model: str) -> str:
    """The id to ask for a canonical model by: ``opus-4.8`` -> ``claude-opus-4-8``.

    Families named before Claude 4 put the version first (``claude-3-5-haiku-latest``); the
    unnamed early models keep their own (``claude-2.1``); a family alone stays an alias.
    """
    family, version = family_of(model), version_of(model)
    if version is None:
        return family
    if family == UNNAMED_FAMILY:
        return f"claude-{version}"
    dashed = version.replace(".", "-")
    if family in KNOWN_FAMILIES and int(version.split(".")[0]) < 4:
        return f"claude-{dashed}-{family}-latest"
    return f"claude-{family}-{dashed}"


def model_command(model: str, *, alias: bool = False) -> str:
    """The Claude Code command that switches to ``model``: ``/model claude-sonnet-5``.

    With ``alias``, a known family's alias instead (``/model sonnet``): shorter, and right
    when ``model`` is the newest of its family, which the alias follows.
    """
    family = family_of(model)
    if alias and family in KNOWN_FAMILIES:
        return f"/model {family}"
    return f"/model {api_id(model)}"
