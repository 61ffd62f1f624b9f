"""File-system helpers shared by every writer: safe file names and all-or-nothing writes."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterator, Mapping
from pathlib import Path

from .errors import OutputError

__all__ = ["atomic_write", "atomic_write_many", "safe_filename", "temp_path_for"]

_BAD_CHARS = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_WINDOWS_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}


def safe_filename(name: str, *, max_bytes: int = 150) -> str:
    """Return `name` usable as a file or folder name on Windows, macOS and Linux.

    Why: 单位名称 may contain ``/`` or ``:`` (and batch output folders are named after it); the
    result is NFC-normalised (macOS stores NFD) and cut to `max_bytes` of UTF-8 so that the
    folder plus a file name stays below common path limits.
    """
    text = unicodedata.normalize("NFC", name)
    text = _BAD_CHARS.sub("_", text).strip().rstrip(". ")
    if not text:
        text = "未命名"
    if text.split(".")[0].upper() in _WINDOWS_RESERVED:
        text = f"_{text}"
    while len(text.encode("utf-8")) > max_bytes:
        text = text[:-1]
    return text.rstrip(". ") or "未命名"


def temp_path_for(target: Path) -> Path:
    """Return a fresh hidden temporary path beside `target` (same folder, so rename is atomic).

    Raises:
        OutputError: the folder cannot be created or written to.
    """
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as e:
        raise OutputError.from_os_error(target, e) from e
    os.close(fd)
    return Path(name)


@contextlib.contextmanager
def atomic_write(target: Path) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces `target`, on failure it vanishes."""
    tmp = temp_path_for(target)
    try:
        yield tmp
        tmp.chmod(0o644)
        tmp.replace(target)
    except BaseException as e:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        if isinstance(e, OSError):
            raise OutputError.from_os_error(target, e) from e
        raise


def atomic_write_many(files: Mapping[Path, bytes]) -> list[Path]:
    """Write several files so that either all of them are updated or none is.

    Every temporary file is written first; only then are they renamed into place.
    """
    temps: list[tuple[Path, Path]] = []
    try:
        for target, data in files.items():
            tmp = temp_path_for(target)
            temps.append((tmp, target))
            tmp.write_bytes(data)
            tmp.chmod(0o644)
        for tmp, target in temps:
            tmp.replace(target)
    except BaseException as e:
        for tmp, _ in temps:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
        if isinstance(e, OSError):
            raise OutputError.from_os_error(temps[-1][1] if temps else Path(), e) from e
        raise
    return list(files)
