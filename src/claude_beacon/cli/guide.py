"""``claude-beacon guide``: write the troubleshooting guide and open it in a browser."""

from __future__ import annotations

import argparse


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    command = commands.add_parser(
        "guide", parents=[common], help="open the troubleshooting guide in a browser"
    )
    command.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import sys

    from claude_beacon.cli.checks import check_everything
    from claude_beacon.config.settings import load
    from claude_beacon.core.community import corroborate
    from claude_beacon.core.verdict import ProbeMemory, judge, remember
    from claude_beacon.engine import diagnostics
    from claude_beacon.engine.community import read_once
    from claude_beacon.render import guide, local_history
    from claude_beacon.store import paths
    from claude_beacon.store.history import History

    config = load(args.config)
    snapshot, probes, fetcher = check_everything(config)
    with fetcher:
        pulse = read_once(config, fetcher.client)
        verdict = corroborate(judge(snapshot, probes, remember(ProbeMemory(), probes)), pulse)
        rows = local_history.uptime_rows(
            History(paths.history_file()), config.primary.name, snapshot.at
        )
        incidents = diagnostics.recent_incidents(fetcher, config)
        page = guide.render(snapshot, verdict, probes, incidents, uptime=rows, community=pulse)
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
