"""The Linux menu entry and icon layout, installed and removed into a temporary home."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(shutil.which("sh") is None, reason="needs a POSIX shell")
def test_install_linux_puts_entry_and_icons_in_the_users_data_dir(isolated_home: Path) -> None:
    data = Path(os.environ["XDG_DATA_HOME"])
    script = ROOT / "packaging" / "install-linux.sh"
    subprocess.run(["sh", str(script)], check=True, env=os.environ.copy(), timeout=30)

    entry = configparser.ConfigParser(interpolation=None)
    entry.read(data / "applications" / "claude-beacon.desktop")
    assert entry["Desktop Entry"]["Exec"] == "claude-beacon"
    assert entry["Desktop Entry"]["Icon"] == "claude-beacon"
    for size in (16, 22, 24, 32, 48, 64, 128, 256):
        icon = data / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "claude-beacon.png"
        with Image.open(icon) as image:
            assert image.size == (size, size)

    subprocess.run(["sh", str(script), "--remove"], check=True, env=os.environ.copy(), timeout=30)
    assert not (data / "applications" / "claude-beacon.desktop").exists()
    assert not list((data / "icons").rglob("claude-beacon.png"))


def test_spec_names_the_assets_it_ships() -> None:
    spec = (ROOT / "packaging" / "claude-beacon.spec").read_text()
    assert "LSUIElement" in spec and 'console=sys.platform != "win32"' in spec
    for suffix in ("ico", "icns"):
        assert (ROOT / "assets" / f"claude-beacon.{suffix}").is_file()
