"""The ``claude-beacon`` command line: one module per command, dispatched from one table.

Each command module registers its own arguments and imports what it runs on only when it
runs, so that ``--version`` and ``--help`` stay as quick as a small tool's.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from types import ModuleType

from claude_beacon import __version__
from claude_beacon.cli import add, admin, doctor, guide, history, sources, status, tray, wait, watch

log = logging.getLogger("claude_beacon")
COMMANDS: tuple[ModuleType, ...] = (
    tray,
    status,
    watch,
    doctor,
    guide,
    history,
    wait,
    add,
    sources,
    admin,
)
"""In the order ``--help`` lists them; each has ``register(commands, common)``."""

Run = Callable[[argparse.Namespace], int]


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    _setup_logging(args.verbose)
    run: Run = args.run if hasattr(args, "run") else tray.run
    from claude_beacon.config import ConfigError  # a command may read the configuration

    try:
        return run(args)
    except ConfigError as exc:
        print(f"claude-beacon: {exc}", file=sys.stderr)
        return 2


def parser() -> argparse.ArgumentParser:
    """The whole command line; global options work before and after the command."""
    main_parser = argparse.ArgumentParser(
        prog="claude-beacon",
        description="Is Claude down, or is it me? A status indicator for Claude.",
        parents=[_global_options(None, 0)],
        epilog="Without a command, claude-beacon starts the tray icon.",
    )
    main_parser.add_argument("--version", action="version", version=f"claude-beacon {__version__}")
    commands = main_parser.add_subparsers(dest="command", metavar="COMMAND")
    # Each command gets its own copy of the global options, defaulting to "not given", so that
    # an option written after the command adds to one written before it instead of erasing it.
    common = _global_options(argparse.SUPPRESS, argparse.SUPPRESS)
    for command in COMMANDS:
        command.register(commands, common)
    return main_parser


def _global_options(config_default: object, verbose_default: object) -> argparse.ArgumentParser:
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument(
        "--config",
        metavar="FILE",
        default=config_default,
        help="read settings from FILE (default: $CLAUDE_BEACON_CONFIG or the user config file)",
    )
    options.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=verbose_default,
        help="log more (repeat for debug output)",
    )
    return options


def _setup_logging(verbose: int) -> None:
    level = logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("claude-beacon: %(message)s"))
    handler.setLevel(level)
    log.addHandler(handler)
    log.setLevel(level)
