"""What ``packaging/smoke_bundle.py`` asks of a bundle before running it: a Windows .exe of
the GUI subsystem (no console window), a macOS .app whose Info.plist hides the Dock icon.
Real Windows launchers (the GUI and console ones pip ships) stand in for the bundle's .exe."""

from __future__ import annotations

import importlib.util
import plistlib
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def smoke() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "smoke_bundle", ROOT / "packaging/smoke_bundle.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def launcher(name: str) -> Path:
    import pip._vendor.distlib as distlib

    path = Path(distlib.__file__).with_name(name)
    if not path.is_file():
        pytest.skip(f"this pip ships no {name}")
    return path


def test_a_gui_exe_passes_and_a_console_exe_is_refused() -> None:
    check = smoke().quiet_on_the_desktop
    assert check(str(launcher("w64.exe"))) == "no console (GUI subsystem)"
    with pytest.raises(AssertionError, match="would open a console"):
        check(str(launcher("t64.exe")))


def test_an_app_must_hide_its_dock_icon(tmp_path: Path) -> None:
    check = smoke().quiet_on_the_desktop
    contents = tmp_path / "claude-beacon.app" / "Contents"
    (contents / "MacOS").mkdir(parents=True)
    executable = str(contents / "MacOS" / "claude-beacon")
    (contents / "Info.plist").write_bytes(plistlib.dumps({"LSUIElement": True}))
    assert check(executable) == "no Dock icon (LSUIElement)"
    (contents / "Info.plist").write_bytes(plistlib.dumps({"CFBundleName": "claude-beacon"}))
    with pytest.raises(AssertionError, match="Dock icon"):
        check(executable)
