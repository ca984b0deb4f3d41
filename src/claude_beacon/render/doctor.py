"""``claude-beacon doctor``: every check once, as a report to paste into a support ticket.

Proxy variables and the API key are reported as present or absent, never by value: a proxy
URL can carry a password, and the key is a secret.
"""

from __future__ import annotations

import os
import platform
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from typing import Any
from urllib.parse import urlsplit

from claude_beacon import __version__
from claude_beacon.config.settings import Config
from claude_beacon.core.community import Pulse
from claude_beacon.core.model import Snapshot
from claude_beacon.core.probes import ProbeResult
from claude_beacon.core.serving import Serving, serving, serving_note
from claude_beacon.core.text import printable, shown
from claude_beacon.core.verdict import Verdict
from claude_beacon.net import trust
from claude_beacon.render import terminal, wire
from claude_beacon.render.community import community_json, community_lines
from claude_beacon.render.probes import failed, ms, outcome, steps

PROXY_VARIABLES = ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "NO_PROXY")
LIBRARIES = ("httpx", "pystray", "plyer", "pillow", "platformdirs", "jinja2")


def environment(config: Config) -> dict[str, Any]:
    return {
        "claude_beacon": __version__,
        "python": platform.python_version(),
        "os": platform.platform(),
        "libraries": {name: _version(name) for name in LIBRARIES},
        "proxy": {
            name: "set" if (os.environ.get(name) or os.environ.get(name.lower())) else "not set"
            for name in PROXY_VARIABLES
        },
        "certificates": trust.source(),
        "api_key": "present" if config.diagnostics.key() else "absent",
        "config": str(config.path) if config.path else "none (the embedded default)",
        "serving": serving(os.environ, config.claude.models).value,
        "gateway": urlsplit(os.environ.get("ANTHROPIC_BASE_URL", "")).hostname or "not set",
    }


@dataclass(frozen=True)
class TrayReport:
    """Which tray backend the app would run here, and why (the tray chooser's own answer).

    Found by the caller, which may look at the desktop; ``backend`` is ``None`` when no tray
    could be shown, and ``reason`` then says why."""

    backend: str | None
    reason: str


def as_json(
    config: Config,
    snapshot: Snapshot,
    probes: Sequence[ProbeResult],
    verdict: Verdict,
    tray: TrayReport | None = None,
    community: Pulse | None = None,
) -> dict[str, Any]:
    return {
        "verdict": {
            "finding": verdict.finding.value,
            "level": verdict.level.key,
            "headline": verdict.headline,
            "advice": verdict.advice,
        },
        "environment": environment(config),
        "tray": {"backend": tray.backend, "reason": tray.reason} if tray else None,
        "status": wire.status_json(snapshot),
        "probes": [_probe_json(p) for p in probes],
        "community": community_json(community),
    }


def as_text(
    config: Config,
    snapshot: Snapshot,
    probes: Sequence[ProbeResult],
    verdict: Verdict,
    tray: TrayReport | None = None,
    community: Pulse | None = None,
) -> str:
    env = environment(config)
    lines = [
        f"Verdict: {verdict.headline}",
        *([f"  {verdict.advice}"] if verdict.advice else []),
        *([f"  {note}"] if (note := serving_note(Serving(env["serving"]))) else []),
        "",
        f"claude-beacon {env['claude_beacon']}, Python {env['python']} on {env['os']}",
        "  " + ", ".join(f"{k} {v}" for k, v in env["libraries"].items()),
        "  proxy: " + ", ".join(f"{k} {v}" for k, v in env["proxy"].items()),
        f"  CA certificates: {env['certificates']}",
        f"  API key: {env['api_key']}; config: {env['config']}",
        f"  Claude served by: {env['serving']}; gateway (ANTHROPIC_BASE_URL): {env['gateway']}",
        *([f"  tray: {_tray_line(tray)}"] if tray else []),
        "",
        terminal.status_text(snapshot),
        "",
        "Reachability from this machine:",
    ]
    if not probes:
        lines.append("  (no checks configured)")
    names = [p.name for p in probes]
    # Two checks of one host (the edge and the key's check, or loopback in a test) by URL.
    labels = [shown(p.url if names.count(p.name) > 1 else p.name, 80) for p in probes]
    width = max((len(label) for label in labels), default=0)
    for probe, label in zip(probes, labels, strict=True):
        lines.append(f"  {label:<{width}}  {outcome(probe)}")
        if timings := _timings(probe):  # a check that failed before any step has none
            lines.append(f"  {'':<{width}}  {timings}")
    lines += community_lines(community)
    return printable("\n".join(lines), newlines=True)


def _tray_line(tray: TrayReport) -> str:
    """``sni: a StatusNotifierItem host is on ...`` (the reason names the backend), or
    ``none: no system tray is running ...``."""
    if tray.backend is None:
        return f"none: {tray.reason}"
    if tray.reason.startswith(f"{tray.backend}:"):
        return tray.reason
    return f"{tray.backend}: {tray.reason}"


def _timings(probe: ProbeResult) -> str:
    return " · ".join(f"{name} {ms(value)}" for name, value in steps(probe) if value is not None)


def _probe_json(probe: ProbeResult) -> dict[str, Any]:
    return {
        "name": probe.name,
        "url": probe.url,
        "role": probe.role.value,
        "ok": probe.ok,
        "failed": failed(probe),
        "failed_at": probe.failed_at.value if probe.failed_at else None,
        "error": probe.error,
        "status": probe.status,
        "dns_ms": probe.dns_ms,
        "connect_ms": probe.connect_ms,
        "tls_ms": probe.tls_ms,
        "http_ms": probe.http_ms,
        "certificate_untrusted": probe.certificate_untrusted,
        "via_proxy": probe.via_proxy,
    }


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"
