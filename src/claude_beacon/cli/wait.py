"""``claude-beacon wait``: block until Claude is operational: ``claude-beacon wait && claude``."""

from __future__ import annotations

import argparse
from typing import Any

from claude_beacon.cli.terminal import positive


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    command = commands.add_parser(
        "wait", parents=[common], help="block until Claude is operational (exit 3 on timeout)"
    )
    command.add_argument("--component", metavar="NAME", help="wait for this component only")
    command.add_argument("--timeout", type=positive, metavar="S", help="give up after S seconds")
    command.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import sys
    import threading
    from dataclasses import replace

    from claude_beacon.config import load
    from claude_beacon.core.model import Event, Level, Snapshot
    from claude_beacon.fetch import Fetcher
    from claude_beacon.poller import Poller

    config = load(args.config)
    component, timeout = args.component, args.timeout
    if component:
        first = replace(config.sources[0], components=(component,))
        config = replace(config, sources=(first, *config.sources[1:]))
    operational = threading.Event()
    told: list[Level] = []
    missing: list[str] = []

    def update(snapshot: Snapshot, _events: tuple[Event, ...]) -> None:
        first = snapshot.readings[0] if snapshot.readings else None
        if component and first and first.ok and not first.components:
            missing.append(component)  # nothing to wait for: a typo, not "all clear"
            operational.set()
            return
        level = snapshot.level if snapshot.readings else Level.UNKNOWN
        if level is Level.OPERATIONAL:
            operational.set()
        elif not told or told[-1] is not level:
            told.append(level)
            print(f"claude-beacon: waiting, Claude is {level.label}…", file=sys.stderr, flush=True)

    poller = Poller(config, Fetcher(), on_update=update)  # the same schedule and backoff
    poller.start()
    try:
        done = operational.wait(timeout)
    except KeyboardInterrupt:
        return 130
    finally:
        poller.stop()
    if missing:
        name = config.sources[0].name
        print(f"claude-beacon: {name} has no component named {missing[0]!r}", file=sys.stderr)
        return 2
    if done:
        print("Claude: all systems operational")
        return 0
    print(f"claude-beacon: not operational after {timeout:g} s", file=sys.stderr)
    return 3
