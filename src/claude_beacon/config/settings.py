"""The TOML configuration: where it is, and reading it into ``config.model``'s values.

claude-beacon works with no file at all (it watches the Claude status page). A file that says
something wrong is refused with the file, the key and what was expected: never a traceback.
"""

from __future__ import annotations

import math
import os
import tomllib
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from claude_beacon.config.claudetable import ClaudeSettings, ClaudeTableError, parse_claude
from claude_beacon.config.community import CommunitySettings, CommunityTableError, parse_community
from claude_beacon.config.model import (
    CLAUDE,
    CLAUDE_ALIAS,
    CLAUDE_HOSTS,
    DEFAULT_NOTIFY_KINDS,
    ENV_VAR,
    MAX_INTERVAL,
    MAX_TIMEOUT,
    MIN_REMOTE_INTERVAL,
    SOURCE_KINDS,
    WEBHOOK_FORMATS,
    Config,
    ConfigError,
    DiagnosticsSettings,
    NotifySettings,
    Webhook,
    WebhookFormat,
)
from claude_beacon.core.alerts import ALERT_LEVELS
from claude_beacon.core.model import EventKind, SourceSpec
from claude_beacon.core.providers import kind_for_host
from claude_beacon.core.schedule import Cadence
from claude_beacon.core.urls import is_loopback
from claude_beacon.store import paths
from claude_beacon.store.statuscache import settings_stamp


def locate(explicit: str | os.PathLike[str] | None = None) -> tuple[Path, bool]:
    """The config file to read and whether the user named it (so that it must exist)."""
    if explicit:
        return Path(explicit).expanduser(), True
    if env := os.environ.get(ENV_VAR):
        return Path(env).expanduser(), True
    return paths.config_file(), False


def load(explicit: str | os.PathLike[str] | None = None) -> Config:
    path, named = locate(explicit)
    stamp = settings_stamp(path)  # before reading: an edit meanwhile reads as other settings
    try:
        text = path.read_bytes().decode("utf-8-sig")  # Notepad writes a BOM
    except FileNotFoundError:
        if named:
            raise ConfigError(f"{path}: no such configuration file") from None
        return Config(stamp=stamp)
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not a text file (expected UTF-8 TOML)") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    return replace(parse(data, path), stamp=stamp)


def parse(data: Mapping[str, Any], path: Path | None = None) -> Config:
    where = str(path) if path else "configuration"
    known = {"interval", "fast_interval", "sources", "notifications", "diagnostics", "hooks"}
    known |= {"claude", "community"}
    _refuse_unknown(data, known, f"{where}: ")
    sources = tuple(
        _source(row, f"sources[{n}]", where) for n, row in enumerate(_sources(data, where))
    ) or (CLAUDE,)
    interval = _seconds(data, "interval", 60.0, where)
    fast = min(_seconds(data, "fast_interval", 15.0, where), interval)
    check_interval(interval, sources, f"{where}: interval")
    check_interval(fast, sources, f"{where}: fast_interval")  # the value the poller uses
    return Config(
        sources=sources,
        cadence=Cadence(interval=interval, fast_interval=fast),
        notify=_notify(data.get("notifications", {}), where),
        diagnostics=_diagnostics(data.get("diagnostics", {}), where),
        hooks=_hooks(data.get("hooks", {}), where),
        hook_timeout=_seconds(_table(data, "hooks"), "timeout", 10.0, f"{where}: hooks", 600),
        webhooks=_webhooks(_table(data, "hooks").get("webhooks", []), where),
        claude=_claude(data.get("claude", {}), where),
        community=_community(data.get("community", {}), where),
        path=path,
    )


def check_interval(interval: float, sources: tuple[SourceSpec, ...], what: str) -> None:
    """Refuse intervals that would hammer a real status page; loopback pages are tests."""
    if interval < MIN_REMOTE_INTERVAL and not all(is_loopback(s.url) for s in sources):
        raise ConfigError(
            f"{what}: expected at least {MIN_REMOTE_INTERVAL:g} seconds for a remote status page,"
            f" got {interval:g}"
        )


def template() -> str:
    """The commented default settings (``templates/config.toml``), every line optional."""
    from importlib import resources  # only here: it costs every command's start-up

    return resources.files("claude_beacon").joinpath("templates", "config.toml").read_text("utf-8")


def write_template(path: Path) -> bool:
    """Create a commented default config file unless one exists; true if it was created."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=False)  # owner-only from the start: it invites an API key
    path.write_text(template(), encoding="utf-8")
    return True


def page_url(url: str) -> str:
    """A status page's base URL from what a user may paste: the page or one of its API URLs."""
    url = url.strip().rstrip("/")
    for marker in ("/api/v2/", "/history.atom", "/history.rss"):
        if marker in url:
            url = url.split(marker, 1)[0]
    return url.rstrip("/")


def _sources(data: Mapping[str, Any], where: str) -> list[Any]:
    rows = data.get("sources", [])
    if not isinstance(rows, list):
        raise ConfigError(f"{where}: sources: expected a list of [[sources]] tables")
    return rows


def _source(row: Any, key: str, where: str) -> SourceSpec:
    if not isinstance(row, Mapping):
        raise ConfigError(f'{where}: {key}: expected a table with at least url = "https://..."')
    known = {"type", "name", "url", "components", "fallbacks", "alerts", "alternative"}
    _refuse_unknown(row, known, f"{where}: {key}.")
    alerts = row.get("alerts", "all")
    if alerts not in ALERT_LEVELS:
        raise ConfigError(
            f"{where}: {key}.alerts: expected one of {', '.join(ALERT_LEVELS)}, got {alerts!r}"
        )
    alternative = row.get("alternative", False)
    if not isinstance(alternative, bool):
        raise ConfigError(f"{where}: {key}.alternative: expected true or false")
    hinted = kind_for_host(urlsplit(str(row.get("url", ""))).hostname or "")
    kind = row.get("type", hinted or "statuspage")
    if kind not in SOURCE_KINDS:
        raise ConfigError(
            f"{where}: {key}.type: expected one of {', '.join(SOURCE_KINDS)}, got {kind!r}"
        )
    url = row.get("url")
    if not isinstance(url, str) or not url.strip():
        raise ConfigError(
            f"{where}: {key}.url: expected the status page's address, e.g. "
            '"https://status.claude.com"'
        )
    url = page_url(url)
    parts = urlsplit(url)
    if parts.scheme == "http" and not is_loopback(url):
        raise ConfigError(
            f"{where}: {key}.url: expected an https:// address, got {url!r} "
            "(plain http is allowed only for this machine)"
        )
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ConfigError(f"{where}: {key}.url: expected an https:// address, got {url!r}")
    name = row.get("name", parts.hostname)
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{where}: {key}.name: expected a non-empty string")
    components = row.get("components", [])
    if not isinstance(components, list) or not all(isinstance(c, str) for c in components):
        raise ConfigError(f"{where}: {key}.components: expected a list of component names")
    default_fallbacks = [CLAUDE_ALIAS] if parts.hostname in CLAUDE_HOSTS else []
    fallbacks = row.get("fallbacks", default_fallbacks)
    if not isinstance(fallbacks, list) or not all(isinstance(f, str) for f in fallbacks):
        raise ConfigError(f"{where}: {key}.fallbacks: expected a list of status page addresses")
    return SourceSpec(
        name=name.strip(),
        url=url,
        kind=kind,
        components=tuple(components),
        fallbacks=tuple(page_url(_target_url(f, f"{key}.fallbacks", where)) for f in fallbacks),
        alerts=alerts,
        alternative=alternative,
    )


def _notify(table: Any, where: str) -> NotifySettings:
    if not isinstance(table, Mapping):
        raise ConfigError(f"{where}: notifications: expected a [notifications] table")
    _refuse_unknown(table, {"enabled", "kinds", "components"}, f"{where}: notifications.")
    enabled = table.get("enabled", True)
    if not isinstance(enabled, bool):
        raise ConfigError(f"{where}: notifications.enabled: expected true or false")
    names = table.get("kinds", sorted(k.value for k in DEFAULT_NOTIFY_KINDS))
    valid = sorted(k.value for k in EventKind)
    if not isinstance(names, list) or not all(n in valid for n in names):
        raise ConfigError(
            f"{where}: notifications.kinds: expected a list of event kinds "
            f"from {', '.join(valid)}, got {names!r}"
        )
    components = table.get("components", [])
    if not isinstance(components, list) or not all(isinstance(c, str) for c in components):
        raise ConfigError(f"{where}: notifications.components: expected a list of names")
    kinds = frozenset(EventKind(n) for n in names) if enabled else frozenset()
    return NotifySettings(kinds=kinds, components=tuple(components))


def _diagnostics(table: Any, where: str) -> DiagnosticsSettings:
    if not isinstance(table, Mapping):
        raise ConfigError(f"{where}: diagnostics: expected a [diagnostics] table")
    known = {"enabled", "interval", "timeout", "claude", "internet", "api_check", "api_key"}
    _refuse_unknown(table, known, f"{where}: diagnostics.")
    default = DiagnosticsSettings()
    enabled = table.get("enabled", True)
    if not isinstance(enabled, bool):
        raise ConfigError(f"{where}: diagnostics.enabled: expected true or false")
    lists = {}
    for name in ("claude", "internet"):
        urls = table.get(name, list(getattr(default, name)))
        if not isinstance(urls, list) or not all(isinstance(u, str) for u in urls):
            raise ConfigError(f"{where}: diagnostics.{name}: expected a list of URLs")
        lists[name] = tuple(_target_url(u, f"diagnostics.{name}", where) for u in urls)
    key = table.get("api_key")
    if key is not None and (not isinstance(key, str) or not key.strip()):
        raise ConfigError(f"{where}: diagnostics.api_key: expected a non-empty string")
    interval = _seconds(table, "interval", default.interval, f"{where}: diagnostics")
    targets = (*lists["claude"], *lists["internet"], str(table.get("api_check", default.api_check)))
    remote = [u for u in targets if u and not is_loopback(u)]
    if enabled and interval < MIN_REMOTE_INTERVAL and remote:
        raise ConfigError(
            f"{where}: diagnostics.interval: expected at least {MIN_REMOTE_INTERVAL:g} seconds"
            f" for remote targets, got {interval:g}"
        )
    return DiagnosticsSettings(
        enabled=enabled,
        interval=interval,
        timeout=_seconds(table, "timeout", default.timeout, f"{where}: diagnostics", MAX_TIMEOUT),
        claude=lists["claude"],
        internet=lists["internet"],
        api_check=_target_url(
            table.get("api_check", default.api_check), "diagnostics.api_check", where
        ),
        api_key=key,
    )


def _claude(table: Any, where: str) -> ClaudeSettings:
    try:
        return parse_claude(table)
    except ClaudeTableError as exc:
        raise ConfigError(f"{where}: {exc}") from None


def _community(table: Any, where: str) -> CommunitySettings:
    try:
        return parse_community(table)
    except CommunityTableError as exc:
        raise ConfigError(f"{where}: {exc}") from None


def _refuse_unknown(table: Mapping[str, Any], known: set[str], where: str) -> None:
    """A key no setting has: name the one it looks like a typo of, else every known one."""
    for name in table:
        if name not in known:
            import difflib  # only to suggest a name

            near = difflib.get_close_matches(str(name), known, n=1)
            hint = f"did you mean {near[0]}?" if near else f"known: {', '.join(sorted(known))}"
            raise ConfigError(f"{where}{name}: unknown setting ({hint})")


def _table(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = data.get(key, {})
    return value if isinstance(value, Mapping) else {}


def _hooks(table: Any, where: str) -> tuple[tuple[str, ...], ...]:
    if not isinstance(table, Mapping):
        raise ConfigError(f"{where}: hooks: expected a [hooks] table")
    _refuse_unknown(table, {"on_event", "timeout", "webhooks"}, f"{where}: hooks.")
    commands = table.get("on_event", [])
    if not isinstance(commands, list) or not all(isinstance(c, str | list) for c in commands):
        raise ConfigError(f"{where}: hooks.on_event: expected a list of commands")
    import shlex  # only where hooks are set

    split = []
    for command in commands:
        try:
            argv = shlex.split(command) if isinstance(command, str) else command
        except ValueError as exc:
            raise ConfigError(f"{where}: hooks.on_event: {command!r}: {exc}") from None
        if not argv or not all(isinstance(a, str) for a in argv):
            raise ConfigError(f"{where}: hooks.on_event: empty or malformed command {command!r}")
        split.append(tuple(argv))
    return tuple(split)


def _webhooks(rows: Any, where: str) -> tuple[Webhook, ...]:
    if not isinstance(rows, list) or not all(isinstance(r, Mapping) for r in rows):
        raise ConfigError(f"{where}: hooks.webhooks: expected [[hooks.webhooks]] tables")
    found = []
    for n, row in enumerate(rows):
        key = f"hooks.webhooks[{n}]"
        _refuse_unknown(row, {"url", "format", "kinds"}, f"{where}: {key}.")
        style = row.get("format", "json")
        if style not in WEBHOOK_FORMATS:
            raise ConfigError(
                f"{where}: {key}.format: expected one of {', '.join(WEBHOOK_FORMATS)}"
            )
        kinds = row.get("kinds")
        valid = {k.value for k in EventKind}
        if kinds is not None and (
            not isinstance(kinds, list) or not all(k in valid for k in kinds)
        ):
            raise ConfigError(f"{where}: {key}.kinds: expected a list of event kinds")
        found.append(
            Webhook(
                url=_target_url(row.get("url"), f"{key}.url", where),
                format=style,
                kinds=frozenset(EventKind(k) for k in kinds) if kinds is not None else None,
            )
        )
    return tuple(found)


def _target_url(url: Any, key: str, where: str) -> str:
    parts = urlsplit(url) if isinstance(url, str) else None
    if parts is None or not parts.hostname or parts.scheme not in ("https", "http"):
        raise ConfigError(f"{where}: {key}: expected an https:// address, got {url!r}")
    if parts.scheme == "http" and not is_loopback(url):
        raise ConfigError(
            f"{where}: {key}: expected an https:// address, got {url!r} "
            "(plain http is allowed only for this machine)"
        )
    return str(url)


def _seconds(
    data: Mapping[str, Any], key: str, default: float, where: str, most: float = MAX_INTERVAL
) -> float:
    """A positive, finite number of seconds up to ``most``: ``nan`` and ``inf`` are refused."""
    value = data.get(key, default)
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if not number or not math.isfinite(value) or value <= 0:
        raise ConfigError(f"{where}: {key}: expected a positive number of seconds, got {value!r}")
    if value > most:
        raise ConfigError(f"{where}: {key}: expected at most {most:g} seconds, got {value!r}")
    return float(value)


__all__ = [
    "CLAUDE",
    "CLAUDE_ALIAS",
    "CLAUDE_HOSTS",
    "DEFAULT_NOTIFY_KINDS",
    "ENV_VAR",
    "MAX_INTERVAL",
    "MAX_TIMEOUT",
    "MIN_REMOTE_INTERVAL",
    "SOURCE_KINDS",
    "WEBHOOK_FORMATS",
    "Config",
    "ConfigError",
    "DiagnosticsSettings",
    "NotifySettings",
    "Webhook",
    "WebhookFormat",
    "check_interval",
    "is_loopback",
    "load",
    "locate",
    "page_url",
    "parse",
    "template",
    "write_template",
]
