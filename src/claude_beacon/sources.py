"""Adding a status page to watch: built-in presets, provider detection, and the config edit.

``claude-beacon add URL`` asks the page which provider it is (each provider's own document,
read and checked by the same code that polls it) and appends a ``[[sources]]`` table to the
config file, keeping everything already written there, comments included.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from claude_beacon import config as config_module
from claude_beacon.core.model import Failure, Reading, SourceSpec, failed_reading
from claude_beacon.core.providers import PROVIDERS, gather, kind_for_host
from claude_beacon.fetch import Fetcher
from claude_beacon.state import write_atomically


@dataclass(frozen=True, slots=True)
class Preset:
    name: str
    url: str
    kind: str = "statuspage"
    alternative: bool = False
    """A service one can switch to when Claude is down (the guide says which one is up)."""


PRESETS: dict[str, Preset] = {
    "claude": Preset("Claude", "https://status.claude.com"),
    "openai": Preset("OpenAI", "https://status.openai.com", alternative=True),
    "perplexity": Preset(
        "Perplexity", "https://status.perplexity.com", "instatus", alternative=True
    ),
    "github": Preset("GitHub", "https://www.githubstatus.com"),
    "cloudflare": Preset("Cloudflare", "https://www.cloudflarestatus.com"),
    "discord": Preset("Discord", "https://discordstatus.com"),
    "vercel": Preset("Vercel", "https://www.vercel-status.com"),
    "npm": Preset("npm", "https://status.npmjs.org"),
    "pypi": Preset("PyPI", "https://status.python.org"),
}
"""Pages a developer who uses Claude often watches too; the AI ones are alternatives."""


class AddError(Exception):
    """The page cannot be added; the message says why, in words a person can act on."""


def detect(url: str, fetcher: Fetcher) -> tuple[str, Reading]:
    """The provider serving ``url`` and its first reading; ``AddError`` if none does.

    Statuspage is asked first (many incident.io pages serve its API too, with every
    component), unless the host names its provider.
    """
    base = config_module.page_url(url)
    host = urlsplit(base).hostname or ""
    order = list(PROVIDERS)
    if hinted := kind_for_host(host):
        order.remove(hinted)
        order.insert(0, hinted)
    tried = []
    for kind in order:
        reading = read_once(SourceSpec(name=host, url=base, kind=kind), fetcher)
        if reading.ok:
            return kind, reading
        tried.append(
            f"{PROVIDERS[kind].label}: {reading.failure.message if reading.failure else ''}"
        )
    raise AddError(f"{base} is not a status page claude-beacon can read ({'; '.join(tried)})")


def read_once(source: SourceSpec, fetcher: Fetcher) -> Reading:
    """One reading of ``source`` with its provider's documents; failures are readings too."""
    provider = PROVIDERS[source.kind]
    now = datetime.now(UTC)

    def fetch(url: str, _required: bool) -> bytes | Failure:
        response = fetcher.get(url, conditional=False)
        return response if isinstance(response, Failure) else response.body

    bodies = gather(provider.urls(source.url), fetch)
    if isinstance(bodies, Failure):
        return failed_reading(source, now, bodies)
    return provider.read(bodies, source, now)


def source_table(spec: SourceSpec, alternative: bool = False) -> str:
    """The ``[[sources]]`` TOML for ``spec``; strings written as JSON, which TOML reads alike."""
    lines = ["[[sources]]", f"type = {json.dumps(spec.kind)}"]
    lines += [f"name = {json.dumps(spec.name)}", f"url = {json.dumps(spec.url)}"]
    if alternative:
        lines.append("alternative = true")
    return "\n".join(lines) + "\n"


def append_source(path: Path, spec: SourceSpec, alternative: bool = False) -> bool:
    """Add ``spec`` to the config at ``path``; false if that page is already watched.

    A config that has no ``[[sources]]`` yet watches Claude by default: Claude is written out
    first so that adding a page never silently stops watching Claude. The result is checked
    by the real config parser before it replaces the file, atomically.
    """
    config_module.write_template(path)
    try:
        text = path.read_text(encoding="utf-8-sig")  # Notepad writes a BOM
        data = tomllib.loads(text)
        current = config_module.parse(data, path)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, config_module.ConfigError) as exc:
        raise AddError(f"fix the configuration first: {exc}") from None
    if any(s.key == spec.key for s in current.sources):
        return False
    tables = []
    if not data.get("sources"):
        claude = config_module.CLAUDE
        tables.append(source_table(claude))
    tables.append(source_table(spec, alternative))
    updated = text.rstrip("\n") + "\n\n" + "\n".join(tables)
    try:
        config_module.parse(tomllib.loads(updated), path)
    except (tomllib.TOMLDecodeError, config_module.ConfigError) as exc:
        raise AddError(f"the page cannot be added: {exc}") from None
    write_atomically(path, updated.encode("utf-8"), mode=path.stat().st_mode & 0o777)
    return True
