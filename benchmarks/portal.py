"""Load on the web portal, on loopback only and bounded in time.

1. Drafts and the review loop, at the same time: `--users` (50) simulated bases, each logged in
   with its own session, save their own application's 申报单位审核意见 as fast as the server
   answers for `--seconds` (60), while `--reviewers` (10) reviewers move `--per-reviewer` (3)
   submitted applications each through the review (开始审核, 审核通过, 重新审核, 不予通过 …, every
   move carrying the revision the reviewer last saw) and write 十 now and then. Reports p50/p95
   latency and the error count of both; afterwards every application's stored draft must be
   exactly the last text its own user saved, and every application's moves exactly those its
   reviewer made, ending in the state of the last one (0 lost or mixed-up writes or moves).
2. Bundles: `--bundles` (20) bundle requests at once from the office; the queue may run at most
   `--jobs` (2) LibreOffice conversions at a time. psutil samples the server's process tree
   every 0.1 s; reports the most LibreOffice processes alive at once and the time until all
   bundles are done.
3. Previews: `--previews` (5) bases one after another open the preview of their draft (both
   forms as page images): cold (queued, converted by the worker's LibreOffice, rasterised) until
   every image is fetched; then again for the unchanged draft (cached: the page and its images).

The server is ``jidi-docs serve`` in a subprocess on a fresh data folder (127.0.0.1, a free
port); it is stopped, with any LibreOffice it started, at the end.

Usage: ``python benchmarks/portal.py [--users 50] [--reviewers 10] [--per-reviewer 3]
[--seconds 60] [--bundles 20] [--jobs 2] [--previews 5]`` (``--bundles 0 --previews 0``: the
load of part 1 alone)
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import http.cookiejar
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import psutil
import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "data" / "示例" / "申报.yaml"
PASSWORD = "benchmark-password-1"


def _as_inputs(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _as_inputs(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_inputs(v) for v in value]
    return str(value)


def _found(pattern: str, text: str) -> str:
    """The first group of `pattern` in a page; a page without it is a broken run."""
    match = re.search(pattern, text)
    if match is None:
        raise RuntimeError(f"not in the page: {pattern}")
    return match.group(1)


def _example() -> dict[str, Any]:
    data: dict[str, Any] = _as_inputs(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")))
    data.pop("认定批次")
    data.pop("佐证材料")  # bundles without evidence: the conversions are what is measured
    return data


def _seed(
    data_dir: Path, users: int, bundles: int, reviewers: int = 0, per: int = 0
) -> dict[str, Any]:
    """Create the office, `users` bases with the example as draft, and `bundles` versions; and
    `reviewers` reviewers with `per` submitted applications each (of other bases)."""
    sys.path.insert(0, str(ROOT / "src"))
    from jidi_docs.web import Options, prepare

    prepare(Options(data_dir=data_dir))
    from django.contrib.auth.hashers import make_password
    from django.db import connections

    from jidi_docs.web.models import CITY, Application, Base, Role, User, Version

    hashed = make_password(PASSWORD)  # one Argon2 hash for all: seeding is not measured
    office = User.objects.create(username="office", password=hashed, role=Role.REVIEWER, scope=CITY)
    example = _example()
    apps = []
    for n in range(users):
        base = Base.objects.create(name=f"基地{n}", district="西湖区")
        user = User.objects.create(username=f"base{n}", password=hashed, role=Role.BASE, base=base)
        app = Application.objects.create(base=base, draft=example)
        apps.append((user.username, app.pk))
    versions = []
    for username, pk in apps[:bundles]:
        user = User.objects.get(username=username)
        versions.append(
            Version.objects.create(application_id=pk, number=1, data=example, submitted_by=user).pk
        )
    reviews = []
    for r in range(reviewers):
        User.objects.create(username=f"office{r}", password=hashed, role=Role.REVIEWER, scope=CITY)
        for k in range(per):
            base = Base.objects.create(name=f"审核基地{r}-{k}", district="西湖区")
            user = User.objects.create(
                username=f"reviewed{r}-{k}", password=hashed, role=Role.BASE, base=base
            )
            app = Application.objects.create(base=base, draft=example, state="submitted")
            Version.objects.create(application=app, number=1, data=example, submitted_by=user)
            reviews.append((f"office{r}", app.pk))
    connections.close_all()
    return {"office": office.username, "apps": apps, "versions": versions, "reviews": reviews}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


#: The reviewers' cycle after 开始审核: each move is allowed from the state the one before left.
_CYCLE = (
    ("approve", "approved"),
    ("again", "reviewing"),
    ("reject", "rejected"),
    ("again", "reviewing"),
)


class Session:
    """One browser-like session: cookies, the CSRF token from the page, JSON saves."""

    def __init__(self, server: str) -> None:
        self.server = server
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        # a move answers with a redirect to the page it came from: its latency is the move's
        self.direct = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def get(self, path: str) -> str:
        with self.opener.open(self.server + path, timeout=600) as r:
            text: str = r.read().decode("utf-8")
            return text

    def post(
        self, path: str, body: bytes, content_type: str, csrf: str, *, follow: bool = True
    ) -> tuple[int, bytes]:
        request = urllib.request.Request(
            self.server + path,
            data=body,
            method="POST",
            headers={"Content-Type": content_type, "X-CSRFToken": csrf},
        )
        opener = self.opener if follow else self.direct
        try:
            with opener.open(request, timeout=600) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def login(self, username: str) -> None:
        page = self.get("/login/")
        token = _found(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        body = urllib.parse.urlencode(
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        ).encode()
        status, _ = self.post("/login/", body, "application/x-www-form-urlencoded", token)
        if status not in (200, 302):
            raise RuntimeError(f"login {username}: {status}")


def _drafts(
    server: str, username: str, pk: int, start: threading.Barrier, seconds: float
) -> dict[str, Any]:
    try:
        session = Session(server)
        session.login(username)
        page = session.get(f"/app/{pk}/edit/8/")
        csrf = _found(r'data-csrf="([^"]+)"', page)
        version = int(_found(r'data-version="(\d+)"', page))
    except Exception:
        start.abort()  # one user could not start: nobody waits for it
        raise
    start.wait()  # every user logged in: the timed part starts together
    until = time.monotonic() + seconds
    latencies: list[float] = []
    errors, last = 0, None
    n = 0
    while time.monotonic() < until:
        n += 1
        text = f"{username} 第 {n} 次保存"
        body = json.dumps({"section": "申报单位审核意见", "version": version, "value": text})
        sent = time.perf_counter()
        status, reply = session.post(f"/app/{pk}/save/", body.encode(), "application/json", csrf)
        latencies.append(time.perf_counter() - sent)
        if status == 200:
            version, last = json.loads(reply)["version"], text
        else:
            errors += 1
    return {"pk": pk, "latencies": latencies, "errors": errors, "last": last}


def _reviews(
    server: str, username: str, pks: list[int], start: threading.Barrier, seconds: float
) -> dict[str, Any]:
    """One reviewer moving its applications round and round through the review."""
    try:
        session = Session(server)
        session.login(username)
        page = session.get(f"/app/{pks[0]}/")
        csrf = _found(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        revisions = {}
        for pk in pks:  # the revision the reviewer's page of the latest version shows
            version = _found(r'href="(/version/\d+/)"', session.get(f"/app/{pk}/"))
            page = session.get(version)
            revisions[pk] = int(_found(r'name="revision" value="(\d+)"', page))
    except Exception:
        start.abort()
        raise
    start.wait()
    until = time.monotonic() + seconds
    latencies: list[float] = []
    errors = 0
    done: dict[int, list[str]] = {pk: [] for pk in pks}
    last: dict[int, str] = {pk: "submitted" for pk in pks}
    n = 0
    while time.monotonic() < until:
        pk = pks[n % len(pks)]
        n += 1
        moves = len(done[pk])
        action, state = ("accept", "reviewing") if moves == 0 else _CYCLE[(moves - 1) % len(_CYCLE)]
        fields = {"action": action, "revision": revisions[pk], "csrfmiddlewaretoken": csrf}
        body = urllib.parse.urlencode(fields).encode()
        began = time.perf_counter()
        status, _reply = session.post(
            f"/app/{pk}/move/", body, "application/x-www-form-urlencoded", csrf, follow=False
        )
        latencies.append(time.perf_counter() - began)
        if status == 302:
            revisions[pk] += 1
            done[pk].append(action)
            last[pk] = state
        else:
            errors += 1
    return {"latencies": latencies, "errors": errors, "done": done, "last": last}


def _is_office(p: psutil.Process) -> bool:
    return p.name().startswith(("soffice", "oosplash"))


def _soffice_alive(server: psutil.Process) -> int:
    """LibreOffice instances under the server: the roots of their process trees.

    Why roots: one conversion shows as several processes (Debian's oosplash launcher, then
    soffice.bin, which restarts itself once on a fresh profile and forks helpers).
    """
    try:
        children = server.children(recursive=True)
    except psutil.NoSuchProcess:
        return 0
    count = 0
    for p in children:
        try:
            if _is_office(p) and p.status() != psutil.STATUS_ZOMBIE:
                parent = p.parent()
                count += not (parent is not None and _is_office(parent))
        except psutil.NoSuchProcess:
            pass
    return count


def _bundles(server: str, pid: int, versions: list[int]) -> dict[str, Any]:
    session = Session(server)
    session.login("office")
    page = session.get(f"/version/{versions[0]}/")
    csrf = _found(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    start = time.monotonic()
    with cf.ThreadPoolExecutor(len(versions)) as pool:
        statuses = list(
            pool.map(
                lambda v: session.post(
                    f"/version/{v}/bundle/",
                    urllib.parse.urlencode({"csrfmiddlewaretoken": csrf}).encode(),
                    "application/x-www-form-urlencoded",
                    csrf,
                )[0],
                versions,
            )
        )
    process = psutil.Process(pid)
    peak = 0
    done: dict[str, int] = {}
    while time.monotonic() - start < 900:
        peak = max(peak, _soffice_alive(process))
        done = _job_states()
        if done.get("queued", 0) + done.get("running", 0) == 0 and sum(done.values()) >= len(
            versions
        ):
            break
        time.sleep(0.1)
    return {"requests": statuses, "peak": peak, "states": done, "seconds": time.monotonic() - start}


def _job_states() -> dict[str, int]:
    from django.db import connections
    from django.db.models import Count

    from jidi_docs.web.models import Job

    states = {r["state"]: r["n"] for r in Job.objects.values("state").annotate(n=Count("id"))}
    connections.close_all()
    return states


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--reviewers", type=int, default=10)
    parser.add_argument("--per-reviewer", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--bundles", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--previews", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="jidi-portal-bench-") as tmp:
        data = Path(tmp)
        seeded = _seed(data, args.users, args.bundles, args.reviewers, args.per_reviewer)
        port = _free_port()
        server = f"http://127.0.0.1:{port}"
        log = (data / "server.log").open("wb")
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jidi_docs",
                "serve",
                "--data",
                str(data),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--jobs",
                str(args.jobs),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            for _ in range(200):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.2)
            _report_drafts(server, seeded, args)
            if args.previews:
                _report_previews(server, seeded, args)
            if args.bundles:
                _report_bundles(server, process.pid, seeded, args)
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            log.close()


def _report_drafts(server: str, seeded: dict[str, Any], args: argparse.Namespace) -> None:
    from jidi_docs.web.models import Application, Move

    print(
        f"草稿保存：{args.users} 个用户并发，{args.seconds:g} 秒（127.0.0.1）；同时 "
        f"{args.reviewers} 个审核人员各审核 {args.per_reviewer} 份申报"
    )
    by_reviewer: dict[str, list[int]] = {}
    for username, pk in seeded["reviews"]:
        by_reviewer.setdefault(username, []).append(pk)
    start = threading.Barrier(args.users + len(by_reviewer))
    results: list[dict[str, Any]] = []
    reviews: list[dict[str, Any]] = []
    lock = threading.Lock()

    def run(item: tuple[str, int]) -> None:
        result = _drafts(server, item[0], item[1], start, args.seconds)
        with lock:
            results.append(result)

    def review(item: tuple[str, list[int]]) -> None:
        result = _reviews(server, item[0], item[1], start, args.seconds)
        with lock:
            reviews.append(result)

    with cf.ThreadPoolExecutor(args.users + len(by_reviewer)) as pool:
        futures = [pool.submit(run, item) for item in seeded["apps"]]
        futures += [pool.submit(review, item) for item in by_reviewer.items()]
        for future in futures:
            future.result()
    latencies = sorted(x for r in results for x in r["latencies"])
    errors = sum(r["errors"] for r in results)
    stored = {a.pk: a.draft.get("申报单位审核意见") for a in Application.objects.all()}
    wrong = [r["pk"] for r in results if stored[r["pk"]] != r["last"]]
    q = statistics.quantiles(latencies, n=100)
    print(
        f"  保存 {len(latencies)} 次（{len(latencies) / args.seconds:.1f} 次/秒），"
        f"p50 {q[49] * 1000:.0f} ms，p95 {q[94] * 1000:.0f} ms，错误 {errors}"
    )
    print(f"  丢失或错位的写入：{len(wrong)}（每个申报的草稿 = 其用户最后一次成功保存的内容）")
    if not reviews:
        return
    moves = sorted(x for r in reviews for x in r["latencies"])
    move_errors = sum(r["errors"] for r in reviews)
    lost = 0
    for r in reviews:
        for pk, made in r["done"].items():
            app = Application.objects.get(pk=pk)
            recorded = list(
                Move.objects.filter(application_id=pk)
                .order_by("pk")
                .values_list("action", flat=True)
            )
            lost += recorded != made or app.state != r["last"][pk] or app.revision != 1 + len(made)
    mq = statistics.quantiles(moves, n=100)
    print(
        f"  审核操作 {len(moves)} 次（{len(moves) / args.seconds:.1f} 次/秒），"
        f"p50 {mq[49] * 1000:.0f} ms，p95 {mq[94] * 1000:.0f} ms，错误 {move_errors}"
    )
    print(
        f"  丢失或错位的审核操作：{lost} 份申报（每份申报的审核记录 = 其审核人员成功的操作，"
        "状态 = 最后一次操作的结果）"
    )


def _report_bundles(
    server: str, pid: int, seeded: dict[str, Any], args: argparse.Namespace
) -> None:
    print(f"申报材料：{args.bundles} 个请求同时提交，--jobs {args.jobs}")
    result = _bundles(server, pid, seeded["versions"])
    ok = sum(1 for s in result["requests"] if s in (200, 302))
    print(
        f"  请求被接受 {ok}/{len(result['requests'])}；任务状态 {result['states']}；"
        f"用时 {result['seconds']:.1f} 秒"
    )
    print(f"  同时运行的 LibreOffice 进程最多 {result['peak']} 个（上限 {args.jobs}）")


def _open_preview(session: Session, pk: int, csrf: str) -> int:
    """Click 预览 on the application page; wait for the images and fetch them; return how many."""
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf}).encode()
    session.post(f"/app/{pk}/preview/", body, "application/x-www-form-urlencoded", csrf)
    page = session.get(f"/app/{pk}/preview/")
    status = re.search(r'data-status-url="([^"]+)"', page)
    while status is not None:
        state = json.loads(session.get(status.group(1)))["state"]
        if state in ("done", "failed"):
            page = session.get(f"/app/{pk}/preview/")
            break
        time.sleep(0.05)
    images = re.findall(r'<img src="([^"]+)"', page)
    for url in images:
        with session.opener.open(session.server + url, timeout=600) as r:
            r.read()
    return len(images)


def _report_previews(server: str, seeded: dict[str, Any], args: argparse.Namespace) -> None:
    print(f"预览：{args.previews} 个培训基地依次打开草稿的预览（附件1、附件2 的页面图片）")
    cold, cached, pages = [], [], 0
    for username, pk in seeded["apps"][: args.previews]:
        session = Session(server)
        session.login(username)
        page = session.get(f"/app/{pk}/")
        csrf = _found(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        start = time.perf_counter()
        pages = _open_preview(session, pk, csrf)
        cold.append(time.perf_counter() - start)
        start = time.perf_counter()
        _open_preview(session, pk, csrf)
        cached.append(time.perf_counter() - start)
    print(
        f"  {pages} 页；第一次（排队、LibreOffice 转换、生成图片、下载图片）"
        f"{', '.join(f'{t:.2f}' for t in cold)} 秒；"
        f"再次打开（未修改的草稿）中位数 {statistics.median(cached) * 1000:.0f} ms"
        f"（最多 {max(cached) * 1000:.0f} ms）"
    )


if __name__ == "__main__":
    main()
