"""`batch(..., executor=...)` on a dask.distributed cluster gives what the built-in pool gives."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest
from dask.distributed import Client, LocalCluster
from pypdf import PdfReader
from test_batch import EVIDENCE, make_application

from jidi_docs import BatchResult, batch
from jidi_docs._fs import LEDGER_NAME

pytestmark = [pytest.mark.slow, pytest.mark.soffice]


def outcome(result: BatchResult, out: Path) -> dict[str, object]:
    """What a user gets from a batch: each item's status, files and text, and the 汇总表."""
    files: dict[str, object] = {}
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        rel = path.relative_to(out).as_posix()
        if path.suffix == ".pdf":  # LibreOffice stamps each conversion; compare what it shows
            files[rel] = [page.extract_text() for page in PdfReader(path).pages]
        elif path.suffix == ".xlsx":  # the workbook's zip carries its write time
            files[rel] = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
        elif path.name == LEDGER_NAME:  # hashes of what was written: the names are what matter
            files[rel] = sorted(json.loads(path.read_text("utf-8"))["files"])
        elif path.suffix == ".json":
            files[rel] = json.loads(path.read_text("utf-8"))
        else:
            files[rel] = path.read_bytes()
    return {
        "items": [
            (i.display, i.status, i.error, i.out_dir and i.out_dir.name) for i in result.items
        ],
        "exit_code": result.exit_code,
        "files": files,
    }


# The scheduler's HTTP server moves to a free port (with a warning) when another program on this
# machine holds 8787, and distributed then leaves the socket of its failed attempt to the garbage
# collector; where it listens does not matter here.
@pytest.mark.filterwarnings("ignore:Port 8787 is already in use:UserWarning")
@pytest.mark.filterwarnings("ignore:unclosed <socket.socket:ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_dask_local_cluster_gives_the_pools_outputs_and_summary(
    tmp_path: Path, soffice: str
) -> None:
    for name in ("甲", "乙", "丙", "丁"):
        make_application(tmp_path / "in" / name, f"杭州{name}集群测试有限公司")
    (tmp_path / "in" / "丁" / EVIDENCE[0]).unlink()  # fails in a worker, while building

    pooled = batch(tmp_path / "in", tmp_path / "pool", jobs=2)
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        clustered = batch(
            tmp_path / "in", tmp_path / "dask", jobs=2, executor=client.get_executor()
        )

    status = {i.display: i.status for i in clustered.items}
    assert status == {
        "甲/申报.yaml": "built",
        "乙/申报.yaml": "built",
        "丙/申报.yaml": "built",
        "丁/申报.yaml": "failed",
    }
    assert EVIDENCE[0].split("/")[1] in clustered.failed[0].error
    with (tmp_path / "dask" / "汇总.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert len(rows) == 5
    assert sum("失败" in r for r in rows[1:]) == 1
    assert outcome(clustered, tmp_path / "dask") == outcome(pooled, tmp_path / "pool")
