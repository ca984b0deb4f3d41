"""``claude-beacon doctor``: every check once, a report to paste into a support ticket."""

from __future__ import annotations

import argparse

TYPE_CHECKING = False  # typing itself stays unloaded: --help starts as quickly as it can
if TYPE_CHECKING:
    from claude_beacon.render.doctor import TrayReport


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    command = commands.add_parser(
        "doctor", parents=[common], help="check everything once and print a report for support"
    )
    command.add_argument("--json", action="store_true", help="print one JSON object")
    command.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import json

    from claude_beacon.cli.checks import check_everything
    from claude_beacon.cli.terminal import write_out
    from claude_beacon.config.settings import load
    from claude_beacon.core.community import corroborate
    from claude_beacon.core.verdict import ProbeMemory, judge, remember
    from claude_beacon.engine.community import read_once
    from claude_beacon.render import doctor, terminal

    config = load(args.config)
    snapshot, probes, fetcher = check_everything(config)
    with fetcher:
        pulse = read_once(config, fetcher.client)
    verdict = corroborate(judge(snapshot, probes, remember(ProbeMemory(), probes)), pulse)
    tray = tray_report()
    if args.json:
        report = doctor.as_json(config, snapshot, probes, verdict, tray, pulse)
        write_out(json.dumps(report, indent=2))
    else:
        write_out(doctor.as_text(config, snapshot, probes, verdict, tray, pulse))
    return terminal.exit_code(snapshot)


def tray_report() -> TrayReport:
    """The tray the app would run on this desktop, and why, as the app itself decides.

    The chooser only looks at the desktop (a watcher on the bus, an X tray, PyGObject): no
    tray is made, so neither pystray nor Pillow is loaded."""
    from claude_beacon.desktop.trayhost import choose
    from claude_beacon.render.doctor import TrayReport

    try:
        choice = choose()
    except Exception as exc:  # a report for support must come out whatever the desktop does
        return TrayReport(None, f"could not tell: {type(exc).__name__}: {exc}")
    return TrayReport(choice.backend, choice.reason)
