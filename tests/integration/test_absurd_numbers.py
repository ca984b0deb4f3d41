"""Numbers no one means: refused with the file, the key and what is expected, never obeyed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.conftest import cli, loopback_diagnostics

REMOTE = '[[sources]]\nname = "Example"\nurl = "https://status.example.com"\n'


@pytest.mark.parametrize(
    ("settings", "said"),
    [
        ("fast_interval = 0.001\n", "fast_interval: expected at least 10 seconds"),
        ("interval = nan\n", "interval: expected a positive number of seconds, got nan"),
        ("interval = inf\n", "interval: expected a positive number of seconds, got inf"),
        ("interval = 1e300\n", "interval: expected at most 86400 seconds"),
        ("fast_interval = -inf\n", "fast_interval: expected a positive number of seconds"),
        ("[hooks]\ntimeout = nan\n", "hooks: timeout: expected a positive number of seconds"),
        ("[diagnostics]\ninterval = 1e-6\n", "diagnostics.interval: expected at least 10 sec"),
        ("[diagnostics]\ninterval = nan\n", "diagnostics: interval: expected a positive"),
        ("[diagnostics]\ntimeout = inf\n", "diagnostics: timeout: expected a positive"),
        ("[diagnostics]\ntimeout = 3600\n", "diagnostics: timeout: expected at most 60 seconds"),
    ],
)
@pytest.mark.parametrize("command", ["status", "watch"])
def test_absurd_numbers_in_the_settings_are_refused_clearly(
    command: str, settings: str, said: str, isolated_home: Path
) -> None:
    config = isolated_home / "beacon.toml"
    # the sources come last: a table header before them would swallow the top-level keys
    config.write_text(f"{settings}\n{REMOTE}" if "[" not in settings else f"{REMOTE}{settings}")
    result = cli(command, "--config", str(config), timeout=30)
    assert result.returncode != 0
    assert str(config) in result.stderr and said in result.stderr
    assert "Traceback" not in result.stderr


def test_loopback_probe_targets_may_be_probed_often(isolated_home: Path) -> None:
    """The floors are for other people's servers; the test rigs probe 127.0.0.1 every second."""
    url = "http://127.0.0.1:9"
    config = isolated_home / "beacon.toml"
    config.write_text(f'{loopback_diagnostics(url)}[[sources]]\nname = "Local"\nurl = "{url}"\n')
    result = cli("status", "--config", str(config), "--json", timeout=30)
    assert "expected" not in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("days", ["nan", "1e400", "inf", "-1"])
def test_history_days_must_be_a_finite_positive_number(days: str, isolated_home: Path) -> None:
    result = cli("history", "--days", days, timeout=30)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "expected a positive number" in result.stderr
