"""Move a finished application from staging into its folder; the manifest goes last."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ._manifest import write_manifest
from ._plan import Job

__all__ = ["publish"]


def publish(job: Job, files: Sequence[Path]) -> list[Path]:
    """Move the finished `files` into the job's folder, then write its manifest (last)."""
    job.out_dir.mkdir(parents=True, exist_ok=True)
    outputs = []
    for f in files:
        target = job.out_dir / f.name
        f.replace(target)
        outputs.append(target)
    write_manifest(job.out_dir, job.source, job.digest, outputs)
    return outputs
