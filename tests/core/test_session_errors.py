"""Reading a Claude Code transcript's tail for the API errors the session met."""

from __future__ import annotations

import json
from typing import Any

from claude_beacon.core.sessionerrors import recent_errors

NOW = 1_800_000_000.0
"""2027-01-15T08:00:00Z."""


def line(**entry: Any) -> bytes:
    return json.dumps(entry).encode() + b"\n"


def at(seconds_ago: float) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(NOW - seconds_ago, UTC).isoformat().replace("+00:00", "Z")


def retry(seconds_ago: float, status: int | None = 529, **error: Any) -> bytes:
    body = {"status": status, **error} if status is not None else error
    return line(
        type="system", subtype="api_error", level="error", timestamp=at(seconds_ago),
        retryAttempt=1, maxRetries=10, retryInMs=500, error=body,
    )  # fmt: skip


def gave_up(seconds_ago: float, text: str, **fields: Any) -> bytes:
    message = {"model": "<synthetic>", "content": [{"type": "text", "text": text}]}
    return line(type="assistant", timestamp=at(seconds_ago), message=message, **fields)


def test_a_retry_for_529_is_an_overloaded_api() -> None:
    found = recent_errors(retry(10), NOW, 300, None)
    assert (found.count, found.status, found.label) == (1, 529, "529 overloaded")


def test_the_newest_error_names_them_all() -> None:
    tail = retry(200, 503) + gave_up(
        5, "API Error: 500 Internal server error", isApiErrorMessage=True
    )
    found = recent_errors(tail, NOW, 300, None)
    assert found.count == 2 and found.label == "500 internal error" and found.at == NOW - 5


def test_the_status_is_read_from_the_text_when_no_field_has_it() -> None:
    found = recent_errors(gave_up(1, 'API Error: 529 {"type":"overloaded_error"}'), NOW, 300, None)
    assert found.label == "529 overloaded"


def test_a_connection_cut_without_status_counts() -> None:
    tail = gave_up(1, "API Error: Connection closed mid-response", isApiErrorMessage=True)
    assert recent_errors(tail, NOW, 300, None).label == "connection"


def test_client_side_errors_are_no_outage() -> None:
    tail = (
        gave_up(1, "API Error: 429", isApiErrorMessage=True, apiErrorStatus=429, error="rate_limit")
        + gave_up(
            1, "Please run /login · API Error: 401", isApiErrorMessage=True, apiErrorStatus=401
        )
        + retry(1, None, message="rate_limit: slow down")
    )
    assert recent_errors(tail, NOW, 300, None).count == 0


def test_old_errors_and_quoted_ones_do_not_count() -> None:
    reply = {"model": "claude-opus-4-8", "content": [{"type": "text", "text": "API Error: 529"}]}
    quoted = line(type="assistant", timestamp=at(1), message=reply)
    assert recent_errors(retry(900) + quoted, NOW, 300, None).count == 0


def test_an_undated_entry_counts_as_of_the_files_time() -> None:
    entry = line(type="system", subtype="api_error", error={"status": 502})
    assert recent_errors(entry, NOW, 300, NOW - 10).label == "502 bad gateway"
    assert recent_errors(entry, NOW, 300, None).count == 0


def test_garbage_is_skipped() -> None:
    tail = b'{"type": "system", "subtype": "api_error", \n[1, 2]\n"API Error"\n' + retry(1)
    tail += line(type="system", subtype="api_error", timestamp=12, error="x" * 10)
    tail += line(type="assistant", isApiErrorMessage=True, timestamp="not a time", message=[1])
    assert recent_errors(tail, NOW, 300, None).count == 1
