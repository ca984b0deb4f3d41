"""Take the README's screenshots on the desktop the end-to-end tests use.

    python3 packaging/screenshots.py                    # writes assets/readme/*.png
    python3 packaging/screenshots.py --only statusline  # just assets/readme/statusline.png

Needs what the desktop tests need (.ci/desktop-packages.txt and PyGObject). The app runs against
a loopback page with a partial outage of the Claude API, so the tray shows its orange icon and
dunst shows the notification. The statusline shot also needs xterm and tmux (Debian packages of
those names) and ``claude-beacon`` on PATH, as tmux runs it.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from PIL import Image, ImageChops, ImageGrab

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e import desktop as rig  # noqa: E402
from tests.e2e.desktop import TRAY_BOX, Desktop, NotifyMonitor, TrayMenu  # noqa: E402
from tests.integration.conftest import loopback_diagnostics, write_config  # noqa: E402
from tests.support import payloads  # noqa: E402
from tests.support.statuspage_server import StatuspageServer  # noqa: E402

OUT = ROOT / "assets" / "readme"
API = "Claude API (api.anthropic.com)"


def trimmed(image: Image.Image, pad: int = 8) -> Image.Image:
    """The image cut to what is drawn on the black root window, with a margin."""
    box = ImageChops.difference(image, Image.new(image.mode, image.size)).getbbox()
    if box is None:
        return image
    left, top, right, bottom = box
    return image.crop(
        (max(0, left - pad), max(0, top - pad), min(image.width, right + pad), bottom + pad)
    )


SHOTS = ("tray", "guide", "statusline")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Take the README's screenshots.")
    parser.add_argument("--only", choices=SHOTS, action="append", help="take just this one")
    shots = parser.parse_args(argv).only or SHOTS
    OUT.mkdir(parents=True, exist_ok=True)
    if "tray" in shots:
        tray_screenshots(OUT)
    if "guide" in shots:
        guide_screenshot(OUT / "guide.png")
        print(f"wrote {OUT / 'guide.png'}")
    if "statusline" in shots:
        statusline_screenshot(OUT / "statusline.png")
        print(f"wrote {OUT / 'statusline.png'}")
    return 0


def tray_screenshots(out: Path) -> None:
    """The tray icon alone, and the desktop with the icon and dunst's notification."""
    incident = payloads.incident(
        "shot",
        "Elevated errors on the Claude API",
        status="identified",
        impact="major",
        updates=[("u1", "identified", "The issue has been identified and a fix is underway.")],
        components=[API],
    )
    with (
        tempfile.TemporaryDirectory() as home,
        StatuspageServer() as server,
        Desktop() as desktop,
    ):
        server.set_summary(payloads.summary({API: "partial_outage"}, incidents=[incident]))
        config = Path(home, "beacon.toml")
        source = f'[[sources]]\nname = "Claude"\nurl = "{server.url}"\n'
        config.write_text(f"interval = 1\n{loopback_diagnostics(server.url)}{source}")
        env = desktop.env | {"HOME": home, "PYSTRAY_BACKEND": "appindicator"}
        env |= {key: f"{home}/{key}" for key in ("XDG_CONFIG_HOME", "XDG_STATE_HOME")}
        monitor = NotifyMonitor(desktop)
        app = subprocess.Popen(
            [sys.executable, "-m", "claude_beacon", "--config", str(config)],
            env=env,
            stderr=subprocess.DEVNULL,
        )
        try:
            monitor.wait_for(1)
            TrayMenu(desktop).items()  # the icon is up and its menu built
            time.sleep(1.0)  # let dunst draw
            screen = desktop.screenshot().convert("RGB")
        finally:
            app.terminate()
            app.wait(5)
            monitor.close()
    _left, top, right, bottom = TRAY_BOX
    screen.crop((right - 48, top, right, bottom)).resize((96, 64), Image.NEAREST).save(
        out / "tray-icon.png"
    )
    trimmed(screen).save(out / "desktop.png")
    for name in ("tray-icon.png", "desktop.png"):
        print(f"wrote {out / name}")


def guide_screenshot(target: Path) -> None:
    """The guide for the recorded Claude page (an incident in progress), in headless Chromium."""
    from datetime import UTC, datetime

    from claude_beacon.core import statuspage
    from claude_beacon.core.model import Snapshot, SourceSpec
    from claude_beacon.core.probes import ProbeResult, ProbeRole
    from claude_beacon.core.verdict import judge
    from claude_beacon.render import guide

    fixtures = ROOT / "tests" / "fixtures"
    now = datetime.now(UTC)
    source = SourceSpec("Claude", "https://status.claude.com")
    reading = statuspage.parse_summary(
        (fixtures / "anthropic-summary-1.json").read_bytes(), source, now
    )
    snapshot = Snapshot(now, (reading,))
    history = statuspage.parse_history((fixtures / "anthropic-incidents-1.json").read_bytes())
    probes = [
        ProbeResult(
            name,
            f"https://{name}/",
            role,
            now,
            True,
            status=status,
            dns_ms=dns,
            connect_ms=tcp,
            tls_ms=tls,
            http_ms=http,
        )
        for name, role, status, dns, tcp, tls, http in (
            ("api.anthropic.com", ProbeRole.CLAUDE, 401, 4, 18, 31, 88),
            ("claude.ai", ProbeRole.CLAUDE, 403, 3, 17, 29, 140),
            ("status.claude.com", ProbeRole.CLAUDE, 200, 5, 16, 27, 61),
            ("www.gstatic.com", ProbeRole.INTERNET, 204, 3, 9, 21, 35),
        )
    ]
    with tempfile.TemporaryDirectory() as work:
        page = guide.write(
            guide.render(snapshot, judge(snapshot, probes), probes, history),
            Path(work, "guide.html"),
        )
        chromium = shutil.which("chromium") or "chromium"
        subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--window-size=1000,1500",
                f"--screenshot={target}",
                page.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )


OPUS_SUMMARY = payloads.summary(
    components={API: "degraded_performance"},
    incidents=[payloads.incident("op48", "Elevated errors on Claude Opus 4.8")],
)
CLAUDE_CODE_INPUT = json.dumps(
    {"model": {"id": "claude-opus-4-8", "display_name": "Opus 4.8"}}, separators=(",", ":")
)
TERMINAL = "beacon-terminal"
"""The xterm's instance name, to find its window."""
TMUX_CONF = """\
set -g default-terminal screen-256color
set -g default-command "bash --rcfile {rcfile}"
set -g status-interval 1
set -g status-style "bg=colour236,fg=colour250"
set -g status-left "[#S] "
set -g status-right-length 90
set -g status-right "#[fg=colour214]#(claude-beacon statusline) "
"""


def statusline_screenshot(target: Path) -> None:
    """xterm running tmux with ``#(claude-beacon statusline)`` on its right, while the loopback
    page reports an incident on Opus 4.8 and the environment picks Opus 4.8; in the pane, the
    line Claude Code's statusLine gets for the same model."""
    for tool in ("xterm", "tmux", "xdotool"):
        if shutil.which(tool) is None:
            raise SystemExit(f"statusline shot: {tool} is not installed (apt-get install {tool})")
    with tempfile.TemporaryDirectory() as work, StatuspageServer() as server:
        server.set_summary(OPUS_SUMMARY)
        home = Path(work, "home")
        project = home / "project"
        project.mkdir(parents=True)
        config = write_config(home, server.url)
        env = statusline_env(home, config)
        beacon = shutil.which("claude-beacon", path=env["PATH"])
        if beacon is None:
            raise SystemExit("statusline shot: claude-beacon is not on PATH (pip install -e .)")
        warm = subprocess.run(
            [beacon, "status", "--quiet", "--config", str(config)], env=env, timeout=60
        )
        if warm.returncode != 1:  # 1: degraded, as the page says
            raise SystemExit(f"statusline shot: status exited {warm.returncode}, expected 1")
        conf = Path(work, "tmux.conf")
        rcfile = Path(work, "bashrc")
        rcfile.write_text("PS1='$ '\n")
        conf.write_text(TMUX_CONF.format(rcfile=rcfile))
        socket = str(Path(work, "tmux.sock"))
        with wide_screen(1024, 400), Desktop(notification_daemon=False, tray_host=False) as desk:
            env |= {key: desk.env[key] for key in ("DISPLAY", "DBUS_SESSION_BUS_ADDRESS")}
            tmux = ["tmux", "-u", "-S", socket]
            terminal = subprocess.Popen(
                [
                    *("xterm", "-name", TERMINAL, "-u8", "-fa", "Monospace", "-fs", "11"),
                    *("-geometry", "100x8+0+0", "-bg", "#1d1f21", "-fg", "#c5c8c6"),
                    *("-e", *tmux, "-f", str(conf), "new-session", "-s", "work"),
                ],
                env=env,
                cwd=project,
                stderr=subprocess.DEVNULL,
            )
            try:
                wait_for(lambda: _tmux_ok([*tmux, "has-session", "-t", "work"], env))
                command = f"echo '{CLAUDE_CODE_INPUT}' | claude-beacon statusline"
                subprocess.run([*tmux, "send-keys", "-t", "work", command, "Enter"], env=env)
                wait_for(lambda: "— /model sonnet" in _pane(tmux, env))
                time.sleep(2.5)  # two status-interval ticks: the bar shows the line too
                image = ImageGrab.grab(xdisplay=desk.display).convert("RGB")
                image = image.crop(_window_box(desk.env))
            finally:
                subprocess.run([*tmux, "kill-server"], env=env, capture_output=True)
                terminal.terminate()
                terminal.wait(5)
    image.save(target, optimize=True)


def statusline_env(home: Path, config: Path) -> dict[str, str]:
    """An environment whose home, config, state and cache are the temporary ones, whose model is
    Opus 4.8, and whose ``claude-beacon`` is the one beside this Python."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("TMUX")}
    env |= {
        "HOME": str(home),
        "CLAUDE_BEACON_CONFIG": str(config),  # a refresh the statusline starts stays loopback
        "ANTHROPIC_MODEL": "claude-opus-4-8",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    for var, sub in (
        ("XDG_CONFIG_HOME", ".config"),
        ("XDG_STATE_HOME", ".local/state"),
        ("XDG_CACHE_HOME", ".cache"),
        ("XDG_DATA_HOME", ".local/share"),
    ):
        env[var] = str(home / sub)
    return env


@contextlib.contextmanager
def wide_screen(width: int, height: int) -> Iterator[None]:
    """The rig's virtual screen at another size while the block runs (a terminal of 100
    columns does not fit its 640 px)."""
    saved = rig.XVFB_ARGS
    rig.XVFB_ARGS = ("-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp")
    try:
        yield
    finally:
        rig.XVFB_ARGS = saved


def wait_for(condition: Callable[[], bool], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("statusline shot: the terminal never showed the statusline")
        time.sleep(0.1)


def _tmux_ok(command: list[str], env: dict[str, str]) -> bool:
    return subprocess.run(command, env=env, capture_output=True).returncode == 0


def _pane(tmux: list[str], env: dict[str, str]) -> str:
    shown = subprocess.run(
        [*tmux, "capture-pane", "-p", "-t", "work"], env=env, capture_output=True, text=True
    )
    return shown.stdout


def _window_box(env: dict[str, str]) -> tuple[int, int, int, int]:
    """The terminal window's box on the screen, as xdotool reports it."""
    found = subprocess.run(
        ["xdotool", "search", "--classname", TERMINAL], env=env, capture_output=True, text=True
    ).stdout.split()
    shown = subprocess.run(
        ["xdotool", "getwindowgeometry", "--shell", found[-1]],
        env=env,
        capture_output=True,
        text=True,
    ).stdout.split()
    geometry = dict(line.split("=", 1) for line in shown)
    x, y, width, height = (int(geometry[key]) for key in ("X", "Y", "WIDTH", "HEIGHT"))
    return x, y, x + width, y + height


if __name__ == "__main__":
    os.environ.setdefault("NO_AT_BRIDGE", "1")
    raise SystemExit(main())
