"""Compression bombs against ``status``: peak RSS and CPU of a process that reads one.

Serves, on 127.0.0.1, a summary that inflates to ``--gib`` GiB: once as ``gzip, gzip`` (a few
KB on the wire) and once as a single gzip (a few MB), and runs ``claude-beacon status --json``
against each in a fresh process. Prints peak RSS (``ru_maxrss``, the largest child so far)
and CPU seconds. The bound: the body is decoded chunk by chunk under ``MAX_BYTES`` (8 MiB),
so the peak is the process's baseline plus at most that, whatever the ratio; stacked
encodings are refused unread.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.statuspage_server import SUMMARY, Reply, StatuspageServer

CHUNK = b"\x00" * (16 * 1024 * 1024)


def gzipped(parts: int) -> bytes:
    """gzip of ``parts`` × 16 MiB of zeros, compressed as a stream (never held inflated)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    out = [packer.compress(CHUNK) for _ in range(parts)]
    return b"".join(out) + packer.flush()


def run_status(url: str, home: Path) -> tuple[float, float, str]:
    config = home / "beacon.toml"
    config.write_text(
        f'[diagnostics]\nenabled = false\n[[sources]]\nname = "Bomb"\nurl = "{url}"\n'
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    env = dict(os.environ, HOME=str(home), XDG_STATE_HOME=str(home / "state"))
    done = subprocess.run(
        [sys.executable, "-m", "claude_beacon", "status", "--json", "--config", str(config)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    said = (done.stdout + done.stderr).strip().splitlines()
    return after.ru_maxrss / 1024, cpu, next((s for s in said if "error" in s), said[-1][:120])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gib", type=float, default=2.0, help="inflated size (default 2 GiB)")
    parts = max(1, int(parser.parse_args().gib * 64))
    single = gzipped(parts)
    stacked = gzip_of(single)
    with StatuspageServer() as server, tempfile.TemporaryDirectory() as home:
        for name, body, encoding in (
            ("gzip, gzip", stacked, "gzip, gzip"),
            ("gzip", single, "gzip"),
        ):
            server.set(SUMMARY, Reply(body=body, headers=(("Content-Encoding", encoding),)))
            rss, cpu, said = run_status(server.url, Path(home))
            print(f"{name:<11} {len(body):>10,} B: peak RSS {rss:6.1f} MiB, CPU {cpu:5.2f} s")
            print(f"{'':<11} {said.strip()}")


def gzip_of(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


if __name__ == "__main__":
    main()
