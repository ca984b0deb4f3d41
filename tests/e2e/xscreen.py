"""The test desktop's X screen as a user meets it: windows and their names, pointer and keys.

Everything goes through python-xlib (XTEST for input), so no extra tool is needed. Each call
opens its own connection: tests call these from one thread while the app draws from others.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

TOOLTIP = "_NET_WM_WINDOW_TYPE_TOOLTIP"
MENUS = ("_NET_WM_WINDOW_TYPE_POPUP_MENU", "_NET_WM_WINDOW_TYPE_DROPDOWN_MENU")


@dataclass(frozen=True)
class XWindow:
    id: int
    wm_name: str
    """``WM_NAME`` read as Latin-1, as ICCCM defines its ``STRING`` type."""
    net_wm_name: str
    """``_NET_WM_NAME`` in UTF-8."""
    types: tuple[str, ...]
    """``_NET_WM_WINDOW_TYPE``, e.g. ``_NET_WM_WINDOW_TYPE_TOOLTIP``."""
    transient_for: int | None
    mapped: bool


@contextlib.contextmanager
def connect(display_name: str) -> Iterator[Any]:
    from Xlib import display  # type: ignore[import-untyped, unused-ignore]

    connection = display.Display(display_name)
    try:
        yield connection
    finally:
        connection.close()


def windows(display_name: str) -> list[XWindow]:
    """Every window on the screen, root first."""
    from Xlib import X, Xatom  # type: ignore[import-untyped, unused-ignore]

    found: list[XWindow] = []
    with connect(display_name) as connection:
        utf8, net_name, kind = (
            connection.intern_atom(name)
            for name in ("UTF8_STRING", "_NET_WM_NAME", "_NET_WM_WINDOW_TYPE")
        )
        pending = [connection.screen().root]
        while pending:
            window = pending.pop(0)
            with contextlib.suppress(Exception):  # windows come and go while we look
                pending.extend(window.query_tree().children)
                types = window.get_full_property(kind, X.AnyPropertyType)
                owner = window.get_full_property(Xatom.WM_TRANSIENT_FOR, X.AnyPropertyType)
                found.append(
                    XWindow(
                        id=window.id,
                        wm_name=_text(window.get_full_property(Xatom.WM_NAME, Xatom.STRING)),
                        net_wm_name=_text(window.get_full_property(net_name, utf8), "utf-8"),
                        types=tuple(connection.get_atom_name(t) for t in types.value)
                        if types
                        else (),
                        transient_for=int(owner.value[0]) if owner else None,
                        mapped=window.get_attributes().map_state == X.IsViewable,
                    )
                )
    return found


def shown(display_name: str, *types: str) -> list[XWindow]:
    """The mapped windows of any of these ``_NET_WM_WINDOW_TYPE``s."""
    return [w for w in windows(display_name) if w.mapped and set(types) & set(w.types)]


def pointer(display_name: str, x: int, y: int, button: int | None = None) -> None:
    """Move the pointer to ``x, y`` and, with ``button``, click there."""
    from Xlib import X  # type: ignore[import-untyped, unused-ignore]
    from Xlib.ext import xtest  # type: ignore[import-untyped, unused-ignore]

    with connect(display_name) as connection:
        xtest.fake_input(connection, X.MotionNotify, x=x, y=y)
        connection.sync()
        if button is not None:
            xtest.fake_input(connection, X.ButtonPress, button)
            connection.sync()
            xtest.fake_input(connection, X.ButtonRelease, button)
        connection.sync()


def key(display_name: str, keysym: str) -> None:
    """Press and release one key, e.g. ``Escape``."""
    from Xlib import XK, X  # type: ignore[import-untyped, unused-ignore]
    from Xlib.ext import xtest  # type: ignore[import-untyped, unused-ignore]

    with connect(display_name) as connection:
        code = connection.keysym_to_keycode(XK.string_to_keysym(keysym))
        xtest.fake_input(connection, X.KeyPress, code)
        connection.sync()
        xtest.fake_input(connection, X.KeyRelease, code)
        connection.sync()


def _text(prop: Any, encoding: str = "latin-1") -> str:
    if prop is None:
        return ""
    value = prop.value
    return value.decode(encoding, "replace") if isinstance(value, bytes) else str(value)
