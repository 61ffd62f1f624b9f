"""PDF/A-2b: turn an assembled bundle into an archival PDF that submission portals accept.

How: the forms and the cover already come from LibreOffice's PDF/A-2 export; the assembled bundle
(those pages plus the evidence as the applicant scanned it) then goes once through Ghostscript's
PDF/A-2 writer, which embeds every font (also those an evidence PDF left out), converts colours to
RGB, drops what PDF/A forbids (JavaScript, encryption) and keeps bookmarks and page labels. Last,
pikepdf adds the sRGB output intent and the XMP identification (``pdfaid:part=2``,
``conformance=B``) with the title and author in Unicode, and `pdfa_problems` checks the result:
a file that still breaks a rule is refused with the reasons, never written as PDF/A.

Why Ghostscript for the evidence: scans arrive as any PDF at all (unembedded fonts, CMYK, forms
with scripts); converting them is its core trade, and one call over the whole bundle costs about
one second for the example (see README).
"""

from __future__ import annotations

import shutil
import subprocess
import zlib
from pathlib import Path

import pikepdf
from PIL import ImageCms

from ..errors import BundleError

__all__ = ["find_ghostscript", "make_pdfa", "pdfa_problems", "require_ghostscript"]

#: Ghostscript's command on Linux/macOS, then its console programs on Windows.
_GS_NAMES = ("gs", "gswin64c", "gswin32c")
_GS_HINT = "请安装 Ghostscript（Debian/Ubuntu：sudo apt-get install ghostscript）"
#: The output condition PDF/A asks for: the sRGB colour space, identified by its ICC registry name.
_SRGB = "sRGB IEC61966-2.1"
_TRANSPARENT_BLEND = frozenset({"/Normal", "/Compatible"})


def find_ghostscript() -> str | None:
    """Return the Ghostscript executable, or None when it is not installed."""
    for name in _GS_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def require_ghostscript() -> str:
    """Return the Ghostscript executable; raise BundleError with the install hint when missing."""
    gs = find_ghostscript()
    if gs is None:
        raise BundleError(f"生成 PDF/A 需要 Ghostscript，但没有找到。{_GS_HINT}。")
    return gs


def make_pdfa(src: Path, out: Path, *, title: str, author: str, timeout: float = 600) -> None:
    """Write `src` converted to PDF/A-2b as `out` (a new file; the caller moves it into place).

    Raises:
        BundleError: Ghostscript is missing or fails, or the result still breaks a PDF/A rule.
    """
    gs = require_ghostscript()
    converted = out.with_name(out.stem + ".gs.pdf")
    cmd = [
        gs,
        "-q",
        "-dSAFER",
        "-dBATCH",
        "-dNOPAUSE",
        "-sDEVICE=pdfwrite",
        "-dPDFA=2",
        "-dPDFACompatibilityPolicy=1",  # drop what PDF/A forbids and go on
        "-sColorConversionStrategy=RGB",
        f"-sOutputFile={converted}",
        str(src),
    ]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as e:
        raise BundleError(f"转换为 PDF/A 超时（{timeout:g} 秒）。") from e
    if proc.returncode != 0 or not converted.is_file():
        detail = (proc.stderr or proc.stdout or "").strip()[-800:]
        raise BundleError(
            "Ghostscript 无法把申报材料转换为 PDF/A，可能是某份佐证材料 PDF 已损坏。"
            + (f"\nGhostscript 输出：{detail}" if detail else "")
        )
    with pikepdf.open(src) as original:
        expected = len(original.pages)
    try:
        with pikepdf.open(converted) as pdf:
            _finish(pdf, title=title, author=author)
            problems = pdfa_problems(pdf)
            if len(pdf.pages) != expected:
                problems.append(f"页数由 {expected} 页变为 {len(pdf.pages)} 页")
            if problems:
                raise BundleError(
                    "申报材料转换后仍不符合 PDF/A-2b，未生成 PDF/A 文件：\n"
                    + "\n".join(f"  • {p}" for p in problems)
                )
            _settle_stream_ends(pdf)
            pdf.save(out, compress_streams=True)
    finally:
        converted.unlink(missing_ok=True)


def _finish(pdf: pikepdf.Pdf, *, title: str, author: str) -> None:
    """Add the sRGB output intent and the PDF/A identification, title and author in XMP."""
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    profile = pdf.make_stream(icc)
    profile.N = 3
    pdf.Root.OutputIntents = pikepdf.Array(
        [
            pikepdf.Dictionary(
                Type=pikepdf.Name.OutputIntent,
                S=pikepdf.Name.GTS_PDFA1,
                OutputConditionIdentifier=_SRGB,
                Info=_SRGB,
                RegistryName="http://www.color.org",
                DestOutputProfile=profile,
            )
        ]
    )
    for page in pdf.pages:
        if _uses_transparency(page) and "/Group" not in page.obj:
            page.obj.Group = pikepdf.Dictionary(
                S=pikepdf.Name.Transparency, CS=pikepdf.Name.DeviceRGB
            )
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["pdfaid:part"] = "2"
        meta["pdfaid:conformance"] = "B"
        meta["dc:title"] = title
        meta["dc:creator"] = [author]
        meta["xmp:CreatorTool"] = "jidi-docs"


def _settle_stream_ends(pdf: pikepdf.Pdf) -> None:
    """Store every stream compressed, its stored bytes not ending in a CR (XMP and codecs aside).

    Why: PDF/A-2 (ISO 19005-2, 6.1.7.1) counts /Length up to "the EOL marker before the endstream
    keyword", and an EOL marker may be CR LF; stored bytes ending in CR, written before the LF
    that precedes ``endstream``, read as one byte shorter than /Length and validators refuse the
    file. Compressed data ends in the low byte of its Adler-32 checksum, whose low half is one
    plus the sum of the bytes: a CR once in 256 streams, whatever the compression level. Such a
    stream is stored again as one row of a PNG predictor (``Columns`` = its length) tagged "Up":
    with no row above, the row is the bytes themselves, so the decoded stream is unchanged, while
    the tag byte adds 2 to the sum and moves the last byte off CR. Unfiltered streams (the sRGB
    profile, whose header carries the time it was made) are compressed here rather than by the
    writer, so that their end is checked too. The XMP metadata stays unfiltered, as PDF/A
    requires; image codecs end in their own markers.
    """
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Stream) or obj.get("/Type") == pikepdf.Name.Metadata:
            continue
        filters = obj.get("/Filter")
        if filters is None:  # compressed here, not by the writer, so that the end can be checked
            packed = zlib.compress(obj.read_raw_bytes())
            if not packed.endswith(b"\r"):
                obj.write(packed, filter=pikepdf.Name.FlateDecode)
                continue
        elif filters != pikepdf.Name.FlateDecode or not obj.read_raw_bytes().endswith(b"\r"):
            continue
        data = obj.read_bytes()
        parms = pikepdf.Dictionary(Predictor=12, Columns=len(data))
        obj.write(zlib.compress(b"\2" + data), filter=pikepdf.Name.FlateDecode, decode_parms=parms)


# -- checks ----------------------------------------------------------------------------------


def pdfa_problems(pdf: pikepdf.Pdf) -> list[str]:
    """Return, in Chinese, each PDF/A-2b requirement `pdf` breaks among those checked here.

    Checked: not encrypted; an sRGB-capable output intent; XMP ``pdfaid`` part 2, conformance B;
    every font embedded; no JavaScript; no transparency on a page without a transparency group.
    """
    problems = []
    if pdf.is_encrypted:
        problems.append("文件已加密")
    if not any(
        oi.get("/S") == "/GTS_PDFA1" and "/DestOutputProfile" in oi
        for oi in pdf.Root.get("/OutputIntents", [])
    ):
        problems.append("缺少 PDF/A 输出意图（OutputIntent）")
    meta = pdf.open_metadata()
    if (meta.get("pdfaid:part"), meta.get("pdfaid:conformance")) != ("2", "B"):
        problems.append("XMP 元数据中没有 PDF/A-2b 标识（pdfaid）")
    fonts = sorted(_unembedded_fonts(pdf))
    if fonts:
        problems.append(f"有字体未嵌入：{'、'.join(fonts)}")
    if _has_javascript(pdf):
        problems.append("含有 JavaScript")
    pages = [
        i for i, p in enumerate(pdf.pages, 1) if _uses_transparency(p) and "/Group" not in p.obj
    ]
    if pages:
        problems.append(f"第 {'、'.join(map(str, pages))} 页使用了透明效果但没有透明组")
    return problems


def _resources(obj: pikepdf.Object, seen: set[tuple[int, int]]) -> list[pikepdf.Dictionary]:
    """Return `obj`'s resource dictionary and those of the forms and patterns it uses."""
    res = obj.get("/Resources")
    if not isinstance(res, pikepdf.Dictionary):
        return []
    if res.is_indirect:
        if res.objgen in seen:
            return []
        seen.add(res.objgen)
    found = [res]
    for kind in ("/XObject", "/Pattern"):
        for item in res.get(kind, {}).values():
            if isinstance(item, (pikepdf.Stream, pikepdf.Dictionary)):
                found += _resources(item, seen)
    return found


def _unembedded_fonts(pdf: pikepdf.Pdf) -> set[str]:
    missing: set[str] = set()
    seen: set[tuple[int, int]] = set()
    for page in pdf.pages:
        for res in _resources(page.obj, seen):
            for font in res.get("/Font", {}).values():
                if font.get("/Subtype") == "/Type3":
                    continue
                for f in [font, *font.get("/DescendantFonts", [])]:
                    if f.get("/Subtype") == "/Type0":
                        continue
                    desc = f.get("/FontDescriptor")
                    if desc is None or not any(
                        k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")
                    ):
                        missing.add(str(f.get("/BaseFont", "?")).lstrip("/"))
    return missing


def _is_js(action: object) -> bool:
    return isinstance(action, pikepdf.Dictionary) and action.get("/S") == "/JavaScript"


def _has_javascript(pdf: pikepdf.Pdf) -> bool:
    root = pdf.Root
    if "/JavaScript" in root.get("/Names", {}) or _is_js(root.get("/OpenAction")):
        return True
    if "/AA" in root:
        return True
    for page in pdf.pages:
        if "/AA" in page.obj:
            return True
        for annot in page.obj.get("/Annots", []):
            if _is_js(annot.get("/A")) or "/AA" in annot:
                return True
    return False


def _uses_transparency(page: pikepdf.Page) -> bool:
    for res in _resources(page.obj, set()):
        for gs in res.get("/ExtGState", {}).values():
            if gs.get("/SMask", pikepdf.Name.None_) != pikepdf.Name.None_:
                return True
            if float(gs.get("/CA", 1)) < 1 or float(gs.get("/ca", 1)) < 1:
                return True
            blend = gs.get("/BM", pikepdf.Name.Normal)
            if isinstance(blend, pikepdf.Name) and str(blend) not in _TRANSPARENT_BLEND:
                return True
        for xobj in res.get("/XObject", {}).values():
            if "/SMask" in xobj or int(xobj.get("/SMaskInData", 0)):
                return True
    return False
