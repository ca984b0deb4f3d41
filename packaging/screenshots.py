"""Take the README's screenshots on the desktop the end-to-end tests use.

    python3 packaging/screenshots.py      # writes assets/readme/*.png

Needs what the desktop tests need (.ci/desktop-packages.txt and PyGObject). The app runs against
a loopback page with a partial outage of the Claude API, so the tray shows its orange icon and
dunst shows the notification.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageChops

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.desktop import TRAY_BOX, Desktop, NotifyMonitor, TrayMenu  # noqa: E402
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
        config.write_text(f'interval = 1\n[[sources]]\nname = "Claude"\nurl = "{server.url}"\n')
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
    for name in ("tray-icon.png", "desktop.png"):
        print(f"wrote {OUT / name}")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("NO_AT_BRIDGE", "1")
    raise SystemExit(main())
