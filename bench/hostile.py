"""What hostile pages cost ``status``: peak memory and output size, against a bound.

    python3 bench/hostile.py

Each case serves one page on a loopback server and runs ``claude-beacon status`` against it as
a real process; the peak RSS is the child's own (``wait4``), the output is what it printed.

* padding: 500 components, one named with 2 MB of text. Names are cut to 300 characters where
  the page is parsed and to 60 columns where they are laid out, so the output stays a few tens
  of KB and the memory is the JSON document's (a few times its size), not the column padding
  (once 4 GB and 1 GB printed).
* bomb: a small gzip body that inflates to a gigabyte. The fetcher bounds what it inflates, so
  the bound is that of an ordinary large page; the case runs once that fetcher is in place.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.integration.conftest import loopback_diagnostics  # noqa: E402
from tests.support import payloads  # noqa: E402
from tests.support.statuspage_server import SUMMARY, Reply, StatuspageServer  # noqa: E402

MIB = 1024 * 1024


def padding() -> Reply:
    page = payloads.summary()
    row = page["components"][0]
    page["components"] = [
        dict(row, id=f"c{n}", name=("N" * 2_000_000 if n == 7 else f"Component {n}"), position=n)
        for n in range(500)
    ]
    return Reply(body=json.dumps(page).encode())


def bomb() -> Reply:
    inflated = b'{"page": {"name": "' + b"A" * (1024 * MIB) + b'"}}'
    return Reply(body=gzip.compress(inflated, 9), headers=(("Content-Encoding", "gzip"),))


CASES: dict[str, tuple[Callable[[], Reply], float]] = {
    "padding (500 components, one 2 MB name)": (padding, 120.0),
    "bomb (gzip inflating to 1 GiB)": (bomb, 120.0),
}
"""Each case and the peak RSS, in MiB, it must stay under."""


def run_status(reply: Reply) -> tuple[float, int, int]:
    """Peak RSS in MiB, bytes printed and exit code of one ``status`` against ``reply``."""
    with StatuspageServer() as server, tempfile.TemporaryDirectory() as home:
        server.set(SUMMARY, reply)
        config = Path(home) / "beacon.toml"
        source = f'[[sources]]\nname = "Claude"\nurl = "{server.url}"\n'
        config.write_text(loopback_diagnostics(server.url) + source)
        env = os.environ | {"HOME": home, "XDG_STATE_HOME": f"{home}/state", "NO_COLOR": "1"}
        with tempfile.TemporaryFile() as out:
            child = subprocess.Popen(
                [sys.executable, "-m", "claude_beacon", "status", "--config", str(config)],
                stdout=out,
                stderr=subprocess.DEVNULL,
                env=env,
            )
            _, status, usage = os.wait4(child.pid, 0)
            child.returncode = os.waitstatus_to_exitcode(status)
            printed = out.seek(0, os.SEEK_END)
    return usage.ru_maxrss / 1024, printed, child.returncode


def main() -> int:
    worst = 0
    for name, (make, bound) in CASES.items():
        rss, printed, code = run_status(make())
        verdict = "ok" if rss < bound else "OVER"
        worst |= rss >= bound
        print(f"{name}: peak RSS {rss:.1f} MiB (bound {bound:.0f}) {verdict}")
        print(f"    printed {printed} B, exit code {code}")
    return int(worst)


if __name__ == "__main__":
    raise SystemExit(main())
