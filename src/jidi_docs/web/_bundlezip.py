"""All bundles of the office's filtered list in one zip, built in the background.

A `BundleZip` is a queued row like a bundle job, run by the same worker threads with the same
running LibreOffice (so it counts against the same N conversions). Each version of the list is
bundled exactly as a single bundle job would (十 included) and stored in the zip as
``<区县>-<单位名称>-申报材料.pdf``; two units of the same name get ``（2）``. A version that
cannot be bundled (its evidence is damaged, say) does not spoil the others: the zip then holds
``未生成的申报材料.txt`` saying which and why.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from django.conf import settings

from ..pdf import SofficeConverter
from . import _library as lib
from ._dashboard import entry_name
from ._queue import Progress, claim, requeue, run
from ._store import app_dir
from .models import BundleZip, User, Version

__all__ = ["FAILURES", "request_zip", "requeue_zips", "result_path", "run_next_zip", "unique"]

FAILURES = "未生成的申报材料.txt"


def request_zip(user: User, versions: list[Version], description: str) -> BundleZip:
    """Queue the zip of `versions` for `user`."""
    row = BundleZip.objects.create(requested_by=user, description=description[:300])
    row.versions.set(versions)
    return row


def requeue_zips() -> int:
    """Put zips left ``running`` by a stopped server back in the queue; return how many."""
    return requeue(BundleZip)


def result_path(row: BundleZip) -> Path:
    """Return where the finished zip of `row` is kept."""
    return Path(settings.PORTAL_JOBS_DIR) / f"zip-{row.pk}" / (row.result_name or "申报材料.zip")


def unique(names: list[str]) -> list[str]:
    """Return `names` with repeats numbered: ``a.pdf``, ``a（2）.pdf``."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            stem, dot, ext = name.rpartition(".")
            name = f"{stem}（{seen[name]}）{dot}{ext}" if dot else f"{name}（{seen[name]}）"
        out.append(name)
    return out


def run_next_zip(converter: SofficeConverter | None = None) -> bool:
    """Build one queued zip to its end; return False when none was queued."""
    row = claim(BundleZip, "requested_by")
    if row is None:
        return False
    folder = Path(settings.PORTAL_JOBS_DIR) / f"zip-{row.pk}"

    def work(progress: Progress) -> dict[str, str]:
        versions = list(
            row.versions.select_related("application__base").order_by(
                "application__base__district", "application__base__name", "pk"
            )
        )
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        names = unique([entry_name(v) for v in versions])
        failures: list[str] = []
        partial = folder / "申报材料.zip.part"
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_STORED) as zf:
            for n, (version, name) in enumerate(zip(versions, names, strict=True)):
                progress(
                    5 + 90 * n // max(1, len(versions)), f"第 {n + 1}/{len(versions)} 份：{name}"
                )
                try:
                    pdf = _bundle(version, folder / str(version.pk), converter)
                except lib.UserError as e:
                    failures.append(f"{name}：{e}")
                    continue
                zf.write(pdf, name)
                shutil.rmtree(pdf.parent, ignore_errors=True)
            if failures:
                zf.writestr(
                    FAILURES, "以下申报未能生成申报材料：\n\n" + "\n\n".join(failures) + "\n"
                )
        final = folder / "申报材料.zip"
        partial.replace(final)
        return {"result_name": final.name}

    run(row, work, "打包失败（程序错误：{name}），请联系管理员。")
    return True


def _bundle(version: Version, out_dir: Path, converter: SofficeConverter | None) -> Path:
    application = version.application
    data = lib.with_office_opinion(version.data, version.office_opinion)
    draft = lib.validate_draft(data, app_dir(application), with_report=False)
    if draft.app is None:
        raise lib.UserError("；".join(i["message"] for i in draft.issues))
    return lib.bundle_pdf(draft.app, out_dir, lambda _p, _s: None, converter=converter)
