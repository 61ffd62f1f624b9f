"""Find the application files of a batch: every YAML below the given folders."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from ..errors import InputError, Issue

__all__ = ["BACKUP", "COPY", "discover", "hidden_yaml", "leftovers"]

#: What a file left over is, in the words the 汇总表's 备注 uses.
BACKUP, COPY = "备份", "副本"

#: Copies of a file by the name the system gives them: Windows (``申报 - 副本.yaml``,
#: ``申报 - 副本 (2).yaml``, English ``申报 - Copy.yaml``) and macOS Finder (``申报 副本.yaml``,
#: ``申报 副本 2.yaml``, ``申报 copy.yaml``).
_COPY = re.compile(r"^(?P<base>.+?)(?: - (?:副本|Copy)(?: \(\d+\))?| (?:副本|copy)(?: \d+)?)$")
#: The backup jidi-docs keeps of a file it replaced (`jidi_docs._fs`): ``申报（修改备份 …）``.
_BACKUP = re.compile(r"^(?P<base>.+?)（修改备份 [^）]*）$")


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def discover(paths: Iterable[str | Path], *, exclude: Path | None = None) -> list[tuple[Path, str]]:
    """Return every application file named by `paths`, with the name to show for it.

    A folder contributes every ``*.yaml``/``*.yml`` below it, recursively, skipping hidden
    files and folders and anything under `exclude` (the batch's own output folder); a file is
    taken as is. Files are sorted by path, so runs are reproducible.

    Raises:
        InputError: a path does not exist.
    """
    found: dict[Path, str] = {}
    skip = exclude.resolve() if exclude is not None else None
    for given in paths:
        root = Path(given)
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.suffix.lower() not in (".yaml", ".yml") or not path.is_file():
                    continue
                if _hidden(path, root):
                    continue
                resolved = path.resolve()
                if skip is not None and resolved.is_relative_to(skip):
                    continue
                found.setdefault(resolved, path.relative_to(root).as_posix())
        elif root.is_file():
            found.setdefault(root.resolve(), root.as_posix())
        else:
            raise InputError(Issue(str(root), None, None, "", "文件或文件夹不存在。"))
    return sorted(((p, d) for p, d in found.items()), key=lambda pd: pd[1])


def hidden_yaml(paths: Iterable[str | Path]) -> list[str]:
    """Return the YAML files `discover` leaves out because they or a folder are hidden.

    Why: a batch must say what it did not read, so no application is left out silently.
    """
    out: list[str] = []
    for given in paths:
        root = Path(given)
        if root.is_dir():
            out.extend(
                p.relative_to(root).as_posix()
                for p in sorted(root.rglob("*"))
                if p.suffix.lower() in (".yaml", ".yml") and _hidden(p, root) and p.is_file()
            )
    return out


def leftovers(
    found: list[tuple[Path, str]],
) -> tuple[list[tuple[Path, str]], dict[Path, tuple[Path, str, str]]]:
    """Split `found` into the applications and the copies left beside one: copy → (the
    original, `BACKUP` or `COPY`, why it is left out).

    A file counts as left over when its name is a copy's or a backup's name of another file
    found in the same folder: ``申报 - 副本.yaml`` beside ``申报.yaml``. Alone (its original
    gone), it is an application like any other.
    """
    names = {(p.parent, p.stem.casefold()): (p, d) for p, d in found}
    kept: list[tuple[Path, str]] = []
    left: dict[Path, tuple[Path, str, str]] = {}
    for path, display in found:
        copy, backup = _COPY.match(path.stem), _BACKUP.match(path.stem)
        match = backup or copy
        original = names.get((path.parent, match["base"].casefold())) if match else None
        if original is None:
            kept.append((path, display))
        elif backup is not None:
            reason = f"这是 jidi-docs 覆盖 {original[1]} 之前留下的{BACKUP}，没有生成。"
            left[path] = (original[0], BACKUP, reason)
        else:
            reason = (
                f"这是 {original[1]} 的{COPY}（复制文件时系统起的名字），没有生成；"
                "确实是另一份申报时，请改名或放进单独的文件夹。"
            )
            left[path] = (original[0], COPY, reason)
    return kept, left
