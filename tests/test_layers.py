"""The architecture, checked: folders import only to their left, the core no I/O, the headless
path no desktop stack, and no module grows past its size."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import claude_beacon

PACKAGE = Path(claude_beacon.__file__).parent
LAYERS = ("core", "store", "net", "config", "render", "engine", ("desktop", "cli"))
"""Each folder may import itself and the folders before it; desktop and cli are one rank."""
PURE_STDLIB = {
    "__future__",
    "collections",
    "dataclasses",
    "datetime",
    "enum",
    "json",
    "math",
    "random",
    "re",
    "typing",
    "functools",
    "itertools",
    "html",
    "xml",
    "unicodedata",
    "ipaddress",
}
PURE_SUBMODULES = {"urllib.parse"}
"""Pure parts of packages that also do I/O (``urllib.request`` is not one of them)."""
LIMIT = 400


def rank(folder: str) -> int:
    for index, layer in enumerate(LAYERS):
        if folder == layer or (isinstance(layer, tuple) and folder in layer):
            return index
    raise AssertionError(f"{folder!r} is in no layer: add it to LAYERS")


def imports_of(path: Path, top_level_only: bool = False) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    names: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            if node.module == "claude_beacon":
                names.update(f"claude_beacon.{alias.name}" for alias in node.names)
    return names


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if p.parent != PACKAGE)


def test_every_module_lives_in_a_layer() -> None:
    loose = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert loose == ["__init__.py", "__main__.py"], loose
    for path in modules():
        rank(path.relative_to(PACKAGE).parts[0])


def test_each_folder_imports_only_the_folders_to_its_left() -> None:
    """``cli`` reaches ``desktop`` only inside a function, when the tray is asked for."""
    for path in modules():
        folder = path.relative_to(PACKAGE).parts[0]
        lazy_ok = folder == "cli"
        for name in imports_of(path, top_level_only=lazy_ok):
            parts = name.split(".")
            if parts[0] != "claude_beacon" or len(parts) < 2 or parts[1] in ("__version__",):
                continue
            if (PACKAGE / f"{parts[1]}.py").exists():
                continue  # the package's own __init__ / __main__
            target = parts[1]
            assert rank(target) <= rank(folder), (
                f"{path.relative_to(PACKAGE)} ({folder}) imports {name} ({target}), "
                "a layer to its right"
            )


def test_core_imports_only_pure_modules() -> None:
    for path in sorted((PACKAGE / "core").glob("*.py")):
        for name in imports_of(path):
            top = name.split(".")[0]
            pure = top in PURE_STDLIB or name in PURE_SUBMODULES
            allowed = pure or name.startswith("claude_beacon.core")
            assert allowed, f"{path.name} imports {name}"


def test_no_module_grows_past_four_hundred_lines() -> None:
    for path in PACKAGE.rglob("*.py"):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        assert lines <= LIMIT, f"{path.relative_to(PACKAGE)} has {lines} lines"


def test_status_path_does_not_load_the_desktop_stack() -> None:
    code = (
        "import sys, claude_beacon.cli;"
        "bad = [m for m in ('pystray', 'PIL', 'plyer') if m in sys.modules];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
