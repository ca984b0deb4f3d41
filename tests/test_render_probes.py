"""A check reads the same in doctor and the guide, and a server error is a failure in both."""

from __future__ import annotations

from datetime import UTC, datetime

from claude_beacon.core.probes import ProbeResult, ProbeRole, Stage
from claude_beacon.render.guide import _probe
from claude_beacon.render.probes import outcome

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_a_claude_endpoint_answering_503_is_a_failure_in_doctor_and_the_guide() -> None:
    probe = ProbeResult("api.anthropic.com", "https://api", ProbeRole.CLAUDE, NOW, True, status=503)
    assert outcome(probe) == "FAILED: HTTP 503, a server error"
    assert _probe(probe)["result"] == outcome(probe)


def test_a_neutral_sites_answer_and_a_dns_failure_read_the_same_everywhere() -> None:
    site = ProbeResult(
        "gstatic", "https://g", ProbeRole.INTERNET, NOW, True, status=503, http_ms=90
    )
    dns = ProbeResult(
        "claude.ai", "https://claude.ai", ProbeRole.CLAUDE, NOW, False, Stage.DNS, "no such name"
    )
    assert outcome(site) == "ok, HTTP 503"
    assert outcome(dns) == "FAILED at dns: no such name"
    assert _probe(site) | {} == {
        "name": "gstatic",
        "result": "ok, HTTP 503",
        "dns": "—",
        "connect": "—",
        "tls": "—",
        "http": "90 ms",
    }
