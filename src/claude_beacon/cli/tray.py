"""``claude-beacon`` and ``claude-beacon tray``: the tray icon, menu and notifications."""

from __future__ import annotations

import argparse


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    command = commands.add_parser("tray", parents=[common], help="show the tray icon (the default)")
    command.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from claude_beacon.config.settings import load
    from claude_beacon.desktop import app  # the desktop stack loads only when it is wanted

    return app.run(load(args.config))
