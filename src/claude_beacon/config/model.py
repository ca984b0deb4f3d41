"""What the configuration says, as data: the settings every other part reads.

Reading and checking the TOML file is ``config.settings``; this module holds only the values
and the embedded default (Claude's status page), so that readers need not load the parser.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from claude_beacon.config.claudetable import ClaudeSettings
from claude_beacon.config.community import CommunitySettings
from claude_beacon.core.alerts import DEFAULT_KINDS, NotifyRules
from claude_beacon.core.model import EventKind, SourceSpec, primary_of
from claude_beacon.core.providers import PROVIDERS
from claude_beacon.core.schedule import Cadence

ENV_VAR = "CLAUDE_BEACON_CONFIG"
CLAUDE_ALIAS = "https://anthropic.statuspage.io"
"""The Claude page's Statuspage host: the same API behind another CDN, tried when blocked."""
CLAUDE_HOSTS = frozenset({"status.claude.com", "status.anthropic.com"})
CLAUDE = SourceSpec(name="Claude", url="https://status.claude.com", fallbacks=(CLAUDE_ALIAS,))
MIN_REMOTE_INTERVAL = 10.0
"""No remote status page or probe target is asked more often than this, whatever the
configuration says (``interval``, ``fast_interval`` and ``[diagnostics] interval`` alike)."""
MAX_INTERVAL = 86_400.0
"""The longest interval taken: a day. More is a typo, and would overflow a timer."""
MAX_TIMEOUT = 60.0
"""The longest probe timeout taken; a probe round must end well within its interval."""
SOURCE_KINDS = tuple(PROVIDERS)


DEFAULT_NOTIFY_KINDS = DEFAULT_KINDS
NotifySettings = NotifyRules
"""The ``[notifications]`` table: kinds and components, judged by ``core.alerts``."""


class ConfigError(Exception):
    """A configuration that cannot be used; the message names file, key and expectation."""


@dataclass(frozen=True, slots=True)
class DiagnosticsSettings:
    enabled: bool = True
    interval: float = 120.0
    timeout: float = 5.0
    claude: tuple[str, ...] = ("https://api.anthropic.com/v1/models", "https://claude.ai/")
    internet: tuple[str, ...] = (
        "https://www.gstatic.com/generate_204",
        "https://www.cloudflare.com/cdn-cgi/trace",
    )
    api_check: str = "https://api.anthropic.com/v1/models?limit=1"
    api_key: str | None = field(default=None, repr=False)

    def key(self) -> str | None:
        """The API key for the authenticated check: the environment wins over the file."""
        return os.environ.get("ANTHROPIC_API_KEY") or self.api_key


class WebhookFormat(StrEnum):
    """How a webhook's body is written: the event's JSON, or a Slack or Discord message."""

    JSON = "json"
    SLACK = "slack"
    DISCORD = "discord"


WEBHOOK_FORMATS = tuple(f.value for f in WebhookFormat)


@dataclass(frozen=True, slots=True)
class Webhook:
    url: str
    format: WebhookFormat = WebhookFormat.JSON
    kinds: frozenset[EventKind] | None = None
    """Only these kinds; ``None``: every event."""


@dataclass(frozen=True, slots=True)
class Config:
    sources: tuple[SourceSpec, ...] = (CLAUDE,)
    cadence: Cadence = field(default_factory=Cadence)
    notify: NotifySettings = field(default_factory=NotifySettings)
    diagnostics: DiagnosticsSettings = field(default_factory=DiagnosticsSettings)
    hooks: tuple[tuple[str, ...], ...] = ()
    """Commands run on each event, each already split into its arguments (no shell)."""
    hook_timeout: float = 10.0
    webhooks: tuple[Webhook, ...] = ()
    claude: ClaudeSettings = field(default_factory=ClaudeSettings)
    """The ``[claude]`` table: your models, other models' incidents, the inference check."""
    community: CommunitySettings = field(default_factory=CommunitySettings)
    """The ``[community]`` table: the opt-in community pulse."""
    path: Path | None = None
    """The file this came from, or ``None`` for the embedded default."""
    stamp: str = ""
    """The settings file's path, time and size as read (``store.statuscache.settings_stamp``):
    the statusline takes a cached answer only for the settings it was written with."""

    @property
    def primary(self) -> SourceSpec:
        """The page the verdict, ``wait`` and "Open status page" follow: the first source that
        is not an alternative (Claude, unless the user chose otherwise)."""
        return primary_of(self.sources) or CLAUDE
