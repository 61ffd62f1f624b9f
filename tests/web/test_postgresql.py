"""The portal on PostgreSQL (``serve --database postgresql://…``), on a throwaway cluster.

1. The portal's own tests (editor, jobs, security, previews, imports and the browser flow with
   its ``jidi-docs serve`` process) rerun with every database access going to PostgreSQL.
2. Two ``jidi-docs serve`` processes on one database and one data folder, as behind a load
   balancer: one session works on both; the main flow (invitation, drafts, submit, 十, queued
   bundles) crosses them; concurrent saves lose nothing; the two-session conflict holds.
3. Queued rows are claimed once when several processes ask at the same moment.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import io
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from pgserver import PostgresCluster, require_postgresql
from servehelpers import PASSWORD, Browser, create_office, free_port, running, serve_command

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
#: read by tests/web/conftest.py and the browser test's server
TEST_DATABASE = "JIDI_TEST_DATABASE"

pytestmark = [pytest.mark.soffice, pytest.mark.slow]


@pytest.fixture(scope="module")
def cluster() -> Iterator[PostgresCluster]:
    with PostgresCluster(require_postgresql()) as running:
        yield running


def _query(cluster: PostgresCluster, database: str, sql: str) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(host=str(cluster.dir), user="postgres", dbname=database) as conn:
        return conn.execute(sql).fetchall()


# -- 1. the portal suite on PostgreSQL ----------------------------------------------------------


def test_the_portal_tests_pass_on_postgresql(cluster: PostgresCluster, soffice: str) -> None:
    url = cluster.create_database("suite")
    # these start servers on data folders of their own (SQLite; the backup test runs its
    # PostgreSQL case by itself): nothing of theirs goes through the test database
    own = {
        Path(__file__).name,
        "test_proxy.py",
        "test_serve.py",
        "test_backup.py",
        "test_lan.py",
        "test_deploy.py",
        "test_browser_accounts.py",
    }
    files = [str(p) for p in sorted(HERE.glob("test_*.py")) if p.name not in own]
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x", *files],
        cwd=ROOT,
        env={**os.environ, TEST_DATABASE: url},
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )

    tail = done.stdout[-4000:]
    assert done.returncode == 0, tail
    summary = tail.strip().splitlines()[-1]
    assert "failed" not in summary
    assert "skipped" not in summary or not os.environ.get("CI"), summary
    assert int(re.search(r"(\d+) passed", summary).group(1)) >= 40, summary
    # what the suite wrote is in PostgreSQL: users, applications, versions, finished bundles
    (users, apps, done_jobs) = _query(
        cluster,
        "suite",
        "select (select count(*) from portal_user), (select count(*) from portal_application),"
        " (select count(*) from portal_job where state = 'done')",
    )[0]
    assert users >= 20
    assert apps >= 20
    assert done_jobs >= 1


# -- 2. two server processes, one database ------------------------------------------------------


@pytest.fixture(scope="module")
def two_servers(
    cluster: PostgresCluster, tmp_path_factory: pytest.TempPathFactory, soffice: str
) -> Iterator[list[str]]:
    """Two `jidi-docs serve` processes on one PostgreSQL database and one data folder."""
    database = ["--database", cluster.create_database("shared")]
    data = tmp_path_factory.mktemp("shared-data")
    env = create_office(data, *database)
    ports = [free_port(), free_port()]
    with contextlib.ExitStack() as stack:
        for port in ports:
            command = [*serve_command(data, *database), "--port", str(port), "--jobs", "1"]
            stack.enter_context(running(command, port, data / f"server-{port}.log", env))
        yield [f"http://127.0.0.1:{port}" for port in ports]


def _join(office: Browser, servers: list[str], name: str) -> tuple[Browser, int]:
    """The office invites base `name` on one server; it joins on the other: (session, app pk)."""
    a, b = servers
    invite = {"role": "base", "district": "西湖区", "base_name": name}
    _, home, _ = office.request(f"{a}/invite/", invite)  # redirected home, the link shown once
    link = re.search(r'class="link" readonly value="([^"]+)"', home.decode("utf-8")).group(1)
    base = Browser()
    join = b + urllib.parse.urlsplit(link).path
    base.page(join)
    fields = {"username": name, "password": PASSWORD, "password2": PASSWORD}
    _, body, _ = base.request(join, fields)
    app_pk = int(re.search(r"/app/(\d+)/", body.decode("utf-8")).group(1))
    return base, app_pk


def _editor_version(base: Browser, server: str, pk: int) -> int:
    page = base.page(f"{server}/app/{pk}/edit/1/")
    return int(re.search(r'data-version="(\d+)"', page).group(1))


def _save(base: Browser, server: str, pk: int, section: str, value: Any, version: int) -> Any:
    status, body, _ = base.request(
        f"{server}/app/{pk}/save/",
        json_body={"section": section, "version": version, "value": value},
    )
    return status, json.loads(body)


def _stored_draft(base: Browser, server: str, pk: int) -> dict[str, Any]:
    status, body, _ = base.request(f"{server}/app/{pk}/export/")
    assert status == 200
    with zipfile.ZipFile(io.BytesIO(body)) as zf:
        return dict(yaml.safe_load(zf.read("申报.yaml").decode("utf-8")))


def _bundle_done(office: Browser, server: str, job: int) -> dict[str, Any]:
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        _, body, _ = office.request(f"{server}/job/{job}/")
        status = json.loads(body)
        if status["state"] in ("done", "failed"):
            return dict(status)
        time.sleep(1)
    pytest.fail(f"job {job} not finished in 600 s")


def test_two_servers_share_sessions_drafts_versions_and_the_bundle_queue(
    two_servers: list[str], cluster: PostgresCluster, tmp_path: Path, example: dict[str, Any]
) -> None:
    a, b = two_servers
    office = Browser()
    office.login(a, "office")
    base, pk = _join(office, two_servers, "杭州双服务器基地")

    # the editor: each section saved, alternating between the servers
    version = _editor_version(base, b, pk)
    for n, (section, value) in enumerate(example.items()):
        status, reply = _save(base, (a, b)[n % 2], pk, section, value, version)
        assert status == 200, reply
        version = reply["version"]
    stored = _stored_draft(base, a, pk)
    assert set(stored) == set(example)
    assert stored["基本情况"]["单位名称"] == example["基本情况"]["单位名称"]
    assert [row["姓名"] for row in stored["讲师"]] == [row["姓名"] for row in example["讲师"]]

    # two sessions of the base, one on each server: the later save is a conflict
    other = Browser()
    other.login(b, "杭州双服务器基地")
    seen = _editor_version(other, b, pk)
    assert _save(base, a, pk, "申报单位审核意见", "第一个窗口", seen)[0] == 200
    status, reply = _save(other, b, pk, "申报单位审核意见", "第二个窗口", seen)
    assert status == 409
    assert "未保存：这份申报已在别处被修改" in reply["conflict"]
    assert _stored_draft(other, b, pk)["申报单位审核意见"] == "第一个窗口"

    # submit on A; the office, logged in on A, writes 十 on B and queues bundles on both
    revision = re.search(r'name="revision" value="(\d+)"', base.page(f"{b}/app/{pk}/")).group(1)
    base.request(f"{a}/app/{pk}/submit/", {"revision": revision})
    office_home = office.page(f"{b}/")
    ver = int(re.search(r"/version/(\d+)/", office_home).group(1))
    page = office.page(f"{b}/version/{ver}/")
    opinion_version = re.search(r'name="opinion_version" value="(\d+)"', page).group(1)
    office.request(
        f"{b}/version/{ver}/",
        {"office_opinion": "同意推荐（双服务器）", "opinion_version": opinion_version},
    )
    for server in (a, b, a):  # three: a base's limit of waiting work
        office.request(f"{server}/version/{ver}/bundle/", {})
    jobs = sorted(int(j) for j in re.findall(r'id="job-(\d+)"', office.page(f"{a}/version/{ver}/")))
    assert len(jobs) == 3
    results = [_bundle_done(office, (a, b)[i % 2], job) for i, job in enumerate(jobs)]
    assert [r["state"] for r in results] == ["done"] * 3, results

    status, pdf, _ = office.request(f"{b}/job/{jobs[0]}/pdf/")
    assert status == 200
    (tmp_path / "bundle.pdf").write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "bundle.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout.replace(" ", "")
    assert example["基本情况"]["单位名称"] in text
    assert "同意推荐（双服务器）" in text
    # each job ran to its end once: one result file, finished, in PostgreSQL
    rows = _query(cluster, "shared", "select state, result_name from portal_job order by id")
    assert [r[0] for r in rows] == ["done"] * 3
    assert all(r[1].endswith(".pdf") for r in rows)


def test_concurrent_saves_through_both_servers_lose_nothing(two_servers: list[str]) -> None:
    a, b = two_servers
    office = Browser()
    office.login(b, "office")
    users = [_join(office, two_servers, f"杭州并发基地{n}") for n in range(8)]

    def keep_saving(n: int) -> tuple[int, str | None, int]:
        base, pk = users[n]
        version = _editor_version(base, a, pk)
        last, errors = None, 0
        until = time.monotonic() + 10
        i = 0
        while time.monotonic() < until:
            i += 1
            text = f"用户{n} 第 {i} 次保存"
            status, reply = _save(base, (a, b)[i % 2], pk, "申报单位审核意见", text, version)
            if status == 200:
                version, last = reply["version"], text
            else:
                errors += 1
        return pk, last, errors

    with cf.ThreadPoolExecutor(len(users)) as pool:
        outcomes = list(pool.map(keep_saving, range(len(users))))

    assert [errors for _, _, errors in outcomes] == [0] * len(users)
    for (base, pk), (_, last, _) in zip(users, outcomes, strict=True):
        assert last is not None
        assert _stored_draft(base, (a, b)[pk % 2], pk)["申报单位审核意见"] == last
    saves = [int(re.search(r"第 (\d+) 次", str(last)).group(1)) for _, last, _ in outcomes]
    assert min(saves) >= 3, saves  # every user really saved again and again, through both


# -- 3. claims from several processes -----------------------------------------------------------

_CLAIM_SCRIPT = """
import json, sys, threading, time
from pathlib import Path
from jidi_docs.web._settings import Options, configure
url, data, ready, count = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])
configure(Options(data_dir=data, database_url=url))
from django.db import connection
from jidi_docs.web._queue import claim
from jidi_docs.web.models import Job
taken, idle = [], []
def worker():
    while True:
        job = claim(Job)
        if job is not None:
            taken.append(job.pk)
        elif Job.objects.filter(state="queued").exists():
            idle.append(1)  # told "nothing queued" while jobs wait: a worker would sleep
        else:
            break
    connection.close()
(ready / f"{data.name}.ready").touch()
while len(list(ready.glob("*.ready"))) < count:  # all processes start claiming together
    time.sleep(0.01)
threads = [threading.Thread(target=worker) for _ in range(4)]
for t in threads: t.start()
for t in threads: t.join()
print(json.dumps({"taken": taken, "idle": len(idle)}))
"""

_SEED_SCRIPT = """
import sys
from pathlib import Path
from jidi_docs.web import Options, prepare
prepare(Options(data_dir=Path(sys.argv[2]), database_url=sys.argv[1]))
from jidi_docs.web.models import Application, Base, Job, Role, User, Version
base = Base.objects.create(name="基地", district="西湖区")
user = User.objects.create_user("claims", password="not-used-123", role=Role.BASE, base=base)
app = Application.objects.create(base=base, draft={})
version = Version.objects.create(application=app, number=1, data={}, submitted_by=user)
Job.objects.bulk_create(Job(version=version, requested_by=user) for _ in range(int(sys.argv[3])))
"""


def test_queued_jobs_are_claimed_once_when_processes_race(
    cluster: PostgresCluster, tmp_path: Path
) -> None:
    url = cluster.create_database("claims")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    subprocess.run(
        [sys.executable, "-c", _SEED_SCRIPT, url, str(tmp_path / "seed"), "120"],
        env=env,
        check=True,
        timeout=300,
    )
    ready = tmp_path / "ready"
    ready.mkdir()
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", _CLAIM_SCRIPT, url, str(tmp_path / f"p{n}"), str(ready), "3"],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in range(3)
    ]
    replies = [json.loads(p.communicate(timeout=300)[0]) for p in processes]
    taken = [r["taken"] for r in replies]

    every = [pk for one in taken for pk in one]
    assert len(every) == len(set(every)) == 120  # each job once, none left behind
    assert all(taken), [len(t) for t in taken]  # every process got work: they really raced
    # SKIP LOCKED: a worker is told "nothing queued" only when the rows left are being taken
    # (measured: 1 of 120 claims; a claim without it collided about 360 times)
    assert sum(r["idle"] for r in replies) < 24, replies
    (states,) = _query(cluster, "claims", "select count(*) from portal_job where state='running'")
    assert states == (120,)


_HOLD_SCRIPT = """
import sys, time
from pathlib import Path
from jidi_docs.web._settings import Options, configure
configure(Options(data_dir=Path(sys.argv[2]), database_url=sys.argv[1]))
from jidi_docs.web._queue import claim
from jidi_docs.web.models import Job
print(claim(Job).pk, flush=True)
time.sleep(600)  # a server busy with the job, until it is killed
"""

_REQUEUE_SCRIPT = """
import sys
from pathlib import Path
from jidi_docs.web._settings import Options, configure
configure(Options(data_dir=Path(sys.argv[2]), database_url=sys.argv[1]))
from jidi_docs.web._jobs import requeue_interrupted
print(requeue_interrupted())
"""


def test_a_starting_server_requeues_only_the_jobs_of_servers_that_are_gone(
    cluster: PostgresCluster, tmp_path: Path
) -> None:
    url = cluster.create_database("restart")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}

    def python(script: str, name: str, *args: str) -> str:
        return subprocess.run(
            [sys.executable, "-c", script, url, str(tmp_path / name), *args],
            env=env,
            check=True,
            capture_output=True,
            text=True,
            timeout=300,
        ).stdout

    def state(pk: int) -> str:
        return str(_query(cluster, "restart", f"select state from portal_job where id={pk}")[0][0])

    python(_SEED_SCRIPT, "seed", "2")
    busy = subprocess.Popen(
        [sys.executable, "-c", _HOLD_SCRIPT, url, str(tmp_path / "busy")],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert busy.stdout is not None
        pk = int(busy.stdout.readline())

        # another server starts while the first works on the job: the job stays with it
        assert python(_REQUEUE_SCRIPT, "second").split() == ["0"]
        assert state(pk) == "running"
    finally:
        busy.kill()  # the first server dies mid-job
        busy.communicate()
    # the next start finds the job orphaned and queues it again
    assert python(_REQUEUE_SCRIPT, "third").split() == ["1"]
    assert state(pk) == "queued"
