"""Links from the network are opened only when they are what they seem: https, or this machine."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from claude_beacon.desktop import opener


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """What would reach the browser, without starting one."""
    seen: list[str] = []
    done = threading.Event()

    def record(url: str) -> None:
        seen.append(url)
        done.set()

    monkeypatch.setattr(opener, "_open_in_browser", record)
    yield seen


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost@evil.example/",  # user info that looks like a host
        "http://127.0.0.1.evil.example/",
        "http://evil.example/?next=http://localhost",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "ftp://status.claude.com/",
        "https:///no-host",
    ],
)
def test_a_link_that_only_looks_local_or_safe_is_refused(url: str, opened: list[str]) -> None:
    opener.open_url(url)
    assert opened == []


@pytest.mark.parametrize(
    "url", ["https://stspg.io/abc", "http://127.0.0.1:8123/incidents/x", "http://[::1]:9/"]
)
def test_https_and_this_machine_are_opened(url: str, opened: list[str]) -> None:
    opener.open_url(url)
    for _ in range(100):
        if opened:
            break
        threading.Event().wait(0.01)
    assert opened == [url]
