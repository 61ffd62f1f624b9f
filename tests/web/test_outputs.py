"""What the portal hands out is inert: downloads typed by content, 汇总表 without formulas,
bundles without scripts, messages without server paths; and the limits on queued work and
uploads hold."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from django.test import override_settings

from pdfhelpers import HOSTILE_CARRIERS, active_content, make_hostile_pdf, make_pdf

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _upload(client: Any, app: Any, *files: tuple[str, bytes]) -> Any:
    handles = []
    for name, content in files:
        f = io.BytesIO(content)
        f.name = name
        handles.append(f)
    return client.post(f"/app/{app.pk}/upload/", {"file": handles})


def _quiet_queue() -> None:
    from jidi_docs.web.models import Job, JobState, Preview

    Job.objects.filter(state__in=("queued", "running")).update(state=JobState.DONE)
    Preview.objects.filter(state__in=("queued", "running")).update(state=JobState.DONE)


def test_an_html_file_that_starts_like_a_pdf_downloads_as_a_pdf_attachment(
    make_base: Any, client_for: Any, tmp_path: Path
) -> None:
    user, app = make_base()
    client = client_for(user)
    # a real PDF (the upload is decoded in full) that ends as a web page would
    pdf = make_pdf(tmp_path / "p.pdf", 1).read_bytes()
    page = pdf + b"\n<html><script>alert(document.cookie)</script></html>\n"

    stored = _upload(client, app, ("页面.html", page)).json()["files"]
    file_id = app.files.get().pk
    response = client.get(f"/app/{app.pk}/file/{file_id}/")

    assert stored
    assert response["Content-Type"] == "application/pdf"
    disposition = unquote(response["Content-Disposition"])
    assert disposition.startswith("attachment")
    assert disposition.endswith("页面.html.pdf")
    assert response["X-Content-Type-Options"] == "nosniff"
    response.close()


def test_the_summary_workbook_keeps_a_formula_like_unit_name_as_text(
    make_base: Any, make_reviewer: Any, client_for: Any, example: dict[str, Any]
) -> None:
    import openpyxl

    from jidi_docs.web.models import Version

    hostile = '=HYPERLINK("http://evil.example","点我")'
    example["基本情况"]["单位名称"] = hostile
    user, app = make_base(district="桐庐县", draft=example)
    Version.objects.create(application=app, number=1, data=example, submitted_by=user)

    response = client_for(make_reviewer("桐庐县")).get("/summary.xlsx")

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [
        c for row in sheet.iter_rows() for c in row if c.value and str(c.value).startswith("=")
    ]
    assert hostile in [c.value for c in cells]  # the unit, and the file column after it
    assert {c.data_type for c in cells} == {"s"}
    assert all(c.quotePrefix for c in cells)
    with zipfile.ZipFile(io.BytesIO(response.content)) as zf:
        assert all(b"<f>" not in zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets"))


def test_a_failed_bundle_names_the_uploaded_file_not_the_servers_path(
    make_base: Any, client_for: Any, example: dict[str, Any], portal: Path
) -> None:
    from jidi_docs.web._jobs import run_next
    from jidi_docs.web.models import Job, Version

    _quiet_queue()
    user, app = make_base(draft=example)
    client = client_for(user)
    _upload(client, app, ("营业执照扫描.pdf", make_pdf(portal / "ok.pdf", 1).read_bytes()))
    stored = app.files.get()
    # damaged on the server's disk after the upload was checked
    (portal / "files" / str(app.pk) / stored.data_path).write_bytes(b"%PDF-1.4\nno PDF at all\n")
    data = {
        **example,
        "佐证材料": [{"名称": "营业执照", "指标": "基本情况", "文件": [stored.data_path]}],
    }
    version = Version.objects.create(application=app, number=1, data=data, submitted_by=user)
    job = Job.objects.create(version=version, requested_by=user)

    assert run_next() is True

    job.refresh_from_db()
    assert job.state == "failed"
    assert "“营业执照扫描.pdf”" in job.error
    assert str(portal) not in job.error
    assert stored.stored_name not in job.error
    assert "/files/" not in job.error


@pytest.mark.soffice
@pytest.mark.slow
def test_a_portal_bundle_of_hostile_evidence_carries_none_of_it(
    make_base: Any, client_for: Any, example: dict[str, Any], soffice: str, tmp_path: Path
) -> None:
    from jidi_docs.pdf._warm import WarmConverter
    from jidi_docs.web._jobs import run_next
    from jidi_docs.web.models import Job, JobState, Version

    _quiet_queue()
    user, app = make_base(draft=example)
    client = client_for(user)
    files = [
        (f"{c}.pdf", make_hostile_pdf(tmp_path / f"{c}.pdf", c).read_bytes())
        for c in HOSTILE_CARRIERS
    ]
    assert len(_upload(client, app, *files).json()["files"]) == len(HOSTILE_CARRIERS)
    paths = [f.data_path for f in app.files.order_by("original_name")]
    data = {**example, "佐证材料": [{"名称": "材料", "指标": "基本情况", "文件": paths}]}
    version = Version.objects.create(application=app, number=1, data=data, submitted_by=user)
    client.post(f"/version/{version.pk}/bundle/")
    job = Job.objects.get(version=version)

    with WarmConverter() as converter:
        assert run_next(converter) is True

    job.refresh_from_db()
    assert job.state == JobState.DONE, job.error
    response = client.get(f"/job/{job.pk}/pdf/")
    pdf = tmp_path / "bundle.pdf"
    pdf.write_bytes(b"".join(response.streaming_content))
    response.close()
    assert active_content(pdf) == []


def test_a_base_may_have_three_bundles_or_previews_waiting(
    make_base: Any, make_reviewer: Any, client_for: Any, example: dict[str, Any]
) -> None:
    from jidi_docs.web.models import Job, Version

    _quiet_queue()
    user, app = make_base(draft=example)
    version = Version.objects.create(application=app, number=1, data=example, submitted_by=user)
    base, office = client_for(user), client_for(make_reviewer("全市"))

    for _ in range(3):
        base.post(f"/version/{version.pk}/bundle/")
    refused = base.post(f"/version/{version.pk}/bundle/", follow=True).content.decode()
    by_office = office.post(f"/version/{version.pk}/bundle/", follow=True).content.decode()
    preview = base.post(f"/app/{app.pk}/preview/", follow=True).content.decode()

    assert Job.objects.filter(version=version).count() == 3
    assert "每个基地最多同时 3 项" in refused
    assert "每个基地最多同时 3 项" in by_office  # counted per base, whoever asks
    assert "每个基地最多同时 3 项" in preview
    assert app.previews.count() == 0
    other_user, other_app = make_base(draft=example)
    other = Version.objects.create(
        application=other_app, number=1, data=example, submitted_by=other_user
    )
    client_for(other_user).post(f"/version/{other.pk}/bundle/")
    assert Job.objects.filter(version=other).count() == 1  # other bases are not held up


def test_uploads_per_minute_are_limited_per_user(make_base: Any, client_for: Any) -> None:
    user, app = make_base()
    client = client_for(user)

    with override_settings(PORTAL_UPLOADS_PER_MINUTE=5):
        first = _upload(client, app, *[(f"{n}.png", PNG) for n in range(4)])
        over = _upload(client, app, ("5.png", PNG), ("6.png", PNG))
        last = _upload(client, app, ("5.png", PNG))

    assert first.status_code == 200
    assert over.status_code == 429
    assert "每分钟最多上传 5 个文件" in over.json()["refused"][0]
    assert last.status_code == 200
    assert app.files.count() == 5
