"""File-system helpers shared by every writer: safe names, all-or-nothing writes, and ownership.

Every file jidi_docs writes goes through `write_files` (or `atomic_write`, which uses it). It:

* refuses to replace a file jidi_docs did not write (unless ``force``): the user's own
  ``申报.yaml`` or an evidence scan that happens to carry an output's name is never touched;
* keeps a copy of a file jidi_docs wrote that was edited since (a form changed by hand in Word)
  under a ``（修改备份 …）`` name, and says so, before replacing it;
* writes every file to a temporary name beside its target first and renames them only when all
  are written, so a full disk or a read-only folder leaves the old set of files, never a mix;
* turns every OSError into an `OutputError` with a Chinese reason.

What jidi_docs wrote is recorded per folder in `LEDGER_NAME`: each file's name and SHA-256.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterator, Mapping
from pathlib import Path

from . import _platform
from .errors import OutputError

__all__ = [
    "LEDGER_NAME",
    "MAX_PATH",
    "atomic_write",
    "atomic_write_many",
    "backup_name",
    "check_targets",
    "digest",
    "edited",
    "fit_name",
    "is_ours",
    "path_units",
    "safe_filename",
    "write_bookkeeping",
    "write_files",
]

logger = logging.getLogger("jidi_docs")

#: The record, in each output folder, of the files jidi_docs wrote there and their hashes.
LEDGER_NAME = ".jidi-docs-files.json"

#: Longest whole path Windows opens without long-path support: 260 UTF-16 units, less the NUL.
MAX_PATH = 259
#: Room kept for the temporary name a file is first written under (``.<name>.<random>.tmp``).
_TEMP_EXTRA = 16

_BAD_CHARS = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_WINDOWS_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}


def path_units(path: str | Path) -> int:
    """Length of `path` as Windows counts it (UTF-16 code units; 𠀀 and other rare characters
    count twice)."""
    return len(str(path).encode("utf-16-le")) // 2


def fit_name(folder: Path, name: str, tail: str = "", *, reserve: int = 0) -> str:
    """Return `name` shortened so that `folder`/`name``tail` stays within `MAX_PATH`.

    `tail` is what follows the name (a suffix such as ``-附件1-评价表.docx``); `reserve` is room
    kept for whatever goes below it (files inside a folder named `name`). Temporary names used
    while writing are allowed for. At least 8 characters of `name` are kept: a folder that is
    itself too deep cannot be helped by a shorter name.
    """
    budget = MAX_PATH - _TEMP_EXTRA - reserve - path_units(Path(folder).absolute()) - 1
    budget -= path_units(tail)
    text = name
    while path_units(text) > max(budget, 8) and len(text) > 1:
        text = text[:-1]
    return text.rstrip(". ") or name[:1]


def safe_filename(name: str, *, max_bytes: int = 150) -> str:
    """Return `name` usable as a file or folder name on Windows, macOS and Linux.

    Why: 单位名称 may contain ``/`` or ``:`` (and batch output folders are named after it); the
    result is NFC-normalised (macOS stores NFD) and cut to `max_bytes` of UTF-8 so that the
    folder plus a file name stays below common path limits. Separators never shape the path
    and leading dots never make a hidden file (``../../x`` gives ``x``).
    """
    text = unicodedata.normalize("NFC", name)
    text = _BAD_CHARS.sub("_", text).strip().strip("._ ")
    if not text:
        text = "未命名"
    if text.split(".")[0].upper() in _WINDOWS_RESERVED:
        text = f"_{text}"
    while len(text.encode("utf-8")) > max_bytes:
        text = text[:-1]
    return text.rstrip(". ") or "未命名"


# -- ownership ----------------------------------------------------------------------------------


def digest(path: Path) -> str:
    """Return the SHA-256 of the file at `path`, as the ledger records it."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


#: The batch manifest of earlier versions: the outputs it lists are ours too (hash unknown).
_BATCH_MANIFEST = ".jidi-docs.json"


def _recorded(record: Path, key: str) -> dict[str, str]:
    """Return the names listed under `key` in the JSON file `record`, with their hashes if any."""
    try:
        data = json.loads(record.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    files = data.get(key) if isinstance(data, dict) else None
    if isinstance(files, dict):
        return {str(k): str(v) for k, v in files.items()}
    return {str(k): "" for k in files} if isinstance(files, list) else {}


def _ledger(folder: Path) -> dict[str, str]:
    """Return the names jidi_docs wrote in `folder` with their SHA-256 ("" when not recorded)."""
    return {
        **_recorded(folder / _BATCH_MANIFEST, "outputs"),
        **_recorded(folder / LEDGER_NAME, "files"),
    }


def edited(paths: list[Path]) -> list[Path]:
    """Return those of `paths` that jidi_docs wrote and someone changed since (a form edited in
    Word): the ledger holds their hash, and the file no longer has it."""
    out = []
    ledgers: dict[Path, dict[str, str]] = {}
    for path in paths:
        recorded = ledgers.setdefault(path.parent, _ledger(path.parent)).get(path.name)
        if recorded and path.is_file() and digest(path) != recorded:
            out.append(path)
    return out


def is_ours(path: Path) -> bool:
    """True when jidi_docs wrote `path` (its folder's ledger lists it), edited since or not."""
    return path.name in _ledger(path.parent)


def backup_name(target: Path) -> Path:
    """The name a copy of `target` is kept under before it is replaced: ``申报（修改备份 …）.yaml``."""
    stamp = dt.datetime.now().strftime("%Y-%m-%d %H%M%S")
    return target.with_name(f"{target.stem}（修改备份 {stamp}）{target.suffix}")


def check_targets(targets: list[Path], *, force: bool = False) -> dict[Path, Path]:
    """Check that every target may be written; return the backups edited ones will need.

    Call it before long work (LibreOffice), so a refusal comes at once; `write_files` calls it
    again just before replacing.

    Raises:
        OutputError: a target is a folder, a folder on the way is a file, or a target exists
            and jidi_docs did not write it (unless `force`).
    """
    backups: dict[Path, Path] = {}
    ledgers: dict[Path, dict[str, str]] = {}
    for target in targets:
        for parent in reversed(target.parents):
            if parent.exists() and not parent.is_dir():
                raise OutputError(
                    f"无法写入 {target}：{parent} 是一个文件，不是文件夹。请换一个输出文件夹。"
                )
        if target.is_dir():
            raise OutputError(f"无法写入 {target}：已有同名的文件夹。请换一个输出位置。")
        if not target.exists():
            continue
        ledger = ledgers.setdefault(target.parent, _ledger(target.parent))
        recorded = ledger.get(target.name)
        if recorded is None:
            if not force:
                raise OutputError(
                    f"{target} 已经存在，而且不是 jidi-docs 生成的文件，为免覆盖你的文件，"
                    "没有写入。请换一个输出文件夹；确认可以覆盖时加 --force。"
                )
            continue
        if recorded and digest(target) != recorded:
            backups[target] = backup_name(target)
    return backups


def _link_or_copy(source: Path, name: Path) -> None:
    """Make `name` (an empty temporary file) hold `source`: a hard link if the file system can
    make one there, else a copy."""
    try:
        name.unlink()
        os.link(source, name)
    except OSError:  # another drive, a file system without links (FAT), no permission
        shutil.copyfile(source, name)


def write_files(
    files: Mapping[Path, bytes | Path],
    *,
    force: bool = False,
    record: bool = True,
    keep: Mapping[Path, Path] | None = None,
) -> list[Path]:
    """Write several files so that either all of them are replaced or none is.

    Values are the bytes to write, or a finished file of ours (one nothing changes any more) to
    put into place: linked when it is on the same drive (a 40 MB bundle then costs nothing to
    place), else copied. Files jidi_docs wrote and someone edited since are kept under a backup
    name first. Without `record` the files are not entered in their folder's ledger: for a
    scratch file in a folder of our own, whose digest (0.1 s for a 40 MB bundle) nobody reads.
    `keep` maps targets (the user's own files too) to the backup name each is copied to first.

    Raises:
        OutputError: see `check_targets`; or the system refused (Chinese reason).
    """
    targets = list(files)
    backups = check_targets(targets, force=force)
    backups.update({t: b for t, b in (keep or {}).items() if t.exists()})
    temps: list[tuple[Path, Path]] = []
    current = targets[0] if targets else Path()
    try:
        for target, content in files.items():
            current = target
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            os.close(fd)
            temps.append((Path(name), target))
            if isinstance(content, Path):
                _link_or_copy(content, Path(name))
            else:
                Path(name).write_bytes(content)
            Path(name).chmod(0o666 & ~_umask())
        for target, backup in backups.items():
            current = backup
            shutil.copy2(target, backup)
            if keep and target in keep:
                continue  # the caller says so
            logger.warning(
                "%s 在生成之后被修改过，已把修改后的版本另存为 %s，再写入新生成的文件。",
                target,
                backup.name,
            )
        ledger_texts = _updated_ledgers(temps) if record else {}
        for tmp, target in temps:
            current = target
            _replace(tmp, target)
        for folder, text in ledger_texts.items():
            current = folder / LEDGER_NAME
            _replace_text(folder / LEDGER_NAME, text)
    except BaseException as e:
        for tmp, _ in temps:
            _remove(tmp)
        if isinstance(e, OSError):
            raise OutputError.from_os_error(current, e) from e
        raise
    return targets


def _updated_ledgers(temps: list[tuple[Path, Path]]) -> dict[Path, str]:
    by_folder: dict[Path, dict[str, str]] = {}
    for tmp, target in temps:
        ledger = by_folder.setdefault(
            target.parent, _recorded(target.parent / LEDGER_NAME, "files")
        )
        ledger[target.name] = digest(tmp)
    return {
        folder: json.dumps({"files": dict(sorted(ledger.items()))}, ensure_ascii=False, indent=1)
        + "\n"
        for folder, ledger in by_folder.items()
    }


def write_bookkeeping(path: Path, text: str) -> None:
    """Replace a file of jidi_docs' own records (manifest) atomically; no ownership rules.

    Raises:
        OutputError: the system refused (Chinese reason).
    """
    try:
        _replace_text(path, text)
    except OSError as e:
        raise OutputError.from_os_error(path, e) from e


def _replace_text(path: Path, text: str) -> None:
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        _replace(Path(name), path)
    except BaseException:
        _remove(Path(name))
        raise


def _replace(source: Path, target: Path) -> None:
    """Rename `source` over `target`, trying again for a moment while another program holds
    `target` (Windows: antivirus, OneDrive, the search indexer; `_platform.retry_locked`)."""
    _platform.retry_locked(lambda: source.replace(target), target)


def _remove(path: Path) -> None:
    """Delete our temporary file `path` if it is there (tried again likewise; never raises)."""
    with contextlib.suppress(OSError):
        _platform.retry_locked(lambda: path.unlink(missing_ok=True), path)


def _umask() -> int:
    """Return the process umask (reading it means setting it, so set it straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_write(target: Path, *, force: bool = False, record: bool = True) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces `target` (see `write_files`,
    also for `record`).

    Refusals (a file jidi_docs did not write) come before the block runs.
    """
    check_targets([target], force=force)
    try:
        work = Path(tempfile.mkdtemp(prefix="jidi-write-"))
    except OSError as e:
        raise OutputError.from_os_error(target, e) from e
    try:
        tmp = work / target.name
        try:
            yield tmp
        except OSError as e:
            raise OutputError.from_os_error(target, e) from e
        write_files({target: tmp}, force=force, record=record)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def atomic_write_many(files: Mapping[Path, bytes], *, force: bool = False) -> list[Path]:
    """Write several files all-or-nothing; see `write_files`."""
    return write_files(dict(files), force=force)
