"""Convert .docx files to PDF with LibreOffice, safely and in batches.

Why one call for many documents: a LibreOffice start costs about a second, an extra document in the
same call about 0.15 s (`benchmarks/bundle.py`), so `SofficeConverter.convert` hands all documents to one
``soffice --headless --convert-to pdf`` process. Documents rendered from the same template are
first merged into one document (`jidi_docs.forms.merge_alike`), which saves LibreOffice's per-document
set-up too; its PDF is split back into one per document. Unused styles are left out (`jidi_docs.forms.make_lean`).

Why a private profile per converter: two soffice processes sharing a profile directory silently lose
output (the second exits 1 without a PDF), and a user's own open LibreOffice holds the default
profile. Each `SofficeConverter` therefore creates its own ``-env:UserInstallation`` directory and
removes it on `close`.

Why every output is checked: soffice exits 0 even when a document fails, so we never trust the exit
code alone; every expected PDF must exist and contain at least one page. Missing documents are
retried once in a fresh process (a crash often takes the rest of the batch with it).

How each LibreOffice of ours runs (flags, fonts, cached profile, temp folder): `_soffice`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import subprocess
import tempfile
import threading
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from typing_extensions import Self

from .. import _platform, _procs
from .._lazy import OnFirstUse
from ..errors import ConversionError
from . import _fonts, _soffice

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from types import TracebackType

    import pikepdf

    from .. import forms
else:  # imported when first used: `SofficeConverter.prestart` must not wait for them
    pikepdf, forms = OnFirstUse("pikepdf"), OnFirstUse("jidi_docs.forms")

__all__ = ["INSTALL_HINT", "Converter", "SofficeConverter", "find_soffice", "is_available"]

logger = logging.getLogger(__name__)

#: What a user on Debian/Ubuntu runs to get everything conversion needs (for every operating
#: system: `jidi_docs.pdf._soffice.missing_message`).
INSTALL_HINT = "sudo apt-get install libreoffice-writer-nogui fonts-noto-cjk"

#: Word 2007+ output, for reading a .doc or .wps (`SofficeConverter.to_docx`).
_DOCX = "docx:MS Word 2007 XML"
#: PDF export that also writes Word bookmarks as named destinations (LibreOffice 7.4+ reads the
#: JSON options; older versions ignore them, and merged documents then fall back to one by one).
_PDF_WITH_DESTINATIONS = (
    'pdf:writer_pdf_Export:{"ExportBookmarksToPDFDestination":{"type":"boolean","value":"true"}}'
)
#: The export option that makes LibreOffice write PDF/A-2b.
_PDFA2 = '"SelectPdfVersion":{"type":"long","value":"2"}'


def _pdfa_filter(pdf_filter: str) -> str:
    """Return `pdf_filter` (a PDF export filter) with PDF/A-2b selected as well."""
    if pdf_filter == "pdf":
        return "pdf:writer_pdf_Export:{" + _PDFA2 + "}"
    head, _, options = pdf_filter.partition("{")
    return f"{head}{{{_PDFA2},{options}"


class Converter(Protocol):
    """Something that turns documents into PDFs; `SofficeConverter` is the real one."""

    def convert(self, docs: Sequence[Path], out_dir: Path) -> list[Path]:
        """Return one PDF path per input document, in the same order, written into `out_dir`."""
        ...


def find_soffice(soffice: str | os.PathLike[str] | None = None) -> str | None:
    """Return the LibreOffice program, or None.

    Looked for in this order: `soffice` (a program, its folder or LibreOffice.app), the
    ``JIDI_DOCS_SOFFICE`` environment variable, PATH, then where the installers of this operating
    system put it (`jidi_docs._platform.find_soffice`).
    """
    return _platform.find_soffice(soffice).path


def is_available() -> bool:
    """`True` when LibreOffice can be found, so `SofficeConverter` can be created."""
    return find_soffice() is not None


def _pdf_page_count(path: Path) -> int:
    """Return the page count of `path`, or 0 when it is missing or not a readable PDF."""
    if not path.is_file() or path.stat().st_size == 0:
        return 0
    try:
        with pikepdf.open(path) as pdf:
            return len(pdf.pages)
    except (pikepdf.PdfError, OSError):
        return 0


def _decode(output: bytes | None) -> str:
    """soffice's output as text: UTF-8 whatever the locale, never failing on a stray byte."""
    return (output or b"").decode("utf-8", errors="replace")


class SofficeConverter:
    """Convert documents to PDF with headless LibreOffice, using a private profile.

    Use it as a context manager so the profile directory is removed::

        with SofficeConverter() as conv:
            pdfs = conv.convert([a_docx, b_docx], out_dir)

    One instance runs one soffice process at a time; give each thread or process its own
    instance to convert in parallel.

    Args:
        timeout: seconds allowed for LibreOffice to start (and for a first document).
        timeout_per_document: seconds added to `timeout` for every document in one call.
        soffice: the LibreOffice program (or its folder); when None it is found through
            ``JIDI_DOCS_SOFFICE``, PATH and the standard install places (`find_soffice`).
        merge: convert documents made from one template as one merged document and split the
            PDF back (see `jidi_docs.forms.merge_alike`); about twice as fast for batches of forms.
        pdfa: write PDF/A-2b (LibreOffice's ``SelectPdfVersion`` export option); documents are
            then converted unmerged, since a PDF split from a merged one loses its PDF/A
            identification.

    Raises:
        ConversionError: LibreOffice is not found (the message lists the places tried).
    """

    def __init__(
        self,
        *,
        timeout: float = 120.0,
        timeout_per_document: float = 30.0,
        soffice: str | None = None,
        merge: bool = True,
        pdfa: bool = False,
    ) -> None:
        search = _platform.find_soffice(soffice)
        if search.path is None:
            raise ConversionError(_soffice.missing_message(search))
        self.soffice = search.path
        self.timeout = timeout
        self.timeout_per_document = timeout_per_document
        self.merge = merge
        self.pdfa = pdfa
        self._tmp = Path(tempfile.mkdtemp(prefix="jidi-soffice-"))
        try:  # an interrupt (Ctrl-C) right here must not leave the folder behind
            self._runs = 0
            self._closed = False
            self._prestarted: subprocess.Popen[bytes] | None = None
            self._stopping: threading.Thread | None = None  # stopping the prestarted one
            #: Held while a LibreOffice is started, and by `close`: none starts after it.
            self._starting = threading.Lock()
            self._profile = self._tmp / "profile0"
            self._fontconfig = _soffice.write_fontconfig(self._tmp)
        except BaseException:
            shutil.rmtree(self._tmp, ignore_errors=True)
            raise

    # -- lifetime -----------------------------------------------------------------------------

    def close(self) -> None:
        """Stop any LibreOffice of ours still running, then remove the profile and scratch files.

        A conversion still running in another thread then fails instead of retrying.
        """
        with self._starting:
            self._closed = True
        if self._stopping is not None:
            self._stopping.join()
        self._kill_ours(self._tmp)
        shutil.rmtree(self._tmp, ignore_errors=True)

    def prestart(self) -> bool:
        """Start LibreOffice now, before there is anything to convert; return whether it started.

        Why: a LibreOffice start takes over a second. Started first thing (``jidi-docs bundle``),
        it starts up while Python imports and fills the forms; the first conversion's soffice
        then hands its documents to it (soffice passes a request on to the LibreOffice already
        using its profile) and ends when they are converted. It is stopped after that conversion,
        as always; its output goes to ``prestart.log`` in the scratch folder. Only with a profile
        copied from the cache (`jidi_docs.pdf._soffice`), so the cache still gets filled;
        otherwise, or when it cannot start, nothing happens. Whatever becomes of it, every
        output is checked and a missing one converted again in a fresh LibreOffice (`collect`).
        """
        if self._runs or self._prestarted is not None:
            return False
        if (self._profile / "user").is_dir() or not _soffice.seed_profile(
            self.soffice, self._profile
        ):
            return False
        cmd = [self.soffice, f"-env:UserInstallation={self._profile.as_uri()}", *_soffice.FLAGS]
        with self._starting:
            if self._closed:
                return False
            try:
                with (self._tmp / "prestart.log").open("wb") as log:
                    self._prestarted = _platform.start_tree(
                        cmd, env=self._env(), stdin=subprocess.DEVNULL, stdout=log, stderr=log
                    )
            except OSError as e:
                logger.debug("LibreOffice could not be started ahead: %s", e)
                return False
        return True

    def _check_open(self) -> None:
        if self._closed:
            raise ConversionError("LibreOffice 转换已停止：转换器已关闭。")

    def _kill_ours(self, folder: Path) -> None:
        """Stop our LibreOffices whose command line names `folder` (a profile, or the scratch
        folder for all), with the request socket a stopped one leaves (``/tmp/OSL_PIPE_…``),
        and collect the exit of the one `prestart` started."""
        _procs.kill_matching(folder.as_uri(), sockets=_soffice.SOCKETS)
        if self._prestarted is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._prestarted.wait(timeout=5)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- public -------------------------------------------------------------------------------

    #: True when LibreOffice converts after `submit` returns (a running one, `WarmConverter`).
    background = False

    def convert(self, docs: Sequence[Path], out_dir: Path) -> list[Path]:
        """Return the PDFs converted from `docs` (same order), written into `out_dir`.

        Each PDF is named after its document (``申报表.docx`` → ``申报表.pdf``); documents sharing
        a name get ``-2``, ``-3`` … suffixes, so no output overwrites another.

        Raises:
            ConversionError: a document is missing, LibreOffice timed out, or a document still
                gave no PDF (or an empty one) after one retry.
        """
        return self.collect(self.submit(docs, out_dir))

    def submit(self, docs: Sequence[Path], out_dir: Path) -> Submitted:
        """Hand `docs` to LibreOffice; `collect` then returns their PDFs, as `convert` does.

        Why two steps: a running LibreOffice (`WarmConverter`) converts while the caller goes on
        with other work, e.g. preparing the next documents. This one-shot converter converts
        here already. Collect each submission before the next one; documents that failed are
        retried in `collect`.

        Raises:
            ConversionError: a document is missing, or LibreOffice timed out.
        """
        self._check_open()
        docs = [Path(d) for d in docs]
        if not docs:
            return Submitted([], [], self._tmp, [])
        for doc in docs:
            if not doc.is_file():
                raise ConversionError(f"要转换的文档不存在：{doc}")
        out_dir.mkdir(parents=True, exist_ok=True)
        targets = _target_names(docs, out_dir)

        # Stage copies under neutral ASCII names: output names become predictable, a user's
        # lock files never appear next to their documents, and two inputs named alike
        # (a/表.docx, b/表.docx) cannot overwrite each other's PDF.
        self._runs += 1
        stage = self._tmp / f"run{self._runs}"
        stage_in, stage_out = stage / "in", stage / "out"
        stage_in.mkdir(parents=True)
        stage_out.mkdir()
        staged = []
        for i, doc in enumerate(docs):
            s = stage_in / f"d{i:04d}{doc.suffix.lower()}"
            shutil.copyfile(doc, s)
            staged.append(s)
        sub = Submitted(docs, targets, stage, staged)
        # Documents of one template go through LibreOffice as one merged document; any whose
        # part cannot be split back out is simply converted alone in `collect`.
        sub.merged = forms.merge_alike(staged, stage) if self.merge and not self.pdfa else []
        together = {i for _, members in sub.merged for i in members}
        alone = [d for i, d in enumerate(staged) if i not in together]
        run = forms.make_lean([path for path, _ in sub.merged] + alone)
        pdf_filter = _PDF_WITH_DESTINATIONS if sub.merged else "pdf"
        sub.run = self._begin(run, stage_out, self._profile, pdf_filter)
        return sub

    def collect(self, sub: Submitted) -> list[Path]:
        """Return the PDFs of a `submit`, once LibreOffice has made them (see `convert`).

        Raises:
            ConversionError: LibreOffice timed out, or a document still gave no PDF (or an
                empty one) after one retry.
        """
        if not sub.docs:
            return []
        stage_out = sub.stage / "out"
        last = self._end(sub.run)
        forms.split_merged(sub.merged, stage_out, lambda i: stage_out / f"d{i:04d}.pdf")
        pending = [
            i for i in range(len(sub.docs)) if _pdf_page_count(stage_out / f"d{i:04d}.pdf") < 1
        ]
        # Without merging, the submitted run was the first attempt.
        for attempt in (1, 2) if sub.merged else (2,):
            if pending and attempt == 2:
                logger.warning(
                    "LibreOffice 未能转换 %d 个文档（退出码 %s），正在重试：%s",
                    len(pending),
                    last.returncode,
                    "、".join(sub.docs[i].name for i in pending),
                )
                # A crashed run can leave a half-written profile behind; retry with a new one.
                self._profile = self._tmp / f"profile{self._runs}"
            if not pending:
                break
            last = self._run([sub.staged[i] for i in pending], stage_out, self._profile)
            pending = [i for i in pending if _pdf_page_count(stage_out / f"d{i:04d}.pdf") < 1]
        if pending:
            names = "、".join(str(sub.docs[i]) for i in pending)
            tail = (last.stderr or last.stdout or "").strip()[-1500:]
            msg = (
                f"LibreOffice 没有为以下文档生成有效的 PDF（已重试一次）：{names}。"
                "请用 Word 或 LibreOffice 打开这些文档，确认它们没有损坏。"
            )
            if tail:
                msg += f"\nLibreOffice 输出：{tail}"
            raise ConversionError(msg, stderr=last.stderr or "", returncode=last.returncode)

        for i, target in enumerate(sub.targets):
            (stage_out / f"d{i:04d}.pdf").replace(target)
        shutil.rmtree(sub.stage, ignore_errors=True)
        return sub.targets

    def to_docx(self, doc: Path, out_dir: Path) -> Path:
        """Return `doc` (Word 97–2003 .doc, WPS .wps …) converted to .docx, written into `out_dir`.

        Raises:
            ConversionError: the document is missing, LibreOffice timed out, or no readable
                .docx came out (soffice exits 0 even then).
        """
        self._check_open()
        doc = Path(doc)
        if not doc.is_file():
            raise ConversionError(f"要转换的文档不存在：{doc}")
        self._runs += 1
        stage = self._tmp / f"run{self._runs}"
        stage.mkdir(parents=True)
        staged = stage / f"d0000{doc.suffix.lower()}"
        shutil.copyfile(doc, staged)
        proc = self._run([staged], stage, self._profile, pdf_filter=_DOCX)
        made = stage / "d0000.docx"
        if not zipfile.is_zipfile(made):
            tail = (proc.stderr or proc.stdout or "").strip()[-1500:]
            raise ConversionError(
                f"LibreOffice 没能把 {doc} 转换成 .docx。请用 Word 或 WPS 打开它，"
                "确认文件没有损坏，然后另存为 .docx 再试。"
                + (f"\nLibreOffice 输出：{tail}" if tail else ""),
                stderr=proc.stderr or "",
                returncode=proc.returncode,
            )
        out_dir.mkdir(parents=True, exist_ok=True)
        target = out_dir / f"{doc.stem}.docx"
        made.replace(target)
        shutil.rmtree(stage, ignore_errors=True)
        return target

    # -- internals ----------------------------------------------------------------------------

    def _begin(self, docs: list[Path], out_dir: Path, profile: Path, pdf_filter: str) -> object:
        """Start converting `docs` into `out_dir`; `_end` waits for it. Here: converts at once."""
        return self._run(docs, out_dir, profile, pdf_filter=pdf_filter)

    def _end(self, run: object) -> subprocess.CompletedProcess[str]:
        """Wait for the conversion `_begin` started; return how it ended."""
        assert isinstance(run, subprocess.CompletedProcess)
        return run

    @contextlib.contextmanager
    def exporting(self, *, pdfa: bool) -> Iterator[Self]:
        """Within the block, write PDF/A-2b or not, whatever this converter was made with.

        For a converter kept running across jobs (`jidi_docs.pdf.WarmConverter` in the portal),
        where one job asks for PDF/A and the next does not. Not while another thread converts
        with it.
        """
        before = self.pdfa
        self.pdfa = pdfa
        try:
            yield self
        finally:
            self.pdfa = before

    def _export_filter(self, pdf_filter: str) -> str:
        """Return the ``--convert-to`` filter to use: with PDF/A-2b selected when `pdfa`."""
        if self.pdfa and pdf_filter.startswith("pdf"):
            return _pdfa_filter(pdf_filter)
        return pdf_filter

    def _run(
        self, docs: list[Path], out_dir: Path, profile: Path, *, pdf_filter: str = "pdf"
    ) -> subprocess.CompletedProcess[str]:
        """Run one soffice process over `docs`; kill its whole tree on timeout or interrupt."""
        if self._stopping is not None:  # the prestarted one must be gone: it shares the profile
            self._stopping.join()
        made = not (profile / "user").is_dir() and not _soffice.seed_profile(self.soffice, profile)
        if made:
            _fonts.write_substitution_table(profile)
        pdf_filter = self._export_filter(pdf_filter)
        cmd = [
            self.soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            *_soffice.FLAGS,
            "--convert-to",
            pdf_filter,
            "--outdir",
            str(out_dir),
            *(str(d) for d in docs),
        ]
        env = self._env()
        timeout = self.timeout + self.timeout_per_document * len(docs)
        with self._starting:
            self._check_open()  # closed from another thread: no LibreOffice after `close`
            proc = _platform.start_tree(cmd, env=env)  # output as bytes, decoded below
        try:
            out, err = _procs.communicate(proc, timeout)  # in slices: Ctrl-C on Windows
        except subprocess.TimeoutExpired:
            _procs.kill_tree(proc.pid, sockets=_soffice.SOCKETS)
            _, err = proc.communicate()
            raise ConversionError(
                f"LibreOffice 转换超时（{timeout:.0f} 秒内未完成 {len(docs)} 个文档），已终止。"
                "请检查文档是否过大或损坏，或关闭占用资源的程序后重试。",
                stderr=_decode(err),
                returncode=proc.returncode,
            ) from None
        except BaseException:
            _procs.kill_tree(proc.pid, sockets=_soffice.SOCKETS)
            proc.communicate()
            _procs.kill_matching(profile.as_uri(), sockets=_soffice.SOCKETS)
            raise
        # soffice.bin can outlive the launcher on odd exits, and a prestarted one keeps
        # running after converting: never leave either behind. The prestarted one is stopped
        # in the background (waiting for it to go takes ~50 ms); `close` waits for that.
        if self._prestarted is not None and self._stopping is None:
            self._stopping = threading.Thread(target=self._kill_ours, args=(profile,), daemon=True)
            self._stopping.start()
        else:
            _procs.kill_matching(profile.as_uri())
        if made and proc.returncode == 0:
            _soffice.store_profile(self.soffice, profile)
        return subprocess.CompletedProcess(cmd, proc.returncode, _decode(out), _decode(err))

    def _env(self) -> dict[str, str]:
        """The environment of our soffice processes (`jidi_docs.pdf._soffice.environment`)."""
        return _soffice.environment(self._fontconfig, self._tmp / "tmp")


@dataclass
class Submitted:
    """Documents handed to LibreOffice by `SofficeConverter.submit`, for `collect`."""

    docs: list[Path]
    targets: list[Path]
    stage: Path
    staged: list[Path]
    merged: list[tuple[Path, list[int]]] = field(default_factory=list)
    #: The converter's handle on the LibreOffice run in progress.
    run: object = None


def _target_names(docs: Sequence[Path], out_dir: Path) -> list[Path]:
    """Return one distinct ``<stem>.pdf`` path in `out_dir` per document."""
    seen: dict[str, int] = {}
    targets = []
    for doc in docs:
        stem = doc.stem
        n = seen.get(stem.casefold(), 0) + 1
        seen[stem.casefold()] = n
        targets.append(out_dir / (f"{stem}.pdf" if n == 1 else f"{stem}-{n}.pdf"))
    return targets
