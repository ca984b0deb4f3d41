"""This user's models and the model families learned so far, for each round's snapshot.

The models are read again each round (a few small files): a changed ``/model`` or settings
file shows without a restart. A family the status page teaches ("Claude Mythos 5") is kept in
the state's settings under ``model_families``, so that it stays known after a restart and a
later "Mythos 5" or bare "Mythos" is still recognised.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from claude_beacon.config.settings import Config
from claude_beacon.config.usermodels import your_models
from claude_beacon.core.impact import annotate, learned_families
from claude_beacon.core.model import Event, Reading
from claude_beacon.core.modelids import KNOWN_FAMILIES, could_be_family

TYPE_CHECKING = False
if TYPE_CHECKING:
    from claude_beacon.store.state import StateStore

log = logging.getLogger(__name__)
FAMILIES_SETTING = "model_families"
"""State setting: the model families learned from the status page, sorted."""
MAX_FAMILIES = 64
"""Families kept at most: a page that invents a new one each poll cannot grow the state."""


class YourModels:
    """Where the snapshot's ``your_models`` and ``families`` come from.

    Without a ``store`` (a one-off look such as ``status``) families learned from a reading
    serve that reading only."""

    def __init__(
        self,
        config: Config,
        store: StateStore | None,
        environ: Mapping[str, str] | None = None,
        cwd: Path | None = None,
        home: Path | None = None,
        session_model: str | None = None,
    ) -> None:
        self.config = config
        self.store = store
        self.environ = os.environ if environ is None else environ
        self.cwd = cwd
        self.home = home
        self.session_model = session_model

    def families(self) -> frozenset[str]:
        """The known families and those learned before (untrusted state: checked)."""
        stored = self.store.setting(FAMILIES_SETTING) if self.store else None
        if not isinstance(stored, list):
            return KNOWN_FAMILIES
        kept = (f for f in stored if isinstance(f, str) and could_be_family(f) and f.islower())
        return KNOWN_FAMILIES | frozenset(kept)

    def learn(self, readings: Iterable[Reading]) -> frozenset[str]:
        """The families with what ``readings`` teach, kept in the state when they are new."""
        families = self.families()
        new = learned_families(readings, families)
        if new:
            learned = sorted((families | new) - KNOWN_FAMILIES)[:MAX_FAMILIES]
            log.info("learned model families from the status page: %s", ", ".join(sorted(new)))
            if self.store:
                self.store.set_setting(FAMILIES_SETTING, learned)
            families = KNOWN_FAMILIES | frozenset(learned)
        return families

    def models(self, families: frozenset[str]) -> tuple[str, ...]:
        """Your models now: the config's, the session's, the environment's, Claude Code's."""
        try:
            return your_models(
                self.config.claude.models,
                self.session_model,
                self.environ,
                self.cwd or Path.cwd(),
                self.home or Path.home(),
                families,
            )
        except (OSError, RuntimeError) as error:  # no home, a cwd since deleted
            log.debug("cannot read your models: %s", error)
            return your_models(self.config.claude.models, None, {}, Path("/"), Path("/"))


def annotated(
    events: Sequence[Event],
    alternatives: frozenset[str],
    models: tuple[str, ...],
    families: frozenset[str],
) -> list[Event]:
    """Events with their models; an alternative's page (another vendor) is left as it is."""
    return [e if e.source_key in alternatives else annotate(e, models, families) for e in events]
