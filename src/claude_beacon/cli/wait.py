"""``claude-beacon wait``: block until Claude is operational: ``claude-beacon wait && claude``.

It waits for the primary page (Claude, unless configured otherwise), on the same schedule and
backoff as the tray; a page that cannot be read is never taken for "all clear".
"""

from __future__ import annotations

import argparse

from claude_beacon.cli.terminal import positive


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    command = commands.add_parser(
        "wait", parents=[common], help="block until Claude is operational (exit 3 on timeout)"
    )
    command.add_argument("--component", metavar="NAME", help="wait for this component only")
    command.add_argument(
        "--timeout", type=positive("seconds"), metavar="S", help="give up after S seconds"
    )
    command.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import sys
    import threading
    from dataclasses import replace

    from claude_beacon.config.settings import load
    from claude_beacon.core.model import Level, Snapshot
    from claude_beacon.engine.engine import Engine, Outputs

    config = load(args.config)
    component, timeout = args.component, args.timeout
    primary = config.primary
    if component:
        primary = replace(primary, components=(component,))
        config = replace(
            config, sources=tuple(primary if s.key == primary.key else s for s in config.sources)
        )
    finished = threading.Event()
    told: list[str] = []
    missing: list[str] = []
    read_once: list[bool] = []  # whether the page was ever read: only then is a name checked

    def update(snapshot: Snapshot) -> None:
        reading = next((r for r in snapshot.readings if r.source.key == primary.key), None)
        if reading is None:
            return
        if reading.ok:
            read_once.append(True)
        if component and reading.ok and not reading.components:
            missing.append(component)  # nothing to wait for: a typo, not "all clear"
            finished.set()
            return
        if reading.ok and reading.level is Level.OPERATIONAL:
            finished.set()
            return
        if reading.failure:
            why = f"its status page cannot be read ({reading.failure.message})"
        else:
            why = reading.level.label
        if not told or told[-1] != why:
            told.append(why)
            print(f"claude-beacon: waiting; {primary.name}: {why}…", file=sys.stderr, flush=True)

    engine = Engine(config, outputs=Outputs(record=False), on_snapshot=update, probes=False)
    engine.start()
    try:
        done = finished.wait(timeout)
    except KeyboardInterrupt:
        return 130
    finally:
        engine.stop()
    if missing:
        print(
            f"claude-beacon: {primary.name} has no component named {missing[0]!r}", file=sys.stderr
        )
        return 2
    if done:
        print(f"{primary.name}: all systems operational")
        return 0
    print(f"claude-beacon: not operational after {timeout:g} s", file=sys.stderr)
    if component and not read_once:
        print(
            f"claude-beacon: whether {primary.name} has a component named {component!r} "
            "could not be checked: its status page was never read",
            file=sys.stderr,
        )
    return 3
