"""What a reachability probe found, and what such a finding means: shared by the prober, the
verdict and the guide."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum


class ProbeRole(Enum):
    """Why a target is probed; the verdict reads the roles, never the host names."""

    CLAUDE = "claude"
    """A Claude endpoint: api.anthropic.com, claude.ai."""
    STATUS_PAGE = "status_page"
    """The status page's host: that it answers says nothing of whether Claude does."""
    API_AUTH = "api_auth"
    """An authenticated API call that measures the API itself (needs a key)."""
    GATEWAY = "gateway"
    """The endpoint Claude is really called through: ``ANTHROPIC_BASE_URL`` (LiteLLM, a proxy)."""
    INTERNET = "internet"
    """A neutral site: if it works while Claude fails, the problem is not this machine's link."""
    INFERENCE = "inference"
    """One tiny request to a model (``[claude] inference_check``): named after the model."""


class Stage(Enum):
    """The step a probe failed at, in the order they run."""

    DNS = "dns"
    CONNECT = "connect"
    TLS = "tls"
    HTTP = "http"


@dataclass(frozen=True, slots=True)
class ProbeResult:
    name: str
    """What people call the target: ``api.anthropic.com``."""
    url: str
    role: ProbeRole
    at: datetime
    ok: bool
    """The target answered over HTTP at all (any status for CLAUDE/INTERNET, 2xx for API_AUTH)."""
    failed_at: Stage | None = None
    error: str | None = None
    """One line in plain words; never contains a credential."""
    status: int | None = None
    dns_ms: float | None = None
    connect_ms: float | None = None
    tls_ms: float | None = None
    http_ms: float | None = None
    certificate_untrusted: bool = False
    """TLS failed because the certificate chain is not trusted: typically an intercepting proxy."""
    via_proxy: bool = False
    """Sent through ``HTTPS_PROXY``; DNS, connect and TLS timings are then the proxy's."""
    challenge: bool = False
    """The answer was a CDN's challenge or block page, not the service's own: the response
    carried ``cf-mitigated`` (Cloudflare's mark on its challenge pages), or it was HTML where
    the authenticated API check expects JSON. ``status`` is then the CDN's, not the API's."""


def gateway_fault(probe: ProbeResult) -> str:
    """What is wrong with a gateway's answer, as the rest of a sentence; "" when it works.

    Any answer below 500 is the gateway working (its root may well say 404 or 401)."""
    if probe.challenge or (probe.status is None and not probe.ok):
        return "is unreachable"
    return f"answers HTTP {probe.status}" if probe.status and probe.status >= 500 else ""


UNREACHED = frozenset({Stage.DNS, Stage.CONNECT, Stage.TLS})
"""Stages whose failure means the host was never reached, before any answer."""
OVERLOADED = 529
"""The API's own status for "overloaded"."""


def answers(probe: ProbeResult) -> bool:
    """The target itself answered, with anything (a 401 to the key's check proves the API)."""
    return (probe.ok or probe.status is not None) and not probe.challenge


def unreachable(probe: ProbeResult) -> bool:
    return not probe.ok and probe.status is None and probe.failed_at in UNREACHED


def edge_failure(probe: ProbeResult) -> bool:
    """A failure that says the service struggles, not that this machine cannot get there."""
    if probe.challenge:
        return False  # the CDN's page, not the service's answer
    if probe.status is not None and probe.status >= 500:
        return True  # answered, with a server error (the API's 529 "overloaded" among them)
    if probe.role is ProbeRole.API_AUTH and probe.status is not None:
        return False  # a 4xx to the key's check is about the key or its quota, not the API
    return not probe.ok and probe.failed_at is Stage.HTTP  # connected, then no answer in time


def failure_words(probe: ProbeResult) -> str:
    if probe.status == OVERLOADED:
        return "HTTP 529: the API is overloaded"
    if probe.status is not None and probe.status >= 500:
        return f"HTTP {probe.status}"
    return probe.error or "no answer"


def hosts(probes: Sequence[ProbeResult]) -> list[str]:
    """Each host once, by name: the key's check is the API's host too."""
    return list(dict.fromkeys(p.name.split(" (")[0] for p in probes))
