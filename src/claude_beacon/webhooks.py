"""Webhooks: each event POSTed as JSON, or as a Slack or Discord message, with backoff.

A receiver that fails is retried on the core's schedule (exponential backoff with full jitter,
``Retry-After`` honoured) a bounded number of times, on a worker thread: polling never waits.
"""

from __future__ import annotations

import logging
import queue
import random
import threading
from collections.abc import Sequence
from typing import Any

import httpx

from claude_beacon import report, wording
from claude_beacon.config import Webhook
from claude_beacon.core.model import Event
from claude_beacon.core.schedule import Cadence, next_delay
from claude_beacon.fetch import USER_AGENT, environment_client, retry_after

log = logging.getLogger(__name__)
ATTEMPTS = 5
RETRY = Cadence(interval=2.0, fast_interval=2.0, backoff_cap=120.0)
"""Retries start around 2 s and double, to two minutes at most."""


def body(event: Event, style: str) -> dict[str, Any]:
    if style == "json":
        return report.event_json(event)
    text = f"*{wording.headline(event)}*\n{wording.detail(event, 500)}"
    if event.url:
        text += f"\n{event.url}"
    if style == "slack":
        return {"text": text}
    return {"content": text.replace("*", "**", 2)[:2000]}  # Discord: bold is **, 2000 chars


class Webhooks:
    def __init__(
        self,
        hooks: Sequence[Webhook],
        *,
        rng: random.Random | None = None,
        client: httpx.Client | None = None,
        retry: Cadence = RETRY,
    ) -> None:
        self.hooks = list(hooks)
        self.retry = retry
        self.rng = rng or random.Random()
        self._client = client
        self._queue: queue.Queue[Event | None] = queue.Queue()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._work, name="beacon-webhooks", daemon=True)
        if self.hooks:
            self._thread.start()

    def post(self, events: Sequence[Event]) -> None:
        if self.hooks:
            for event in events:
                self._queue.put(event)

    def stop(self, timeout: float = 1.0) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join(timeout)

    def _work(self) -> None:
        client = self._client or environment_client(
            timeout=httpx.Timeout(10.0), headers={"User-Agent": USER_AGENT}
        )
        with client:
            while (event := self._queue.get()) is not None:
                for hook in self.hooks:
                    if hook.kinds is None or event.kind in hook.kinds:
                        self._deliver(client, hook, event)

    def _deliver(self, client: httpx.Client, hook: Webhook, event: Event) -> None:
        payload = body(event, hook.format)
        for attempt in range(1, ATTEMPTS + 1):
            wait: float | None = None
            try:
                reply = client.post(hook.url, json=payload)
                if reply.status_code < 300:
                    return
                problem = f"HTTP {reply.status_code}"
                wait = retry_after(reply.headers.get("retry-after"))
            except httpx.HTTPError as exc:
                problem = str(exc) or type(exc).__name__
            if attempt == ATTEMPTS:
                log.warning("webhook %s gave up after %d attempts (%s)", hook.url, attempt, problem)
                return
            delay = next_delay(
                self.retry, healthy=True, failures=attempt, rng=self.rng, retry_after=wait
            )
            if self._stop.wait(delay):
                return
