"""``claude-beacon add``: watch another status page, a preset's or any page's address.

Adding a page that is already watched changes what was asked for (``--name`` renames it,
``--alternative`` marks it) and says what the file holds now.
"""

from __future__ import annotations

import argparse
import sys

TYPE_CHECKING = False  # typing itself stays unloaded: --help starts as quickly as it can
if TYPE_CHECKING:
    from claude_beacon.config.edit import ConfigFile
    from claude_beacon.config.presets import Preset
    from claude_beacon.core.model import SourceSpec


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    command = commands.add_parser(
        "add", parents=[common], help="watch another status page (a URL, or a preset; none: list)"
    )
    command.add_argument("page", nargs="?", help="the page's address, or a preset such as openai")
    command.add_argument(
        "--name", help="the name to show (default: the page's own); renames a page already watched"
    )
    command.add_argument(
        "--alternative", action="store_true", help="a service to switch to while Claude is down"
    )
    command.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Edits the configuration rather than running on it, so a broken one is reported, not read."""
    from claude_beacon.config import edit as config_edit
    from claude_beacon.config.presets import EditError, page_address, person_name, preset_for
    from claude_beacon.config.settings import locate

    if not args.page:
        list_presets()
        return 0
    path, _ = locate(args.config)
    try:
        name = person_name(args.name) if args.name is not None else None
        preset = preset_for(args.page)
        url = preset.url if preset else page_address(args.page)
        file = config_edit.read(path)
        watched = _watched(file, url)
        if watched is not None:
            print(_change(file, watched, name, args.alternative))
            return 0
        spec, alternative = _new_source(url, name, preset)
        config_edit.add(file, config_edit.row(spec, alternative or args.alternative))
    except EditError as exc:
        print(f"claude-beacon: {exc}", file=sys.stderr)
        return 2
    print(f"added: {describe(spec)} in {path}")
    return 0


def list_presets() -> None:
    from claude_beacon.config.presets import PRESETS, regional
    from claude_beacon.core.providers import PROVIDERS

    for key, listed in PRESETS.items():
        preset = regional(listed)
        extra = ", an alternative to Claude" if preset.alternative else ""
        label = PROVIDERS[preset.kind].label
        print(f"{key:<11} {preset.name:<11} {preset.url} ({label}{extra})")


def describe(spec: SourceSpec) -> str:
    from claude_beacon.core.providers import PROVIDERS
    from claude_beacon.core.text import printable

    return printable(f"{spec.name} ({spec.url}, {PROVIDERS[spec.kind].label})")


def _watched(file: ConfigFile, url: str) -> int | None:
    """The index of the configured source that is ``url``'s page; -1 for the default Claude."""
    from claude_beacon.config.presets import same_page

    if not file.rows:
        return -1 if same_page(url, file.config.sources[0].url) else None
    return next((n for n, s in enumerate(file.config.sources) if same_page(s.url, url)), None)


def _change(file: ConfigFile, index: int, name: str | None, alternative: bool) -> str:
    """Rename or mark the page already watched, as asked; the answer names it as written."""
    from claude_beacon.config import edit as config_edit

    source = file.config.sources[max(index, 0)]
    changes: dict[str, object] = {}
    if name is not None and name != source.name:
        changes["name"] = name
    if alternative and not source.alternative and index >= 0:
        changes["alternative"] = True
    if not changes:
        where = f"in {file.path}" if index >= 0 else "(the default)"
        return f"already watched: {describe(source)} {where}"
    if index < 0:  # the default Claude, renamed: written out
        config_edit.add(file, config_edit.row(source) | changes)
    else:
        config_edit.update(file, index, changes)
    said = []
    if "name" in changes:
        said.append(f"renamed: {source.name} → {name}")
    if "alternative" in changes:
        said.append(f"now an alternative to Claude: {name or source.name}")
    return "\n".join(said) + f" ({source.url}) in {file.path}"


def _new_source(url: str, name: str | None, preset: Preset | None) -> tuple[SourceSpec, bool]:
    """The page to add and whether it is an alternative: a preset's, or what the page says."""
    from urllib.parse import urlsplit

    from claude_beacon.config.presets import detect, page_title
    from claude_beacon.core.model import SourceSpec
    from claude_beacon.net.fetcher import Fetcher

    if preset:
        spec = SourceSpec(name or preset.name, preset.url, preset.kind, preset.components)
        return spec, preset.alternative
    fetcher = Fetcher()
    try:
        kind, reading = detect(url, fetcher)
    finally:
        fetcher.close()
    host = urlsplit(url).hostname or url
    return SourceSpec(name or page_title(reading.page_name, host), url, kind), False
