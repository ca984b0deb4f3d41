"""The ``[claude]`` table: the models this user works with, and how other models' incidents
and the optional inference check behave.

Kept apart from ``settings`` so that each stays small; ``settings.parse`` calls ``parse_claude``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from claude_beacon.core.alerts import OtherModels
from claude_beacon.core.modelids import could_be_family, setting_models

OTHER_MODELS = tuple(choice.value for choice in OtherModels)
MIN_INFERENCE_INTERVAL = 60.0
"""The inference check costs tokens: not more often than once a minute per model."""
MAX_MODELS = 20


class ClaudeTableError(ValueError):
    """A ``[claude]`` value that cannot be used; the message names the key."""


@dataclass(frozen=True, slots=True)
class ClaudeSettings:
    models: tuple[str, ...] = ()
    """Model spellings as written (``opus``, ``claude-sonnet-5``): the first place looked."""
    other_models: str = OtherModels.QUIET
    """How incidents naming only models that are not yours notify: quiet, notify, silent."""
    inference_check: bool = False
    """One tiny request per model every ``inference_interval`` seconds; needs an API key."""
    inference_interval: float = 600.0


def parse_claude(table: Any) -> ClaudeSettings:
    """The ``[claude]`` table, validated; raises ``ClaudeTableError`` naming the bad key."""
    if not isinstance(table, Mapping):
        raise ClaudeTableError("claude: expected a [claude] table")
    known = {"models", "other_models", "inference_check", "inference_interval"}
    for name in table:
        if name not in known:
            listed = ", ".join(sorted(known))
            raise ClaudeTableError(f"claude.{name}: unknown setting (known: {listed})")
    models = table.get("models", [])
    if not isinstance(models, list) or not all(isinstance(m, str) for m in models):
        raise ClaudeTableError('claude.models: expected a list of model names, e.g. ["opus"]')
    if len(models) > MAX_MODELS:
        raise ClaudeTableError(f"claude.models: expected at most {MAX_MODELS} models")
    for model in models:
        # A bare new family ("mythos") is recognised once the status page has named it.
        if not setting_models(model) and not could_be_family(model.strip().lower()):
            raise ClaudeTableError(
                f"claude.models: {model!r} names no Claude model "
                '(expected e.g. "opus", "sonnet-5", "claude-opus-4-8" or "Claude Opus 4.8")'
            )
    other = table.get("other_models", OtherModels.QUIET.value)
    if other not in OTHER_MODELS:
        raise ClaudeTableError(
            f"claude.other_models: expected one of {', '.join(OTHER_MODELS)}, got {other!r}"
        )
    check = table.get("inference_check", False)
    if not isinstance(check, bool):
        raise ClaudeTableError("claude.inference_check: expected true or false")
    interval = table.get("inference_interval", 600)
    if (
        isinstance(interval, bool)
        or not isinstance(interval, int | float)
        or interval < MIN_INFERENCE_INTERVAL
    ):
        raise ClaudeTableError(
            f"claude.inference_interval: expected at least {MIN_INFERENCE_INTERVAL:g} seconds,"
            f" got {interval!r}"
        )
    return ClaudeSettings(tuple(models), other, check, float(interval))
