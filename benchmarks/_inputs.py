"""Inputs the benchmarks generate in a temporary folder: applications, evidence, documents."""

from __future__ import annotations

import io
import random
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_DIR = ROOT / "data" / "示例"
EXAMPLE = EXAMPLE_DIR / "申报.yaml"
EXAMPLE_UNIT = "杭州示例跨境电商职业培训学校有限公司"
#: The 评价表 indicators evidence entries are spread over.
INDICATORS = ["基本情况", "办公条件", "培训场地及环境", "日常管理", "教师管理系统", "人才培养体系"]


def _noise_jpeg(rng: random.Random, size: tuple[int, int]) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.frombytes("RGB", size, rng.randbytes(size[0] * size[1] * 3)).save(buf, "JPEG", quality=95)
    return buf.getvalue()


def make_evidence(folder: Path, pdfs: int = 50, jpegs: int = 20, pages: int = 1000) -> list[Path]:
    """Write `pdfs` PDFs (a scanned-looking image on every page) and `jpegs` ~1 MB scans, `pages`
    pages in all; return the files in order."""
    import pikepdf

    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(7)
    pdf_pages = pages - jpegs
    per_file = [pdf_pages // pdfs + (1 if i < pdf_pages % pdfs else 0) for i in range(pdfs)]
    files = []
    for i, count in enumerate(per_file):
        pdf = pikepdf.new()
        image = pdf.make_stream(
            _noise_jpeg(rng, (600, 560)),
            Type=pikepdf.Name.XObject,
            Subtype=pikepdf.Name.Image,
            Width=600,
            Height=560,
            ColorSpace=pikepdf.Name.DeviceRGB,
            BitsPerComponent=8,
            Filter=pikepdf.Name.DCTDecode,
        )
        font = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
            )
        )
        for n in range(count):
            text = f"q 420 0 0 300 90 400 cm /Im0 Do Q BT /F1 14 Tf 72 760 Td (file {i} page {n + 1}) Tj ET"
            pdf.pages.append(
                pikepdf.Page(
                    pikepdf.Dictionary(
                        Type=pikepdf.Name.Page,
                        MediaBox=[0, 0, 595, 842],
                        Contents=pdf.make_stream(text.encode()),
                        Resources=pikepdf.Dictionary(
                            XObject=pikepdf.Dictionary(Im0=image), Font=pikepdf.Dictionary(F1=font)
                        ),
                    )
                )
            )
        path = folder / f"evidence{i:02d}.pdf"
        pdf.save(path)
        files.append(path)
    for i in range(jpegs):
        path = folder / f"scan{i:02d}.jpg"
        path.write_bytes(_noise_jpeg(rng, (1000, 850)))
        files.append(path)
    return files


def application(
    folder: Path, *, unit: str = EXAMPLE_UNIT, evidence: list[Path] | None = None
) -> Path:
    """Copy the example application into `folder` (renamed to `unit`); with `evidence`, its
    佐证材料 list is replaced by one entry per file, spread over the indicators."""
    shutil.copytree(EXAMPLE_DIR, folder, dirs_exist_ok=True)
    path = folder / "申报.yaml"
    text = EXAMPLE.read_text("utf-8").replace(EXAMPLE_UNIT, unit)
    if evidence is not None:
        head = text[: text.index("\n佐证材料:") + 1]
        lines = ["佐证材料:"]
        for i, f in enumerate(evidence):
            rel = f.relative_to(folder).as_posix()
            lines.append(
                f"  - {{名称: 材料{i:03d}, 指标: {INDICATORS[i % len(INDICATORS)]}, 文件: {rel}}}"
            )
        text = head + "\n".join(lines) + "\n"
    path.write_text(text, "utf-8")
    return path


def applications(root: Path, count: int) -> list[Path]:
    """Write `count` copies of the example application (each its own 单位名称)."""
    return [
        application(root / f"app{i:03d}", unit=f"杭州基准测试{i:03d}有限公司") for i in range(count)
    ]


def evidence_count(yaml_path: Path) -> int:
    """How many evidence files an application names."""
    return len(re.findall(r"佐证材料/[^,\]\}\s]+", yaml_path.read_text("utf-8")))
