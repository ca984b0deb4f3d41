"""Every check once, side by side: what ``doctor`` and ``guide`` report on."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from claude_beacon.config.settings import Config
from claude_beacon.core.model import Snapshot
from claude_beacon.core.probes import ProbeResult
from claude_beacon.engine.poller import Poller
from claude_beacon.net.fetcher import Fetcher


def check_everything(config: Config) -> tuple[Snapshot, tuple[ProbeResult, ...], Fetcher]:
    """One poll of the status pages and one round of probes, at the same time."""
    from claude_beacon.engine import diagnostics

    fetcher = Fetcher()
    with ThreadPoolExecutor(2, thread_name_prefix="beacon-check") as pool:
        polled = pool.submit(lambda: Poller(config, fetcher).poll_once()[0])
        probed = pool.submit(diagnostics.run_probes, config)
        return polled.result(), probed.result(), fetcher
