"""The bundle queue: jobs are database rows that survive a restart and fail with a message."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pikepdf
import pytest

from pdfhelpers import pdfa_failures, require_ghostscript


def _version(make_base: Any, example: dict[str, Any], **data: Any) -> Any:
    from jidi_docs.web.models import Version

    user, app = make_base(draft=example)
    return Version.objects.create(
        application=app, number=1, data={**example, **data}, submitted_by=user
    )


def test_jobs_cut_off_by_a_stop_go_back_to_the_queue(make_base: Any, example: Any) -> None:
    from jidi_docs.web._jobs import requeue_interrupted
    from jidi_docs.web.models import Job, JobState

    version = _version(make_base, example)
    running = Job.objects.create(
        version=version, requested_by=version.submitted_by, state=JobState.RUNNING, progress=60
    )
    done = Job.objects.create(
        version=version, requested_by=version.submitted_by, state=JobState.DONE, progress=100
    )

    requeue_interrupted()

    running.refresh_from_db()
    done.refresh_from_db()
    assert (running.state, running.progress) == (JobState.QUEUED, 0)
    assert done.state == JobState.DONE


def test_a_job_with_a_missing_evidence_file_fails_with_the_librarys_message(
    make_base: Any, example: Any
) -> None:
    from jidi_docs.web._jobs import run_next
    from jidi_docs.web.models import Job, JobState

    Job.objects.filter(state=JobState.QUEUED).update(state=JobState.DONE)
    version = _version(
        make_base,
        example,
        佐证材料=[{"名称": "营业执照", "指标": "基本情况", "文件": ["佐证材料/没有这个文件.pdf"]}],
    )
    job = Job.objects.create(version=version, requested_by=version.submitted_by)

    assert run_next() is True
    assert run_next() is False

    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert "文件不存在" in job.error


def test_the_job_page_reports_progress_and_place_in_the_queue(
    make_base: Any, example: Any, client_for: Any
) -> None:
    from jidi_docs.web.models import Job, JobState

    Job.objects.filter(state=JobState.QUEUED).update(state=JobState.DONE)
    version = _version(make_base, example)
    first = Job.objects.create(version=version, requested_by=version.submitted_by)
    second = Job.objects.create(version=version, requested_by=version.submitted_by)
    client = client_for(version.submitted_by)

    status = client.get(f"/job/{second.pk}/").json()

    assert status["state"] == "queued"
    assert status["ahead"] == 1
    assert status["label"] == "排队中"
    assert client.get(f"/job/{first.pk}/pdf/").status_code == 404


def test_the_committed_migrations_match_the_models(portal: Any) -> None:
    from django.core.management import call_command

    call_command("makemigrations", "portal", "--check", "--dry-run", verbosity=0)


def test_the_summary_workbook_lists_the_submitted_applications_in_scope(
    make_base: Any, make_reviewer: Any, client_for: Any, example: dict[str, Any]
) -> None:
    import io

    import openpyxl

    from jidi_docs.web.models import Version

    unit = "淳安汇总表测试培训学校"  # its own name: other tests leave 淳安县 applications too
    example["基本情况"]["单位名称"] = unit
    user, app = make_base(district="淳安县", draft=example)
    Version.objects.create(application=app, number=1, data=example, submitted_by=user)
    office = client_for(make_reviewer("淳安县"))
    in_scope = (
        Version.objects.filter(application__base__district="淳安县")
        .values("application")
        .distinct()
        .count()
    )

    response = office.get("/summary.xlsx")

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("序号", "区县", "单位名称", "联系人", "电话")
    assert len(rows) - 1 == in_scope  # one row per submitted application of 淳安县, no other
    (row,) = [r for r in rows[1:] if r[2] == unit]
    assert row[1] == "西湖区"  # as the application says, whichever district invited it
    assert row[3:5] == (example["基本情况"]["联系人"], example["基本情况"]["电话"])


@pytest.mark.soffice
def test_a_pdfa_bundle_asked_for_on_the_page_passes_the_validator(
    make_base: Any, example: Any, client_for: Any, soffice: str, tmp_path: Path
) -> None:
    from jidi_docs.pdf._warm import WarmConverter
    from jidi_docs.web._jobs import run_next
    from jidi_docs.web.models import Job, JobState

    require_ghostscript()
    Job.objects.filter(state=JobState.QUEUED).update(state=JobState.DONE)
    version = _version(make_base, example)
    client = client_for(version.submitted_by)
    client.post(f"/version/{version.pk}/bundle/", {"pdfa": "1"})
    client.post(f"/version/{version.pk}/bundle/")
    archival, plain = Job.objects.filter(version=version).order_by("pk")

    with WarmConverter() as converter:  # as a queue worker runs them: one office, both jobs
        assert run_next(converter) is True
        assert run_next(converter) is True

    pdfs, names = {}, {}
    for job in (archival, plain):
        job.refresh_from_db()
        assert job.state == JobState.DONE, job.error
        response = client.get(f"/job/{job.pk}/pdf/")
        pdfs[job.pdfa] = tmp_path / f"{job.pk}.pdf"
        pdfs[job.pdfa].write_bytes(b"".join(response.streaming_content))
        response.close()
        names[job.pdfa] = unquote(response["Content-Disposition"])
    assert (archival.pdfa, plain.pdfa) == (True, False)
    assert "PDFA.pdf" in names[True]
    assert "PDFA" not in names[False]
    assert pdfa_failures(pdfs[True]) == []
    with pikepdf.open(pdfs[True]) as pdf:
        assert pdf.open_metadata()["pdfaid:part"] == "2"
    with pikepdf.open(pdfs[False]) as pdf:
        assert "pdfaid:part" not in pdf.open_metadata()
