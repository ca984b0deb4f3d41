"""API errors a Claude Code session already met, read from the tail of its transcript.

Claude Code writes its transcript as JSON lines. A request it is retrying leaves a system
entry, ``{"type": "system", "subtype": "api_error", "error": {"status": 529, ...},
"retryAttempt": 1, ...}``; a request that finally failed leaves an assistant entry it wrote
itself, ``{"type": "assistant", "isApiErrorMessage": true, "apiErrorStatus": 529, "message":
{"model": "<synthetic>", "content": [{"type": "text", "text": "API Error: 529 ..."}]}}``.
Both carry an ISO ``timestamp``. Only errors on Anthropic's side count here (5xx, 529
overloaded, and failures without a status such as a connection cut mid-response): a 429 usage
limit, a 401 login or a 400 prompt that is too long is no outage. An assistant text that merely
quotes "API Error" is not an error unless Claude Code itself wrote it.

The transcript is untrusted input: lines that are not JSON objects, or fields of the wrong
type, are skipped.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

MARKERS = (b'"api_error"', b'"isApiErrorMessage"', b"API Error")
"""A line without any of these is not parsed at all: most of a transcript is skipped cheaply."""
_STATUS_IN_TEXT = re.compile(r"API Error:?\s*(\d{3})\b")
_WORDS = {
    500: "internal error",
    502: "bad gateway",
    503: "unavailable",
    504: "gateway timeout",
    529: "overloaded",
}


@dataclass(frozen=True, slots=True)
class SessionErrors:
    """The server-side API errors of a session's recent past, newest last."""

    count: int = 0
    status: int | None = None
    """The newest error's HTTP status, when it had one."""
    kind: str = ""
    """The newest error in a word or two: ``overloaded``, ``connection``."""
    at: float | None = None
    """When the newest happened, as a Unix time."""

    @property
    def label(self) -> str:
        """'529 overloaded', '503 unavailable', '500', 'connection'."""
        if self.status is None:
            return self.kind or "error"
        word = _WORDS.get(self.status, "")
        return f"{self.status} {word}".strip()


def recent_errors(tail: bytes, now: float, window: float, undated: float | None) -> SessionErrors:
    """The server-side API errors in the transcript text ``tail`` within ``window`` seconds
    before ``now``. An entry without a usable timestamp counts as of ``undated`` (the file's
    modification time), or not at all when that is None."""
    count, newest = 0, SessionErrors()
    for line in tail.splitlines():
        if not any(marker in line for marker in MARKERS):
            continue
        try:
            entry = json.loads(line)
        except (ValueError, RecursionError):
            continue
        if not isinstance(entry, dict):
            continue
        found = _error_of(entry)
        if found is None:
            continue
        at = _time_of(entry.get("timestamp"))
        at = undated if at is None else at
        if at is None or not now - window <= at <= now + 60:
            continue
        count += 1
        if newest.at is None or at >= newest.at:
            newest = SessionErrors(0, found[0], found[1], at)
    if not count:
        return SessionErrors()
    return SessionErrors(count, newest.status, newest.kind, newest.at)


def _error_of(entry: dict[str, Any]) -> tuple[int | None, str] | None:
    """(status, kind) of a server-side API error entry, or None for anything else."""
    kind = entry.get("type")
    if kind == "system" and entry.get("subtype") == "api_error":
        error = entry.get("error")
        status = _status(error.get("status")) if isinstance(error, dict) else None
        if status is None and isinstance(error, dict):
            status = _status(error.get("statusCode"))
        return _server_side(status, _words(error))
    if kind != "assistant":
        return None
    message = entry.get("message")
    text = _text_of(message)
    synthetic = isinstance(message, dict) and message.get("model") == "<synthetic>"
    if entry.get("isApiErrorMessage") is not True and not (synthetic and "API Error" in text):
        return None
    status = _status(entry.get("apiErrorStatus"))
    if status is None and (match := _STATUS_IN_TEXT.search(text)):
        status = int(match.group(1))
    return _server_side(status, f"{entry.get('error', '')} {text}")


def _server_side(status: int | None, words: str) -> tuple[int | None, str] | None:
    lowered = words.lower()
    if status is not None and status < 500:
        return None
    if status is None and any(w in lowered for w in ("rate_limit", "authentication", "billing")):
        return None
    if "overload" in lowered:
        return status, "overloaded"
    if any(w in lowered for w in ("connect", "socket", "network", "stalled", "closed")):
        return status, "connection"
    return status, "server error" if status is None else ""


def _status(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and 100 <= value <= 599:
        return value
    return None


def _words(value: object) -> str:
    """The text of an error object, a few levels down, for its kind: never the whole of it."""
    if isinstance(value, str):
        return value[:500]
    if isinstance(value, dict):
        return " ".join(_words(v) for v in list(value.values())[:8])[:500]
    return ""


def _text_of(message: object) -> str:
    if not isinstance(message, dict):
        return ""
    content = message.get("content")
    if isinstance(content, str):
        return content[:500]
    if not isinstance(content, list):
        return ""
    texts = [b.get("text") for b in content[:8] if isinstance(b, dict)]
    return " ".join(t for t in texts if isinstance(t, str))[:500]


def _time_of(value: object) -> float | None:
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.timestamp() if moment.tzinfo else None
