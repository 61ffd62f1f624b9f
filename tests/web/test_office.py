"""The office's list (jidi_docs.web._dashboard, _bundlezip): filters, order, counts per district
and state, and the zip of the filtered list's bundles built by the real LibreOffice."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
import zipfile
from typing import Any

import pytest
from pypdf import PdfReader
from reviewhelpers import move, submit

_names = itertools.count(1)


def _applicant(
    make_base: Any, client_for: Any, example: dict[str, Any], district: str, *, send: bool = True
) -> Any:
    """A base of `district` with the example under its own unit name, submitted with `send`."""
    data = {**example, "基本情况": {**example["基本情况"], "所属区县": district}}
    data["基本情况"]["单位名称"] = f"{district}第{next(_names)}培训学校"
    user, app = make_base(district=district, draft=data)
    if send:
        submit(client_for(user), app)
        app.refresh_from_db()
    return app


def _listed(page: str) -> list[str]:
    """The units this module made, in the order the office's list shows them."""
    rows = page.split('class="grid office-list"')[1].split("</table>")[0]
    units = re.findall(r"<tr data-app=\"\d+\"><td>([^<]+)</td>", rows)
    return [u for u in units if re.fullmatch(r".+第\d+培训学校", u)]


def test_the_list_filters_sorts_and_counts(
    make_base: Any, make_reviewer: Any, client_for: Any, example: dict[str, Any]
) -> None:
    from jidi_docs.web.models import Version

    a = _applicant(make_base, client_for, example, "淳安县")
    b = _applicant(make_base, client_for, example, "淳安县")
    c = _applicant(make_base, client_for, example, "建德市")
    d = _applicant(make_base, client_for, example, "淳安县", send=False)
    reviewer = make_reviewer("全市")
    office = client_for(reviewer)
    move(office, b, "accept")
    Version.objects.filter(application=a).update(
        submitted=dt.datetime(2021, 1, 5, 10, tzinfo=dt.timezone.utc)
    )
    unit = {x.pk: x.draft["基本情况"]["单位名称"] for x in (a, b, c, d)}

    chun_an = _listed(office.get("/", {"district": "淳安县"}).content.decode())
    reviewing = _listed(
        office.get("/", {"district": "淳安县", "state": "reviewing"}).content.decode()
    )
    unsent = _listed(office.get("/", {"district": "淳安县", "precheck": "未提交"}).content.decode())
    in_january = _listed(
        office.get(
            "/", {"submitted_from": "2021-01-01", "submitted_to": "2021-01-31"}
        ).content.decode()
    )
    newest_first = _listed(
        office.get("/", {"district": "淳安县", "sort": "-submitted"}).content.decode()
    )
    home = office.get("/").content.decode()
    westlake = client_for(make_reviewer("西湖区")).get("/", {"district": "淳安县"})

    assert sorted(chun_an) == sorted([unit[a.pk], unit[b.pk], unit[d.pk]])
    assert reviewing == [unit[b.pk]]
    assert unsent == [unit[d.pk]]
    assert in_january == [unit[a.pk]]
    assert newest_first == [unit[b.pk], unit[a.pk], unit[d.pk]]  # a: 2021; d: not submitted
    row = re.search(
        r'<th scope="row"><a href="\?district=[^"]+">淳安县</a></th>(.*?)</tr>', home, re.DOTALL
    )
    cells = re.findall(r'<td class="num">(?:<a [^>]+>)?(\d+)', row.group(1))
    # 草稿 已提交 审核中 退回修改 审核通过 不予通过 合计
    assert [int(n) for n in cells][:3] == [1, 1, 1]
    assert int(cells[-1]) >= 3
    assert unit[a.pk] not in westlake.content.decode()  # the filter never widens the scope


@pytest.mark.soffice
@pytest.mark.slow
def test_the_zip_of_a_filtered_list_holds_exactly_its_bundles_named_by_unit(
    soffice: str, make_base: Any, make_reviewer: Any, client_for: Any, example: dict[str, Any]
) -> None:
    from urllib.parse import quote

    from jidi_docs.pdf import WarmConverter
    from jidi_docs.web._bundlezip import run_next_zip
    from jidi_docs.web.models import BundleZip, JobState

    wanted = [_applicant(make_base, client_for, example, "桐庐县") for _ in range(2)]
    other = _applicant(make_base, client_for, example, "建德市")
    _applicant(make_base, client_for, example, "桐庐县", send=False)  # no version: no bundle
    office = client_for(make_reviewer("全市"))
    ten = wanted[0].latest_version()
    office.post(
        f"/version/{ten.pk}/", {"office_opinion": "同意推荐（桐庐）。", "opinion_version": 1}
    )
    BundleZip.objects.filter(state=JobState.QUEUED).update(state=JobState.DONE)

    queued = office.post("/bundles/", {"district": "桐庐县"})
    with WarmConverter() as converter:
        assert run_next_zip(converter) is True
    row = BundleZip.objects.latest("pk")
    page = office.get(queued.url).content.decode()
    status = office.get(f"/bundles/{row.pk}/").json()
    response = office.get(status["url"])
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))

    names = {f"桐庐县-{a.draft['基本情况']['单位名称']}-申报材料.pdf" for a in wanted}
    assert status["state"] == JobState.DONE, status
    assert f'id="zip-{row.pk}"' in page
    assert set(archive.namelist()) == names
    assert other.draft["基本情况"]["单位名称"] not in "".join(archive.namelist())
    for app in wanted:
        unit = app.draft["基本情况"]["单位名称"]
        reader = PdfReader(io.BytesIO(archive.read(f"桐庐县-{unit}-申报材料.pdf")))
        text = "".join(p.extract_text() for p in reader.pages[:8]).replace(" ", "")
        assert unit in text
        assert len(reader.pages) >= 4  # cover, contents, 申报表, 评价表
    opinion = PdfReader(
        io.BytesIO(archive.read(f"桐庐县-{wanted[0].draft['基本情况']['单位名称']}-申报材料.pdf"))
    )
    assert "同意推荐（桐庐）" in "".join(p.extract_text() for p in opinion.pages).replace(" ", "")
    assert quote("申报材料-桐庐县-") in response["Content-Disposition"]


def test_unit_names_that_repeat_are_numbered_in_the_zip() -> None:
    from jidi_docs.web._bundlezip import unique

    assert unique(["a-申报材料.pdf", "b.pdf", "a-申报材料.pdf"]) == [
        "a-申报材料.pdf",
        "b.pdf",
        "a-申报材料（2）.pdf",
    ]


def test_the_bundle_pdf_of_a_job_is_named_by_unit(
    make_base: Any, make_reviewer: Any, client_for: Any, example: dict[str, Any], portal: Any
) -> None:
    from urllib.parse import quote

    from django.conf import settings

    from jidi_docs.web.models import Job

    app = _applicant(make_base, client_for, example, "余杭区")
    job = Job.objects.create(
        version=app.latest_version(),
        requested_by=app.latest_version().submitted_by,
        state="done",
        result_name="申报材料.pdf",
    )
    (settings.PORTAL_JOBS_DIR / str(job.pk)).mkdir(parents=True)
    (settings.PORTAL_JOBS_DIR / str(job.pk) / "申报材料.pdf").write_bytes(b"%PDF-1.4\n")

    response = client_for(make_reviewer("全市")).get(f"/job/{job.pk}/pdf/")
    response.close()

    unit = app.draft["基本情况"]["单位名称"]
    assert quote(f"余杭区-{unit}-申报材料.pdf") in response["Content-Disposition"]


def test_the_deadline_form_shows_the_date_set(make_reviewer: Any, client_for: Any) -> None:
    from jidi_docs.schema import registry
    from jidi_docs.web.models import Deadline

    day = Deadline.objects.get(batch=registry().default_batch).day

    page = client_for(make_reviewer("全市")).get("/").content.decode()

    assert f'type="date" name="day" value="{day.isoformat()}"' in page
