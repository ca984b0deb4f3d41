"""What the diagnostics probe, built from the configuration: Claude, the page's host, the rest."""

from __future__ import annotations

import pytest

from claude_beacon.config import settings as config
from claude_beacon.core.probes import ProbeRole
from claude_beacon.engine import diagnostics


def test_the_defaults_probe_claude_the_status_page_host_and_two_neutral_sites(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    targets = diagnostics.targets(config.parse({}))
    assert [(t.name, t.role) for t in targets] == [
        ("api.anthropic.com", ProbeRole.CLAUDE),
        ("claude.ai", ProbeRole.CLAUDE),
        ("status.claude.com", ProbeRole.STATUS_PAGE),
        ("www.gstatic.com", ProbeRole.INTERNET),
        ("www.cloudflare.com", ProbeRole.INTERNET),
    ]
    assert targets[2].url == "https://status.claude.com/api/v2/status.json"
    assert all(t.headers == () for t in targets)


def test_a_key_adds_the_authenticated_check_and_stays_out_of_its_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test-secret")
    *_, check = diagnostics.targets(config.parse({}))
    assert check.role is ProbeRole.API_AUTH
    assert check.url == "https://api.anthropic.com/v1/models?limit=1"
    assert dict(check.headers)["x-api-key"] == "sk-ant-test-secret"
    assert "sk-ant" not in check.name and "sk-ant" not in repr(check)


def test_a_status_page_on_a_probed_host_is_not_probed_twice() -> None:
    settings = {
        "sources": [{"name": "Claude", "url": "http://127.0.0.1:8123"}],
        "diagnostics": {"claude": ["http://127.0.0.1:8123/v1/models"], "internet": []},
    }
    targets = diagnostics.targets(config.parse(settings))
    assert [t.url for t in targets] == ["http://127.0.0.1:8123/v1/models"]
