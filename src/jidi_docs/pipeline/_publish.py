"""Move a finished application from staging into its folder; the manifest goes last."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .._fs import write_files
from ._manifest import write_manifest
from ._plan import Job

__all__ = ["publish", "record"]


def publish(
    job: Job, files: Sequence[Path], *, force: bool = False, kept: Sequence[Path] = ()
) -> list[Path]:
    """Put the finished `files` into the job's folder together, then write its manifest (last).

    Files there that jidi_docs did not write are never replaced (unless `force`); the forms in
    `kept` (edited by hand, used as they are) are left in place and listed with the outputs.
    """
    keep = {p.name for p in kept}
    written = write_files(
        {job.out_dir / f.name: f for f in files if f.name not in keep}, force=force
    )
    return record(job, sorted([*written, *kept]), kept)


def record(job: Job, outputs: list[Path], kept: Sequence[Path] = ()) -> list[Path]:
    """Write the manifest of the job's folder, now holding all of its `outputs`; return them."""
    write_manifest(job.out_dir, job.source, job.digest, outputs, kept)
    return outputs
