"""``doctor`` and ``guide`` as real processes against loopback servers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import fixture_bytes
from tests.integration.conftest import write_config
from tests.support import payloads
from tests.support.statuspage_server import Reply, StatuspageServer

SECRET = "sk-ant-api03-TESTSECRET-do-not-print"


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "claude_beacon", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )


def test_doctor_reports_everything_but_the_key(
    server: StatuspageServer, isolated_home: Path
) -> None:
    server.set_summary(fixture_bytes("anthropic-summary-1.json"))
    server.set("/v1/models", Reply(status=401, body=b'{"type":"error"}'))
    env = os.environ | {"ANTHROPIC_API_KEY": SECRET, "HTTPS_PROXY": "http://user:pw@proxy:1"}
    env["NO_PROXY"] = "127.0.0.1"
    config = str(write_config(isolated_home, server.url))

    text = run("doctor", "--config", config, env=env)
    assert text.returncode == 1, text.stderr  # as `status`: the recorded page is degraded
    assert text.stdout.startswith(
        "Verdict: Anthropic reports degraded performance of Claude Console"
    )
    assert "HTTPS_PROXY set" in text.stdout and "user:pw" not in text.stdout
    assert "API key: present" in text.stdout
    assert "ok, HTTP 401" in text.stdout  # the API edge answers without a key
    assert "DNS" in text.stdout and " ms" in text.stdout

    data = json.loads(run("doctor", "--json", "--config", config, env=env).stdout)
    assert data["verdict"]["finding"] == "reported"
    assert data["status"]["level"] == "degraded"
    roles = {p["role"] for p in data["probes"]}
    assert roles == {"claude", "internet", "api_auth"}
    auth = next(p for p in data["probes"] if p["role"] == "api_auth")
    assert auth["ok"] is False and auth["status"] == 401
    sent = [r for r in server.requests_to("/v1/models") if "x-api-key" in r.headers]
    assert sent and sent[0].headers["x-api-key"] == SECRET  # it was used...
    for output in (text.stdout, text.stderr, json.dumps(data)):
        assert SECRET not in output  # ...and never shown


def test_doctor_when_offline_from_the_status_page(isolated_home: Path) -> None:
    with StatuspageServer() as gone:
        url = gone.url
    result = run("doctor", "--config", str(write_config(isolated_home, url)), env=dict(os.environ))
    assert result.returncode == 3
    assert "FAILED at connect" in result.stdout
    assert "Traceback" not in result.stderr


def test_doctor_counts_a_server_error_from_claude_as_failed_as_the_verdict_does(
    server: StatuspageServer, isolated_home: Path
) -> None:
    server.set_summary(payloads.summary())
    server.set("/v1/models", Reply(status=503))
    env = {k: v for k, v in os.environ.items() if k != "ANTHROPIC_API_KEY"}
    config = str(write_config(isolated_home, server.url))

    text = run("doctor", "--config", config, env=env)
    assert text.returncode == 0, text.stderr  # as `status`: the page says all is well
    assert text.stdout.startswith("Verdict: Anthropic reports all systems operational, but")
    assert f"{server.url}/v1/models     FAILED: HTTP 503, a server error" in text.stdout
    assert "ok, HTTP 503" not in text.stdout
    assert f"{server.url}/generate_204  ok, HTTP 404" in text.stdout  # the internet answers

    data = json.loads(run("doctor", "--json", "--config", config, env=env).stdout)
    assert data["verdict"]["finding"] == "failing_now"
    judged = {p["role"]: (p["ok"], p["failed"], p["status"]) for p in data["probes"]}
    assert judged == {"claude": (True, True, 503), "internet": (True, False, 404)}


def test_a_check_that_failed_before_any_step_has_no_empty_timing_line() -> None:
    from datetime import UTC, datetime

    from claude_beacon.config.settings import Config
    from claude_beacon.core.model import Snapshot
    from claude_beacon.core.probes import ProbeResult, ProbeRole, Stage
    from claude_beacon.core.verdict import judge
    from claude_beacon.render import doctor

    now = datetime.now(UTC)
    probes = (
        ProbeResult(
            "claude.ai",
            "https://claude.ai/",
            ProbeRole.CLAUDE,
            now,
            False,
            Stage.DNS,
            "DNS lookup for claude.ai failed",
        ),
        ProbeResult(
            "www.gstatic.com",
            "https://www.gstatic.com/generate_204",
            ProbeRole.INTERNET,
            now,
            True,
            status=204,
            dns_ms=3,
            connect_ms=9,
        ),
    )
    snapshot = Snapshot(now)
    text = doctor.as_text(Config(), snapshot, probes, judge(snapshot, probes))
    checks = text.split("Reachability from this machine:\n", 1)[1].splitlines()
    assert [line.split()[0] for line in checks] == ["claude.ai", "www.gstatic.com", "DNS"]
    assert "FAILED at dns: DNS lookup for claude.ai failed" in checks[0]


def test_guide_is_written_and_opened(server: StatuspageServer, isolated_home: Path) -> None:
    server.set_summary(payloads.summary({"Claude Code": "major_outage"}))
    opened = isolated_home / "opened.txt"
    browser = isolated_home / "browser.sh"
    browser.write_text(f'#!/bin/sh\necho "$1" > "{opened}"\n')
    browser.chmod(0o755)
    env = os.environ | {"BROWSER": f"{browser} %s", "ANTHROPIC_API_KEY": SECRET}
    result = run("guide", "--config", str(write_config(isolated_home, server.url)), env=env)
    assert result.returncode == 0, result.stderr
    uri = opened.read_text().strip()
    assert uri.startswith("file://") and uri.endswith("/guide.html")
    page = Path(uri.removeprefix("file://"))
    assert f"Opened the troubleshooting guide: {page}" in result.stdout
    html = page.read_text()
    assert "Anthropic reports a major outage of Claude Code" in html
    assert SECRET not in html
    assert '<meta http-equiv="Content-Security-Policy" content="default-src \'none\';' in html
    for practice in (
        "official status page, a third-party monitor and community channels",
        "Rule out your own connection",
        "captive portal",
        "restart the client or editor, clear its cache, log in again",
        "a smaller model, or try again later",
        "exponential backoff and jitter",
        "a bounded number of attempts and a cap on the total wait",
        "Switch endpoint or region",
        "a read-only or cached path, or another provider",
        "Subscribe to status updates",
        "outage playbook",
        "Contact support with the report that claude-beacon doctor prints",
    ):
        assert practice in html, practice


def test_guide_that_cannot_be_written_says_why_without_a_traceback(
    server: StatuspageServer, isolated_home: Path
) -> None:
    server.set_summary(payloads.summary())
    blocker = isolated_home / "not-a-directory"
    blocker.write_text("")
    env = os.environ | {"XDG_CACHE_HOME": str(blocker), "BROWSER": "/nonexistent/browser %s"}
    result = run("guide", "--config", str(write_config(isolated_home, server.url)), env=env)
    assert result.returncode == 1
    assert result.stderr.startswith("claude-beacon: cannot write the troubleshooting guide: ")
    assert "Traceback" not in result.stderr


def test_guide_without_a_browser_says_where_the_page_is(
    server: StatuspageServer, isolated_home: Path
) -> None:
    server.set_summary(payloads.summary())
    env = os.environ | {"BROWSER": "/nonexistent/browser %s", "PATH": "/nonexistent"}
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    result = run("guide", "--config", str(write_config(isolated_home, server.url)), env=env)
    assert result.returncode == 0, result.stderr
    assert "No browser could be opened; the troubleshooting guide is at " in result.stdout
    path = Path(result.stdout.strip().rsplit(" at ", 1)[1])
    assert path.is_file() and "All good" in path.read_text()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Linux tray chooser")
def test_doctor_says_which_tray_would_run_and_why_without_loading_the_tray(
    server: StatuspageServer, isolated_home: Path
) -> None:
    # A Linux box with no screen and a session bus that is not there: no tray can be shown.
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env |= {"DBUS_SESSION_BUS_ADDRESS": f"unix:path={isolated_home}/no-bus"}
    env.pop("PYSTRAY_BACKEND", None)
    config = str(write_config(isolated_home, server.url))
    why = "no desktop to show a tray icon on (no X display, no StatusNotifierItem host)"

    text = run("doctor", "--config", config, env=env)
    assert f"  tray: none: {why}\n" in text.stdout

    argv = ["-X", "importtime", "-m", "claude_beacon", "doctor", "--json", "--config", config]
    traced = subprocess.run(
        [sys.executable, *argv],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert json.loads(traced.stdout)["tray"] == {"backend": None, "reason": why}
    imported = [line.rsplit("|", 1)[-1].strip() for line in traced.stderr.splitlines()]
    assert "claude_beacon.desktop.trayhost" in imported  # the chooser itself was asked
    # It looks at the desktop (PyGObject, an X server, the bus), but makes no tray.
    assert [m for m in imported if m.split(".")[0] in ("pystray", "PIL")] == []

    forced = run("doctor", "--json", "--config", config, env=env | {"PYSTRAY_BACKEND": "sni"})
    assert json.loads(forced.stdout)["tray"] == {
        "backend": None,
        "reason": "PYSTRAY_BACKEND=sni asks for the sni tray, but no StatusNotifierItem host "
        "is on the session bus",
    }
