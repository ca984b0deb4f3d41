"""Poll scheduling: jitter, fast mode, backoff with full jitter, Retry-After."""

from __future__ import annotations

import random
import statistics

from claude_beacon.core.schedule import MAX_RETRY_AFTER, Cadence, next_delay

CADENCE = Cadence()


def delays(n: int = 2000, **kwargs: object) -> list[float]:
    rng = random.Random(7)
    return [next_delay(CADENCE, rng=rng, **kwargs) for _ in range(n)]  # type: ignore[arg-type]


def test_healthy_polls_every_minute_give_or_take_a_fifth() -> None:
    values = delays(healthy=True, failures=0)
    assert min(values) >= 48 and max(values) <= 72
    assert 58 < statistics.mean(values) < 62
    # Spread out, not in lockstep: a thousand clients land in many different seconds.
    assert len({round(v) for v in values}) >= 20


def test_unhealthy_polls_every_fifteen_seconds() -> None:
    values = delays(healthy=False, failures=0)
    assert min(values) >= 12 and max(values) <= 18


def test_a_short_interval_is_never_lengthened_by_fast_mode() -> None:
    cadence = Cadence(interval=5, fast_interval=15)
    rng = random.Random(1)
    assert max(next_delay(cadence, healthy=False, failures=0, rng=rng) for _ in range(100)) <= 6


def test_backoff_grows_with_failures_and_is_capped() -> None:
    means = [statistics.mean(delays(healthy=True, failures=n)) for n in range(1, 8)]
    assert means == sorted(means)
    capped = delays(healthy=True, failures=30)
    assert max(capped) <= CADENCE.backoff_cap
    assert min(capped) >= CADENCE.floor
    assert statistics.mean(capped) > 250  # full jitter over [floor, cap]: about 306 on average


def test_retry_after_is_honoured_and_bounded() -> None:
    assert min(delays(healthy=True, failures=1, retry_after=900)) >= 900
    assert max(delays(healthy=True, failures=1, retry_after=10**9)) == MAX_RETRY_AFTER
    # A short Retry-After does not shorten the backoff.
    assert min(delays(healthy=True, failures=3, retry_after=1)) >= CADENCE.floor


def test_same_seed_same_schedule() -> None:
    a = delays(50, healthy=True, failures=2)
    b = delays(50, healthy=True, failures=2)
    assert a == b


def test_a_blocked_source_backs_off_much_harder_and_honours_retry_after() -> None:
    from claude_beacon.core.schedule import BLOCKED_CAP

    rng = random.Random(7)
    cadence = Cadence()
    for failures, low in ((1, 150), (2, 300), (3, 600), (10, 900)):
        delays = [
            next_delay(cadence, healthy=True, failures=failures, rng=rng, blocked=True)
            for _ in range(200)
        ]
        assert low <= min(delays) and max(delays) <= min(BLOCKED_CAP, 2 * low)
    assert (
        next_delay(cadence, healthy=True, failures=1, rng=rng, blocked=True, retry_after=3000)
        == 3000
    )


def test_a_failing_page_is_said_unreadable_in_about_a_minute_at_default_settings() -> None:
    """``source_down`` comes on the third failure: the two waits before it start from the fast
    interval, so the notice takes about a minute on average, not four."""
    cadence, rng = Cadence(), random.Random(7)
    waits = [
        sum(next_delay(cadence, healthy=True, failures=n, rng=rng) for n in (1, 2))
        for _ in range(2000)
    ]
    assert 40 < sum(waits) / len(waits) < 75
    assert max(waits) <= 30 + 60
    late = [next_delay(cadence, healthy=True, failures=9, rng=rng) for _ in range(2000)]
    assert max(late) <= cadence.backoff_cap and max(late) > cadence.backoff_cap * 0.9
