"""``claude-beacon history``: what this machine saw, and uptime per component."""

from __future__ import annotations

import argparse

from claude_beacon.cli.terminal import positive


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    command = commands.add_parser(
        "history", parents=[common], help="what this machine saw, and uptime per component"
    )
    command.add_argument("--days", type=positive("days"), default=7, metavar="N")
    command.add_argument("--json", action="store_true", help="print one JSON object")
    command.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import sys
    from datetime import UTC, datetime

    from claude_beacon.cli.terminal import write_out
    from claude_beacon.config.settings import load
    from claude_beacon.render import local_history, wire
    from claude_beacon.store import paths
    from claude_beacon.store.history import History

    config = load(args.config)
    history = History(paths.history_file())
    found = local_history.gather(history, config, args.days, datetime.now(UTC))
    if args.json:
        write_out(wire.dumps(local_history.as_json(found), indent=2))
    else:
        write_out(local_history.as_text(found))
    if history.problem:
        print(f"claude-beacon: {history.problem}", file=sys.stderr)
    return 0
