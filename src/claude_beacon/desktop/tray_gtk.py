"""pystray's GTK icons: a Gtk.StatusIcon with a tooltip, and AppIndicator without its noise.

pystray's gtk backend (an XEmbed icon with a real menu, whose left click runs the default
item) sets only the icon's title, so hovering it shows nothing: here the title is the tooltip
as well. libayatana-appindicator, when it falls back to XEmbed, trips a GDK assertion that
prints a ``Gdk-CRITICAL`` line on every start; that one message is dropped.

Imported only once a GTK backend has been chosen: importing pystray initialises GTK.
"""

from __future__ import annotations

from typing import Any

from gi.repository import GLib
from pystray import _gtk
from pystray._util.gtk import mainloop

HARMLESS_GDK_CRITICAL = "gdk_window_thaw_toplevel_updates"
"""libayatana-appindicator's XEmbed fallback thaws a window it never froze; nothing breaks."""


class Icon(_gtk.Icon):  # type: ignore[misc]
    """The gtk icon with a tooltip that follows its title."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._status_icon.set_title(self.title)
        self._status_icon.set_tooltip_text(self.title)

    @mainloop  # type: ignore[untyped-decorator]
    def _update_title(self) -> None:
        self._status_icon.set_title(self.title)
        self._status_icon.set_tooltip_text(self.title)


def quiet_known_gdk_critical() -> None:
    """Keep the one known, harmless GDK assertion off the terminal; pass every other on."""

    def handler(domain: str, level: Any, message: str, _data: object) -> None:
        if HARMLESS_GDK_CRITICAL not in message:
            GLib.log_default_handler(domain, level, message, None)

    GLib.log_set_handler("Gdk", GLib.LogLevelFlags.LEVEL_CRITICAL, handler, None)
