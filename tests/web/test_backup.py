"""``serve --backup`` while the portal writes, ``--restore`` into an empty folder, all checked.

A base keeps saving its draft, uploading evidence and submitting versions through a running
``jidi-docs serve`` while the backup is taken. The archive is restored into a new folder; every
submitted version and every evidence file of the restored portal is checked against the
archive's manifest (and each file against the digest the database recorded at upload), and
the restored portal serves its office. The same on PostgreSQL with ``pg_dump``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pgserver import PostgresCluster, require_postgresql
from servehelpers import PASSWORD, Browser, create_office, free_port, running, serve_command

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _cli(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*serve_command(data), *args], capture_output=True, text=True, timeout=600, check=False
    )


def _upload(base: Browser, server: str, pk: int, name: str, content: bytes) -> None:
    """Post one evidence file as a browser's multipart form does."""
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: image/png\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    csrf = next(c.value for c in base.jar if c.name == "csrftoken")
    request = urllib.request.Request(
        f"{server}/app/{pk}/upload/",
        data=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}", "X-CSRFToken": csrf},
    )
    with base.opener.open(request, timeout=120) as response:
        assert response.status == 200


def _join(office: Browser, server: str, name: str) -> tuple[Browser, int]:
    _, home, _ = office.request(
        f"{server}/invite/", {"role": "base", "district": "西湖区", "base_name": name}
    )
    link = re.search(r'class="link" readonly value="([^"]+)"', home.decode()).group(1)
    base = Browser()
    join = server + urllib.parse.urlsplit(link).path
    base.page(join)
    _, body, _ = base.request(join, {"username": name, "password": PASSWORD, "password2": PASSWORD})
    return base, int(re.search(r"/app/(\d+)/", body.decode()).group(1))


class Writer(threading.Thread):
    """A base at work: saves, uploads and submits until stopped; counts what it did."""

    def __init__(self, base: Browser, server: str, pk: int, example: dict[str, Any]) -> None:
        super().__init__(daemon=True)
        self.base, self.server, self.pk, self.example = base, server, pk, example
        self.stop = threading.Event()
        self.done: list[tuple[float, str]] = []
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            page = self.base.page(f"{self.server}/app/{self.pk}/edit/1/")
            version = int(re.search(r'data-version="(\d+)"', page).group(1))
            n = 0
            while not self.stop.is_set():
                n += 1
                value = {**self.example["基本情况"], "单位简介": f"第 {n} 次保存"}
                _, body, _ = self.base.request(
                    f"{self.server}/app/{self.pk}/save/",
                    json_body={"section": "基本情况", "version": version, "value": value},
                )
                version = json.loads(body)["version"]
                self.done.append((time.monotonic(), "save"))
                if n % 5 == 0:
                    _upload(self.base, self.server, self.pk, f"照片{n}.png", PNG + str(n).encode())
                    self.done.append((time.monotonic(), "upload"))
                if n % 7 == 0:
                    self.submit()
                    self.done.append((time.monotonic(), "submit"))
        except Exception as e:  # noqa: BLE001 - reported by the test, whatever it is
            self.error = e

    def submit(self) -> None:
        """Submit the draft (a new version), then withdraw it to go on editing."""
        for fields in ({}, {"action": "withdraw"}):
            path = "move" if fields else "submit"
            self.base.request(
                f"{self.server}/app/{self.pk}/{path}/", {**fields, "revision": self._revision()}
            )

    def _revision(self) -> str:
        """The application's review revision, as its page shows it (every move carries it)."""
        page = self.base.page(f"{self.server}/app/{self.pk}/")
        return re.search(r'name="revision" value="(\d+)"', page).group(1)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _check_restored(restored: Path, archive: Path, versions_sql: Any) -> dict[str, Any]:
    """Every member, version and evidence file of `restored` against the archive's manifest."""
    with zipfile.ZipFile(archive) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    for name, member in manifest["members"].items():
        if name.startswith("data/"):
            path = restored / name.removeprefix("data/")
            assert _sha256(path) == member["sha256"], name
    versions, evidence = versions_sql()
    assert versions == manifest["versions"]
    assert len(versions) >= 2
    for app, stored, digest in evidence:
        path = restored / "files" / str(app) / "佐证材料" / stored
        assert _sha256(path) == digest  # the file is the one uploaded
        assert manifest["members"][f"data/files/{app}/佐证材料/{stored}"]["sha256"] == digest
    assert len(evidence) == len(manifest["evidence"]) >= 2
    return manifest


def _versions(rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    return [
        {
            "application": app,
            "number": number,
            "sha256": hashlib.sha256(
                json.dumps(
                    json.loads(data) if isinstance(data, str) else data,
                    ensure_ascii=False,
                    sort_keys=True,
                ).encode()
            ).hexdigest(),
        }
        for app, number, data in rows
    ]


def _backup_while_writing(
    data: Path, options: list[str], example: dict[str, Any], archive: Path
) -> Writer:
    env = create_office(data, *options)
    port = free_port()
    command = [*serve_command(data, *options), "--port", str(port), "--jobs", "1"]
    with running(command, port, data.parent / f"server-{port}.log", env):
        server = f"http://127.0.0.1:{port}"
        office = Browser()
        office.login(server, "office")
        base, pk = _join(office, server, "杭州备份测试基地")
        for section, value in example.items():  # a valid draft, submitted once
            page = base.page(f"{server}/app/{pk}/edit/1/")
            version = int(re.search(r'data-version="(\d+)"', page).group(1))
            base.request(
                f"{server}/app/{pk}/save/",
                json_body={"section": section, "version": version, "value": value},
            )
        _upload(base, server, pk, "营业执照.png", PNG)
        writer = Writer(base, server, pk, example)
        writer.submit()  # version 1 before the backup; withdrawn, so the base goes on editing
        writer.start()
        while len(writer.done) < 5 and writer.is_alive():
            time.sleep(0.1)
        started = time.monotonic()
        result = _cli(data, *options, "--backup", str(archive))
        ended = time.monotonic()
        time.sleep(0.5)
        writer.stop.set()
        writer.join(60)
    assert writer.error is None, writer.error
    assert result.returncode == 0, result.stderr
    assert "已备份到" in result.stdout
    during = [kind for at, kind in writer.done if started <= at <= ended]
    assert len(during) >= 3, "nothing was written while the backup ran: the test proves nothing"
    return writer


def test_a_backup_taken_while_a_base_writes_restores_whole(
    tmp_path: Path, example: dict[str, Any]
) -> None:
    data, archive, restored = tmp_path / "data", tmp_path / "备份.zip", tmp_path / "恢复" / "数据"
    _backup_while_writing(data, [], example, archive)

    result = _cli(restored, "--restore", str(archive))

    assert result.returncode == 0, result.stderr
    assert "全部与备份清单核对一致" in result.stdout

    def from_sqlite() -> tuple[list[dict[str, Any]], list[tuple[Any, ...]]]:
        with sqlite3.connect(restored / "portal.sqlite3") as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            rows = db.execute("select application_id, number, data from portal_version order by id")
            files = db.execute(
                "select application_id, stored_name, digest from portal_storedfile order by id"
            )
            return _versions(rows.fetchall()), files.fetchall()

    _check_restored(restored, archive, from_sqlite)
    # the restored portal runs and its office logs in
    port = free_port()
    with running(
        [*serve_command(restored), "--port", str(port)], port, tmp_path / "r.log", dict(os.environ)
    ):
        office = Browser()
        office.login(f"http://127.0.0.1:{port}", "office")
        assert "杭州备份测试基地" in office.page(f"http://127.0.0.1:{port}/")


def test_restore_refuses_a_folder_in_use_and_a_damaged_archive(
    tmp_path: Path, example: dict[str, Any]
) -> None:
    data, archive = tmp_path / "data", tmp_path / "备份.zip"
    create_office(data)
    assert _cli(data, "--backup", str(archive)).returncode == 0
    damaged = tmp_path / "坏的.zip"
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(damaged, "w") as dst:
        for info in src.infolist():
            content = src.read(info)
            if info.filename.endswith("secret_key.txt"):
                content = content[:-1] + b"X"
            dst.writestr(info, content)

    into_used = _cli(data, "--restore", str(archive))
    broken = _cli(tmp_path / "新", "--restore", str(damaged))
    inside = _cli(data, "--backup", str(data / "自己.zip"))

    assert into_used.returncode == 1
    assert "不是空的，为免覆盖现有数据，没有恢复" in into_used.stderr
    assert broken.returncode == 1
    assert "secret_key.txt”与清单不符" in broken.stderr
    assert not (tmp_path / "新").exists()
    assert inside.returncode == 1
    assert "不能放在数据文件夹" in inside.stderr
    for result in (into_used, broken, inside):
        assert "Traceback" not in result.stderr


@pytest.fixture(scope="module")
def cluster() -> Iterator[PostgresCluster]:
    with PostgresCluster(require_postgresql()) as started:
        yield started


@pytest.mark.slow
def test_a_postgresql_backup_dumps_the_database_and_restores_into_an_empty_one(
    cluster: PostgresCluster, tmp_path: Path, example: dict[str, Any]
) -> None:
    import psycopg

    source = ["--database", cluster.create_database("live")]
    target_url = cluster.create_database("restored")
    archive = tmp_path / "备份.zip"
    _backup_while_writing(tmp_path / "data", source, example, archive)

    restored = tmp_path / "恢复"
    result = _cli(restored, "--database", target_url, "--restore", str(archive))
    again = _cli(tmp_path / "另一个", "--database", target_url, "--restore", str(archive))

    assert result.returncode == 0, result.stderr
    assert again.returncode == 1
    assert "数据库不是空的" in again.stderr

    def from_postgresql() -> tuple[list[dict[str, Any]], list[tuple[Any, ...]]]:
        with psycopg.connect(host=str(cluster.dir), user="postgres", dbname="restored") as conn:
            rows = conn.execute(
                "select application_id, number, data from portal_version order by id"
            ).fetchall()
            files = conn.execute(
                "select application_id, stored_name, digest from portal_storedfile order by id"
            ).fetchall()
        return _versions(rows), files

    manifest = _check_restored(restored, archive, from_postgresql)
    assert manifest["database"]["engine"] == "postgresql"
    assert "database/database.pgdump" in manifest["members"]


@pytest.mark.slow
def test_without_pg_dump_the_files_are_backed_up_and_the_database_gap_is_said(
    cluster: PostgresCluster, tmp_path: Path
) -> None:
    database = ["--database", cluster.create_database("no_dump")]
    data = tmp_path / "data"
    env = create_office(data, *database)
    env["PATH"] = str(Path(sys.executable).parent)  # this Python's tools only: no pg_dump

    done = subprocess.run(
        [*serve_command(data, *database), "--backup", str(tmp_path / "b.zip")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert "没有找到 pg_dump" in done.stderr
    with zipfile.ZipFile(tmp_path / "b.zip") as zf:
        manifest = json.loads(zf.read("manifest.json"))
    assert manifest["database"] == {"engine": "postgresql", "member": None}
    assert "data/secret_key.txt" in manifest["members"]
