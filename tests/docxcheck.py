"""Checks of .docx files that Word would otherwise repair: an external validator and the table rules.

`audit_findings` runs openxml-audit (ISO/IEC 29500 Transitional schemas plus the semantic and
application-compatibility rules it knows from Word) for the Office 2010 schema set (ECMA-376 2nd
edition = ISO/IEC 29500:2008) and the newest one (Microsoft 365), with its security checks on.
It checks about 3000 elements a second, so a 1400-row form takes some 40 s per schema set.
`structure_problems` checks what no schema can: every cell ends in a paragraph, each row's cells
span exactly the table grid, every vertical continuation lies under a cell of the same columns,
and the document has one section, at the body's end.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree
from openxml_audit import FileFormat, OpenXmlValidator

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
FORMATS = (FileFormat.OFFICE_2010, FileFormat.MICROSOFT_365)


def audit_findings(path: Path, formats: tuple[FileFormat, ...] = FORMATS) -> list[str]:
    """Return every openxml-audit finding for `path`, one line each (empty when it is clean)."""
    found = []
    for fmt in formats:
        validator = OpenXmlValidator(file_format=fmt, max_errors=0, security_validation=True)
        result = validator.validate(str(path))
        found += [f"{fmt.value}: {e.description} ({e.part_uri} {e.path})" for e in result.errors]
    return found


def _val(el: etree._Element | None, default: int) -> int:
    return int(el.get(f"{{{W}}}val", default)) if el is not None else default


def _table_problems(tbl: etree._Element, where: str) -> list[str]:
    problems = []
    grid = len(tbl.findall("w:tblGrid/w:gridCol", NS))
    above: dict[int, tuple[int, bool]] = {}  # column → (span, part of a vertical merge)
    for r, tr in enumerate(tbl.findall("w:tr", NS), start=1):
        col = _val(tr.find("w:trPr/w:gridBefore", NS), 0)
        row: dict[int, tuple[int, bool]] = {}
        for c, tc in enumerate(tr.findall("w:tc", NS), start=1):
            blocks = [e for e in tc if etree.QName(e).localname in ("p", "tbl", "sdt")]
            if not blocks or etree.QName(blocks[-1]).localname != "p":
                problems.append(f"{where} row {r} cell {c}: does not end in a w:p")
            span = _val(tc.find("w:tcPr/w:gridSpan", NS), 1)
            vmerge = tc.find("w:tcPr/w:vMerge", NS)
            continues = vmerge is not None and vmerge.get(f"{{{W}}}val", "continue") == "continue"
            if continues and above.get(col) != (span, True):
                problems.append(
                    f"{where} row {r} cell {c}: vMerge continues nothing above "
                    f"(column {col}, span {span}; above: {above.get(col)})"
                )
            row[col] = (span, vmerge is not None)
            col += span
        col += _val(tr.find("w:trPr/w:gridAfter", NS), 0)
        if col != grid:
            problems.append(f"{where} row {r}: cells span {col} grid columns, the grid has {grid}")
        above = row
    return problems


def structure_problems(path: Path) -> list[str]:
    """Return the structural faults of word/document.xml in `path` (empty when there are none)."""
    with zipfile.ZipFile(path) as zf:
        root = etree.fromstring(zf.read("word/document.xml"))
    body = root.find("w:body", NS)
    problems = []
    sections = root.findall(".//w:sectPr", NS)
    if len(sections) != 1 or etree.QName(body[-1]).localname != "sectPr":
        problems.append(f"{len(sections)} w:sectPr; the body must end in the only one")
    for t, tbl in enumerate(root.iter(f"{{{W}}}tbl"), start=1):
        problems += _table_problems(tbl, f"table {t}")
    return problems
