"""``claude-beacon status``: one round of polling, printed, with a Nagios-style exit code."""

from __future__ import annotations

import argparse


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    command = commands.add_parser(
        "status",
        parents=[common],
        help="check once and print the status (exit 0 ok, 1 degraded, 2 major outage, 3 unknown)",
    )
    command.add_argument("--json", action="store_true", help="print one JSON object")
    command.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import json

    from claude_beacon.cli.terminal import colour, write_out
    from claude_beacon.config.settings import load
    from claude_beacon.engine.glance import glance
    from claude_beacon.net.fetcher import Fetcher
    from claude_beacon.render import terminal, wire

    config = load(args.config)
    fetcher = Fetcher()
    try:
        snapshot = glance(config, fetcher)
    finally:
        fetcher.client.close()
    if args.json:
        write_out(json.dumps(wire.status_json(snapshot), indent=2, ensure_ascii=False))
    else:
        write_out(terminal.status_text(snapshot, colour=colour()))
    return terminal.exit_code(snapshot)
