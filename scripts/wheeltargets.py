"""Dependencies pip leaves out when it resolves for another system, found from the wheels' own
metadata (shared by check_wheels.py and build_offline_zip.py).

pip's ``--platform``/``--python-version`` choose which wheel files fit, but pip evaluates the
environment markers of dependencies against the Python it runs on (pip documentation, "pip
download": the markers are those of the running interpreter). Resolved on Linux for Windows,
Django's ``tzdata; sys_platform == "win32"`` is left out, and Windows would need it. Here the
markers are evaluated for the target system instead.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Mapping
from email.parser import Parser
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

#: What environment markers see on each kind of system (PEP 508 names).
_SYSTEMS = {
    "win_amd64": ("win32", "Windows", "nt", "AMD64"),
    "win_arm64": ("win32", "Windows", "nt", "ARM64"),
    "macosx_x86_64": ("darwin", "Darwin", "posix", "x86_64"),
    "macosx_arm64": ("darwin", "Darwin", "posix", "arm64"),
}


def environment(platform: str, python: str) -> dict[str, str]:
    """The marker environment of CPython `python` on the wheel platform `platform` (``native``:
    this one)."""
    env: dict[str, str] = {k: str(v) for k, v in default_environment().items()}
    if platform == "native":
        return env
    key = platform if platform.startswith("win") else f"macosx_{platform.rsplit('_', 1)[-1]}"
    if platform.endswith("x86_64"):
        key = "macosx_x86_64"
    sys_platform, system, os_name, machine = _SYSTEMS[key]
    env.update(
        sys_platform=sys_platform,
        platform_system=system,
        os_name=os_name,
        platform_machine=machine,
        python_version=python,
        python_full_version=f"{python}.0",
        implementation_name="cpython",
        platform_python_implementation="CPython",
    )
    return env


def wheel_metadata(wheels: Iterable[Path]) -> dict[str, list[str]]:
    """Each wheel's project (canonical name) → its Requires-Dist lines."""
    found: dict[str, list[str]] = {}
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as z:
            name = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
            meta = Parser().parsestr(z.read(name).decode("utf-8"))
        found[canonicalize_name(meta["Name"])] = meta.get_all("Requires-Dist") or []
    return found


def unmet(
    packages: Mapping[str, list[str]], roots: Iterable[str], env: Mapping[str, str]
) -> list[str]:
    """The requirements (without markers) that `roots` need on the system of `env`, following
    `packages` (name → Requires-Dist), for which `packages` has no project."""
    missing: dict[str, str] = {}
    todo = [Requirement(r) for r in roots]
    seen: set[tuple[str, frozenset[str]]] = set()
    while todo:
        req = todo.pop()
        name = canonicalize_name(req.name)
        key = (name, frozenset(req.extras))
        if key in seen:
            continue
        seen.add(key)
        if name not in packages:
            missing[name] = str(Requirement(f"{req.name}{req.specifier}"))
            continue
        for line in packages[name]:
            dep = Requirement(line)
            extras = req.extras or {""}
            if dep.marker is None or any(dep.marker.evaluate({**env, "extra": e}) for e in extras):
                todo.append(dep)
    return sorted(missing.values())
