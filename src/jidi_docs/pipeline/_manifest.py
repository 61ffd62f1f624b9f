"""The manifest of each application's output folder: what its outputs were built from.

An application whose inputs hash to the manifest's value, with all its outputs present, is up to
date and skipped by the next batch.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import _platform
from .._fs import digest as file_digest
from .._fs import edited, write_bookkeeping
from .._resources import TEMPLATE_NAMES, template_path
from .._version import __version__

if TYPE_CHECKING:
    from ..schema import Application

__all__ = ["MANIFEST_NAME", "input_digest", "kept_forms", "up_to_date", "write_manifest"]


#: The manifest in each application's output folder: input hash and output names.
MANIFEST_NAME = ".jidi-docs.json"
_MANIFEST_FORMAT = 1


@lru_cache(maxsize=8)
def _file_digest(path: Path, mtime_ns: int, size: int) -> str:
    del mtime_ns, size  # cache key only
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _templates_digest() -> str:
    parts = []
    for name in TEMPLATE_NAMES:
        path = template_path(name)
        st = path.stat()
        parts.append(_file_digest(path, st.st_mtime_ns, st.st_size))
    return ",".join(parts)


def input_digest(app: Application, yaml_bytes: bytes, options_key: str = "") -> str:
    """Return a hash of everything an application's outputs depend on.

    Why size and mtime for evidence: evidence scans can be tens of megabytes, and hashing them
    all on every run would cost more than it saves; any edit (or ``touch``) changes the mtime.
    Paths enter the hash as written in the YAML, so moving the whole folder keeps outputs valid.
    """
    h = hashlib.sha256()
    for piece in (
        f"jidi-docs {__version__}",
        options_key,
        _templates_digest(),
        app.profile.fingerprint,
    ):
        h.update(piece.encode("utf-8") + b"\0")
    h.update(hashlib.sha256(yaml_bytes).digest())
    for entry in app.evidence:
        for rel in entry.files:
            path = app.base_dir / rel
            try:
                st = path.stat()
                stamp = f"{st.st_size}:{st.st_mtime_ns}"
            except OSError:
                stamp = "missing"
            h.update(f"{rel}\0{stamp}\0".encode())
    return h.hexdigest()


def _manifest(out_dir: Path) -> dict[str, Any] | None:
    try:
        manifest = json.loads((out_dir / MANIFEST_NAME).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or manifest.get("format") != _MANIFEST_FORMAT:
        return None
    return manifest


def up_to_date(out_dir: Path, digest: str, *, from_yaml: bool = False) -> list[Path] | None:
    """Return the outputs recorded in `out_dir`'s manifest if it matches `digest`, else None.

    Forms edited by hand count as inputs too: outputs are up to date only when the forms edited
    now are those the bundle was built from, as they were then (none at all with `from_yaml`).
    """
    manifest = _manifest(out_dir)
    if manifest is None or manifest.get("inputs") != digest:
        return None
    outputs = [out_dir / name for name in manifest.get("outputs", [])]
    if not outputs or not all(p.is_file() for p in outputs):
        return None
    forms = [p for p in outputs if p.suffix.lower() == ".docx"]  # bundles are big to hash
    now = {p.name: file_digest(p) for p in edited(forms)}
    if now != (manifest.get("edited") or {}) or (from_yaml and now):
        return None
    return outputs


def kept_forms(out_dir: Path) -> list[str]:
    """The names of the forms edited by hand that `out_dir`'s bundle was built from."""
    manifest = _manifest(out_dir)
    kept = manifest.get("edited") if manifest is not None else None
    return sorted(kept) if isinstance(kept, dict) else []


def write_manifest(
    out_dir: Path,
    source: Path,
    digest: str,
    outputs: list[Path],
    kept: Sequence[Path] = (),
) -> None:
    """Write `out_dir`'s manifest: the input hash, the output names and the forms used as edited
    by hand, with their hashes (written last)."""
    manifest: dict[str, Any] = {
        "format": _MANIFEST_FORMAT,
        "generator": f"jidi-docs {__version__}",
        "source": str(source),
        "inputs": digest,
        "outputs": [p.name for p in outputs],
    }
    if kept:
        manifest["edited"] = {p.name: file_digest(p) for p in kept}
    text = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
    write_bookkeeping(out_dir / MANIFEST_NAME, text)
    _platform.hide(out_dir / MANIFEST_NAME)  # bookkeeping: hidden in Explorer too
