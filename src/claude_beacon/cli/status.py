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
    command.add_argument(
        "--quiet",
        action="store_true",
        help="print nothing: only refresh what the statusline shows (the exit code still tells)",
    )
    command.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import logging

    from claude_beacon.cli.terminal import colour, write_out
    from claude_beacon.config.settings import load
    from claude_beacon.core.model import Level
    from claude_beacon.engine.glance import glance
    from claude_beacon.engine.statuscache import write_status_cache
    from claude_beacon.net.fetcher import Fetcher
    from claude_beacon.render import terminal, wire

    log = logging.getLogger(__name__)
    config = load(args.config)
    try:
        with Fetcher() as fetcher:
            snapshot = glance(config, fetcher)
        if args.json:
            shown = wire.dumps(wire.status_json(snapshot), indent=2)
        else:
            shown = terminal.status_text(snapshot, colour=colour())
            if missing := terminal.claude_missing(config.sources):
                shown = f"{missing}\n{shown}"
    except Exception as exc:  # whatever it was, a monitor reads UNKNOWN, not a crash
        log.error("internal error: %s", type(exc).__name__, exc_info=True)
        if args.json and not args.quiet:
            problem = f"internal error: {type(exc).__name__}"
            write_out(wire.dumps(wire.problem_json("internal", problem), indent=2))
        return terminal.EXIT_CODES[Level.UNKNOWN]
    try:
        write_status_cache(snapshot, config.cadence.interval, "status", settings=config.stamp)
    except OSError as exc:  # the answer printed below matters more than the statusline's copy
        log.warning("could not update the statusline's cache: %s", exc)
    if not args.quiet:
        write_out(shown)
    return terminal.exit_code(snapshot)
