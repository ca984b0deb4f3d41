"""``claude-beacon paths`` and ``claude-beacon autostart``: where things live, start at login."""

from __future__ import annotations

import argparse


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    paths_command = commands.add_parser(
        "paths", parents=[common], help="print where settings, state and logs live"
    )
    paths_command.set_defaults(run=show_paths)
    autostart_command = commands.add_parser(
        "autostart", parents=[common], help="start the tray at login: on, off, or show (status)"
    )
    autostart_command.add_argument(
        "switch", choices=("on", "off", "status"), nargs="?", default="status"
    )
    autostart_command.set_defaults(run=autostart)


def show_paths(args: argparse.Namespace) -> int:
    from claude_beacon.config.settings import load
    from claude_beacon.store import paths

    config = load(args.config)
    entries = {"config file": str(config.path or paths.config_file())}
    entries.update(
        {name: str(path) for name, path in paths.all_paths().items() if name != "config"}
    )
    width = max(len(k) for k in entries)
    for name, path in entries.items():
        print(f"{name.ljust(width)}  {path}")
    return 0


def autostart(args: argparse.Namespace) -> int:
    """Start at login through the platform's own mechanism, with the config file in use; needs
    no valid configuration, so that a broken one cannot block it."""
    import sys

    from claude_beacon.config.settings import locate
    from claude_beacon.desktop import autostart

    config_path, named = locate(args.config)
    if args.switch == "on" and named and not config_path.is_file():
        print(f"claude-beacon: {config_path}: no such configuration file", file=sys.stderr)
        return 2
    mechanism = autostart.for_platform()
    try:
        if args.switch == "on":
            mechanism.enable(autostart.launch_command(config_path))
        elif args.switch == "off":
            mechanism.disable()
    except OSError as exc:
        print(f"claude-beacon: cannot change start at login: {exc}", file=sys.stderr)
        return 1
    state = "on" if mechanism.enabled() else "off"
    print(f"start at login: {state} ({mechanism.where()})")
    return 0
