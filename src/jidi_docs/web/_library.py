"""The one place where the portal calls the jidi_docs library.

The portal keeps no rule of its own: validation and its Chinese messages, 预审, rendering,
bundling, extraction and the 汇总表 are the library's. This module only adapts the portal's
stored data (the plain data of a ``申报.yaml``) to the library's functions.
"""

from __future__ import annotations

import contextlib
import io
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from ..errors import EvidenceError, InputError, Issue, UserError, ValidationFailed
from ..forms import render_forms_bytes
from ..input import expand_tables, get_profile, parse_yaml, validate
from ..pdf import Converter, SofficeConverter, load_evidence
from ..pipeline import SummaryRow, bundle, extract, write_summary
from ..review import CheckReport, check
from ..schema import (
    HEAD_BYTES,
    Application,
    Column,
    Evidence,
    Profile,
    Registry,
    Section,
    accept_attribute,
    kind_labels,
    registry,
    sniff_kind,
)

__all__ = [
    "FIELD_BATCH",
    "FIELD_EVIDENCE",
    "FIELD_FILES",
    "FIELD_OFFICE",
    "HEAD_BYTES",
    "YAML_NAME",
    "Column",
    "Draft",
    "Profile",
    "Registry",
    "Section",
    "accept_attribute",
    "as_list",
    "batch_of",
    "bundle_pdf",
    "check",
    "clean",
    "differences",
    "district_path",
    "evidence_accept",
    "export_zip",
    "field_of_path",
    "fixed_district",
    "form_pdfs",
    "import_docx",
    "import_yaml",
    "import_zip",
    "kind_labels",
    "load_evidence",
    "path_of_field",
    "points",
    "profile",
    "registry",
    "render_docx",
    "sniff_kind",
    "summary_xlsx",
    "validate_draft",
    "with_office_opinion",
]

YAML_NAME = "申报.yaml"
#: The key of an evidence entry's file list, as the model names it.
FIELD_FILES = Evidence.model_fields["files"].alias or "文件"
#: The key of 十 综试办审核意见: written by the office on a submitted version, never by the base.
FIELD_OFFICE = Application.model_fields["office_opinion"].alias or "综试办审核意见"
#: The application's key of its evidence list.
FIELD_EVIDENCE = Application.model_fields["evidence"].alias or "佐证材料"
#: The key naming the application's 认定批次.
FIELD_BATCH = Application.model_fields["batch"].alias or "认定批次"


# ---------------------------------------------------------------------------------------------
# The registry and the 认定批次
# ---------------------------------------------------------------------------------------------


def profile(batch: str | None = None) -> Profile:
    """Return the 认定批次 `batch` (by default the registry's default batch)."""
    return get_profile(batch or registry().default_batch)


def batch_of(data: Mapping[str, Any]) -> str:
    """Return the 认定批次 an application's data names (the registry's default when none)."""
    name = data.get(FIELD_BATCH) if isinstance(data, Mapping) else None
    return name if isinstance(name, str) and name else registry().default_batch


def evidence_accept() -> tuple[str, str]:
    """Return what an evidence upload control accepts (``accept``) and the kinds in words, both
    from the library's one table of evidence kinds."""
    return accept_attribute(), "、".join(kind_labels())


def as_list(value: Any) -> list[Any]:
    """Return a value that may be a list or one item (``文件: a.pdf``) as a list (none if blank)."""
    return value if isinstance(value, list) else ([value] if value else [])


def district_path() -> str:
    """The data path of the application's 区县 (``基本情况.所属区县``), from the registry."""
    section = registry().mapping_section
    column = next(c for c in section.columns if c.type == "区县")
    return f"{section.key}.{column.label}"


def fixed_district(draft: dict[str, Any], district: str) -> dict[str, Any]:
    """Return `draft` with its 所属区县 (`district_path`) set to the base's own district.

    Why: the district decides which office reviews an application; a base typing another one
    (in the editor or in an imported file) would leave its reviewers' view.
    """
    key, label = district_path().split(".")
    section = draft.get(key)
    section = dict(section) if isinstance(section, dict) else {}
    section[label] = district
    return {**draft, key: section}


def points(value: Decimal) -> str:
    """An indicator's points as the 评价表 prints them (``10``, ``2.5``)."""
    return f"{value.normalize():f}"


# ---------------------------------------------------------------------------------------------
# Validation of a draft
# ---------------------------------------------------------------------------------------------


def clean(value: Any) -> Any:
    """Return the draft as a YAML file would hold it: blank inputs left out, text stripped."""
    if isinstance(value, dict):
        out = {str(k): clean(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        items = [clean(v) for v in value]
        return [v for v in items if v not in (None, "")]
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return value
    return str(value)


@dataclass
class Draft:
    """The result of validating a draft: the application (when valid) and every issue."""

    app: Application | None
    issues: list[dict[str, str]] = field(default_factory=list)
    report: CheckReport | None = None


_ITEM = re.compile(r"^第 (\d+) 项$")


def path_of_field(field: str) -> str:
    """Return the dotted data path (``讲师.1.学历``) of an issue's field (``讲师 → 第 2 项 → 学历``).

    The library names a field in the user's words, one key per part and ``第 N 项`` for the N-th
    item of a list (`jidi_docs.Issue.field`); the editor's inputs carry the dotted path.
    """
    parts = []
    for part in field.split(" → ") if field else ():
        item = _ITEM.match(part)
        parts.append(str(int(item.group(1)) - 1) if item else part)
    return ".".join(parts)


def field_of_path(path: Sequence[str | int]) -> str:
    """Return a data path in the user's words, as the library names fields (``讲师 → 第 2 项 →
    学历``); the inverse of `path_of_field`."""
    return " → ".join(f"第 {p + 1} 项" if isinstance(p, int) else str(p) for p in path)


def _leaves(value: Any, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, (*path, k))
    elif isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value):
        for i, v in enumerate(value):
            yield from _leaves(v, (*path, i))
    elif isinstance(value, list):
        yield path, "、".join(map(str, value))
    else:
        yield path, "" if value is None else str(value)


def differences(key: str, mine: Any, theirs: Any) -> list[dict[str, str]]:
    """Return where two values of the draft's key `key` differ, field by field, as a person
    reads them: ``[{"field": "讲师 → 第 2 项 → 学历", "mine": "本科", "theirs": "硕士"}]``."""
    a, b = dict(_leaves(clean(mine), (key,))), dict(_leaves(clean(theirs), (key,)))
    return [
        {"field": field_of_path(path), "mine": a.get(path, ""), "theirs": b.get(path, "")}
        for path in dict.fromkeys([*a, *b])
        if a.get(path, "") != b.get(path, "")
    ]


def validate_draft(data: dict[str, Any], base_dir: Path, *, with_report: bool = True) -> Draft:
    """Validate `data` as the library would a ``申报.yaml`` in `base_dir`; 预审 it when valid.

    Each issue carries ``path`` (dotted, e.g. ``讲师.0.学历``) so the page can show the message
    next to its input.
    """
    cleaned = clean(data)
    try:
        app = validate(cleaned, source=base_dir / YAML_NAME)
    except ValidationFailed as failed:
        issues = [
            {"path": path_of_field(i.field), "field": i.field, "message": i.message}
            for i in failed.issues
        ]
        return Draft(None, issues)
    # Uploads were read in full when they arrived (`save_upload`): not again at every save.
    return Draft(app, [], check(app, read_evidence=False) if with_report else None)


# ---------------------------------------------------------------------------------------------
# Files in, files out
# ---------------------------------------------------------------------------------------------


def to_yaml(data: dict[str, Any]) -> str:
    """Return the draft as the text of a ``申报.yaml`` (every value kept as written)."""
    return yaml.safe_dump(clean(data), allow_unicode=True, sort_keys=False, width=1000)


def render_docx(app: Application) -> dict[str, bytes]:
    """Return both filled forms as .docx bytes keyed by ``附件1``/``附件2``."""
    forms, _warnings = render_forms_bytes(app)
    return forms


def form_pdfs(app: Application, work_dir: Path, converter: Converter) -> dict[str, Path]:
    """Return both filled forms converted to PDF in `work_dir`, keyed by ``附件1``/``附件2``.

    The documents are the ones `render_docx` returns (and the bundle prints), converted by
    `converter` (the worker's running LibreOffice).
    """
    work_dir.mkdir(parents=True, exist_ok=True)
    docs = {}
    for key, content in render_docx(app).items():
        docs[key] = work_dir / f"{key}.docx"
        docs[key].write_bytes(content)
    pdfs = converter.convert(list(docs.values()), work_dir)
    return dict(zip(docs, pdfs, strict=True))


class _ReportingConverter:
    """The library's converter, telling the page when LibreOffice starts and finishes."""

    def __init__(self, inner: SofficeConverter, progress: Callable[[int, str], None]) -> None:
        self.inner = inner
        self.progress = progress
        self.calls = 0

    def convert(self, docs: Sequence[Path], out_dir: Path) -> list[Path]:
        self.calls += 1
        self.progress(30 if self.calls == 1 else 60, "转换申报表、评价表和封面")
        pdfs = self.inner.convert(docs, out_dir)
        self.progress(80, "合并佐证材料、添加书签和页码")
        return pdfs


def bundle_pdf(
    app: Application,
    out_dir: Path,
    progress: Callable[[int, str], None],
    *,
    converter: SofficeConverter | None = None,
    pdfa: bool = False,
) -> Path:
    """Build the application's 申报材料.pdf into `out_dir` with the library's `bundle`.

    `converter` is the worker's running LibreOffice (`jidi_docs.pdf.WarmConverter`); without
    one, LibreOffice is started for this bundle alone. `pdfa`: PDF/A-2b, as ``bundle --pdfa``.
    """
    progress(10, "检查佐证材料、填写表格")
    with contextlib.ExitStack() as stack:
        if converter is None:
            converter = stack.enter_context(SofficeConverter())
        stack.enter_context(converter.exporting(pdfa=pdfa))
        reporting = _ReportingConverter(converter, progress)
        return bundle(app, out_dir, converter=reporting, pdfa=pdfa)


def export_zip(data: dict[str, Any], files: dict[str, Path]) -> bytes:
    """Return the application as a zip in the command line's folder format.

    Args:
        data: the draft or version data.
        files: data path (``佐证材料/…``) → stored file.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(YAML_NAME, to_yaml(data))
        for rel, path in sorted(files.items()):
            zf.write(path, rel)
    return buffer.getvalue()


def import_yaml(text: str, source: str, *, base_dir: Path | None = None) -> dict[str, Any]:
    """Return the plain data of a ``申报.yaml`` text, read by the library's YAML reader.

    With `base_dir` (an unpacked folder), lists kept in spreadsheets (``讲师: {文件: 讲师.xlsx}``,
    as ``jidi-docs init`` makes them) are read into rows by the library's table reader. The
    content may be unfinished: the editor shows what is still wrong, field by field.

    Raises:
        UserError: the text is not YAML (or not a mapping), or a spreadsheet cannot be read.
    """
    doc = parse_yaml(text, source)
    return _as_text_dict(expand_tables(doc.data, doc=doc, base_dir=base_dir))


def _as_text_dict(data: Mapping[Any, Any]) -> dict[str, Any]:
    return {str(k): _as_text(v) for k, v in data.items()}


def _as_text(value: Any) -> Any:
    """Return plain YAML data with every scalar as the text an input would show."""
    if isinstance(value, dict):
        return _as_text_dict(value)
    if isinstance(value, list):
        return [_as_text(v) for v in value]
    return "" if value is None else str(value)


_ZIP_LIMIT = 300 * 1024 * 1024  # uncompressed bytes of an imported folder


def import_zip(content: bytes, name: str) -> tuple[dict[str, Any], dict[str, bytes]]:
    """Return the data of a zipped application folder and the evidence files it refers to.

    The folder is the command line's (and `export_zip`'s): ``申报.yaml`` at the top or in one
    folder, evidence paths relative to it. Paths leaving the folder are never read.

    Raises:
        UserError: not a zip of such a folder, too large, or the YAML is wrong.
    """
    try:
        zf = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        raise InputError(
            Issue(name, None, None, "", "不是 zip 压缩包，也不是 Word（.docx）文件。")
        ) from None
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        if sum(i.file_size for i in infos) > _ZIP_LIMIT:
            raise InputError(
                Issue(name, None, None, "", "压缩包解压后超过 300 MB，请分开上传佐证材料。")
            )
        tops = sorted(
            (i for i in infos if PurePosixPath(i.filename).name == YAML_NAME),
            key=lambda i: len(PurePosixPath(i.filename).parts),
        )
        if not tops or len(PurePosixPath(tops[0].filename).parts) > 2:
            raise InputError(
                Issue(
                    name, None, None, "", f"压缩包里没有 {YAML_NAME}（应在最上层或一个文件夹里）。"
                )
            )
        folder = PurePosixPath(tops[0].filename).parent
        with tempfile.TemporaryDirectory(prefix="jidi-import-") as tmp:
            root = Path(tmp)
            for info in infos:
                rel = PurePosixPath(info.filename.replace("\\", "/"))
                if rel.is_absolute() or ".." in rel.parts or not rel.is_relative_to(folder):
                    continue  # never outside the application's folder
                target = root.joinpath(*rel.relative_to(folder).parts)
                with contextlib.suppress(OSError):  # a name this system cannot hold
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(zf.read(info))
            text = (root / YAML_NAME).read_text(encoding="utf-8")
            data = import_yaml(text, f"{name}/{tops[0].filename}", base_dir=root)
            files: dict[str, bytes] = {}
            for entry in data.get(FIELD_EVIDENCE) or []:
                for rel_text in map(
                    str, as_list(entry.get(FIELD_FILES) if isinstance(entry, dict) else None)
                ):
                    path = PurePosixPath(rel_text.replace("\\", "/"))
                    if path.is_absolute() or ".." in path.parts:
                        continue
                    source = root.joinpath(*path.parts)
                    if source.is_file():
                        files[rel_text] = source.read_bytes()
    return data, files


def import_docx(content: bytes, name: str) -> dict[str, Any]:
    """Return the data read from a filled 附件2 申报表 (.docx) by the library's `extract`."""
    with tempfile.TemporaryDirectory(prefix="jidi-import-") as tmp:
        path = Path(tmp) / (PurePosixPath(name).name or "申报表.docx")
        path.write_bytes(content)
        return _as_text_dict(extract(path).data)


def summary_xlsx(rows: list[tuple[str, Application | None, str, dict[str, Any]]]) -> bytes:
    """Return the 汇总表.xlsx (the batch's own writer) for (file, application, error, extra) rows.

    `extra`: the portal's columns after the batch's own (状态, 十, 联系人 …), header → value.
    """
    table: list[SummaryRow] = []
    for display, app, error, extra in rows:
        if app is None:
            table.append(SummaryRow(display, ok=False, error=error, extra=extra))
            continue
        table.append(SummaryRow.of(app, check(app, read_evidence=False), display, extra=extra))
    with tempfile.TemporaryDirectory(prefix="jidi-summary-") as tmp:
        xlsx, _csv = write_summary(table, Path(tmp))
        return xlsx.read_bytes()


__all__ += ["EvidenceError", "InputError", "UserError", "ValidationFailed", "to_yaml"]


def with_office_opinion(data: dict[str, Any], opinion: str) -> dict[str, Any]:
    """Return a version's data with the office's 十 综试办审核意见 (rendered into 附件2's 十 box)."""
    out = {k: v for k, v in data.items() if k != FIELD_OFFICE}
    if opinion.strip():
        out[FIELD_OFFICE] = opinion
    return out
