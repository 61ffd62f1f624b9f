"""Django settings for static type checking only (mypy's django-stubs plugin imports them).

The portal never runs with this module: ``jidi-docs serve`` configures Django in code
(`_settings.configure`). These are the same settings, built for a scratch data folder.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from ._settings import Options, build_settings

globals().update(
    build_settings(Options(data_dir=Path(tempfile.gettempdir()) / "jidi-docs-typecheck"))
)
