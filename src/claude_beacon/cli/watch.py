"""``claude-beacon watch``: poll until interrupted, printing each event once as it happens.

It runs the same engine as the tray (the pages and the reachability checks, so the early
warning too), and every event goes to the history, hooks and webhooks as well as the terminal.
"""

from __future__ import annotations

import argparse

from claude_beacon.cli.terminal import positive


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    command = commands.add_parser("watch", parents=[common], help="print events as they happen")
    command.add_argument("--json", action="store_true", help="print one JSON object per event")
    command.add_argument(
        "--interval",
        type=positive("seconds"),
        metavar="S",
        help="seconds between polls in every state",
    )
    command.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import signal
    import threading
    from dataclasses import replace

    from claude_beacon.cli.terminal import colour, silence_stdout
    from claude_beacon.config.settings import check_interval, load
    from claude_beacon.engine.engine import Engine, Outputs
    from claude_beacon.engine.printer import TerminalSink
    from claude_beacon.store import paths
    from claude_beacon.store.state import StateStore

    config = load(args.config)
    if args.interval is not None:
        check_interval(args.interval, config.sources, "--interval")
        cadence = replace(
            config.cadence,
            interval=args.interval,
            fast_interval=min(args.interval, config.cadence.fast_interval),
        )
        config = replace(config, cadence=cadence)
    done = threading.Event()

    def reader_gone() -> None:  # `watch | head -1`: stop, quietly
        silence_stdout()
        done.set()

    terminal = TerminalSink(as_json=args.json, colour=colour(), on_closed=reader_gone)
    engine = Engine(
        config,
        store=StateStore(paths.state_dir() / "watch.json"),
        outputs=Outputs(extra=(terminal,)),
    )
    # Ctrl-C and SIGTERM end the wait below, never a thread's join (cpython#90882)
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    thread = engine.start()
    while thread.is_alive() and not done.wait(0.5):
        pass
    engine.stop()
    return 0
