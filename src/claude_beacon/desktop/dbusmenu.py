"""The tray's menu over ``com.canonical.dbusmenu``, the protocol StatusNotifierItem hosts render.

Built from ``TrayView.menu`` entries: submenus, separators, check marks, disabled lines. An
entry keeps its id across rebuilds while its place, text and action stay the same, so a click
racing an update still lands; ids are never reused, and a click on an id that no longer exists
is refused and does nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from jeepney import DBusAddress, Message, new_error, new_method_return
from jeepney import new_signal as _new_signal

from claude_beacon.desktop import dbuslink
from claude_beacon.desktop.trayview import SEPARATOR, Entry

INTERFACE = "com.canonical.dbusmenu"
UNKNOWN_ID = "com.canonical.dbusmenu.UnknownId"
VERSION = 3
ROOT = 0
LAYOUT = "(ia{sv}av)"

Variant = tuple[str, Any]
Props = dict[str, Variant]
Key = tuple[int, str, str | None, str | None, str | None, int]
"""Parent id, text, action, arg, url and how many like it came before: an entry's identity."""

INTROSPECTION = """<node>
 <interface name="com.canonical.dbusmenu">
  <method name="GetLayout"><arg type="i" direction="in"/><arg type="i" direction="in"/>
   <arg type="as" direction="in"/><arg type="u" direction="out"/>
   <arg type="(ia{sv}av)" direction="out"/></method>
  <method name="GetGroupProperties"><arg type="ai" direction="in"/>
   <arg type="as" direction="in"/><arg type="a(ia{sv})" direction="out"/></method>
  <method name="GetProperty"><arg type="i" direction="in"/><arg type="s" direction="in"/>
   <arg type="v" direction="out"/></method>
  <method name="Event"><arg type="i" direction="in"/><arg type="s" direction="in"/>
   <arg type="v" direction="in"/><arg type="u" direction="in"/></method>
  <method name="EventGroup"><arg type="a(isvu)" direction="in"/>
   <arg type="ai" direction="out"/></method>
  <method name="AboutToShow"><arg type="i" direction="in"/><arg type="b" direction="out"/></method>
  <method name="AboutToShowGroup"><arg type="ai" direction="in"/>
   <arg type="ai" direction="out"/><arg type="ai" direction="out"/></method>
  <signal name="ItemsPropertiesUpdated"><arg type="a(ia{sv})"/><arg type="a(ias)"/></signal>
  <signal name="LayoutUpdated"><arg type="u"/><arg type="i"/></signal>
  <signal name="ItemActivationRequested"><arg type="i"/><arg type="u"/></signal>
  <property name="Version" type="u" access="read"/>
  <property name="TextDirection" type="s" access="read"/>
  <property name="Status" type="s" access="read"/>
  <property name="IconThemePath" type="as" access="read"/>
 </interface>
</node>"""


@dataclass(slots=True)
class _Item:
    entry: Entry | None
    props: Props
    children: list[int] = field(default_factory=list)


def label(text: str) -> str:
    """dbusmenu reads ``_`` as a keyboard mnemonic; doubled, it shows as itself."""
    return text.replace("_", "__")


def properties_of(entry: Entry) -> Props:
    if entry == SEPARATOR:
        return {"type": ("s", "separator")}
    props: Props = {"label": ("s", label(entry.text))}
    if entry.children:
        props["children-display"] = ("s", "submenu")
    elif entry.action is None:
        props["enabled"] = ("b", False)
    if entry.checked is not None:
        props["toggle-type"] = ("s", "checkmark")
        props["toggle-state"] = ("i", 1 if entry.checked else 0)
    return props


class Menu:
    """The menu's items by id, under a lock: rebuilt from any thread, read by the bus thread."""

    def __init__(self, path: str, on_click: Callable[[Entry], None]) -> None:
        self.path = path
        self._on_click = on_click
        self._lock = threading.Lock()
        self._entries: tuple[Entry, ...] | None = None
        self._items: dict[int, _Item] = {ROOT: _Item(None, {"children-display": ("s", "submenu")})}
        self._ids: dict[Key, int] = {}
        self._next_id = ROOT + 1
        self.revision = 0

    def update(self, entries: tuple[Entry, ...]) -> bool:
        """Rebuild from ``entries``; whether anything changed (then signal ``LayoutUpdated``)."""
        with self._lock:
            if entries == self._entries:
                return False
            self._entries = entries
            items: dict[int, _Item] = {ROOT: _Item(None, self._items[ROOT].props)}
            ids: dict[Key, int] = {}
            self._add(items, ids, ROOT, entries)
            self._items, self._ids = items, ids  # keys gone from the menu are forgotten
            self.revision += 1
            return True

    def _add(
        self, items: dict[int, _Item], ids: dict[Key, int], parent: int, entries: Iterable[Entry]
    ) -> None:
        seen: dict[Key, int] = {}
        for entry in entries:
            base: Key = (parent, entry.text, entry.action, entry.arg, entry.url, 0)
            count = seen[base] = seen.get(base, -1) + 1
            key = (*base[:5], count)
            item_id = self._ids.get(key)
            if item_id is None:
                item_id = self._next_id
                self._next_id += 1
            ids[key] = item_id
            items[item_id] = _Item(entry, properties_of(entry))
            items[parent].children.append(item_id)
            if entry.children:
                self._add(items, ids, item_id, entry.children)

    def default_entry(self) -> Entry | None:
        """What a left click on the icon does: the entry marked default, if any."""
        with self._lock:
            for item in self._items.values():
                if item.entry is not None and item.entry.default and item.entry.action:
                    return item.entry
        return None

    def layout_updated(self) -> Message:
        address = DBusAddress(self.path, interface=INTERFACE)
        return _new_signal(address, "LayoutUpdated", "ui", (self.revision, ROOT))

    # The bus thread's side ------------------------------------------------------------

    def handle(self, call: Message) -> Message:
        _path, interface, name = dbuslink.member(call)
        if interface == dbuslink.PROPERTIES:
            return self._properties(call, name)
        if interface == dbuslink.INTROSPECTABLE and name == "Introspect":
            return new_method_return(call, "s", (INTROSPECTION,))
        handler = _METHODS.get(name) if interface in (INTERFACE, "") else None
        if handler is None:
            return dbuslink.unknown_method(call)
        return handler(self, call)

    def _get_layout(self, call: Message) -> Message:
        parent, depth, names = call.body
        with self._lock:
            if parent not in self._items:
                return _unknown(call, parent)
            layout = self._layout(parent, depth, set(names))
            return new_method_return(call, "u" + LAYOUT, (self.revision, layout))

    def _layout(self, item_id: int, depth: int, names: set[str]) -> tuple[Any, ...]:
        item = self._items[item_id]
        children = []
        if depth != 0:
            children = [(LAYOUT, self._layout(child, depth - 1, names)) for child in item.children]
        return (item_id, _only(item.props, names), children)

    def _get_group_properties(self, call: Message) -> Message:
        ids, names = call.body
        with self._lock:
            chosen = ids or list(self._items)
            found = [
                (i, _only(self._items[i].props, set(names))) for i in chosen if i in self._items
            ]
        return new_method_return(call, "a(ia{sv})", (found,))

    def _get_property(self, call: Message) -> Message:
        item_id, name = call.body
        with self._lock:
            item = self._items.get(item_id)
            value = None if item is None else item.props.get(name, _DEFAULTS.get(name))
        if value is None:
            return new_error(
                call, dbuslink.INVALID_ARGS, "s", (f"no property {name} on {item_id}",)
            )
        return new_method_return(call, "v", (value,))

    def _event(self, call: Message) -> Message:
        item_id, event, _data, _timestamp = call.body
        if not self._fire(item_id, event):
            return _unknown(call, item_id)
        return new_method_return(call)

    def _event_group(self, call: Message) -> Message:
        (events,) = call.body
        errors = [item_id for item_id, event, _d, _t in events if not self._fire(item_id, event)]
        if events and len(errors) == len(events):
            return new_error(call, UNKNOWN_ID, "s", (f"none of the ids {errors} exist",))
        return new_method_return(call, "ai", (errors,))

    def _fire(self, item_id: int, event: str) -> bool:
        """Act on a click; ``False`` when the id is unknown (e.g. from an older layout)."""
        with self._lock:
            item = self._items.get(item_id)
        if item is None:
            return False
        entry = item.entry
        if event == "clicked" and entry is not None and entry.action and not entry.children:
            self._on_click(entry)
        return True

    def _about_to_show(self, call: Message) -> Message:
        (item_id,) = call.body
        with self._lock:
            known = item_id in self._items
        return new_method_return(call, "b", (False,)) if known else _unknown(call, item_id)

    def _about_to_show_group(self, call: Message) -> Message:
        (ids,) = call.body
        with self._lock:
            errors = [i for i in ids if i not in self._items]
        return new_method_return(call, "aiai", ([], errors))

    def _properties(self, call: Message, name: str) -> Message:
        values: Props = {
            "Version": ("u", VERSION),
            "TextDirection": ("s", "ltr"),
            "Status": ("s", "normal"),
            "IconThemePath": ("as", []),
        }
        return property_reply(call, name, INTERFACE, values)


def property_reply(call: Message, name: str, interface: str, values: Props) -> Message:
    """Answer ``org.freedesktop.DBus.Properties`` Get / GetAll / Set for read-only ``values``."""
    asked = call.body[0] if call.body else ""
    if asked not in (interface, ""):
        return new_error(call, dbuslink.INVALID_ARGS, "s", (f"no interface {asked}",))
    if name == "GetAll":
        return new_method_return(call, "a{sv}", (values,))
    if name == "Get" and len(call.body) > 1 and call.body[1] in values:
        return new_method_return(call, "v", (values[call.body[1]],))
    if name == "Set":
        error = "org.freedesktop.DBus.Error.PropertyReadOnly"
        return new_error(call, error, "s", ("the properties are read-only",))
    return new_error(call, dbuslink.INVALID_ARGS, "s", (f"no such property: {call.body}",))


_DEFAULTS: Props = {
    "type": ("s", "standard"),
    "label": ("s", ""),
    "enabled": ("b", True),
    "visible": ("b", True),
    "toggle-type": ("s", ""),
    "toggle-state": ("i", -1),
    "children-display": ("s", ""),
}


def _only(props: Props, names: set[str]) -> Props:
    return dict(props) if not names else {k: v for k, v in props.items() if k in names}


def _unknown(call: Message, item_id: object) -> Message:
    return new_error(call, UNKNOWN_ID, "s", (f"no menu item with id {item_id}",))


_METHODS: dict[str, Callable[[Menu, Message], Message]] = {
    "GetLayout": Menu._get_layout,
    "GetGroupProperties": Menu._get_group_properties,
    "GetProperty": Menu._get_property,
    "Event": Menu._event,
    "EventGroup": Menu._event_group,
    "AboutToShow": Menu._about_to_show,
    "AboutToShowGroup": Menu._about_to_show_group,
}
