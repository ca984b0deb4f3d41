"""The ``claude-beacon`` command line: the tray, ``status``, ``watch``, ``doctor``, ``guide``."""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime
from urllib.parse import urlsplit

from claude_beacon import __version__, paths, report
from claude_beacon.config import (
    CLAUDE_HOSTS,
    Config,
    ConfigError,
    check_interval,
    load,
    locate,
    page_url,
)
from claude_beacon.core.model import Event, Level, Snapshot, SourceSpec
from claude_beacon.core.probes import ProbeResult
from claude_beacon.core.providers import PROVIDERS
from claude_beacon.core.verdict import ProbeMemory, judge, remember
from claude_beacon.fetch import Fetcher
from claude_beacon.history import History
from claude_beacon.hooks import Hooks
from claude_beacon.poller import Poller
from claude_beacon.sources import PRESETS, AddError, append_source, detect
from claude_beacon.state import StateStore
from claude_beacon.webhooks import Webhooks

log = logging.getLogger("claude_beacon")


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    _setup_logging(args.verbose)
    command = args.command or "tray"
    if command == "autostart":  # needs no configuration, so a broken one cannot block it
        return autostart_command(args.switch)
    if command == "add":  # edits the configuration rather than running on it
        return add_command(
            args.page, name=args.name, alternative=args.alternative, where=args.config
        )
    try:
        config = load(args.config)
        if command == "status":
            return status(config, as_json=args.json)
        if command == "watch":
            return watch(config, as_json=args.json, interval=args.interval)
        if command == "paths":
            return show_paths(config)
        if command == "doctor":
            return doctor_command(config, as_json=args.json)
        if command == "guide":
            return guide_command(config)
        if command == "history":
            return history_command(config, days=args.days, as_json=args.json)
        if command == "wait":
            return wait_command(config, component=args.component, timeout=args.timeout)
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
        try:
            if first[0] and not as_json:
                print(report.status_text(snapshot, colour=colour), flush=True)
            first[0] = False
            for event in events:
                text = json.dumps(report.event_json(event), ensure_ascii=False)
                print(text if as_json else report.event_text(event, colour), flush=True)
        except BrokenPipeError:  # the reader went away (`watch | head`): stop, quietly
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
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


def add_command(page: str | None, *, name: str | None, alternative: bool, where: str | None) -> int:
    """Watch one more status page: a preset's name, or any page's address (its kind detected)."""
    if not page:
        for key, preset in PRESETS.items():
            extra = ", an alternative to Claude" if preset.alternative else ""
            label = PROVIDERS[preset.kind].label
            print(f"{key:<11} {preset.name:<11} {preset.url} ({label}{extra})")
        return 0
    path, _ = locate(where)
    url = page if "://" in page else f"https://{page}"
    host = urlsplit(url).hostname or ""
    preset = PRESETS.get(page.casefold()) or (PRESETS["claude"] if host in CLAUDE_HOSTS else None)
    try:
        if preset:
            spec = SourceSpec(name or preset.name, preset.url, preset.kind)
            alternative = alternative or preset.alternative
        else:
            fetcher = Fetcher()
            try:
                kind, reading = detect(url, fetcher)
            finally:
                fetcher.client.close()
            base = page_url(url)
            spec = SourceSpec(name or reading.page_name or host or base, base, kind)
        added = append_source(path, spec, alternative)
    except AddError as exc:
        print(f"claude-beacon: {exc}", file=sys.stderr)
        return 2
    what = f"{spec.name} ({spec.url}, {PROVIDERS[spec.kind].label})"
    print(f"{'added' if added else 'already watched'}: {what} in {path}")
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


def check_everything(config: Config) -> tuple[Snapshot, tuple[ProbeResult, ...], Fetcher]:
    """One poll of the status page and one round of probes, side by side."""
    from claude_beacon import diagnostics

    fetcher = Fetcher()
    with ThreadPoolExecutor(2, thread_name_prefix="beacon-check") as pool:
        polled = pool.submit(lambda: Poller(config, fetcher).poll_once()[0])
        probed = pool.submit(diagnostics.run_probes, config)
        return polled.result(), probed.result(), fetcher


def doctor_command(config: Config, *, as_json: bool) -> int:
    """Every check once, printed as a report for a support ticket; exit code as ``status``."""
    from claude_beacon import doctor

    snapshot, probes, _ = check_everything(config)
    verdict = judge(snapshot, probes, remember(ProbeMemory(), probes))
    if as_json:
        print(json.dumps(doctor.as_json(config, snapshot, probes, verdict), indent=2))
    else:
        print(doctor.as_text(config, snapshot, probes, verdict))
    return report.exit_code(snapshot)


def guide_command(config: Config) -> int:
    """Write the troubleshooting guide and open it; print its path if no browser opens."""
    from claude_beacon import diagnostics, guide

    snapshot, probes, fetcher = check_everything(config)
    verdict = judge(snapshot, probes, remember(ProbeMemory(), probes))
    page = guide.render(snapshot, verdict, probes, diagnostics.history(fetcher, config))
    try:
        path = guide.write(page)
    except OSError as exc:
        print(f"claude-beacon: cannot write the troubleshooting guide: {exc}", file=sys.stderr)
        return 1
    if guide.open_in_browser(path):
        print(f"Opened the troubleshooting guide: {path}")
    else:
        print(f"No browser could be opened; the troubleshooting guide is at {path}")
    return 0


def history_command(config: Config, *, days: float, as_json: bool) -> int:
    """What this machine saw: events and level changes, and uptime per component."""
    from claude_beacon import history_report

    history = History(paths.history_file())
    report_ = history_report.gather(history, config, days, datetime.now(UTC))
    if as_json:
        print(json.dumps(history_report.as_json(report_), indent=2))
    else:
        print(history_report.as_text(report_))
    if history.problem:
        print(f"claude-beacon: {history.problem}", file=sys.stderr)
    return 0


def wait_command(config: Config, *, component: str | None, timeout: float | None) -> int:
    """Block until the watched components are operational: ``claude-beacon wait && claude``."""
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
    doctor_cmd = commands.add_parser(
        "doctor", parents=[common], help="check everything once and print a report for support"
    )
    doctor_cmd.add_argument("--json", action="store_true", help="print one JSON object")
    commands.add_parser(
        "guide", parents=[common], help="open the troubleshooting guide in a browser"
    )
    history_cmd = commands.add_parser(
        "history", parents=[common], help="what this machine saw, and uptime per component"
    )
    history_cmd.add_argument("--days", type=_positive, default=7, metavar="N")
    history_cmd.add_argument("--json", action="store_true", help="print one JSON object")
    wait_cmd = commands.add_parser(
        "wait", parents=[common], help="block until Claude is operational (exit 3 on timeout)"
    )
    wait_cmd.add_argument("--component", metavar="NAME", help="wait for this component only")
    wait_cmd.add_argument("--timeout", type=_positive, metavar="S", help="give up after S seconds")
    add_cmd = commands.add_parser(
        "add", parents=[common], help="watch another status page (a URL, or a preset; none: list)"
    )
    add_cmd.add_argument("page", nargs="?", help="the page's address, or a preset such as openai")
    add_cmd.add_argument("--name", help="the name to show (default: the page's own)")
    add_cmd.add_argument(
        "--alternative", action="store_true", help="a service to switch to while Claude is down"
    )
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
