"""A wheelhouse for installing claude-beacon's wheel offline: its dependencies, packed again
into wheels from what the test environment already has installed.

Tests never reach the network, and pip, uv and pipx can install offline only from wheels they
are given. An installed distribution is a wheel unpacked: its files (listed in its RECORD) and
its ``.dist-info`` (WHEEL names the tags it was built for). Packing them back gives the wheel
it came from, less the compiled ``__pycache__`` and the launchers an installer makes itself.
"""

from __future__ import annotations

import base64
import hashlib
import re
import zipfile
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

SKIPPED = {"RECORD", "INSTALLER", "REQUESTED", "direct_url.json"}
"""What an installer writes into ``.dist-info`` that a wheel does not carry."""


class WheelhouseError(RuntimeError):
    """A dependency cannot be packed again; the message says which and why."""


def needed(project: str) -> list[metadata.Distribution]:
    """The installed distributions ``project`` needs on this system, all the way down."""
    found: dict[str, metadata.Distribution] = {}
    todo: list[tuple[str, frozenset[str]]] = [(project, frozenset())]
    while todo:
        name, extras = todo.pop()
        dist = metadata.distribution(name)
        if name != project:
            found[_normal(name)] = dist
        for line in dist.requires or []:
            requirement = Requirement(line)
            environments = [{"extra": extra} for extra in extras] or [{"extra": ""}]
            if requirement.marker and not any(
                requirement.marker.evaluate(env) for env in environments
            ):
                continue
            if _normal(requirement.name) not in found or requirement.extras:
                todo.append((requirement.name, frozenset(requirement.extras)))
    return list(found.values())


def repack(dist: metadata.Distribution, into: Path) -> Path:
    """``dist`` as the wheel it was installed from."""
    name = dist.metadata["Name"]
    files = dist.files
    if not files:
        raise WheelhouseError(f"{name} was not installed from a wheel (it has no RECORD)")
    info = next((f.parts[0] for f in files if f.parts[0].endswith(".dist-info")), None)
    wheel = dist.read_text("WHEEL") or ""
    tags = re.findall(r"^Tag: (\S+)$", wheel, re.MULTILINE)
    if info is None or not tags:
        raise WheelhouseError(f"{name} has no .dist-info with a WHEEL tag")
    target = into / f"{_normal(name)}-{dist.version}-{_compressed(tags)}.whl"
    records = []
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in files:
            path = Path(str(dist.locate_file(file)))
            outside = file.parts[0] == ".."  # scripts: the installer writes its own
            if outside or "__pycache__" in file.parts or not path.is_file():
                continue
            if file.parts[0] == info and file.name in SKIPPED:
                continue
            data = path.read_bytes()
            archive.writestr(file.as_posix(), data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            records.append(f"{file.as_posix()},sha256={digest.decode()},{len(data)}")
        records.append(f"{info}/RECORD,,")
        archive.writestr(f"{info}/RECORD", "\n".join(records) + "\n")
    return target


def fill(project: str, into: Path) -> list[Path]:
    """Every dependency of ``project`` as a wheel in ``into``."""
    return [repack(dist, into) for dist in needed(project)]


def _compressed(tags: list[str]) -> str:
    """The file name's tag set (``py2.py3-none-any``) for the WHEEL file's ``Tag`` lines."""
    parts = [t.split("-") for t in tags]
    return "-".join(".".join(dict.fromkeys(p[i] for p in parts)) for i in range(3))


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()
