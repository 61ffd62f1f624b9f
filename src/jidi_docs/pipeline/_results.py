"""What a batch reports: one result per application, and the progress events on the way."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ._summary import SummaryRow

__all__ = ["BatchResult", "ItemResult", "ProgressEvent", "Status"]

Status = Literal["built", "skipped", "failed", "left_out", "unfinished"]


@dataclass(frozen=True)
class ItemResult:
    """What happened to one application of a batch.

    Attributes:
        source: the YAML file.
        display: the file as shown in the 汇总表 and messages (relative to its input folder).
        status: ``built``, ``skipped`` (outputs already up to date), ``failed``, or
            ``left_out``: a copy of another file found, or another application of a unit met
            twice (`reason` says which); ``unfinished``: the batch was interrupted first.
        out_dir: the application's output folder (None when it could not be read).
        outputs: the files of the application in `out_dir` (also for ``skipped``).
        error: the Chinese error text when failed.
        warnings: Chinese notes from loading and rendering (e.g. removed control characters).
        row: the application's 汇总表 row.
        reason: why a ``left_out`` file was not built.
    """

    source: Path
    display: str
    status: Status
    out_dir: Path | None = None
    outputs: list[Path] = field(default_factory=list)
    error: str = ""
    warnings: list[str] = field(default_factory=list)
    row: SummaryRow | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        """`True` when the application's outputs exist and match its inputs."""
        return self.status != "failed"


@dataclass(frozen=True)
class BatchResult:
    """The outcome of `batch`: one `ItemResult` per application, in file order."""

    items: list[ItemResult]
    summary: tuple[Path, Path] | None = None
    #: YAML files found but not read, in hidden files or folders (relative to their input).
    hidden: list[str] = field(default_factory=list)

    def _with(self, status: Status) -> list[ItemResult]:
        return [i for i in self.items if i.status == status]

    @property
    def built(self) -> list[ItemResult]:
        """Applications whose outputs were (re)written in this run."""
        return self._with("built")

    @property
    def skipped(self) -> list[ItemResult]:
        """Applications whose outputs were already up to date."""
        return self._with("skipped")

    @property
    def unfinished(self) -> list[ItemResult]:
        """Applications not done when the batch was interrupted (Ctrl-C)."""
        return self._with("unfinished")

    @property
    def left_out(self) -> list[ItemResult]:
        """Copies and second applications of one unit, not built (each with its reason)."""
        return self._with("left_out")

    @property
    def failed(self) -> list[ItemResult]:
        """Applications that could not be built, each with its error."""
        return self._with("failed")

    @property
    def exit_code(self) -> int:
        """0 when every application succeeded, 3 when some failed, 1 when all of them failed."""
        if not self.failed:
            return 0
        return 1 if len(self.failed) == len(self.items) else 3


@dataclass(frozen=True)
class ProgressEvent:
    """Reported to `batch`'s `progress` callback after each application is done.

    Attributes:
        done: applications finished so far (built, skipped or failed).
        total: applications in the batch.
        item: the application just finished.
    """

    done: int
    total: int
    item: ItemResult
