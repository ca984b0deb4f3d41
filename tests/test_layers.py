"""The architecture, checked: the core imports no I/O, and the headless path no desktop stack."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import claude_beacon

PACKAGE = Path(claude_beacon.__file__).parent
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
}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_core_imports_only_pure_modules() -> None:
    for path in sorted((PACKAGE / "core").glob("*.py")):
        for name in imports_of(path):
            top = name.split(".")[0]
            allowed = top in PURE_STDLIB or name.startswith("claude_beacon.core")
            assert allowed, f"{path.name} imports {name}"


def test_no_module_grows_past_four_hundred_lines() -> None:
    for path in PACKAGE.rglob("*.py"):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        assert lines <= 420, f"{path.relative_to(PACKAGE)} has {lines} lines"


def test_status_path_does_not_load_the_desktop_stack() -> None:
    code = (
        "import sys, claude_beacon.cli;"
        "bad = [m for m in ('pystray', 'PIL', 'plyer') if m in sys.modules];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
