"""Fill a .docx form template with a context dict and write the result atomically.

Why not ``DocxTemplate.render`` per document: docxtpl re-patches the template XML, re-compiles
the Jinja source and then runs two whole-document post-processing passes (``resolve_listing``
and ``fix_tables``) on every render, and these dominate its cost. `FormTemplate` patches and
compiles each XML part once, turns line breaks into ``<w:br/>`` while a value is being output
(the Jinja ``finalize`` hook), and writes the zip itself with fixed timestamps, so the same
context always gives byte-identical output. The compiled parts are kept on disk
(`jidi_docs._cache`, keyed by the template file's hash and the Jinja and docxtpl versions), so a
command that fills one form does not pay 0.15 s for importing docxtpl and compiling again.

Values are escaped (autoescape), so ``& < > " '`` and Jinja-looking text appear exactly as typed.
Characters that XML 1.0 forbids are removed from values, with a Chinese warning naming the
context path. A value equal to `jidi_docs.forms._context.MERGE_UP` makes its table cell a vertical
continuation of the cell above (``w:vMerge``).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import io
import marshal
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import CodeType
from typing import Any

import jinja2
from lxml import etree
from markupsafe import Markup, escape

from .. import _cache
from .._fs import write_files
from .._text import XML_FORBIDDEN
from ..errors import InternalError, TemplateError
from ._format import MERGE_UP
from ._wordtext import INVISIBLE, Styles, shown_characters, w

__all__ = ["FormTemplate", "check_package", "render_docx"]

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NS = {"w": _W}

#: Zip entry timestamp used for every output entry (the zip format's earliest date).
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

#: XML parts that may carry template tags.
_TAGGED_PART = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")

#: Characters XML 1.0 forbids (the loader removes them too, from what it reads).
_FORBIDDEN = XML_FORBIDDEN

#: Output of a line break / tab inside the ``<w:t>`` a tag sits in (same run, same formatting).
_BR = '</w:t><w:br/><w:t xml:space="preserve">'
_TAB = '</w:t><w:tab/><w:t xml:space="preserve">'

#: tcPr children that must come after w:vMerge (ECMA-376 CT_TcPr sequence).
_AFTER_VMERGE = {
    f"{{{_W}}}{name}"
    for name in (
        "tcBorders",
        "shd",
        "noWrap",
        "tcMar",
        "textDirection",
        "tcFitText",
        "vAlign",
        "hideMark",
        "headers",
        "cellIns",
        "cellDel",
        "cellMerge",
        "tcPrChange",
    )
}


def _finalize(value: Any) -> Any:
    """Return `value` as escaped WordprocessingML text, with line breaks and tabs as elements.

    Why here: Jinja calls this for every ``{{ … }}`` output, so the line-break handling costs
    nothing for values without "\\n", instead of a regex pass over the whole document.
    """
    if isinstance(value, Markup):
        return value
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    escaped = str(escape(text))
    if "\n" in escaped:
        escaped = escaped.replace("\n", _BR)
    if "\t" in escaped:
        escaped = escaped.replace("\t", _TAB)
    return Markup(escaped)


def _make_env() -> jinja2.Environment:
    """Return the Jinja environment every template is compiled with."""
    return jinja2.Environment(
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
        keep_trailing_newline=True,
    )


def _describe(chars: str) -> str:
    """Return 'U+000B、U+0007' for the forbidden characters found (each once, in order)."""
    seen = dict.fromkeys(chars)
    return "、".join(f"U+{ord(c):04X}" for c in seen)


def _clean(value: Any, path: str, warnings: list[str]) -> Any:
    """Return a copy of `value` whose strings are safe for XML, recording what was removed."""
    if isinstance(value, str):
        if value == MERGE_UP:
            return value
        if "\r" in value:
            value = value.replace("\r\n", "\n").replace("\r", "\n")
        bad = _FORBIDDEN.findall(value)
        if bad:
            value = _FORBIDDEN.sub("", value)
            warnings.append(
                f"「{path}」含有 Word 文档不允许的控制字符（{_describe(''.join(bad))}），已删除。"
            )
        if MERGE_UP in value:
            value = value.replace(MERGE_UP, "")
            warnings.append(f"「{path}」含有内部使用的字符 U+E000，已删除。")
        return value
    if isinstance(value, Mapping):
        return {k: _clean(v, f"{path}.{k}" if path else str(k), warnings) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v, f"{path}[{i}]", warnings) for i, v in enumerate(value)]
    return value


def _tag_text(xml_line: str) -> str:
    """Return the visible text of one source line (XML tags dropped), shortened for messages."""
    text = re.sub(r"<[^>]+>", "", xml_line).strip()
    return text if len(text) <= 80 else text[:77] + "…"


def _grid_rows(tbl: etree._Element) -> list[dict[int, etree._Element]]:
    """Return, for each row of `tbl`, a map from grid column to the cell starting there.

    Header rows (w:tblHeader) map to no cells: a data cell is never merged into a label.
    """
    rows = []
    for tr in tbl.iterfind("w:tr", _NS):
        col = 0
        cells: dict[int, etree._Element] = {}
        if tr.find("w:trPr/w:tblHeader", _NS) is not None:
            rows.append(cells)
            continue
        for tc in tr.iterfind("w:tc", _NS):
            cells[col] = tc
            span = tc.find("w:tcPr/w:gridSpan", _NS)
            col += int(span.get(f"{{{_W}}}val", "1")) if span is not None else 1
        rows.append(cells)
    return rows


def _set_vmerge(tc: etree._Element, val: str | None) -> None:
    """Give a cell a w:vMerge (restart when `val` is "restart", continue when None)."""
    tcpr = tc.find("w:tcPr", _NS)
    if tcpr is None:
        tcpr = etree.Element(f"{{{_W}}}tcPr")
        tc.insert(0, tcpr)
    old = tcpr.find("w:vMerge", _NS)
    if old is not None:
        tcpr.remove(old)
    vmerge = etree.Element(f"{{{_W}}}vMerge")
    if val is not None:
        vmerge.set(f"{{{_W}}}val", val)
    for i, child in enumerate(tcpr):
        if child.tag in _AFTER_VMERGE:
            tcpr.insert(i, vmerge)
            return
    tcpr.append(vmerge)


def _apply_merges(xml: str) -> str:
    """Return `xml` with every cell whose whole text is MERGE_UP merged into the cell above."""
    root = etree.fromstring(xml.encode("utf-8"))
    for tbl in root.iter(f"{{{_W}}}tbl"):
        rows = _grid_rows(tbl)
        for i, cells in enumerate(rows):
            for col, tc in cells.items():
                texts = tc.findall(".//w:t", _NS)
                if "".join(t.text or "" for t in texts).strip() != MERGE_UP:
                    continue
                for t in texts:
                    t.text = ""
                above = rows[i - 1].get(col) if i > 0 else None
                if above is None:
                    continue  # nothing to merge into: the cell simply stays blank
                if above.find("w:tcPr/w:vMerge", _NS) is None:
                    _set_vmerge(above, "restart")
                _set_vmerge(tc, None)
    out = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return out.decode("utf-8")


def _cache_key(template: bytes) -> str:
    """The cache entry of a template's compiled parts: its bytes, and what compiles them."""
    spec = importlib.util.find_spec("docxtpl")  # its version decides the patching; not imported
    stamp = ""
    if spec is not None and spec.origin:
        with contextlib.suppress(OSError):
            info = Path(spec.origin).with_name("template.py").stat()
            stamp = f"{info.st_size}:{info.st_mtime_ns}"
    return _cache.key("template", jinja2.__version__, stamp, hashlib.sha256(template).digest())


def _cached_codes(entry: str, names: set[str]) -> dict[str, CodeType] | None:
    """The compiled parts stored under `entry`, or None when missing or not what is needed."""
    data = _cache.read("templates", entry)
    if data is None:
        return None
    try:
        codes = marshal.loads(data)  # written by this Python (its version is in the key)
    except (ValueError, EOFError, TypeError):
        return None
    if not isinstance(codes, dict) or set(codes) != names:
        return None
    if not all(isinstance(c, CodeType) for c in codes.values()):
        return None
    return codes


@dataclass(frozen=True)
class _Part:
    """One zip entry of the template; `compiled` is set for parts carrying template tags."""

    name: str
    data: bytes
    compiled: jinja2.Template | None


class FormTemplate:
    """A .docx template loaded and compiled once, able to render many contexts.

    Use `FormTemplate.load(path)`, then `render(context, out_path)` as often as needed.
    """

    def __init__(self, name: str, parts: list[_Part]) -> None:
        """Build from already compiled parts; use `load` instead."""
        self.name = name
        self._parts = parts

    @classmethod
    def load(cls, path: Path | str) -> FormTemplate:
        """Return the template at `path`, with its tagged XML parts patched and compiled.

        Raises:
            TemplateError: the file is missing, not a .docx, or its template tags are broken.
        """
        path = Path(path)
        name = path.name
        try:
            raw = path.read_bytes()
            with zipfile.ZipFile(io.BytesIO(raw)) as zf:
                entries = [(info.filename, zf.read(info)) for info in zf.infolist()]
        except FileNotFoundError:
            raise TemplateError(f"找不到模板文件 {path}。") from None
        except (zipfile.BadZipFile, OSError) as exc:
            raise TemplateError(f"模板 {name} 不是有效的 Word（.docx）文件：{exc}") from exc
        if not any(n == "word/document.xml" for n, _ in entries):
            raise TemplateError(
                f"模板 {name} 不是有效的 Word（.docx）文件：缺少 word/document.xml。"
            )
        env = _make_env()
        tagged = {
            n: data.decode("utf-8") for n, data in entries if _TAGGED_PART.match(n) and b"{" in data
        }
        entry = _cache_key(raw)
        codes = _cached_codes(entry, set(tagged))
        if codes is None:
            from docxtpl import DocxTemplate  # its tag patching only; imported when compiling

            patcher = DocxTemplate(path)
            codes = {n: cls._compile(env, patcher, name, n, xml) for n, xml in tagged.items()}
            _cache.write("templates", entry, marshal.dumps(codes))
        parts = [
            _Part(
                n,
                data,
                env.template_class.from_code(env, codes[n], env.make_globals(None))
                if n in codes
                else None,
            )
            for n, data in entries
        ]
        return cls(name, parts)

    @staticmethod
    def _compile(
        env: jinja2.Environment, patcher: Any, name: str, part_name: str, xml: str
    ) -> CodeType:
        """Return the compiled Jinja template (its Python code) for one XML part.

        Each paragraph starts a new source line, so a syntax error's line number points at the
        paragraph holding the broken tag, whose text we quote to the user.
        """
        src = patcher.patch_xml(xml)
        # Keep spaces at the start/end of values: Word drops them without xml:space.
        src = src.replace("<w:t>", '<w:t xml:space="preserve">')
        src = re.sub(r"<w:p([ >])", r"\n<w:p\1", src)
        try:
            return env.compile(src)
        except jinja2.TemplateSyntaxError as exc:
            lines = src.splitlines()
            line = exc.lineno or 0
            text = _tag_text(lines[line - 1]) if 0 < line <= len(lines) else ""
            where = f"{part_name} 第 {line} 行"
            near = f"，该处文字为「{text}」" if text else ""
            raise TemplateError(
                f"模板 {name} 中的模板标签有语法错误（{where}{near}）：{exc.message}。"
                f"请检查 {{{{ }}}} 与 {{% %}} 是否成对、拼写是否正确。"
            ) from exc

    def render_bytes(
        self, context: Mapping[str, Any], *, compress: bool = True
    ) -> tuple[bytes, list[str]]:
        """Return the filled .docx as bytes, and the Chinese warnings about the values.

        `compress=False` stores the parts as they are (a valid .docx, about seven times larger):
        for a document only LibreOffice reads, where deflating cost ~3 ms of each one.

        Raises:
            TemplateError: the template uses a field the context does not have.
        """
        warnings: list[str] = []
        clean = _clean(context, "", warnings)
        out = io.BytesIO()
        method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
        with zipfile.ZipFile(out, "w", method) as zf:
            for part in self._parts:
                data = part.data
                if part.compiled is not None:
                    data = self._render_part(part, clean).encode("utf-8")
                info = zipfile.ZipInfo(part.name, date_time=_ZIP_TIME)
                info.compress_type = method
                info.external_attr = 0o644 << 16
                zf.writestr(info, data)
        return out.getvalue(), warnings

    def _render_part(self, part: _Part, context: Mapping[str, Any]) -> str:
        """Return one rendered XML part, with vertical merges applied."""
        assert part.compiled is not None
        try:
            xml = part.compiled.render(context)
        except jinja2.UndefinedError as exc:
            raise TemplateError(
                f"模板 {self.name} 使用了数据中没有的字段（{part.name}）：{exc.message}。"
                "请检查模板中 {{ }} 里的字段名。"
            ) from exc
        except jinja2.TemplateError as exc:
            raise TemplateError(f"模板 {self.name} 填写失败（{part.name}）：{exc}") from exc
        xml = xml.replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>")
        if MERGE_UP in xml:
            xml = _apply_merges(xml).replace(MERGE_UP, "")
        return xml

    def render(
        self, context: Mapping[str, Any], out_path: Path | str, *, force: bool = False
    ) -> list[str]:
        """Write the filled .docx to `out_path` atomically and return Chinese warnings.

        The file appears only when complete and re-openable: the bytes are checked with
        `check_package`, then written with `jidi_docs._fs.write_files` (which never replaces a
        file jidi_docs did not write, unless `force`).

        Raises:
            TemplateError: the template uses a field the context does not have.
            InternalError: the result cannot be reopened (a bug in jidi_docs).
            OutputError: `out_path` cannot be written, or is not ours.
        """
        data, warnings = self.render_bytes(context)
        out_path = Path(out_path)
        check_package(data, f"由模板 {self.name} 生成的 {out_path.name} ")
        write_files({out_path: data}, force=force)
        return warnings


def _as_written(value: str) -> list[str]:
    """The runs of text `value` leaves in the body: forbidden characters dropped, and line
    breaks and tabs written as elements (so not part of any text node)."""
    cleaned = _FORBIDDEN.sub("", value).replace(MERGE_UP, "")
    return [piece for piece in re.split(r"[\r\n\t]", cleaned) if piece]


def _has(zf: zipfile.ZipFile, name: str) -> bool:
    try:
        zf.getinfo(name)
    except KeyError:
        return False
    return True


def check_package(data: bytes, what: str, *, expect: Sequence[str] = ()) -> None:
    """Raise `InternalError` unless `data` is a .docx package that opens and holds `expect`.

    Why not reopen with python-docx: that costs a third of rendering a form (22 ms of 65 in a
    batch), mostly building objects never used. This check reads what a Word processor needs
    first: the zip directory, the content types and package relationships, and the document
    body, each parsed as XML; `expect` (values filled in, such as the 单位名称) must be among the
    text Word shows (`jidi_docs.forms._wordtext`: a template restyled in Word may carry
    deleted text, field codes or hidden text, which must not count as the value).

    Args:
        data: the .docx bytes.
        what: the document, as named in the message.
        expect: values the filled document must contain, as they were given to the template.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for part in ("[Content_Types].xml", "_rels/.rels"):
                etree.fromstring(zf.read(part))
            root = etree.fromstring(zf.read("word/document.xml"))
            styles = zf.read("word/styles.xml") if expect and _has(zf, "word/styles.xml") else None
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError) as exc:
        raise InternalError(f"{what}无法重新打开：{exc}") from exc
    if not expect:
        return
    body = root.find(w("body"))
    text = shown_characters(body, Styles.from_xml(styles)) if body is not None else ""
    # Zero-width characters in a value are written but read as nothing, like Word shows them.
    missing = [v for v in expect if any(p.translate(INVISIBLE) not in text for p in _as_written(v))]
    if missing:
        raise InternalError(f"{what}中缺少已填写的内容：{'、'.join(missing)}")


def render_docx(
    template: Path | str, context: Mapping[str, Any], out_path: Path | str
) -> list[str]:
    """Load `template`, write it filled with `context` to `out_path`, return Chinese warnings.

    For many documents, load a `FormTemplate` once and call its `render` instead.
    """
    return FormTemplate.load(template).render(context, out_path)
