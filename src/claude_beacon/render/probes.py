"""One reachability check in words, the same in ``doctor`` and the guide."""

from __future__ import annotations

from claude_beacon.core.probes import ProbeResult, ProbeRole


def failed(probe: ProbeResult) -> bool:
    """Whether the check failed, as the verdict counts it.

    A Claude endpoint that answers with a server error (5xx, the API's 529 "overloaded") has
    answered, so its probe is ``ok``, yet the verdict counts it as failing: so does the report.
    A neutral site's answer, whatever its status, shows that the internet works.
    """
    server_error = probe.status is not None and probe.status >= 500
    return not probe.ok or (server_error and probe.role is not ProbeRole.INTERNET)


def outcome(probe: ProbeResult) -> str:
    """``ok, HTTP 401``, ``FAILED: HTTP 503, a server error`` or ``FAILED at dns: …``."""
    if not failed(probe):
        text = f"ok, HTTP {probe.status}" if probe.status else "ok"
    elif probe.ok:
        text = f"FAILED: HTTP {probe.status}, a server error"
    else:
        stage = probe.failed_at.value if probe.failed_at else "?"
        text = f"FAILED at {stage}: {probe.error or 'no detail'}"
    return text + (" (through the proxy)" if probe.via_proxy else "")


def steps(probe: ProbeResult) -> list[tuple[str, float | None]]:
    """Each step's time in milliseconds, ``None`` where the step did not run."""
    return [
        ("DNS", probe.dns_ms),
        ("connect", probe.connect_ms),
        ("TLS", probe.tls_ms),
        ("HTTP", probe.http_ms),
    ]


def ms(value: float | None) -> str:
    return f"{value:.0f} ms" if value is not None else "—"
