"""Find the application files of a batch: every YAML below the given folders."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..errors import InputError, Issue

__all__ = ["discover", "hidden_yaml"]


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
