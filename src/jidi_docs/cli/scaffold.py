"""``jidi-docs scaffold``: not written yet."""

from __future__ import annotations

from ._common import app  # noqa: F401
