"""One application is one unit of work: a hostile or huge file fails alone, with its own message."""

from __future__ import annotations

from pathlib import Path

import pytest

from jidi_docs._platform import TimeLimitExceeded, work_limits
from jidi_docs.pipeline._batch import batch
from pdfhelpers import as_unit

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = (ROOT / "data" / "示例" / "申报.yaml").read_text("utf-8")
EXAMPLE_UNIT = "杭州示例跨境电商职业培训学校有限公司"


def write(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True)
    path = folder / "申报.yaml"
    path.write_text(text, "utf-8")
    return path


def good(root: Path, i: int) -> Path:
    return write(root / f"good{i}", as_unit(EXAMPLE, f"杭州隔离测试{i}公司"))


def alias_bomb(levels: int = 9) -> str:
    lines = ["炸弹:", "  l0: &l0 [" + ", ".join(["哈"] * 9) + "]"]
    lines += [f"  l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return as_unit(EXAMPLE, "杭州炸弹公司") + "\n" + "\n".join(lines) + "\n"


def huge(rows: int) -> str:
    head, rest = as_unit(EXAMPLE, "杭州巨大公司").split("讲师:\n", 1)
    body = "".join(
        f"  - {{姓名: 讲师{i:05d}, 专兼职: 专职, 学历: 本科, 联系电话: '138{i:08d}'}}\n"
        for i in range(rows)
    )
    return head + "讲师:\n" + body + rest[rest.index("\n\n") :]


def test_a_bomb_and_a_file_over_the_memory_ceiling_fail_alone(tmp_path: Path) -> None:
    root = tmp_path / "in"
    goods = [good(root, i) for i in range(3)]
    bomb = write(root / "bomb", alias_bomb())
    big = write(root / "big", huge(40_000))

    result = batch(root, tmp_path / "out", pdf=False, jobs=2, memory_limit_mb=40)

    by_source = {item.source: item for item in result.items}
    assert len(result.items) == 5
    for path in goods:
        assert by_source[path.resolve()].status == "built", by_source[path.resolve()].error
        assert len(by_source[path.resolve()].outputs) == 2
    assert "锚点“&l3”" in by_source[bomb.resolve()].error
    assert "内存超过了 40 MB 的上限" in by_source[big.resolve()].error
    assert result.exit_code == 3


def test_a_file_over_the_time_limit_fails_with_its_own_message(tmp_path: Path) -> None:
    big = write(tmp_path / "in" / "big", huge(20_000))

    result = batch(tmp_path / "in", tmp_path / "out", pdf=False, jobs=1, time_limit=0.3)

    (item,) = result.items
    assert item.source == big.resolve()
    assert "超过了 0.3 秒的时间上限" in item.error


def test_work_limits_stop_a_runaway_loop_and_allocation_then_lift() -> None:
    def spin() -> None:
        with work_limits(seconds=0.2, memory_bytes=None):
            while True:
                pass

    with pytest.raises(TimeLimitExceeded):
        spin()
    with pytest.raises(MemoryError), work_limits(seconds=None, memory_bytes=64 * 2**20):
        bytearray(512 * 2**20)
    assert len(bytearray(512 * 2**20)) == 512 * 2**20  # the ceiling is gone after the block
