"""``serve --backup FILE`` and ``--restore FILE``: the portal's data in one checked archive.

Why not "copy the folder": the embedded SQLite database runs in WAL mode, and a copy taken while
the portal writes can be torn (the main file and the WAL from different moments). The backup
takes the database through SQLite's online backup API (a consistent snapshot while the portal
keeps running), then the files. A submitted version refers to evidence files that were complete
before its row was written, so every file the snapshot refers to is in the archive whole; each
is checked against the digest the database recorded at upload.

With PostgreSQL (``--database``) the database is dumped by ``pg_dump`` when it is on PATH, in
the same snapshot the manifest's rows are read in (``pg_export_snapshot``); without it only the
files are archived, and the summary says the database must be backed up by other means.

The archive is a zip: ``manifest.json`` (format, program version, SHA-256 and size of every
member, the submitted versions and evidence files the database holds), ``database/…`` and
``data/…`` (the data folder: evidence, generated bundles and previews, the secret key, the
``--lan`` certificates). Restoring checks every member against the manifest before anything
becomes visible, and only into an empty data folder (and an empty database).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

from .._fs import atomic_write
from ..errors import PortalError
from ._settings import Options
from ._setup import DATABASE_NAME, check_data_dir

__all__ = ["MANIFEST", "backup", "restore"]

MANIFEST = "manifest.json"
_FORMAT = "jidi-docs 网页版备份"
_VERSION = 1
#: What a backup leaves out of the data folder: the live database (taken by the backup API),
#: upload scratch space.
_SKIP_TOP = {DATABASE_NAME, f"{DATABASE_NAME}-wal", f"{DATABASE_NAME}-shm", "tmp"}
_STORED = {".pdf", ".jpg", ".jpeg", ".png", ".zip", ".docx", ".xlsx"}  # compressed already
_CHUNK = 1024 * 1024


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _rows(db: sqlite3.Connection | Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(versions, evidence files) as the manifest lists them, from a DB-API connection."""
    cursor = db.cursor()
    cursor.execute("SELECT application_id, number, data FROM portal_version ORDER BY id")
    versions = [
        {
            "application": app,
            "number": number,
            "sha256": hashlib.sha256(_canonical(data).encode()).hexdigest(),
        }
        for app, number, data in cursor.fetchall()
    ]
    cursor.execute("SELECT application_id, stored_name, digest FROM portal_storedfile ORDER BY id")
    files = [
        {"path": f"data/files/{app}/佐证材料/{name}", "sha256": digest}
        for app, name, digest in cursor.fetchall()
    ]
    return versions, files


def _canonical(data: Any) -> str:
    """A version's data as one text, whatever the database returned (text or parsed JSON)."""
    value = json.loads(data) if isinstance(data, (str, bytes)) else data
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def backup(options: Options, archive: Path) -> dict[str, Any]:
    """Write a consistent backup of the portal in `options.data_dir` to the zip `archive`.

    Returns the summary: counts of files and versions, and ``database`` (``sqlite``,
    ``postgresql`` or ``missing`` when pg_dump is not available).

    Raises:
        PortalError: no portal data there, the archive inside the data folder, or a file the
            database refers to is missing or changed.
    """
    check_data_dir(options)
    data = options.data_dir.resolve()
    target = archive.resolve()
    if target.is_relative_to(data):
        raise PortalError(f"备份文件不能放在数据文件夹“{data}”里面，请换一个位置。")
    with tempfile.TemporaryDirectory(prefix="jidi-backup-", dir=target.parent) as tmp:
        work = Path(tmp)
        if options.database_url:
            database, versions, evidence = _dump_postgresql(options, work)
        else:
            database, versions, evidence = _snapshot_sqlite(data / DATABASE_NAME, work)
        manifest: dict[str, Any] = {
            "format": _FORMAT,
            "version": _VERSION,
            "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "program": _program_version(),
            "database": database,
            "members": {},
            "versions": versions,
            "evidence": evidence,
        }
        with (
            atomic_write(target, force=True, record=False) as out,
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zf,
        ):
            if database.get("member"):
                _add(zf, work / Path(database["member"]).name, database["member"], manifest)
            for path in sorted(_data_files(data)):
                rel = path.relative_to(data).as_posix()
                with contextlib.suppress(FileNotFoundError):  # removed meanwhile (a preview)
                    _add(zf, path, f"data/{rel}", manifest)
            _check_evidence(manifest)
            zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
    return _summary(manifest)


def _program_version() -> str:
    from .._version import __version__

    return str(__version__)


def _data_files(data: Path) -> list[Path]:
    out = []
    for entry in data.iterdir():
        if entry.name in _SKIP_TOP or entry.name.startswith("."):
            continue
        if entry.is_file():
            out.append(entry)
        elif entry.is_dir():
            out.extend(p for p in entry.rglob("*") if p.is_file())
    return out


def _add(zf: zipfile.ZipFile, path: Path, name: str, manifest: dict[str, Any]) -> None:
    """Add `path` as `name`, hashing exactly the bytes written (one read of the file)."""
    digest = hashlib.sha256()
    size = 0
    method = zipfile.ZIP_STORED if path.suffix.lower() in _STORED else zipfile.ZIP_DEFLATED
    info = zipfile.ZipInfo(name, date_time=dt.datetime.now().timetuple()[:6])
    info.compress_type = method
    with path.open("rb") as src, zf.open(info, "w", force_zip64=True) as dst:
        for chunk in iter(lambda: src.read(_CHUNK), b""):
            digest.update(chunk)
            size += len(chunk)
            dst.write(chunk)
    manifest["members"][name] = {"sha256": digest.hexdigest(), "size": size}


def _check_evidence(manifest: dict[str, Any]) -> None:
    """Every evidence file the database refers to is archived with the digest it recorded."""
    members = manifest["members"]
    bad = [
        PurePosixPath(f["path"]).name
        for f in manifest["evidence"]
        if members.get(f["path"], {}).get("sha256") != f["sha256"]
    ]
    if bad:
        raise PortalError(
            f"备份未完成：{len(bad)} 个佐证材料文件缺失或与上传时不同（如 {bad[0]}）。"
            "请检查数据文件夹是否完整；如果刚才有人删除了文件，再备份一次即可。"
        )


def _snapshot_sqlite(
    db_path: Path, work: Path
) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """Copy the live database with SQLite's online backup API; read the manifest's rows."""
    copy = work / DATABASE_NAME
    source = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30)
    try:
        with contextlib.closing(sqlite3.connect(copy)) as dest:
            source.backup(dest)  # all pages in one step: one consistent read transaction
            dest.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
            versions, evidence = _rows(dest)
    finally:
        source.close()
    return {"engine": "sqlite", "member": f"database/{DATABASE_NAME}"}, versions, evidence


# -- PostgreSQL --------------------------------------------------------------------------------


def _conninfo(options: Options) -> tuple[str, dict[str, str]]:
    """libpq connection string and environment (the password never on a command line)."""
    from ._settings import build_database

    db = build_database(options)

    def quote(value: str) -> str:
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"

    parts = {"dbname": db["NAME"], "user": db["USER"], "host": db["HOST"], "port": db["PORT"]}
    parts.update({k: str(v) for k, v in db["OPTIONS"].items()})
    info = " ".join(f"{k}={quote(str(v))}" for k, v in parts.items() if v)
    env = {**os.environ}
    if db["PASSWORD"]:
        env["PGPASSWORD"] = db["PASSWORD"]
    return info, env


def _dump_postgresql(
    options: Options, work: Path
) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """pg_dump the database in the snapshot the manifest's rows are read in."""
    from django.db import connection, transaction

    from ._settings import configure

    configure(options)
    pg_dump = shutil.which("pg_dump")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        versions, evidence = _rows(connection)
        if pg_dump is None:
            return {"engine": "postgresql", "member": None}, versions, evidence
        info, env = _conninfo(options)
        dump = work / "database.pgdump"
        done = subprocess.run(
            [pg_dump, "--format=custom", "--no-owner", "--no-privileges",
             f"--snapshot={snapshot}", f"--file={dump}", f"--dbname={info}"],
            env=env, capture_output=True, text=True, check=False, timeout=3600,
        )  # fmt: skip
        if done.returncode != 0:
            raise PortalError(f"pg_dump 失败，数据库未备份：{done.stderr.strip()[-500:]}")
    return {"engine": "postgresql", "member": "database/database.pgdump"}, versions, evidence


# -- restore -----------------------------------------------------------------------------------


def _summary(manifest: dict[str, Any]) -> dict[str, Any]:
    database = manifest["database"]
    return {
        "files": sum(1 for name in manifest["members"] if name.startswith("data/")),
        "versions": len(manifest["versions"]),
        "evidence": len(manifest["evidence"]),
        "database": database["engine"] if database.get("member") else "missing",
    }


def _read_manifest(zf: zipfile.ZipFile, archive: Path) -> dict[str, Any]:
    try:
        manifest = json.loads(zf.read(MANIFEST).decode("utf-8"))
    except (KeyError, ValueError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != _FORMAT:
        raise PortalError(f"“{archive}”不是网页版的备份文件（用 jidi-docs serve --backup 制作）。")
    if manifest.get("version") != _VERSION:
        raise PortalError(f"“{archive}”是更新版本的程序做的备份，请先升级 jidi-docs。")
    return manifest


def _safe_member(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or path.parts[0] not in ("data", "database"):
        raise PortalError(f"备份文件里有不允许的路径“{name}”，未恢复。")
    return path


def restore(options: Options, archive: Path) -> dict[str, Any]:
    """Restore `archive` into the empty data folder `options.data_dir` (and empty database).

    Every member is checked against the manifest's SHA-256 before the folder appears; then the
    restored database's versions and evidence are checked against the manifest again.

    Raises:
        PortalError: the folder or database is not empty, the archive is not a backup, or any
            member does not match the manifest (nothing is left behind then).
    """
    data = options.data_dir.resolve()
    if data.exists() and (not data.is_dir() or any(data.iterdir())):
        raise PortalError(
            f"数据文件夹“{data}”不是空的，为免覆盖现有数据，没有恢复。请指定一个新的或空的文件夹。"
        )
    if not archive.is_file():
        raise PortalError(f"找不到备份文件“{archive}”。")
    data.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".jidi-restore-", dir=data.parent))
    try:
        with zipfile.ZipFile(archive) as zf:
            manifest = _read_manifest(zf, archive)
            _unpack(zf, manifest, staging)
        engine = manifest["database"]["engine"]
        if (engine == "postgresql") != bool(options.database_url):
            where = (
                "PostgreSQL（恢复时用 --database 指定一个空数据库）"
                if engine == "postgresql"
                else "内置数据库 SQLite（恢复时不要用 --database）"
            )
            raise PortalError(f"这个备份的数据库是 {where}。")
        if engine == "sqlite":
            db = staging / "database" / DATABASE_NAME
            with contextlib.closing(sqlite3.connect(db)) as conn:
                if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                    raise PortalError("备份里的数据库已损坏，未恢复。")
                _compare_rows(_rows(conn), manifest)
            db.replace(staging / "data" / DATABASE_NAME)
        elif manifest["database"].get("member"):
            # Django reads the restored secret key from the staged folder, not the target
            staged = dataclasses.replace(options, data_dir=staging / "data")
            _restore_postgresql(staged, staging / "database" / "database.pgdump", manifest)
        (staging / "data").mkdir(exist_ok=True)
        if data.exists():
            data.rmdir()
        (staging / "data").replace(data)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return _summary(manifest)


def _unpack(zf: zipfile.ZipFile, manifest: dict[str, Any], staging: Path) -> None:
    """Extract every listed member into `staging`, each checked against its SHA-256."""
    members = manifest["members"]
    names = {i.filename for i in zf.infolist() if not i.is_dir()} - {MANIFEST}
    if names != set(members):
        raise PortalError("备份文件与其清单不符（文件多了或少了），可能不完整，未恢复。")
    for name, expected in sorted(members.items()):
        target = staging.joinpath(*_safe_member(name).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        with zf.open(name) as src, target.open("xb") as dst:
            for chunk in iter(lambda: src.read(_CHUNK), b""):
                digest.update(chunk)
                dst.write(chunk)
        if digest.hexdigest() != expected["sha256"]:
            raise PortalError(f"备份里的“{PurePosixPath(name).name}”与清单不符（已损坏），未恢复。")
    for secret in ("secret_key.txt", "tls/ca.key", "tls/server.key"):
        if (staging / "data" / secret).exists():
            (staging / "data" / secret).chmod(0o600)


def _compare_rows(rows: tuple[list[Any], list[Any]], manifest: dict[str, Any]) -> None:
    versions, evidence = rows
    if versions != manifest["versions"] or evidence != manifest["evidence"]:
        raise PortalError("恢复的数据库与备份清单不符，未恢复。")


def _restore_postgresql(options: Options, dump: Path, manifest: dict[str, Any]) -> None:
    from django.db import connection

    from ._settings import configure

    configure(options)
    if connection.introspection.table_names():
        raise PortalError("--database 指定的数据库不是空的，为免覆盖现有数据，没有恢复。")
    connection.close()
    pg_restore = shutil.which("pg_restore")
    if pg_restore is None:
        raise PortalError("恢复 PostgreSQL 的备份需要 pg_restore（PostgreSQL 客户端），请先安装。")
    info, env = _conninfo(options)
    done = subprocess.run(
        [pg_restore, "--no-owner", "--no-privileges", "--exit-on-error", f"--dbname={info}", str(dump)],
        env=env, capture_output=True, text=True, check=False, timeout=3600,
    )  # fmt: skip
    if done.returncode != 0:
        raise PortalError(f"pg_restore 失败：{done.stderr.strip()[-500:]}")
    _compare_rows(_rows(connection), manifest)
