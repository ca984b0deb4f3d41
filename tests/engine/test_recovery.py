"""A page shown as unreadable is read again as soon as a check finds its host answering."""

from __future__ import annotations

from datetime import UTC, datetime

from claude_beacon.config.settings import Config
from claude_beacon.core.model import Failure, FailureKind, Snapshot, SourceSpec, failed_reading
from claude_beacon.core.probes import ProbeResult, ProbeRole
from claude_beacon.engine.engine import Engine

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
PAGE = SourceSpec("Claude", "https://status.claude.com")


def probe(url: str, status: int | None, ok: bool = True) -> ProbeResult:
    return ProbeResult(url, url, ProbeRole.STATUS_PAGE, NOW, ok, status=status)


def engine_after_failures(failure: Failure) -> tuple[Engine, Snapshot]:
    engine = Engine(Config(sources=(PAGE,)), probes=False)
    engine.poller._due[PAGE.key] = 1e12  # far off, as after a long backoff
    return engine, Snapshot(NOW, (failed_reading(PAGE, NOW, failure),))


def test_a_check_that_reaches_the_pages_host_brings_the_next_poll_forward() -> None:
    engine, snapshot = engine_after_failures(Failure(FailureKind.HTTP_STATUS, "HTTP 503", None))
    engine._poll_page_if_it_answers(snapshot, [probe(f"{PAGE.url}/api/v2/status.json", 200)])
    assert engine.poller._due[PAGE.key] == 0.0


def test_a_page_that_asked_to_be_left_alone_keeps_its_wait() -> None:
    for failure in (
        Failure(FailureKind.HTTP_STATUS, "HTTP 503", retry_after=120.0),
        Failure(FailureKind.BLOCKED, "HTTP 429", status_code=429),
    ):
        engine, snapshot = engine_after_failures(failure)
        engine._poll_page_if_it_answers(snapshot, [probe(f"{PAGE.url}/api/v2/status.json", 200)])
        assert engine.poller._due[PAGE.key] == 1e12


def test_a_check_that_fails_or_of_another_host_changes_nothing() -> None:
    engine, snapshot = engine_after_failures(Failure(FailureKind.CONNECT, "refused"))
    engine._poll_page_if_it_answers(
        snapshot,
        [
            probe(f"{PAGE.url}/api/v2/status.json", 503),
            probe(f"{PAGE.url}/api/v2/status.json", None, ok=False),
            probe("https://api.anthropic.com/v1/models", 200),
        ],
    )
    assert engine.poller._due[PAGE.key] == 1e12
