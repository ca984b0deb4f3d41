"""``claude-beacon watch``: poll until interrupted, printing each event once as it happens."""

from __future__ import annotations

import argparse
from typing import Any

from claude_beacon.cli.terminal import positive


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    command = commands.add_parser("watch", parents=[common], help="print events as they happen")
    command.add_argument("--json", action="store_true", help="print one JSON object per event")
    command.add_argument(
        "--interval", type=positive, metavar="S", help="seconds between polls in every state"
    )
    command.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import json
    import signal
    from dataclasses import replace

    from claude_beacon import paths, report
    from claude_beacon.cli.terminal import colour, silence_stdout
    from claude_beacon.config import check_interval, load
    from claude_beacon.core.model import Event, Snapshot
    from claude_beacon.fetch import Fetcher
    from claude_beacon.history import History
    from claude_beacon.hooks import Hooks
    from claude_beacon.poller import Poller
    from claude_beacon.state import StateStore
    from claude_beacon.webhooks import Webhooks

    config = load(args.config)
    if args.interval is not None:
        check_interval(args.interval, config.sources, "--interval")
        cadence = replace(
            config.cadence,
            interval=args.interval,
            fast_interval=min(args.interval, config.cadence.fast_interval),
        )
        config = replace(config, cadence=cadence)
    as_json = args.json
    painted = colour()
    first = [True]

    def publish(snapshot: Snapshot, events: tuple[Event, ...]) -> None:
        try:
            if first[0] and not as_json:
                print(report.status_text(snapshot, colour=painted), flush=True)
            first[0] = False
            for event in events:
                text = json.dumps(report.event_json(event), ensure_ascii=False)
                print(text if as_json else report.event_text(event, painted), flush=True)
        except BrokenPipeError:  # the reader went away (`watch | head`): stop, quietly
            silence_stdout()
            poller.stop(0)

    store = StateStore(paths.state_dir() / "watch.json")
    history = History(paths.history_file())
    hooks = Hooks(config.hooks, config.hook_timeout)
    webhooks = Webhooks(config.webhooks)

    def publish_and_remember(snapshot: Snapshot, events: tuple[Event, ...]) -> None:
        history.record(snapshot, events)
        hooks.post(events)
        webhooks.post(events)
        publish(snapshot, events)

    poller = Poller(config, Fetcher(), store=store, on_update=publish_and_remember)
    signal.signal(signal.SIGTERM, lambda *_: poller.stop(0))
    thread = poller.start()
    try:
        while thread.is_alive():
            thread.join(0.5)
    except KeyboardInterrupt:
        pass
    poller.stop()
    return 0
