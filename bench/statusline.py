"""What one ``claude-beacon statusline`` costs, beside starting Python to do nothing.

Claude Code runs the status line command as often as every 300 ms, so its whole run must cost
little more than the interpreter's start: the target is at most 3x ``python -c pass``. Both run
interleaved (A B A B ...) so that the machine's load falls on both alike; each figure is the
median wall time.

    python3 bench/statusline.py [--runs 41] [--from-source]

By default claude-beacon is built as a wheel and installed into a fresh venv (``bench/wheel.py``:
bytecode compiled as pip does; target at most 2.5x), and each case is timed twice: without
``SSL_CERT_*``, and with ``SSL_CERT_FILE`` naming a CA bundle, as company machines have it.
``--from-source`` times this interpreter's install instead.

Three cases, each against a warm cache in a temporary home (no network, no refresh started):
``plain`` (no stdin, as tmux or a prompt runs it), ``claude-code`` (Claude Code's JSON on stdin
with a 2 MB transcript that has no error), ``incident`` (the page has an incident naming your
model, which loads the model reader).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from bench import wheel  # noqa: E402

from claude_beacon.store import statuscache  # noqa: E402


def cache(incidents: list[dict[str, object]]) -> dict[str, object]:
    return {
        "written": time.time() + 3600,  # fresh for the whole run
        "fresh_for": 7200,
        "writer": "status",
        "level": "degraded" if incidents else "operational",
        "primary": "Claude",
        "sources": [{"name": "Claude", "level": "operational", "ok": True, "summary": "ok"}],
        "incidents": incidents,
        "families": [],
        # the settings the statusline will read (none in this home): else it refreshes
        "settings": statuscache.settings_stamp(statuscache.settings_file()),
    }


INCIDENT = {
    "source": "Claude",
    "kind": "incident",
    "title": "Elevated errors on Claude Opus 4.8",
    "level": "degraded",
    "status": "investigating",
    "models": ["opus-4.8"],
    "excluded": [],
    "scope": None,
    "any_model": False,
}


def timed(argv: list[str], stdin: bytes | None, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        argv,
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        env=env,
        check=True,
    )
    return time.perf_counter() - start


def measure(
    python: str, runs: int, stdin: bytes | None, env: dict[str, str]
) -> tuple[float, float]:
    bare, line = [], []
    entry = shutil.which("claude-beacon", path=str(Path(python).parent))
    command = [entry, "statusline"] if entry else [python, "-m", "claude_beacon", "statusline"]
    timed(command, stdin, env)  # writes the bytecode where none was compiled
    for _ in range(runs):
        bare.append(timed([python, "-c", "pass"], None, env))
        line.append(timed(command, stdin, env))
    return statistics.median(bare), statistics.median(line)


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--runs", type=int, default=41)
    options.add_argument("--from-source", action="store_true", help="this interpreter's install")
    given = options.parse_args()
    runs = max(21, given.runs)
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        env = {**os.environ, "HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache")}
        env["XDG_CONFIG_HOME"] = str(home / ".config")
        env.pop("CLAUDE_BEACON_CONFIG", None)
        os.environ.clear()
        os.environ.update(env)
        if given.from_source:
            python = sys.executable
            # As installed: bytecode cached (pip compiles on install), under a private prefix.
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(home / "pycache")
            cases = [("this install", env)]
        else:
            python = str(wheel.install(home / "install"))
            cases = [(f"wheel install, {name}", case) for name, case in wheel.environments(env)]
        transcript = home / "session.jsonl"
        entry = {"type": "assistant", "message": {"content": [{"type": "text", "text": "x" * 500}]}}
        transcript.write_text((json.dumps(entry) + "\n") * 3500)
        claude_code = json.dumps(
            {
                "session_id": "bench",
                "transcript_path": str(transcript),
                "model": {"id": "claude-opus-4-8", "display_name": "Opus 4.8"},
                "workspace": {"current_dir": str(home), "project_dir": str(home)},
            }
        ).encode()
        for title, case in cases:
            print(f"\n{runs} runs each, interleaved; {python}; {title}")
            for name, incidents, stdin in (
                ("plain", [], None),
                ("claude-code", [], claude_code),
                ("incident", [INCIDENT], claude_code),
            ):
                statuscache.write(cache(incidents))
                bare, line = measure(python, runs, stdin, case)
                print(
                    f"{name:12} python -c pass {bare * 1000:6.1f} ms"
                    f"   statusline {line * 1000:6.1f} ms   ratio {line / bare:.2f}x"
                )


if __name__ == "__main__":
    main()
