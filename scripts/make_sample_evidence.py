"""Write the sample 佐证材料 of data/示例: one small PDF per file the example YAML names, and the JPG.

Each page is a picture of a plainly labelled placeholder document ("示例材料"), drawn with Pillow
and wrapped into a PDF with img2pdf, so the sample needs no LibreOffice and stays small. The photo
is saved with an EXIF orientation tag (rotated as a phone would) so the bundle's rotation handling
is exercised by the demo. Output is deterministic: rerunning gives the same bytes.

Usage: python scripts/make_sample_evidence.py [data/示例]
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import img2pdf
import yaml
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
FONT_CANDIDATES = [
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
]
A4_PX = (827, 1169)  # A4 at 100 dpi: small files, readable when printed


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for candidate in FONT_CANDIDATES:
        if Path(candidate).exists():
            # index 2 of the Noto CJK collections is the Simplified-Chinese face
            return ImageFont.truetype(candidate, size, index=2 if "noto" in candidate else 0)
    raise SystemExit("需要中文字体：sudo apt-get install fonts-noto-cjk")


def _page(title: str, lines: list[str], number: int, pages: int) -> bytes:
    img = Image.new("L", A4_PX, 255)
    draw = ImageDraw.Draw(img)
    draw.rectangle((40, 40, A4_PX[0] - 40, A4_PX[1] - 40), outline=0, width=3)
    draw.text((A4_PX[0] // 2, 120), title, font=_font(40), fill=0, anchor="mm")
    draw.text((A4_PX[0] // 2, 180), "（示例材料，仅供演示）", font=_font(24), fill=80, anchor="mm")
    y = 260
    for line in lines:
        draw.text((90, y), line, font=_font(24), fill=0)
        y += 44
    draw.text(
        (A4_PX[0] // 2, A4_PX[1] - 90),
        f"第 {number} 页 / 共 {pages} 页",
        font=_font(20),
        fill=0,
        anchor="mm",
    )
    out = io.BytesIO()
    img.save(out, "JPEG", quality=60, optimize=True)
    return out.getvalue()


def _pdf(pages: list[bytes]) -> bytes:
    layout = img2pdf.get_layout_fun((img2pdf.mm_to_pt(210), img2pdf.mm_to_pt(297)))
    data: bytes = img2pdf.convert(
        pages, layout_fun=layout, nodate=True, engine=img2pdf.Engine.internal
    )
    return data


def _photo(title: str) -> bytes:
    """A landscape 'photo' stored sideways with EXIF orientation 6, as phone cameras do."""
    img = Image.new("RGB", (1200, 800), (200, 220, 235))
    draw = ImageDraw.Draw(img)
    draw.rectangle((100, 150, 1100, 650), fill=(250, 250, 250), outline=(60, 60, 60), width=6)
    draw.text((600, 400), title, font=_font(64), fill=(20, 40, 90), anchor="mm")
    draw.text((600, 520), "（示例照片）", font=_font(36), fill=(90, 90, 90), anchor="mm")
    sideways = img.rotate(90, expand=True)  # what the sensor stored
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to view"
    out = io.BytesIO()
    sideways.save(out, "JPEG", quality=70, exif=exif.tobytes())
    return out.getvalue()


def main(folder: Path) -> None:
    """Write every evidence file named in `folder`/申报.yaml."""
    data = yaml.safe_load((folder / "申报.yaml").read_text(encoding="utf-8"))
    unit = data["基本情况"]["单位名称"]
    for entry in data.get("佐证材料", []):
        files = entry["文件"] if isinstance(entry["文件"], list) else [entry["文件"]]
        for rel in files:
            target = folder / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.suffix.lower() in (".jpg", ".jpeg"):
                target.write_bytes(_photo(entry["名称"]))
                continue
            pages = 2 if entry["指标"] in ("教师管理系统", "人才培育情况") else 1
            lines = [
                f"单位：{unit}",
                f"材料：{entry['名称']}",
                f"对应评价指标：{entry['指标']}",
                f"文件：{rel}",
            ]
            target.write_bytes(
                _pdf([_page(entry["名称"], lines, n, pages) for n in range(1, pages + 1)])
            )
        print(f"已生成 {entry['名称']}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "data" / "示例")
