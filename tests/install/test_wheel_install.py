"""The wheel, built once in the test session, installed as people install tools: with
``uv tool install`` and with ``pipx install``, each into a fresh environment of its own, then
run as a user would: ``--version``, ``status`` against a status page on loopback, and the
statusline from the cache that ``status`` wrote. Offline throughout: the dependencies come from
a wheelhouse packed from the test environment (``wheelhouse.py``), and no index is asked.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from claude_beacon import __version__
from tests.install.wheelhouse import fill
from tests.support import payloads
from tests.support.statuspage_server import StatuspageServer

ROOT = Path(__file__).resolve().parents[2]
OFFLINE = {
    "PIP_NO_INDEX": "1",
    "PIP_CONFIG_FILE": os.devnull,  # no machine-wide index or find-links either
    "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    "UV_OFFLINE": "1",
    "UV_NO_CONFIG": "1",
    "UV_PYTHON_DOWNLOADS": "never",
}


def run(argv: list[str], env: dict[str, str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # type: ignore[call-overload,no-any-return]
        argv, capture_output=True, text=True, timeout=300, env=env, check=False, **kwargs
    )


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built once (no build isolation: no index), and its dependencies."""
    house = tmp_path_factory.mktemp("wheelhouse")
    env = os.environ | OFFLINE
    built = run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(house),
            str(ROOT),
        ],
        env,
    )
    assert built.returncode == 0, built.stderr
    fill("claude-beacon", house)
    return house


def the_wheel(house: Path) -> Path:
    (wheel,) = house.glob("claude_beacon-*.whl")
    return wheel


def uv_tool(house: Path, scratch: Path, env: dict[str, str]) -> Path:
    bin_dir = scratch / "bin"
    env |= {
        "UV_TOOL_DIR": str(scratch / "tools"),
        "UV_TOOL_BIN_DIR": str(bin_dir),
        "UV_CACHE_DIR": str(scratch / "cache"),
    }
    uv = shutil.which("uv", path=str(Path(sys.executable).parent)) or "uv"
    done = run(
        [
            uv,
            "tool",
            "install",
            "--no-index",
            "--find-links",
            str(house),
            "--python",
            sys.executable,
            str(the_wheel(house)),
        ],
        env,
    )
    assert done.returncode == 0, done.stderr
    return bin_dir


def pipx_tool(house: Path, scratch: Path, env: dict[str, str], backend: str = "") -> Path:
    bin_dir = scratch / "bin"
    env |= {
        "PIPX_HOME": str(scratch / "pipx"),
        "PIPX_BIN_DIR": str(bin_dir),
        "PIPX_MAN_DIR": str(scratch / "man"),
        "PIP_FIND_LINKS": str(house),  # pipx installs with pip or with uv, whichever it has
        "UV_FIND_LINKS": str(house),
        "UV_NO_INDEX": "1",
    }
    done = run(
        [
            sys.executable,
            "-m",
            "pipx",
            "install",
            "--python",
            sys.executable,
            str(the_wheel(house)),
        ],
        env,
    )
    assert done.returncode == 0, done.stderr
    return bin_dir


INSTALLERS: dict[str, Callable[[Path, Path, dict[str, str]], Path]] = {
    "uv": uv_tool,
    "pipx": pipx_tool,
    "pipx-with-pip": lambda house, scratch, env: pipx_tool(house, scratch, env, "pip"),
}
"""pipx installs through uv when it has uv (as here), else through pip: both ways."""


@pytest.mark.parametrize("installer", INSTALLERS)
def test_the_built_wheel_installs_as_a_tool_and_runs(
    installer: str, wheelhouse: Path, tmp_path: Path, isolated_home: Path
) -> None:
    env = os.environ | OFFLINE
    bin_dir = INSTALLERS[installer](wheelhouse, tmp_path / installer, env)
    command = shutil.which("claude-beacon", path=str(bin_dir))
    assert command, f"{installer} put no claude-beacon in {bin_dir}: {list(bin_dir.iterdir())}"
    # The tool's own environment, not the test's: its interpreter lives under the tool's home.
    assert not Path(command).resolve().is_relative_to(Path(sys.prefix).resolve())

    version = run([command, "--version"], env)
    assert version.stdout.strip() == f"claude-beacon {__version__}", version.stderr

    with StatuspageServer() as server:
        server.set_summary(
            payloads.summary(components={"Claude API (api.anthropic.com)": "degraded_performance"})
        )
        config = isolated_home / "beacon.toml"
        config.write_text(f'[[sources]]\nname = "Claude"\nurl = "{server.url}"\n')
        status = run([command, "status", "--config", str(config)], env)
        assert status.returncode == 1, status.stderr  # a degraded component
        assert "Claude API" in status.stdout
        assert len(server.requests) >= 1

    line = run(
        [command, "statusline"],
        env | {"CLAUDE_BEACON_CONFIG": str(config)},
        stdin=subprocess.DEVNULL,
    )
    assert line.returncode == 0, line.stderr
    assert "Claude" in line.stdout and len(line.stdout.splitlines()) == 1
