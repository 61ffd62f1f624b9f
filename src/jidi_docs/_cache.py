"""An on-disk cache for work that comes out the same on every run of one installation.

Three things are kept (`benchmarks/bundle.py` measures each): the compiled form templates, the
subset page-number font, and a LibreOffice profile after its first start. Each costs a bundle
0.1–0.4 s of CPU when made anew, about as much as the rest of our Python work on the example.

Entries live in `jidi_docs._platform.cache_dir` / <kind> / <key>; the key is a digest of the
package version and of everything the entry is made from (callers pass the file hashes or
stamps), so an upgrade or an edited template never meets an old entry. Entries are written to a
temporary name in the same folder and renamed into place, so parallel runs see a whole entry or
none. Any failure (a read-only or full disk, a damaged entry) is a miss: the cache can only save
time, never stop a run.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from . import _platform
from ._version import __version__

__all__ = ["folder", "key", "read", "store_folder", "write"]


def key(*parts: str | bytes) -> str:
    """Return the entry name for `parts`, with the package and Python versions mixed in."""
    digest = hashlib.sha256(f"{__version__}\0{sys.version}".encode())
    for part in parts:
        data = part.encode("utf-8", "surrogateescape") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little") + data)
    return digest.hexdigest()[:32]


def _path(kind: str, name: str) -> Path:
    return _platform.cache_dir() / kind / name


def read(kind: str, name: str) -> bytes | None:
    """Return the bytes stored under `kind`/`name`, or None."""
    try:
        return _path(kind, name).read_bytes()
    except OSError:
        return None


def write(kind: str, name: str, data: bytes) -> None:
    """Store `data` under `kind`/`name`, if the cache folder can be written."""
    target = _path(kind, name)
    with contextlib.suppress(OSError):
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, made = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        tmp = Path(made)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            tmp.replace(target)
        finally:
            tmp.unlink(missing_ok=True)


def folder(kind: str, name: str) -> Path | None:
    """Return the folder stored under `kind`/`name`, or None."""
    path = _path(kind, name)
    return path if path.is_dir() else None


def store_folder(kind: str, name: str, source: Path, *, only: Sequence[str] | None = None) -> None:
    """Store a copy of the folder `source` (or of its files and folders named in `only`, paths
    relative to it) under `kind`/`name`, unless one is there already."""
    target = _path(kind, name)
    if target.is_dir():
        return
    with contextlib.suppress(OSError, shutil.Error):
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=".tmp-"))
        try:
            for rel in ["."] if only is None else only:
                src, dst = source / rel, tmp / rel
                if src.is_dir():
                    shutil.copytree(src, dst, dirs_exist_ok=True)
                elif src.is_file():
                    dst.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(src, dst)
            tmp.rename(target)  # fails if another run stored it first: theirs is as good
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
