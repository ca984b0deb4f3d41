"""One tiny request to a model: ``POST /v1/messages`` with ``max_tokens: 1``.

It costs about ten input tokens and one output token, so it runs only when asked for
(``[claude] inference_check``) and only with a key. The key goes in a header and nowhere else:
never into a result, an error text, a log line or a repr. The answer's body is read only as far
as a small cap, and its error type only when it is a plain word.
"""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, datetime
from urllib.parse import urlsplit, urlunsplit

import httpx

from claude_beacon.core.probes import ProbeResult, ProbeRole, Stage
from claude_beacon.core.text import why
from claude_beacon.net import deadline

API_VERSION = "2023-06-01"
PROMPT = "ping"
MAX_BODY = 64 * 1024
"""Bytes of an answer read at most: an error's type is near its start."""
_ERROR_TYPE = re.compile(r"[a-z_]{1,40}")


def messages_url(api_check: str) -> str:
    """The messages endpoint of the API the API check reads: ``{base}/v1/messages``."""
    parts = urlsplit(api_check)
    prefix = parts.path.split("/v1/", 1)[0] if "/v1/" in parts.path else ""
    return urlunsplit((parts.scheme, parts.netloc, f"{prefix.rstrip('/')}/v1/messages", "", ""))


def request_body(model_id: str) -> dict[str, object]:
    return {
        "model": model_id,
        "max_tokens": 1,
        "messages": [{"role": "user", "content": PROMPT}],
    }


def ask(
    client: httpx.Client, url: str, model: str, model_id: str, key: str, *, timeout: float
) -> ProbeResult:
    """Ask ``model`` (canonical name, the result's name) by ``model_id`` for one token.

    Never raises for network trouble: a refused or unreachable host fails at CONNECT, a
    connection that brings no answer in ``timeout`` seconds fails at HTTP.
    """
    host = urlsplit(url).hostname or url
    headers = {
        "x-api-key": key,
        "anthropic-version": API_VERSION,
        "content-type": "application/json",
        "accept": "application/json",
    }
    started = time.monotonic()
    try:
        with (
            deadline.within(timeout),
            client.stream(
                "POST",
                url,
                content=json.dumps(request_body(model_id)).encode(),
                headers=headers,
                timeout=timeout,
                follow_redirects=False,  # the key is for this host only
            ) as reply,
        ):
            status = reply.status_code
            head = _head(reply)
    except httpx.ConnectTimeout:
        return _failed(model, url, Stage.CONNECT, f"cannot connect to {host} in {timeout:g} s")
    except httpx.ConnectError as exc:
        return _failed(model, url, Stage.CONNECT, f"cannot connect to {host} ({why(exc)})")
    except httpx.TimeoutException:
        return _failed(model, url, Stage.HTTP, f"no answer from {host} in {timeout:g} s", started)
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        return _failed(model, url, Stage.HTTP, f"request to {host} failed ({why(exc)})", started)
    ok = 200 <= status < 300
    kind = _error_type(head) if not ok else ""
    return ProbeResult(
        name=model,
        url=url,
        role=ProbeRole.INFERENCE,
        at=datetime.now(UTC),
        ok=ok,
        failed_at=None if ok else Stage.HTTP,
        error=None if ok else f"{host} answered HTTP {status}" + (f" ({kind})" if kind else ""),
        status=status,
        http_ms=(time.monotonic() - started) * 1000,
        challenge="cf-mitigated" in reply.headers,
    )


def _head(reply: httpx.Response) -> bytes:
    chunks: list[bytes] = []
    size = 0
    for chunk in reply.iter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size >= MAX_BODY:
            break
    return b"".join(chunks)[:MAX_BODY]


def _error_type(body: bytes) -> str:
    """The API's ``error.type`` (``overloaded_error``) when it is a plain word; else ""."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return ""
    error = data.get("error") if isinstance(data, dict) else None
    kind = error.get("type") if isinstance(error, dict) else None
    return kind if isinstance(kind, str) and _ERROR_TYPE.fullmatch(kind) else ""


def _failed(
    model: str, url: str, stage: Stage, error: str, started: float | None = None
) -> ProbeResult:
    return ProbeResult(
        name=model,
        url=url,
        role=ProbeRole.INFERENCE,
        at=datetime.now(UTC),
        ok=False,
        failed_at=stage,
        error=error,
        http_ms=(time.monotonic() - started) * 1000 if started is not None else None,
    )
