"""Text from outside made safe: cleaned where it is parsed, escaped where it is shown.

A status page, a feed, a history database or a server's error message can carry anything:
lone surrogates that no encoder accepts, terminal escapes (clear screen, OSC 52 clipboard
writes, window titles, hyperlinks), carriage returns that overwrite a line, bidi overrides that
reorder what is read, newlines that forge log lines, and megabytes where a name is expected.
``clean`` is applied once at the parse boundary; ``printable`` by every sink that writes text
to a terminal or log, as a second fence for whatever reached it another way.
"""

from __future__ import annotations

import re

NAME_LIMIT = 300
"""Characters kept of a name, a title, a status word or an id."""
BODY_LIMIT = 4000
"""Characters kept of an update's text."""
LINK_LIMIT = 2000
"""Characters kept of a link."""
SHOWN_BODY_LIMIT = 2000
"""Characters of an update's text that are stored and sent to hooks and webhooks."""
ELLIPSIS = "…"

BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_SURROGATES = re.compile("[\ud800-\udfff]")
_CONTROLS = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{BIDI_CONTROLS}]")
_UNPRINTABLE = re.compile(f"[\x00-\x1f\x7f-\x9f{BIDI_CONTROLS}\ud800-\udfff]")
_UNPRINTABLE_BUT_NEWLINES = re.compile(f"[\x00-\x09\x0b-\x1f\x7f-\x9f{BIDI_CONTROLS}\ud800-\udfff]")
_JSON_UNSAFE = re.compile(f"[\x7f-\x9f{BIDI_CONTROLS}\u2028\u2029\ud800-\udfff]")


def clean(value: object, limit: int = NAME_LIMIT, newlines: bool = False) -> str:
    """Untrusted text -> a string any encoder and terminal can take; not a string -> ``""``.

    Lone surrogates become U+FFFD, tabs become spaces, other C0/C1 controls and the bidi
    embeddings, overrides and isolates are removed. Line breaks (``\r\n``, ``\r``, ``\n``) are
    kept as newlines where ``newlines``, else are spaces. The result is cut to ``limit``
    characters with an ellipsis.
    """
    if not isinstance(value, str):
        return ""
    text = value[: limit * 4]  # bound the work on a huge value before any pass over it
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not newlines:  # a line break in a name separates words
        text = text.replace("\n", " ")
    text = _SURROGATES.sub("\ufffd", text.replace("\t", " "))
    text = _CONTROLS.sub("", text)
    return cap(text.strip(), limit)


def cap(text: str, limit: int) -> str:
    """At most ``limit`` characters, the last an ellipsis when some were cut."""
    return text if len(text) <= limit else text[: max(0, limit - 1)] + ELLIPSIS


def printable(value: object, *, newlines: bool = False) -> str:
    """Text a terminal or a log shows as written: every control character, bidi control and
    lone surrogate appears as its escape (``\\x1b``, ``\\r``, ``\\u202e``) instead of acting."""
    text = value if isinstance(value, str) else str(value)
    pattern = _UNPRINTABLE_BUT_NEWLINES if newlines else _UNPRINTABLE
    return pattern.sub(_escape, text)


def shown(value: object, limit: int = NAME_LIMIT) -> str:
    """One field as laid out on a line: printable and at most ``limit`` characters."""
    text = value if isinstance(value, str) else str(value)
    return printable(cap(text[: limit * 2], limit))


def why(exc: BaseException) -> str:
    """An exception in one line for a person: its last line of text, else its type's name."""
    text = str(exc).strip()
    return text.splitlines()[-1] if text else type(exc).__name__


def json_safe(encoded: str) -> str:
    """JSON written with ``ensure_ascii=False`` with C1, bidi and line-separator characters
    escaped as ``\\uXXXX``, lone surrogates too (the encoder escapes C0 itself but leaves
    these raw, and no UTF-8 writer takes a surrogate)."""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", encoded)


def _escape(found: re.Match[str]) -> str:
    char = found.group()
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char)
    if named:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
