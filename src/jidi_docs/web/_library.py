"""The one place where the portal calls the jidi_docs library.

The portal keeps no rule of its own: validation and its Chinese messages, 预审, rendering,
bundling, extraction and the 汇总表 are the library's. This module only adapts the portal's
stored data (the plain data of a ``申报.yaml``) to the library's functions.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from ..errors import EvidenceError, InputError, Issue, UserError, ValidationFailed
from ..forms import render_forms_bytes
from ..input import expand_tables, json_schema, label, parse_yaml, validate
from ..pdf import Converter, SofficeConverter, load_evidence
from ..pipeline import SummaryRow, bundle, extract, write_summary
from ..review import CheckReport, check
from ..schema import (
    HEAD_BYTES,
    REGISTRY_TYPE,
    Application,
    Evidence,
    Registry,
    accept_attribute,
    kind_labels,
    registry,
    sniff_kind,
)

__all__ = [
    "FIELD_EVIDENCE",
    "FIELD_FILES",
    "FIELD_OFFICE",
    "HEAD_BYTES",
    "YAML_NAME",
    "Draft",
    "FieldSpec",
    "Section",
    "accept_attribute",
    "bundle_pdf",
    "check",
    "clean",
    "export_zip",
    "form_pdfs",
    "import_docx",
    "import_yaml",
    "import_zip",
    "kind_labels",
    "load_evidence",
    "render_docx",
    "sections",
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


# ---------------------------------------------------------------------------------------------
# The editor's pages, derived from the library's JSON Schema
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldSpec:
    """One input of the editor, derived from a JSON Schema node."""

    key: str
    kind: str  # text, textarea, number, integer, date, enum, list, table, object, files
    required: bool = False
    description: str = ""
    options: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    columns: tuple[FieldSpec, ...] = ()  # table rows' columns, object members


@dataclass(frozen=True)
class Section:
    """One page of the editor: a top-level key of the application."""

    key: str
    heading: str
    spec: FieldSpec


def _numbers(node: dict[str, Any]) -> tuple[float | None, float | None]:
    low = node.get("minimum", node.get("ge", node.get("exclusiveMinimum")))
    high = node.get("maximum", node.get("le", node.get("exclusiveMaximum")))
    return low, high


def _spec(
    key: str, node: dict[str, Any], defs: dict[str, Any], required: bool, *, cell: bool = False
) -> FieldSpec:
    node = _deref(node, defs)
    if isinstance(node.get("type"), list):
        # The JSON types a YAML 1.2 reader may make of the value (an integer phone, a quoted
        # count, blank): the input is for the first one, or a list when one is allowed.
        listed = [t for t in node["type"] if t != "null"]
        node = {**node, "type": "array" if "array" in listed else listed[0]}
    description = str(node.get("description") or "")
    low, high = _numbers(node)
    if "anyOf" in node:
        branches = [_deref(b, defs) for b in node["anyOf"] if b.get("type") != "null"]
        arrays = [b for b in branches if b.get("type") == "array"]
        types = {b.get("type") for b in branches}
        if arrays:
            chosen = arrays[0]
        elif "number" in types:
            chosen = next(b for b in branches if b.get("type") == "number")
        elif types == {"integer"} or len(branches) == 1:
            chosen = branches[0]
        else:
            chosen = {"type": "string"}
        merged = {**chosen, **{k: v for k, v in node.items() if k not in ("anyOf", "type")}}
        for k in ("minimum", "maximum", "ge", "le"):
            if k in chosen:
                merged[k] = chosen[k]
        return _spec(key, merged, defs, required, cell=cell)
    kind = node.get("type")
    if "enum" in node:
        return FieldSpec(key, "enum", required, description, tuple(map(str, node["enum"])))
    if kind == "array":
        items = _deref(node.get("items", {}), defs)
        if items.get("type") == "object" or "properties" in items:
            columns = _members(items, defs, cell=True)
            return FieldSpec(key, "table", required, description, columns=columns)
        return FieldSpec(key, "files" if key == FIELD_FILES else "list", required, description)
    if kind == "object" or "properties" in node:
        return FieldSpec(key, "object", required, description, columns=_members(node, defs))
    if kind in ("integer", "number"):
        return FieldSpec(key, kind, required, description, minimum=low, maximum=high)
    if node.get("format") == "date" or node.get(REGISTRY_TYPE) == "日期":
        return FieldSpec(key, "date", required, description)
    # Free optional text outside a table (单位简介, the opinions) may run to paragraphs.
    free = not cell and not required and not any(k in node for k in ("pattern", "minLength"))
    return FieldSpec(key, "textarea" if free else "text", required, description)


def _deref(node: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target = defs[node["$ref"].rsplit("/", 1)[-1]]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def _members(
    node: dict[str, Any], defs: dict[str, Any], *, cell: bool = False
) -> tuple[FieldSpec, ...]:
    required = set(node.get("required", []))
    return tuple(
        _spec(k, v, defs, k in required, cell=cell) for k, v in node.get("properties", {}).items()
    )


@lru_cache(maxsize=4)
def sections(profile: str | None = None, reg: Registry | None = None) -> tuple[Section, ...]:
    """Return the editor's pages: the application's top-level keys in the forms' order.

    Each page is headed as the 申报表 prints it (一 to 九, from the registry), the others (the
    评价表's 自评分, the 佐证材料) by their key. 十 is the office's (`with_office_opinion`), so it
    is no page of the base's editor.
    """
    reg = reg or registry()
    schema = json_schema(profile, reg=reg)
    defs = schema.get("$defs", {})
    required = set(schema.get("required", []))
    headings = {s.key: s.heading for s in reg.sections if s.heading}
    headings.update({c.label: c.heading for c in reg.root.columns if c.heading})
    hidden = {c.label for c in reg.root.columns if c.office_only or c.type == "认定批次"}
    out: list[Section] = []
    for key, node in schema["properties"].items():
        if key not in hidden:
            spec = _spec(key, node, defs, key in required)
            out.append(Section(key, headings.get(key) or key, spec))
    return tuple(out)


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


def _paths(
    data: Any, specs: tuple[FieldSpec, ...], path: tuple[str | int, ...] = ()
) -> Iterator[tuple[str | int, ...]]:
    """Yield every path an issue may name: the data's own and each schema key under it."""
    yield path
    if isinstance(data, list):
        for i, item in enumerate(data):
            yield from _paths(item, specs, (*path, i))
        return
    for spec in specs:
        child = data.get(spec.key) if isinstance(data, dict) else None
        yield from _paths(child, spec.columns, (*path, spec.key))


def validate_draft(data: dict[str, Any], base_dir: Path, *, with_report: bool = True) -> Draft:
    """Validate `data` as the library would a ``申报.yaml`` in `base_dir`; 预审 it when valid.

    Each issue carries ``path`` (dotted, e.g. ``讲师.0.学历``) so the page can show the message
    next to its input.
    """
    cleaned = clean(data)
    try:
        app = validate(cleaned, source=base_dir / YAML_NAME)
    except ValidationFailed as failed:
        by_label = {
            label(p): ".".join(map(str, p))
            for p in _paths(cleaned, tuple(s.spec for s in sections()))
            if p
        }
        issues = [
            {"path": by_label.get(i.field, ""), "field": i.field, "message": i.message}
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
        self.progress(30 if self.calls == 1 else 60, "转换申报表、评价表和封面（LibreOffice）")
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
                for rel_text in _as_list(
                    entry.get(FIELD_FILES) if isinstance(entry, dict) else None
                ):
                    path = PurePosixPath(rel_text.replace("\\", "/"))
                    if path.is_absolute() or ".." in path.parts:
                        continue
                    source = root.joinpath(*path.parts)
                    if source.is_file():
                        files[rel_text] = source.read_bytes()
    return data, files


def _as_list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)] if value else []


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
