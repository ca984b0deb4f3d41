"""Local diagnostics: probe rounds the poller runs, the verdict, and the guide's inputs.

Probes run less often than the status page is read while they pass (they touch Anthropic's
own endpoints, not a CDN-cached page) and more often while one fails, so that the early
warning is quick to raise and to clear.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Mapping
from urllib.parse import urlsplit

from claude_beacon.config.settings import Config, is_loopback
from claude_beacon.core import statuspage
from claude_beacon.core.model import Item, Snapshot
from claude_beacon.core.probes import ProbeResult, ProbeRole
from claude_beacon.core.providers import PROVIDERS
from claude_beacon.core.verdict import ProbeMemory, Verdict, judge, next_round, remember
from claude_beacon.net.fetcher import Fetcher, Response
from claude_beacon.net.probes import Target, probe_all

log = logging.getLogger(__name__)
RETRY_INTERVAL = 30.0
"""Seconds between rounds while a Claude probe fails."""
API_VERSION = "2023-06-01"


def targets(config: Config) -> list[Target]:
    """What to probe: Claude's endpoints, the status page's host, neutral sites, the API."""
    settings = config.diagnostics
    urls = list(settings.claude)
    primary = config.primary
    provider = PROVIDERS[primary.kind]
    # The page's host, through its lightest document: Statuspage's status.json, else the one
    # document its provider reads.
    lightest = "/api/v2/status.json" if provider.has_history else provider.documents[0]
    page = primary.url.rstrip("/") + lightest
    if all(urlsplit(u).hostname != urlsplit(page).hostname for u in urls):
        urls.append(page)
    found = [Target(_host(u), u, _role(u, page)) for u in urls]
    gateway = gateway_url(os.environ)
    if gateway is not None:
        found.append(Target(_host(gateway), gateway, ProbeRole.GATEWAY))
    found += [Target(_host(u), u, ProbeRole.INTERNET) for u in settings.internet]
    key = settings.key()
    if key:
        headers = (("x-api-key", key), ("anthropic-version", API_VERSION))
        found.append(
            Target(
                f"{_host(settings.api_check)} (with your key)",
                settings.api_check,
                ProbeRole.API_AUTH,
                headers=headers,
            )
        )
    return found


def gateway_url(environ: Mapping[str, str]) -> str | None:
    """``ANTHROPIC_BASE_URL`` when it is a gateway (not Anthropic's own API host) worth probing:
    https, or http on this machine; anything else is not probed (and logged)."""
    url = environ.get("ANTHROPIC_BASE_URL", "").strip()
    if not url:
        return None
    parts = urlsplit(url)
    if not parts.hostname or parts.hostname == "api.anthropic.com":
        return None
    if parts.scheme != "https" and not (parts.scheme == "http" and is_loopback(url)):
        log.info("not probing ANTHROPIC_BASE_URL %s: https or a local address only", _host(url))
        return None
    return url


def run_probes(config: Config) -> tuple[ProbeResult, ...]:
    settings = config.diagnostics
    if not settings.enabled:
        return ()
    return probe_all(targets(config), timeout=settings.timeout)


def recent_incidents(fetcher: Fetcher, config: Config) -> tuple[Item, ...]:
    """Recent incidents of the primary source, newest first, or nothing if it cannot be read
    (or its provider keeps no Statuspage history)."""
    primary = config.primary
    if not PROVIDERS[primary.kind].has_history:
        return ()
    url = primary.url.rstrip("/") + "/api/v2/incidents.json"
    response = fetcher.get(url, conditional=False)
    if not isinstance(response, Response) or response.status != 200:
        return ()
    try:
        return statuspage.parse_history(response.body)
    except statuspage.PayloadError as exc:
        log.info("incident history not readable: %s", exc)
        return ()


class Diagnostics:
    """Probe rounds, run by the poller as a source of their own (``Poller.add_job``);
    ``verdict`` combines the latest round with a snapshot of the status pages."""

    def __init__(
        self,
        config: Config,
        on_round: Callable[[tuple[ProbeResult, ...]], None] | None = None,
        run: Callable[[Config], tuple[ProbeResult, ...]] = run_probes,
    ) -> None:
        self.config = config
        self.on_round = on_round
        self._run = run
        self._lock = threading.Lock()
        self._results: tuple[ProbeResult, ...] = ()
        self._memory = ProbeMemory()

    @property
    def results(self) -> tuple[ProbeResult, ...]:
        with self._lock:
            return self._results

    def verdict(self, snapshot: Snapshot) -> Verdict:
        with self._lock:
            return judge(snapshot, self._results, self._memory)

    def run_round(self) -> tuple[ProbeResult, ...]:
        results = self._run(self.config)
        with self._lock:
            self._results = results
            self._memory = remember(self._memory, results)
        if self.on_round:
            self.on_round(results)
        return results

    def run_once(self) -> float:
        """One round, as the poller runs it; returns the seconds until the next.

        A first failing round is confirmed within seconds, so that the early warning (three
        failing rounds) comes soon after Claude starts failing; while a check fails, rounds
        come every ``RETRY_INTERVAL`` so that its clearing is timely too.
        """
        results = self.run_round()
        failing = any(not p.ok for p in results if p.role is not ProbeRole.INTERNET)
        with self._lock:
            memory = self._memory
        return next_round(memory, self.config.diagnostics.interval, failing, RETRY_INTERVAL)


def _role(url: str, page: str) -> ProbeRole:
    """The status page's host answering says nothing of whether Claude does."""
    return ProbeRole.STATUS_PAGE if url == page else ProbeRole.CLAUDE


def _host(url: str) -> str:
    return urlsplit(url).hostname or url
