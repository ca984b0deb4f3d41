"""``claude-beacon sources`` and ``claude-beacon remove``: the pages watched, and unwatching one.

``remove`` never leaves the configuration without a page: with none, claude-beacon would go
back to watching Claude without being asked, so removing the last one is refused with why.
"""

from __future__ import annotations

import argparse
import sys

TYPE_CHECKING = False  # typing itself stays unloaded: --help starts as quickly as it can
if TYPE_CHECKING:
    from typing import Any

    from claude_beacon.config.edit import ConfigFile
    from claude_beacon.core.model import SourceSpec


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    listing = commands.add_parser(
        "sources", parents=[common], help="list the status pages watched, with their settings"
    )
    listing.add_argument("--json", action="store_true", help="print them as JSON")
    listing.set_defaults(run=list_sources)
    remove = commands.add_parser(
        "remove", parents=[common], help="stop watching a page (by name, address or preset)"
    )
    remove.add_argument("page", help="the page's name as listed by `sources`, address, or preset")
    remove.add_argument(
        "--yes", action="store_true", help="remove Claude's own page too, without asking"
    )
    remove.set_defaults(run=remove_source)


def list_sources(args: argparse.Namespace) -> int:
    import json

    from claude_beacon.config.presets import EditError

    try:
        file = _read(args.config)
    except EditError as exc:
        print(f"claude-beacon: {exc}", file=sys.stderr)
        return 2
    default = not file.rows
    if args.json:
        rows = [_as_json(s, default) for s in file.config.sources]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for source in file.config.sources:
        flags = _flags(source)
        if default:
            flags.append(f"the default: {file.path} has no [[sources]]")
        print(f"{source.name} ({', '.join([source.url, *flags])})")
    return 0


def remove_source(args: argparse.Namespace) -> int:
    from claude_beacon.config import edit as config_edit
    from claude_beacon.config.presets import EditError

    try:
        file = _read(args.config)
        index = _one_match(file, args.page)
        source = file.config.sources[index]
        if len(file.rows) <= 1:
            raise EditError(_last_one(source))
        left = [s.name for n, s in enumerate(file.config.sources) if n != index]
        claude = _is_claude(source)
        if claude and not args.yes:
            raise EditError(
                f"{source.name} is Claude's own page, the one claude-beacon exists to watch: "
                f"without it only {', '.join(left)} would be watched. Run "
                f"`claude-beacon remove {args.page} --yes` to remove it anyway"
            )
        config_edit.remove(file, index)
    except EditError as exc:
        print(f"claude-beacon: {exc}", file=sys.stderr)
        return 2
    print(f"removed: {source.name} ({source.url}) from {file.path}")
    if claude:
        print(
            f"now watching only {', '.join(left)}, not Claude; "
            "`claude-beacon add claude` watches Claude again"
        )
    return 0


def _is_claude(source: SourceSpec) -> bool:
    from claude_beacon.config.presets import same_page
    from claude_beacon.config.settings import CLAUDE

    return same_page(source.url, CLAUDE.url)


def _read(explicit: str | None) -> ConfigFile:
    """The config file in use; one named on the command line or environment must exist."""
    from claude_beacon.config import edit as config_edit
    from claude_beacon.config.presets import EditError
    from claude_beacon.config.settings import locate

    path, named = locate(explicit)
    if named and not path.exists():
        raise EditError(f"{path}: no such configuration file")
    return config_edit.read(path)


def _flags(source: SourceSpec) -> list[str]:
    from claude_beacon.core.providers import PROVIDERS

    flags = [PROVIDERS[source.kind].label]
    if source.alternative:
        flags.append("alternative")
    if source.alerts != "all":
        flags.append(f"alerts: {source.alerts}")
    if source.components:
        flags.append(f"components: {', '.join(source.components)}")
    return flags


def _as_json(source: SourceSpec, default: bool) -> dict[str, Any]:
    return {
        "name": source.name,
        "url": source.url,
        "type": source.kind,
        "alternative": source.alternative,
        "alerts": source.alerts,
        "components": list(source.components),
        "fallbacks": list(source.fallbacks),
        "default": default,
    }


def _one_match(file: ConfigFile, page: str) -> int:
    """The one configured source ``page`` names: its name, its address, or its preset."""
    import contextlib

    from claude_beacon.config.presets import EditError, page_address, preset_for, same_page

    wanted = page.strip().casefold()
    urls = [preset.url] if (preset := preset_for(page)) else []
    with contextlib.suppress(EditError):  # else a name, not an address
        urls.append(page_address(page))
    sources = file.config.sources
    found = [
        n
        for n, s in enumerate(sources)
        if s.name.casefold() == wanted or any(same_page(s.url, url) for url in urls)
    ]
    if not found:
        names = ", ".join(s.name for s in sources)
        raise EditError(f"not watched: {page} (watched: {names})")
    if len(found) > 1:
        which = ", ".join(f"{sources[n].name} ({sources[n].url})" for n in found)
        raise EditError(f"{page} could be any of {which}: give the page's address")
    return found[0]


def _last_one(source: SourceSpec) -> str:
    from claude_beacon.config.presets import same_page
    from claude_beacon.config.settings import CLAUDE

    if same_page(source.url, CLAUDE.url):
        return (
            f"{source.name} is the only page watched, and claude-beacon always watches one "
            "(Claude, when none is configured): add another page first to watch that instead"
        )
    return (
        f"{source.name} is the only page watched: without it claude-beacon would go back to "
        "watching Claude, its default. To watch Claude, run `claude-beacon add claude` first; "
        "to watch another page, add that one first"
    )
