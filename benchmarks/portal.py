"""Load on the web portal, on loopback only and bounded in time; each figure against its target.

The three measures of the editor run in rounds, one after another in each round, so a busy
moment of the machine falls on all of them alike (interleaved); each is reported as the
minimum, median and maximum over the rounds:

1. Draft saves: `--users` (50) simulated bases, each logged in with its own session, save
   their own application's 申报单位审核意见 page (the form its script posts), first as 50
   people typing without stop make the editor save (`--seconds`: each save 0.7 s after the
   answer to the one before, the script's pause after the last keystroke), then with no pause
   at all (`--stress-seconds`: as fast as the server answers, the older measure of throughput).
   Per round: saves per second, p50 and p95 latency, errors, the server's and the simulated
   users' CPU per save. Target: p95 ≤ 250 ms for the typing users. Afterwards every
   application's stored draft must be exactly the last text its own user saved (0 lost or
   mixed-up writes).
2. First preview: a base opens the preview of its draft for the first time (queued, converted
   by the worker's LibreOffice, already running from a warm-up preview, rasterised) until every
   image is fetched. Target: ≤ 2.5 s. The cached reopen is reported too.
3. Cold page load of the editor: a new session (empty cache) loads each editor page with its
   style sheets and scripts; the bytes transferred (headers and bodies, uncompressed) of the
   largest. Target: ≤ 300 KB.

Then, once, the review loop and draft saves at the same time (`--review-seconds`): the
`--users` bases save without pause while `--reviewers` (10) reviewers move `--per-reviewer` (3)
submitted applications each through the review (开始审核, 审核通过, 重新审核, 不予通过 …, every
move carrying the revision the reviewer last saw). Afterwards every application's moves must be
exactly those its reviewer made, ending in the state of the last one.

Then, once: `--bundles` (20) bundle requests at once from the office; the queue may run at most
`--jobs` (2) LibreOffice conversions at a time. psutil samples the server's process tree every
0.1 s; reports the most LibreOffice processes alive at once and the time until all are done.

The server is ``jidi-docs serve`` in a subprocess on a fresh data folder (127.0.0.1, a free
port); it is stopped, with any LibreOffice it started, at the end. The machine's load average
is printed with the figures: on a shared machine they mean little without it.

Usage: ``python benchmarks/portal.py [--users 50] [--seconds 20] [--stress-seconds 10]
[--rounds 3] [--reviewers 10] [--per-reviewer 3] [--review-seconds 10] [--bundles 20] [--jobs 2]``
(``--reviewers 0 --bundles 0``: the editor's measures alone)
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
from collections.abc import Sequence
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


#: The editor's page of the 申报单位审核意见 (九), by its index among the pages.
OPINION_PAGE = 8


class Session:
    """One browser-like session: cookies, the CSRF token from the page, the page's posts."""

    def __init__(self, server: str) -> None:
        self.server = server
        self.user = ""
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

    def fetch(self, path: str) -> tuple[str, int]:
        """The text of `path` and the bytes transferred for it (status line, headers, body)."""
        with self.opener.open(self.server + path, timeout=600) as r:
            body = r.read()
            head = len(f"HTTP/1.1 {r.status} {r.reason}\r\n") + len(r.headers.as_bytes())
            return body.decode("utf-8", errors="replace"), head + len(body)

    def post(
        self, path: str, body: bytes, content_type: str, csrf: str, *, follow: bool = True
    ) -> tuple[int, bytes]:
        request = urllib.request.Request(
            self.server + path,
            data=body,
            method="POST",
            headers={
                "Content-Type": content_type,
                "X-CSRFToken": csrf,
                "Accept": "application/json",
            },
        )
        opener = self.opener if follow else self.direct
        try:
            with opener.open(request, timeout=600) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def login(self, username: str) -> None:
        self.user = username
        page = self.get("/login/")
        token = _found(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        body = urllib.parse.urlencode(
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        ).encode()
        status, _ = self.post("/login/", body, "application/x-www-form-urlencoded", token)
        if status not in (200, 302):
            raise RuntimeError(f"login {username}: {status}")


def _drafts(
    session: Session, pk: int, start: threading.Barrier, seconds: float, pause: float
) -> dict[str, Any]:
    """One user saving its 申报单位审核意见 page, `pause` seconds after each answer."""
    try:
        page = session.get(f"/app/{pk}/edit/{OPINION_PAGE}/")
        csrf = _found(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        version = int(_found(r'name="base" value="(\d+)"', page))
    except Exception:
        start.abort()  # one user could not start: nobody waits for it
        raise
    start.wait()  # every user ready: the timed part starts together
    until = time.monotonic() + seconds
    latencies: list[float] = []
    errors, last = 0, None
    n = 0
    while time.monotonic() < until:
        n += 1
        text = f"{session.user} 第 {n} 次保存（{time.monotonic():.3f}）"
        # what the page's script posts: the form of the 申报单位审核意见 page
        body = urllib.parse.urlencode(
            {"section": "申报单位审核意见", "base": version, "申报单位审核意见": text}
        )
        began = time.perf_counter()
        status, reply = session.post(
            f"/app/{pk}/save/", body.encode(), "application/x-www-form-urlencoded", csrf
        )
        latencies.append(time.perf_counter() - began)
        if status == 200:
            version, last = json.loads(reply)["base"], text
        else:
            errors += 1
        time.sleep(pause)
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
    parser.add_argument("--seconds", type=float, default=20, help="saving as one types, per round")
    parser.add_argument("--stress-seconds", type=float, default=10, help="saving without pause")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--reviewers", type=int, default=10)
    parser.add_argument("--per-reviewer", type=int, default=3)
    parser.add_argument("--review-seconds", type=float, default=10)
    parser.add_argument("--bundles", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="jidi-portal-bench-") as tmp:
        data = Path(tmp)
        # the savers, and one base more per round (and a warm-up) whose draft is previewed
        seeded = _seed(
            data, args.users + args.rounds + 1, args.bundles, args.reviewers, args.per_reviewer
        )
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
            print(
                f"机器负载（1 分钟平均）：开始时 {os.getloadavg()[0]:.1f}，{os.cpu_count()} 个 CPU"
            )
            sessions = _editor_rounds(server, seeded, args, psutil.Process(process.pid))
            if args.reviewers:
                _report_reviews(server, seeded, args, sessions)
            if args.bundles:
                _report_bundles(server, process.pid, seeded, args)
            print(f"机器负载（1 分钟平均）：结束时 {os.getloadavg()[0]:.1f}")
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            log.close()


def _spread(values: Sequence[float], unit: str, scale: float = 1.0, digits: int = 0) -> str:
    low, mid, high = (
        f"{v * scale:.{digits}f}" for v in (min(values), statistics.median(values), max(values))
    )
    return f"最小 {low} / 中位数 {mid} / 最大 {high} {unit}"


def _verdict(median: float, target: float) -> str:
    return "中位数达到目标" if median <= target else "中位数未达到目标"


def _cpu(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


#: The editor's pause after the last keystroke before it saves (portal.js): a person typing
#: without stop saves at most once per answer plus this.
TYPING_PAUSE = 0.7


class Saves:
    """One way of saving, measured round by round: latencies, rate, CPU per save."""

    def __init__(self, title: str, seconds: float, pause: float) -> None:
        self.title, self.seconds, self.pause = title, seconds, pause
        self.p50: list[float] = []
        self.p95: list[float] = []
        self.rates: list[float] = []
        self.errors = 0
        self.last: dict[int, str] = {}

    def run(self, sessions: list[Session], users: list[tuple[str, int]], server: Any) -> str:
        server_cpu, own_cpu = _cpu(server), _cpu(psutil.Process())
        result = _save_round(sessions, users, self.seconds, self.pause)
        count = len(result["latencies"])
        server_cpu, own_cpu = _cpu(server) - server_cpu, _cpu(psutil.Process()) - own_cpu
        q = statistics.quantiles(result["latencies"], n=100)
        self.p50.append(q[49])
        self.p95.append(q[94])
        self.rates.append(count / self.seconds)
        self.errors += result["errors"]
        self.last.update(result["last"])
        return (
            f"{self.title} {count} 次（{self.rates[-1]:.0f} 次/秒）p50 {q[49] * 1000:.0f} ms "
            f"p95 {q[94] * 1000:.0f} ms 错误 {result['errors']}，每次 CPU：服务器 "
            f"{server_cpu / count * 1000:.1f} ms、模拟用户 {own_cpu / count * 1000:.1f} ms"
        )

    def report(self, target: float | None) -> None:
        verdict = f"，{_verdict(statistics.median(self.p95), target)}" if target else ""
        print(f"  {self.title}：p95 {_spread(self.p95, 'ms', 1000)}{verdict}")
        print(
            f"    p50 {_spread(self.p50, 'ms', 1000)}；每秒 {_spread(self.rates, '次')}；"
            f"错误 {self.errors}"
        )


def _editor_rounds(
    server: str, seeded: dict[str, Any], args: argparse.Namespace, process: psutil.Process
) -> list[Session]:
    """The three measures of the editor, one after another in each round."""
    users = seeded["apps"][: args.users]
    sessions = []
    for username, _pk in users:
        session = Session(server)
        session.login(username)
        sessions.append(session)
    preview_bases = iter(seeded["apps"][args.users :])
    _open_preview(*_preview_session(server, *next(preview_bases)))  # starts LibreOffice
    typing = Saves("边打字边保存", args.seconds, TYPING_PAUSE)
    nonstop = Saves("不停顿地保存", args.stress_seconds, 0)
    previews, cached, loads = [], [], []
    print(
        f"编辑器：{args.rounds} 轮，每轮依次：{len(users)} 个用户并发保存（先像打字时那样，每次"
        f"得到回应 {TYPING_PAUSE:g} 秒后再存，{args.seconds:g} 秒；再不停顿，"
        f"{args.stress_seconds:g} 秒）、一次第一次预览、一次冷加载（127.0.0.1）"
    )
    for n in range(1, args.rounds + 1):
        print(f"  第 {n} 轮：{typing.run(sessions, users, process)}")
        print(f"          {nonstop.run(sessions, users, process)}")
        session, pk, csrf = _preview_session(server, *next(preview_bases))
        began = time.perf_counter()
        pages = _open_preview(session, pk, csrf)
        previews.append(time.perf_counter() - began)
        began = time.perf_counter()
        _open_preview(session, pk, csrf)
        cached.append(time.perf_counter() - began)
        loads.append(_cold_load(server, *users[0]))
        print(
            f"          预览 {pages} 页 {previews[-1]:.2f} 秒（再次打开 {cached[-1] * 1000:.0f} "
            f"ms）；编辑页最大 {max(loads[-1].values()) / 1024:.0f} KB；负载 "
            f"{os.getloadavg()[0]:.1f}"
        )
    from jidi_docs.web.models import Application

    stored = {a.pk: a.draft.get("申报单位审核意见") for a in Application.objects.all()}
    last = {**typing.last, **nonstop.last}
    wrong = [pk for pk, text in last.items() if stored[pk] != text]
    print(f"草稿保存，{len(users)} 个用户并发（目标：p95 ≤ 250 ms）")
    typing.report(0.25)
    nonstop.report(None)
    print(f"  丢失或错位的写入：{len(wrong)}（每个申报的草稿 = 其用户最后一次成功保存的内容）")
    print("第一次预览，LibreOffice 已在运行（目标：≤ 2.5 秒）")
    print(f"  {_spread(previews, '秒', digits=2)}，{_verdict(statistics.median(previews), 2.5)}")
    print(f"  再次打开（未修改的草稿）：{_spread(cached, 'ms', 1000)}")
    largest = [max(load.values()) for load in loads]
    page = max(loads[-1], key=loads[-1].__getitem__)
    print("编辑页冷加载：HTML、样式表和脚本，未压缩（目标：≤ 300 KB）")
    print(
        f"  最大的一页（{page}）：{_spread(largest, 'KB', 1 / 1024)}，"
        f"{_verdict(statistics.median(largest), 300 * 1024)}"
    )
    return sessions


def _report_reviews(
    server: str, seeded: dict[str, Any], args: argparse.Namespace, sessions: list[Session]
) -> None:
    """Saves without pause and the review loop at the same time; every move must be kept."""
    from jidi_docs.web.models import Application, Move

    users = seeded["apps"][: args.users]
    by_reviewer: dict[str, list[int]] = {}
    for username, pk in seeded["reviews"]:
        by_reviewer.setdefault(username, []).append(pk)
    print(
        f"草稿保存与审核同时进行：{len(users)} 个用户不停顿地保存，{args.review_seconds:g} 秒；"
        f"同时 {len(by_reviewer)} 个审核人员各审核 {args.per_reviewer} 份申报"
    )
    start = threading.Barrier(len(users) + len(by_reviewer))
    seconds = args.review_seconds
    with cf.ThreadPoolExecutor(len(users) + len(by_reviewer)) as pool:
        saving = [
            pool.submit(_drafts, session, pk, start, seconds, 0)
            for session, (_user, pk) in zip(sessions, users, strict=True)
        ]
        reviewing = [
            pool.submit(_reviews, server, name, pks, start, seconds)
            for name, pks in by_reviewer.items()
        ]
        results = [f.result() for f in saving]
        reviews = [f.result() for f in reviewing]
    latencies = sorted(x for r in results for x in r["latencies"])
    q = statistics.quantiles(latencies, n=100)
    print(
        f"  保存 {len(latencies)} 次（{len(latencies) / seconds:.1f} 次/秒），"
        f"p50 {q[49] * 1000:.0f} ms，p95 {q[94] * 1000:.0f} ms，"
        f"错误 {sum(r['errors'] for r in results)}"
    )
    moves = sorted(x for r in reviews for x in r["latencies"])
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
        f"  审核操作 {len(moves)} 次（{len(moves) / seconds:.1f} 次/秒），"
        f"p50 {mq[49] * 1000:.0f} ms，p95 {mq[94] * 1000:.0f} ms，"
        f"错误 {sum(r['errors'] for r in reviews)}"
    )
    print(
        f"  丢失或错位的审核操作：{lost} 份申报（每份申报的审核记录 = 其审核人员成功的操作，"
        "状态 = 最后一次操作的结果）"
    )


def _save_round(
    sessions: list[Session], users: list[tuple[str, int]], seconds: float, pause: float
) -> dict[str, Any]:
    start = threading.Barrier(len(users))
    with cf.ThreadPoolExecutor(len(users)) as pool:
        results = list(
            pool.map(
                lambda pair: _drafts(pair[0], pair[1][1], start, seconds, pause),
                zip(sessions, users, strict=True),
            )
        )
    return {
        "latencies": sorted(x for r in results for x in r["latencies"]),
        "errors": sum(r["errors"] for r in results),
        "last": {r["pk"]: r["last"] for r in results if r["last"] is not None},
    }


def _preview_session(server: str, username: str, pk: int) -> tuple[Session, int, str]:
    session = Session(server)
    session.login(username)
    page = session.get(f"/app/{pk}/")
    csrf = _found(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    return session, pk, csrf


def _cold_load(server: str, username: str, pk: int) -> dict[str, int]:
    """Bytes a browser with an empty cache transfers for each editor page: HTML, CSS, JS."""
    session = Session(server)
    session.login(username)
    sizes: dict[str, int] = {}
    for index in range(30):
        try:
            page, size = session.fetch(f"/app/{pk}/edit/{index}/")
        except urllib.error.HTTPError:
            break  # past the last page
        assets = re.findall(r'<(?:link rel="stylesheet" href|script src)="(/static/[^"]+)"', page)
        sizes[f"第 {index + 1} 栏"] = size + sum(session.fetch(a)[1] for a in assets)
    return sizes


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


if __name__ == "__main__":
    main()
