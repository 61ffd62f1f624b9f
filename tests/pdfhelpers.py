"""Helpers shared by the conversion, evidence and assembly tests: build real PDFs and images, read fonts."""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pikepdf
import pytest
from PIL import Image


def require_soffice() -> None:
    """Skip locally when LibreOffice is missing; fail when the CI variable is set."""
    if shutil.which("soffice") or shutil.which("libreoffice"):
        return
    if os.environ.get("CI"):
        pytest.fail("CI 环境必须安装 LibreOffice（soffice），测试不得跳过")
    pytest.skip("LibreOffice (soffice) is not installed")


# -- PDFs ---------------------------------------------------------------------------------------


def make_pdf(path: Path, pages: int, *, label: str = "P", size: tuple[float, float] = (595, 842)) -> Path:
    """Write a PDF of `pages` pages, each showing ``<label> <n>`` in Helvetica; return `path`."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
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


def make_jpeg(path: Path, size: tuple[int, int], *, orientation: int | None = None, color: str = "red") -> Path:
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
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

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
        pid, eid, sub_off = struct.unpack_from(">HHI", data, cmap_off + 4 + 8 * i)
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
            for _, font in fonts.items():
                desc = font.get("/FontDescriptor")
                if desc is None or "/FontFile" not in desc or "/ToUnicode" not in font:
                    continue
                program = desc.FontFile.read_bytes().decode("latin-1")
                code_to_cid = {int(c): int(g) for c, g in re.findall(r"dup (\d+) /cid(\d+) put", program)}
                tounicode = font.ToUnicode.read_bytes().decode("latin-1")
                for code, uni in re.findall(r"<([0-9A-Fa-f]{2})>\s*<([0-9A-Fa-f]{4,8})>", tounicode):
                    cid = code_to_cid.get(int(code, 16))
                    if cid is not None:
                        found.setdefault(chr(int(uni, 16)), set()).add(cid)
    return found
