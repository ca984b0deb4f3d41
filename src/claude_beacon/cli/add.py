"""``claude-beacon add``: watch another status page, a preset's or any page's address."""

from __future__ import annotations

import argparse
from typing import Any


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    command = commands.add_parser(
        "add", parents=[common], help="watch another status page (a URL, or a preset; none: list)"
    )
    command.add_argument("page", nargs="?", help="the page's address, or a preset such as openai")
    command.add_argument("--name", help="the name to show (default: the page's own)")
    command.add_argument(
        "--alternative", action="store_true", help="a service to switch to while Claude is down"
    )
    command.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Edits the configuration rather than running on it, so a broken one is reported, not read."""
    import sys
    from urllib.parse import urlsplit

    from claude_beacon.config import CLAUDE_HOSTS, locate, page_url
    from claude_beacon.core.model import SourceSpec
    from claude_beacon.core.providers import PROVIDERS
    from claude_beacon.sources import PRESETS, AddError, append_source, detect

    page, name, alternative = args.page, args.name, args.alternative
    if not page:
        for key, preset in PRESETS.items():
            extra = ", an alternative to Claude" if preset.alternative else ""
            label = PROVIDERS[preset.kind].label
            print(f"{key:<11} {preset.name:<11} {preset.url} ({label}{extra})")
        return 0
    path, _ = locate(args.config)
    url = page if "://" in page else f"https://{page}"
    host = urlsplit(url).hostname or ""
    preset = PRESETS.get(page.casefold()) or (PRESETS["claude"] if host in CLAUDE_HOSTS else None)
    try:
        if preset:
            spec = SourceSpec(name or preset.name, preset.url, preset.kind)
            alternative = alternative or preset.alternative
        else:
            from claude_beacon.fetch import Fetcher

            fetcher = Fetcher()
            try:
                kind, reading = detect(url, fetcher)
            finally:
                fetcher.client.close()
            base = page_url(url)
            spec = SourceSpec(name or reading.page_name or host or base, base, kind)
        added = append_source(path, spec, alternative)
    except AddError as exc:
        print(f"claude-beacon: {exc}", file=sys.stderr)
        return 2
    what = f"{spec.name} ({spec.url}, {PROVIDERS[spec.kind].label})"
    print(f"{'added' if added else 'already watched'}: {what} in {path}")
    return 0
