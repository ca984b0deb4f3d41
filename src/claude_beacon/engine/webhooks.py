"""Webhooks: each event POSTed as JSON, or as a Slack or Discord message.

Each receiver is a sink of its own: one that hangs or fails never holds up another. A failed
POST raises ``DeliveryError``, and the dispatcher offers the event again with backoff, honouring
the receiver's ``Retry-After`` up to a cap; an event it took is never posted to it again.
"""

from __future__ import annotations

import hashlib
import logging
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import httpx

from claude_beacon.config.settings import Webhook
from claude_beacon.core.model import Event, Snapshot
from claude_beacon.core.urls import redact
from claude_beacon.net import deadline
from claude_beacon.net.errors import failure_from
from claude_beacon.net.fetcher import USER_AGENT, environment_client, retry_after
from claude_beacon.render import wire, wording

log = logging.getLogger(__name__)
TIMEOUT = httpx.Timeout(10.0)
DEADLINE = 15.0
"""Seconds one POST may take in all, however slowly the receiver answers."""
MAX_RETRY_AFTER = 300.0
"""The longest wait a receiver's ``Retry-After`` is honoured for; a longer one is cut to it."""
REMEMBERED = 1000
"""Ids of delivered events kept, so that a batch offered again skips what already went."""


class DeliveryError(Exception):
    """The receiver did not take the event; offer it again, after ``delay`` if it said so."""

    def __init__(self, message: str, delay: float | None = None) -> None:
        super().__init__(message)
        self.delay = delay


def body(event: Event, style: str) -> dict[str, Any]:
    if style == "json":
        return wire.event_json(event)
    text = f"*{wording.headline(event)}*\n{wording.detail(event, 500)}"
    if event.url:
        text += f"\n{event.url}"
    if style == "slack":
        return {"text": text}
    return {"content": text.replace("*", "**", 2)[:2000]}  # Discord: bold is **, 2000 chars


class WebhookSink:
    def __init__(self, hook: Webhook, client: httpx.Client | None = None) -> None:
        self.hook = hook
        self.name = "webhook-" + hashlib.sha256(hook.url.encode()).hexdigest()[:12]
        self._client = client
        self._delivered: OrderedDict[str, None] = OrderedDict()

    def deliver(self, snapshot: Snapshot, events: Sequence[Event]) -> None:
        for event in events:
            if self.hook.kinds is not None and event.kind not in self.hook.kinds:
                continue
            if event.id in self._delivered:
                continue
            self._post(event)
            self._delivered[event.id] = None
            while len(self._delivered) > REMEMBERED:
                self._delivered.popitem(last=False)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    def _post(self, event: Event) -> None:
        if self._client is None:
            self._client = environment_client(timeout=TIMEOUT, headers={"User-Agent": USER_AGENT})
        where = redact(self.hook.url)  # the address may carry a token: only ever shown redacted
        try:
            with deadline.within(DEADLINE):
                reply = self._client.post(self.hook.url, json=body(event, self.hook.format))
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            failure = failure_from(exc, self.hook.url)
            raise DeliveryError(f"webhook {where}: {failure.message}") from None
        if reply.status_code >= 300:
            wait = retry_after(reply.headers.get("retry-after"))
            if wait is not None:
                wait = min(wait, MAX_RETRY_AFTER)
            raise DeliveryError(f"webhook {where} answered HTTP {reply.status_code}", wait)
