#!/usr/bin/env python3
"""Export the icons drawn by ``claude_beacon.desktop.icons`` as files for packages and docs.

Writes ``icons/<look>-<size>.png`` for every tray look, plus the application icon as PNG, ICO
(Windows) and ICNS (macOS). The files are generated, never edited: a test compares them with
what the code draws. Usage: ``python3 packaging/make_assets.py [--out DIR]``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parent.parent
TRAY_SIZES = (16, 22, 24, 32, 48, 64, 128, 256)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_SIZES = (32, 64, 128, 256, 512, 1024)
HICOLOR_SIZES = (16, 22, 24, 32, 48, 64, 128, 256)
"""The sizes an ICNS file holds; Pillow scales the largest image for any size not given."""


def load_icons() -> ModuleType:
    """The drawing code of this checkout, whether or not the package is installed."""
    sys.path.insert(0, str(REPO / "src"))
    from claude_beacon.desktop import icons

    return icons


def write_tray_icons(icons: ModuleType, out: Path) -> list[Path]:
    folder = out / "icons"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for look in icons.ALL_LOOKS:
        for size in TRAY_SIZES:
            path = folder / f"{look.value}-{size}.png"
            icons.draw(look, size).save(path, "PNG", optimize=True)
            written.append(path)
    return written


def write_app_icons(icons: ModuleType, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    png, ico, icns = (out / f"claude-beacon.{ext}" for ext in ("png", "ico", "icns"))
    icons.draw_app_icon(256).save(png, "PNG", optimize=True)
    by_size = {size: icons.draw_app_icon(size) for size in ICO_SIZES}
    by_size[256].save(
        ico,
        "ICO",
        sizes=[(size, size) for size in ICO_SIZES],
        append_images=[by_size[size] for size in ICO_SIZES[:-1]],
    )
    large = [icons.draw_app_icon(size) for size in ICNS_SIZES]
    try:
        large[-1].save(icns, "ICNS", append_images=large[:-1])
    except (OSError, KeyError, ValueError) as exc:
        icns.unlink(missing_ok=True)
        raise SystemExit(
            f"could not write {icns}: {exc or type(exc).__name__}\n"
            "Pillow writes ICNS itself (PNG images in an Apple container); a Pillow built "
            "without PNG (zlib) support cannot. Install a complete Pillow and run this again."
        ) from exc
    themed = []  # the freedesktop icon theme layout, copied as is by packaging/install-linux.sh
    for size in HICOLOR_SIZES:
        path = out / "hicolor" / f"{size}x{size}" / "apps" / "claude-beacon.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        icons.draw_app_icon(size).save(path, "PNG", optimize=True)
        themed.append(path)
    return [png, ico, icns, *themed]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=REPO / "assets",
        help="directory to write into (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    icons = load_icons()
    written = write_tray_icons(icons, args.out) + write_app_icons(icons, args.out)
    for path in written:
        print(f"wrote {path}")
    print(f"{len(written)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
