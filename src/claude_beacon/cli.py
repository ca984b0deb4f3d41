"""The ``claude-beacon`` command line: ``status``, ``watch``, ``paths``, and the tray."""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
from collections.abc import Sequence
from dataclasses import replace

from claude_beacon import __version__, paths, report
from claude_beacon.config import Config, ConfigError, check_interval, load
from claude_beacon.core.model import Event, Snapshot
from claude_beacon.fetch import Fetcher
from claude_beacon.poller import Poller
from claude_beacon.state import StateStore

log = logging.getLogger("claude_beacon")


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    _setup_logging(args.verbose)
    command = args.command or "tray"
    if command == "autostart":  # needs no configuration, so a broken one cannot block it
        return autostart_command(args.switch)
    try:
        config = load(args.config)
        if command == "status":
            return status(config, as_json=args.json)
        if command == "watch":
            return watch(config, as_json=args.json, interval=args.interval)
        if command == "paths":
            return show_paths(config)
        from claude_beacon import app  # the desktop stack loads only when it is wanted

        return app.run(config)
    except ConfigError as exc:
        print(f"claude-beacon: {exc}", file=sys.stderr)
        return 2


def status(config: Config, *, as_json: bool) -> int:
    """One round of polling, printed; the exit code follows the Nagios plugin convention."""
    fetcher = Fetcher()
    snapshot, _ = Poller(config, fetcher).poll_once()
    fetcher.client.close()
    if as_json:
        print(json.dumps(report.status_json(snapshot), indent=2, ensure_ascii=False))
    else:
        print(report.status_text(snapshot, colour=_colour()))
    return report.exit_code(snapshot)


def watch(config: Config, *, as_json: bool, interval: float | None) -> int:
    """Poll until interrupted, printing each event once as it happens."""
    if interval is not None:
        check_interval(interval, config.sources, "--interval")
        cadence = replace(
            config.cadence,
            interval=interval,
            fast_interval=min(interval, config.cadence.fast_interval),
        )
        config = replace(config, cadence=cadence)
    colour = _colour()
    first = [True]

    def publish(snapshot: Snapshot, events: tuple[Event, ...]) -> None:
        if first[0] and not as_json:
            print(report.status_text(snapshot, colour=colour), flush=True)
        first[0] = False
        for event in events:
            text = json.dumps(report.event_json(event), ensure_ascii=False)
            print(text if as_json else report.event_text(event, colour), flush=True)

    store = StateStore(paths.state_dir() / "watch.json")
    poller = Poller(config, Fetcher(), store=store, on_update=publish)
    signal.signal(signal.SIGTERM, lambda *_: poller.stop(0))
    thread = poller.start()
    try:
        while thread.is_alive():
            thread.join(0.5)
    except KeyboardInterrupt:
        pass
    poller.stop()
    return 0


def show_paths(config: Config) -> int:
    entries = {"config file": str(config.path or paths.config_file())}
    entries.update(
        {name: str(path) for name, path in paths.all_paths().items() if name != "config"}
    )
    width = max(len(k) for k in entries)
    for name, path in entries.items():
        print(f"{name.ljust(width)}  {path}")
    return 0


def autostart_command(switch: str) -> int:
    """``autostart on|off|status``: start at login, through the platform's own mechanism."""
    from claude_beacon import autostart

    mechanism = autostart.for_platform()
    try:
        if switch == "on":
            mechanism.enable(autostart.launch_command())
        elif switch == "off":
            mechanism.disable()
    except OSError as exc:
        print(f"claude-beacon: cannot change start at login: {exc}", file=sys.stderr)
        return 1
    state = "on" if mechanism.enabled() else "off"
    print(f"start at login: {state} ({mechanism.where()})")
    return 0


def _colour() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def _setup_logging(verbose: int) -> None:
    level = logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("claude-beacon: %(message)s"))
    handler.setLevel(level)
    log.addHandler(handler)
    log.setLevel(level)


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config",
        metavar="FILE",
        default=argparse.SUPPRESS,
        help="read settings from FILE (default: $CLAUDE_BEACON_CONFIG or the user config file)",
    )
    common.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=argparse.SUPPRESS,
        help="log more (repeat for debug output)",
    )
    parser = argparse.ArgumentParser(
        prog="claude-beacon",
        description="Is Claude down, or is it me? A status indicator for Claude.",
        parents=[common],
        epilog="Without a command, claude-beacon starts the tray icon.",
    )
    parser.add_argument("--version", action="version", version=f"claude-beacon {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    status_cmd = commands.add_parser(
        "status",
        parents=[common],
        help="check once and print the status (exit 0 ok, 1 degraded, 2 major outage, 3 unknown)",
    )
    status_cmd.add_argument("--json", action="store_true", help="print one JSON object")
    watch_cmd = commands.add_parser("watch", parents=[common], help="print events as they happen")
    watch_cmd.add_argument("--json", action="store_true", help="print one JSON object per event")
    watch_cmd.add_argument(
        "--interval", type=_positive, metavar="S", help="seconds between polls in every state"
    )
    commands.add_parser("tray", parents=[common], help="show the tray icon (the default)")
    commands.add_parser("paths", parents=[common], help="print where settings, state and logs live")
    autostart_cmd = commands.add_parser(
        "autostart", parents=[common], help="start the tray at login: on, off, or show (status)"
    )
    autostart_cmd.add_argument(
        "switch", choices=("on", "off", "status"), nargs="?", default="status"
    )
    parser.set_defaults(config=None, verbose=0)
    return parser


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("expected a positive number of seconds")
    return value
