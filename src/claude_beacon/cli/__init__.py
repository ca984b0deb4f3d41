"""The ``claude-beacon`` command line: one module per command, dispatched from one table.

Each command module registers its own arguments and imports what it runs on only when it
runs, so that ``--version`` and ``--help`` stay as quick as a small tool's.
"""

from __future__ import annotations

import os
import sys

from claude_beacon import __version__

TYPE_CHECKING = False  # importing typing would cost the statusline's every run
if TYPE_CHECKING:
    import argparse
    import logging
    from collections.abc import Callable, Sequence
    from typing import NoReturn

    Run = Callable[[argparse.Namespace], int]

COMMANDS: tuple[str, ...] = (
    "tray",
    "status",
    "watch",
    "doctor",
    "guide",
    "history",
    "wait",
    "add",
    "sources",
    "admin",
    "statusline",
)
"""The command modules in the order ``--help`` lists them; each has ``register(commands, common)``.
They are imported when the parser is built, not with this package: ``statusline`` runs every few
hundred milliseconds inside Claude Code and loads none of them, nor argparse or logging."""
MODULE_OF: dict[str, str] = {"paths": "admin", "autostart": "admin", "remove": "sources"}
"""Commands registered by a module of another name."""
MONITORED = frozenset({"status", "wait"})
"""Commands whose exit code a monitor or a script reads: when they could not check at all (a
bad option, a bad or missing settings file) they exit 3, UNKNOWN, never the usage error's 2,
which ``status`` gives a major outage."""
CANNOT_CHECK = 3
USAGE_ERROR = 2


class UsageError(Exception):
    """A command line argparse refused: its usage line and the one-line error."""

    def __init__(self, usage: str, prog: str, reason: str) -> None:
        super().__init__(reason)
        self.usage = usage
        self.message = f"{prog}: error: {reason}"
        self.reason = reason


def main(argv: Sequence[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    if arguments == ["statusline"]:  # the hot path: no parser, no settings, no logging
        from claude_beacon.cli import statusline

        return statusline.show()
    from claude_beacon.cli import tray

    named = _command_of(arguments)
    try:
        args = parser(arguments).parse_args(arguments)
    except UsageError as exc:
        print(f"{exc.usage.rstrip()}\n{exc.message}", file=sys.stderr)
        return _cannot_check(named, "--json" in arguments, "usage", exc.reason)
    if hasattr(args, "verbose_after"):  # -v after the command counts with -v before it
        args.verbose += args.verbose_after
        del args.verbose_after
    log = _setup_logging(args.verbose)
    run: Run = args.run if hasattr(args, "run") else tray.run
    from claude_beacon.config.settings import (  # a command may read the configuration
        ConfigError,
        locate,
    )

    path, named_file = locate(args.config)
    given = "" if named_file or path.is_file() else " (not there: the embedded default)"
    log.info("%s, settings from %s%s", args.command or "tray", path, given)
    options = sorted((k, v) for k, v in vars(args).items() if k != "run")
    log.debug("options: %s", ", ".join(f"{k}={v!r}" for k, v in options))
    try:
        return run(args)
    except ConfigError as exc:
        print(f"claude-beacon: {exc}", file=sys.stderr)
        return _cannot_check(args.command, getattr(args, "json", False), "settings", str(exc))


def _cannot_check(command: str | None, as_json: bool, kind: str, message: str) -> int:
    """The exit code for a command that could not run as asked; ``status --json`` still prints
    its one object, saying what is wrong, for a monitor that parses it."""
    if command not in MONITORED:
        return USAGE_ERROR
    if command == "status" and as_json:
        from claude_beacon.cli.terminal import write_out
        from claude_beacon.render import wire

        write_out(wire.dumps(wire.problem_json(kind, message), indent=2))
    return CANNOT_CHECK


def parser(arguments: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The command line for ``arguments``; global options work before and after the command.

    Where ``arguments`` name a command (options alone name the tray), only its module is loaded
    and registered (the others cost every ``status`` a few milliseconds for nothing); without
    ``arguments``, or with ``--help`` or a word that is no command, all of them are."""
    import argparse
    from importlib import import_module

    main_parser = _parser_type()(
        prog="claude-beacon",
        description="Is Claude down, or is it me? A status indicator for Claude.",
        parents=[_global_options(None, 0, "verbose")],
        epilog="Without a command, claude-beacon starts the tray icon.",
    )
    commands = main_parser.add_subparsers(dest="command", metavar="COMMAND")
    # Each command gets its own copy of the global options, defaulting to "not given", so that
    # one written after the command does not erase one written before it. A command's options
    # are parsed into a fresh namespace and copied over, so its -v count is kept apart and added.
    common = _global_options(argparse.SUPPRESS, argparse.SUPPRESS, "verbose_after")
    named = _command_of(arguments or ())
    if (
        arguments is not None
        and named is None
        and not any(a in ("-h", "--help") or not a.startswith("-") for a in arguments)
    ):
        named = "tray"  # options alone start the tray: its start-up is the one a user watches
    for name in (MODULE_OF.get(named, named),) if named else COMMANDS:
        import_module(f"claude_beacon.cli.{name}").register(commands, common)
    return main_parser


def _command_of(arguments: Sequence[str]) -> str | None:
    """The command word in ``arguments`` (the first word that is no option or its value), if
    it is one of the commands."""
    words = iter(arguments)
    for word in words:
        if word == "--":
            break
        if word == "--config":
            next(words, None)  # its value, even one spelled like a command
        elif not word.startswith("-"):
            known = word in MODULE_OF or (word in COMMANDS and word != "admin")
            return word if known else None
    return None


def _global_options(
    config_default: object, verbose_default: object, verbose_dest: str
) -> argparse.ArgumentParser:
    options = _parser_type()(add_help=False)
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
        dest=verbose_dest,
        help="log more (repeat for debug output)",
    )
    options.add_argument("--version", action="version", version=f"claude-beacon {__version__}")
    return options


def _parser_type() -> type[argparse.ArgumentParser]:
    """argparse's parser, with help sized without ``shutil`` (which loads the compression
    modules): ``--help`` and ``--version`` start as quickly as a small tool's. Built on first
    use, so that argparse itself stays unloaded for the statusline."""
    import argparse

    class Parser(argparse.ArgumentParser):
        def _get_formatter(self) -> argparse.HelpFormatter:
            make: Callable[..., argparse.HelpFormatter] = self.formatter_class
            return make(prog=self.prog, width=_terminal_width() - 2)

        def error(self, message: str) -> NoReturn:
            """Raised, not exited on: ``main`` chooses the exit code by command."""
            raise UsageError(self.format_usage(), self.prog, message)

    return Parser


def _terminal_width() -> int:
    """What ``shutil.get_terminal_size`` answers: ``$COLUMNS``, the terminal, or 80."""
    try:
        return int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        pass
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or 80  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):  # no stdout, or not a terminal
        return 80


def _setup_logging(verbose: int) -> logging.Logger:
    """Records on standard error, one printable line each; their tracebacks only with ``-v``."""
    import logging  # loaded once a command runs, not for --version or --help

    from claude_beacon.render.printable import PrintableFormatter

    level = logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(PrintableFormatter("claude-beacon: %(message)s", tracebacks=verbose > 0))
    handler.setLevel(level)
    log = logging.getLogger("claude_beacon")
    log.addHandler(handler)
    log.setLevel(level)
    return log
