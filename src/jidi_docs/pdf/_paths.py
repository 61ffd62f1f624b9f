"""Where a 佐证材料 file really is: paths written in the YAML, resolved and kept inside its folder.

Kept apart from `_evidence` (which reads the files with pikepdf, PIL and img2pdf) so that `check`
can test the paths without importing any of them.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath, PureWindowsPath

from ..errors import EvidenceError

__all__ = ["resolve_evidence_path"]


def resolve_evidence_path(
    base_dir: Path, rel: str, *, allow_outside: bool = False, entry: str | None = None
) -> Path:
    """Return the absolute path of evidence file `rel`, written relative to `base_dir`.

    Backslashes are taken as separators, so paths typed on Windows (``佐证材料\\执照.pdf``) work.

    Raises:
        EvidenceError: `rel` is empty, or (unless `allow_outside`) absolute, or leads outside
            `base_dir` through ``..`` or a symbolic link.
    """
    text = rel.strip()
    if not text:
        raise EvidenceError("文件路径为空。", entry=entry)
    text = text.replace("\\", "/")
    shown = Path(rel)
    is_absolute = PurePosixPath(text).is_absolute() or bool(PureWindowsPath(rel).drive)
    base = base_dir.resolve()
    if is_absolute:
        if not allow_outside:
            raise EvidenceError(
                "不能使用绝对路径。请把文件放进申报文件所在的文件夹，写相对于该文件夹的路径，"
                "例如「佐证材料/营业执照.pdf」。",
                entry=entry,
                path=shown,
            )
        return Path(text).resolve()
    joined = base / text
    if allow_outside:
        return joined.resolve()
    if not _is_within(Path(os.path.normpath(joined)), base):
        raise EvidenceError(
            f"路径用「..」指向了申报文件所在文件夹（{base}）之外。请把文件放进该文件夹再引用。",
            entry=entry,
            path=shown,
        )
    real = joined.resolve()
    if not _is_within(real, base):
        raise EvidenceError(
            f"这是一个指向申报文件所在文件夹（{base}）之外的符号链接（实际位置 {real}）。"
            "请把文件本身复制到该文件夹中。",
            entry=entry,
            path=shown,
        )
    return real


def _is_within(path: Path, base: Path) -> bool:
    try:
        path.relative_to(base)
    except ValueError:
        return False
    return True
