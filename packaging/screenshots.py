"""Take the README's screenshots on the desktop the end-to-end tests use.

    python3 packaging/screenshots.py      # writes assets/readme/*.png

Needs what the desktop tests need (.ci/desktop-packages.txt and PyGObject). The app runs against
a loopback page with a partial outage of the Claude API, so the tray shows its orange icon and
dunst shows the notification.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageChops

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.desktop import TRAY_BOX, Desktop, NotifyMonitor, TrayMenu  # noqa: E402
from tests.integration.conftest import loopback_diagnostics  # noqa: E402
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


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
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
        OUT / "tray-icon.png"
    )
    trimmed(screen).save(OUT / "desktop.png")
    guide_screenshot(OUT / "guide.png")
    for name in ("tray-icon.png", "desktop.png", "guide.png"):
        print(f"wrote {OUT / name}")
    return 0


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


if __name__ == "__main__":
    os.environ.setdefault("NO_AT_BRIDGE", "1")
    raise SystemExit(main())
