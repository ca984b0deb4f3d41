"""Runs ``sni.SniTray`` as the app would, in a process without GTK, for the SNI desktop tests.

Commands on stdin: ``outage`` and ``recovery`` show those views, ``stop`` ends the tray. Lines
on stdout: ``READY <bus name>``, ``SHOWN <view>``, ``ACTION <action> [<arg>]``, ``STOPPED``,
``NOTRAY <why>``. The desktop toolkits are made unimportable first: the tray must not need them,
whatever the interpreter running this happens to have installed.
"""

from __future__ import annotations

import importlib.abc
import sys
import threading
from datetime import UTC, datetime
from typing import Any

BLOCKED = ("gi", "pystray", "Xlib", "dbus")


class _Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"{name} is blocked: the SNI tray must work without it")


sys.meta_path.insert(0, _Block())

from claude_beacon.core.model import (  # noqa: E402
    Component,
    Item,
    ItemKind,
    Level,
    Reading,
    Snapshot,
    SourceSpec,
)
from claude_beacon.desktop import sni, trayview  # noqa: E402

NOW = datetime(2026, 10, 7, 15, 0, tzinfo=UTC)
CLAUDE = SourceSpec(name="Claude", url="https://status.claude.com")


def snapshot(outage: bool) -> Snapshot:
    level = Level.MAJOR_OUTAGE if outage else Level.OPERATIONAL
    api = Component("c1", "Claude API", level, "major_outage" if outage else "operational")
    incidents: tuple[Item, ...] = ()
    if outage:
        incident = Item(
            "inc1",
            ItemKind.INCIDENT,
            "Elevated errors on the API",
            "investigating",
            "critical",
            Level.MAJOR_OUTAGE,
            "https://stspg.io/inc1",
            started_at=NOW,
        )
        incidents = (incident,)
    reading = Reading(CLAUDE, NOW, level, components=(api,), incidents=incidents)
    return Snapshot(at=NOW, readings=(reading,))


def say(line: str) -> None:
    print(line, flush=True)


def main() -> int:
    try:
        import gi  # noqa: F401
    except ImportError:
        pass
    else:
        raise AssertionError("gi must not be importable here")

    def act(entry: trayview.Entry) -> None:
        say(f"ACTION {entry.action}" + (f" {entry.arg}" if entry.arg else ""))
        if entry.action == "quit":
            tray.stop()

    try:
        tray = sni.SniTray(act)
    except sni.NoSniHostError as exc:
        say(f"NOTRAY {exc}")
        return 3

    def commands() -> None:
        for line in sys.stdin:
            command = line.strip()
            if command in ("outage", "recovery"):
                tray.show(trayview.view(snapshot(command == "outage"), autostart=False, now=NOW))
                say(f"SHOWN {command}")
            elif command == "stop":
                break
        tray.stop()

    def ready() -> None:
        threading.Thread(target=commands, daemon=True).start()
        say(f"READY {tray.bus_name}")

    tray.run(ready)
    loaded = [name for name in ("gi", "pystray", "Xlib", "dbus") if name in sys.modules]
    say(f"STOPPED loaded={','.join(loaded) or '-'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
