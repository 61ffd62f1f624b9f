"""The cover's date: the day of the build, with a word when that is after the 申报截止日期."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest

from jidi_docs.input import load
from jidi_docs.pipeline._bundle import bundle
from pdfhelpers import FakeConverter, as_unit, copy_example, require_soffice, run_jidi_docs

ROOT = Path(__file__).resolve().parents[2]
#: The example's 认定批次 closed on 2021-08-17.
DEADLINE = dt.date(2021, 8, 17)
TODAY = dt.date.today()
#: What the notice says after the date.
AFTER = "晚于“杭州-2021”的申报截止日期 2021年8月17日。要用其他日期，请加 --date，例如 --date 2021-08-17。"


def notices(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if "封面日期" in r.getMessage()]


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        (None, f"封面日期 {TODAY.year}年{TODAY.month}月{TODAY.day}日（默认是生成的当天）{AFTER}"),
        ("2021-09-01", f"封面日期 2021年9月1日{AFTER}"),
        ("2021-08-17", None),
    ],
)
def test_a_cover_date_after_the_deadline_gets_a_notice(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, date: str | None, expected: str | None
) -> None:
    assert TODAY > DEADLINE  # the default is late for this 认定批次
    app = load(copy_example(tmp_path / "in"))
    conv = FakeConverter()

    with caplog.at_level(logging.WARNING, logger="jidi_docs"):
        bundle(app, tmp_path / "out", converter=conv, date=date)

    assert notices(caplog) == ([expected] if expected else [])


@pytest.mark.soffice
def test_a_batch_says_it_once_for_all_the_applications_it_concerns(tmp_path: Path) -> None:
    require_soffice()
    for n in range(2):
        path = copy_example(tmp_path / "in" / f"u{n}")
        path.write_text(as_unit(path.read_text("utf-8"), f"杭州日期测试{n}公司"), "utf-8")

    done = run_jidi_docs("batch", tmp_path / "in", "-o", tmp_path)

    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if "封面日期" in line]
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("提示：2 份申报：封面日期 ")
