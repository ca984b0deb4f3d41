"""Credentials in a source, probe or webhook address are used, and never printed, stored or sent.

``user:pass@`` and query values named like a token are replaced by REDACTED in ``status
--json``, ``watch --json``, ``doctor``, the state file, hooks' input and webhooks' bodies.
"""

from __future__ import annotations

import json
import stat
import sys
from pathlib import Path

from tests.integration.conftest import Watch, cli
from tests.integration.test_every_sink import _recorded
from tests.support import payloads
from tests.support.statuspage_server import Reply, StatuspageServer

PASSWORD = "hunter2"
TOKEN = "s3cr3t-t0ken"


def config_with_secrets(home: Path, server: StatuspageServer) -> Path:
    secret = server.url.replace("http://", f"http://reader:{PASSWORD}@")
    script = home / "record.py"
    script.write_text(
        "import json, os, sys\n"
        "with open(sys.argv[1], 'a') as out:\n"
        "    out.write(json.dumps({'stdin': sys.stdin.read(), 'env': dict(os.environ)}) + '\\n')\n"
    )
    hook = [sys.executable, str(script), str(home / "hooked.jsonl")]
    path = home / "beacon.toml"
    path.write_text(
        "[diagnostics]\ninterval = 1\ntimeout = 2\n"
        f'claude = ["{secret}/v1/models?api_key={TOKEN}"]\n'
        f'internet = ["{server.url}/generate_204"]\n'
        f'api_check = "{server.url}/v1/models?limit=1"\n'
        f"[hooks]\non_event = [{json.dumps(hook)}]\n"
        f'[[hooks.webhooks]]\nurl = "{secret}/receiver?token={TOKEN}"\n'
        f'[[sources]]\nname = "Claude"\nurl = "{secret}"\n'
    )
    return path


def hidden(text: str) -> bool:
    return PASSWORD not in text and TOKEN not in text


def test_status_and_doctor_show_no_credentials(
    server: StatuspageServer, isolated_home: Path
) -> None:
    server.set_summary(payloads.summary())
    config = config_with_secrets(isolated_home, server)
    status = cli("status", "--json", "--config", str(config))
    assert json.loads(status.stdout)["sources"][0]["url"].startswith("http://REDACTED@127.0.0.1")
    doctor = cli("doctor", "--json", "--config", str(config))
    plain = cli("doctor", "--config", str(config))
    assert "REDACTED" in doctor.stdout
    for told in (status.stdout, status.stderr, doctor.stdout, doctor.stderr, plain.stdout):
        assert hidden(told)
    assert server.requests_to("/api/v2/summary.json")[0].headers["authorization"]  # used


def test_watch_state_hooks_and_webhooks_get_no_credentials(
    server: StatuspageServer, isolated_home: Path
) -> None:
    server.set_summary(payloads.summary(incidents=[payloads.incident("s1", "Errors")]))
    server.set("/receiver", Reply(status=204))
    config = config_with_secrets(isolated_home, server)
    watch = Watch(config)
    try:
        (event,) = watch.events(1, timeout=30)
        (hooked,) = _recorded(isolated_home / "hooked.jsonl", 1)
        (posted,) = server.wait_for_requests("/receiver", 1, timeout=15)
    finally:
        code, stderr = watch.stop()
    assert code == 0, stderr
    assert event["source_url"].startswith("http://redacted@127.0.0.1")
    state = isolated_home / ".local/state/claude-beacon/watch.json"
    for told in (json.dumps(event), stderr, json.dumps(hooked), posted.body.decode()):
        assert hidden(told)
    assert hidden(state.read_text())


def test_the_log_directory_and_file_are_the_owners_alone(isolated_home: Path) -> None:
    import logging

    from claude_beacon.desktop.app import setup_file_logging
    from claude_beacon.store import paths

    logger = logging.getLogger("claude_beacon")
    before = list(logger.handlers)
    setup_file_logging()
    for handler in [h for h in logger.handlers if h not in before]:
        logger.removeHandler(handler)
        handler.close()
    log_file = paths.log_dir() / "claude-beacon.log"
    assert stat.S_IMODE(paths.log_dir().stat().st_mode) == 0o700
    assert stat.S_IMODE(log_file.stat().st_mode) == 0o600
