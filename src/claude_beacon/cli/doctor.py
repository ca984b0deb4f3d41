"""``claude-beacon doctor``: every check once, a report to paste into a support ticket."""

from __future__ import annotations

import argparse


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
    from claude_beacon.core.verdict import ProbeMemory, judge, remember
    from claude_beacon.render import doctor, terminal

    config = load(args.config)
    snapshot, probes, fetcher = check_everything(config)
    fetcher.client.close()
    verdict = judge(snapshot, probes, remember(ProbeMemory(), probes))
    if args.json:
        write_out(json.dumps(doctor.as_json(config, snapshot, probes, verdict), indent=2))
    else:
        write_out(doctor.as_text(config, snapshot, probes, verdict))
    return terminal.exit_code(snapshot)
