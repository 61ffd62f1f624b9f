"""What ``serve`` checks before it says the portal is running, so a clerk is never misled.

- The web extra: every module the portal imports is looked up (not imported) first; a missing
  one is named with the exact command that installs the extra into *this* Python.
- The data folder: the folders where an administrator was created are remembered in the
  platform's settings folder (`jidi_docs._platform.config_dir`). Started on a folder with no
  portal database (started from another working folder, a typo), ``serve`` stops and names the
  remembered ones instead of silently opening a new empty database nobody can log in to.
- The administrator: a database without one would start a portal nobody can use.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import sys
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from .. import _platform
from .._fs import atomic_write
from ..errors import PortalError, UserError
from ._settings import Options

__all__ = [
    "DATABASE_NAME",
    "check_data_dir",
    "install_command",
    "missing_modules",
    "remember",
    "remembered",
]

#: The embedded database's file in the data folder.
DATABASE_NAME = "portal.sqlite3"
_MEMORY = "portal.json"

#: Import name → the web extra's package that provides it.
_MODULES = {
    "django": "Django",
    "waitress": "waitress",
    "axes": "django-axes",
    "argon2": "argon2-cffi",
    "pypdfium2": "pypdfium2",
    "cheroot": "cheroot",
    "cryptography": "cryptography",
}


def missing_modules(*, postgresql: bool = False) -> list[str]:
    """Return the web extra's packages that cannot be imported here (none: all present)."""
    wanted = dict(_MODULES)
    if postgresql:
        wanted["psycopg"] = "psycopg"
    missing = []
    for module, package in wanted.items():
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):  # a stand-in set to None in sys.modules
            found = False
        if not found:
            missing.append(package)
    return missing


def install_command() -> str:
    """The command that installs the web extra into the Python running now.

    For a source checkout installed with ``pip install -e .`` (or from a folder) the extra
    comes from that folder; otherwise from the package index. The interpreter is named by its
    full path, so the command works in a venv without activating it; with pipx, pipx installs.
    """
    python = sys.executable
    target = '"jidi-docs[web]"'
    editable = False
    with contextlib.suppress(metadata.PackageNotFoundError, ValueError, TypeError):
        text = metadata.distribution("jidi-docs").read_text("direct_url.json")
        origin = json.loads(text or "{}")
        url = urlsplit(str(origin.get("url", "")))
        if url.scheme == "file":
            folder = url2pathname(url.path)  # file:///C:/… on Windows, file:///home/… elsewhere
            target = f'"{Path(folder)}[web]"'
            editable = bool(origin.get("dir_info", {}).get("editable"))
    if "pipx" in Path(sys.prefix).parts and not editable:
        return f"pipx install --force {target}"
    return f'"{python}" -m pip install {"-e " if editable else ""}{target}'


def _memory_file() -> Path:
    return _platform.config_dir() / _MEMORY


def remembered() -> list[Path]:
    """The data folders an administrator was created in, most recent first."""
    try:
        data = json.loads(_memory_file().read_text(encoding="utf-8"))
        return [Path(p) for p in data.get("data_dirs", []) if isinstance(p, str)]
    except (OSError, ValueError, AttributeError):
        return []


def remember(data_dir: Path) -> None:
    """Remember `data_dir` (an administrator was just created or restored in it).

    Best effort: an unwritable settings folder only costs the hint.
    """
    folder = str(data_dir.resolve())
    folders = [folder, *(str(p) for p in remembered() if str(p) != folder)][:20]
    text = json.dumps({"data_dirs": folders}, ensure_ascii=False, indent=1)
    with contextlib.suppress(OSError, UserError, ValueError):
        _memory_file().parent.mkdir(parents=True, exist_ok=True)
        with atomic_write(_memory_file(), force=True, record=False) as tmp:
            tmp.write_text(text, encoding="utf-8")


def check_data_dir(options: Options) -> None:
    """Refuse a data folder without the portal's database (embedded SQLite only).

    Raises:
        PortalError: naming the folders where an administrator was created, if any.
    """
    if options.database_url:
        return
    if (options.data_dir / DATABASE_NAME).is_file():
        return
    here = options.data_dir.resolve()
    known = [p for p in remembered() if p != here and (p / DATABASE_NAME).is_file()]
    if known:
        choices = "；".join(f'jidi-docs serve --data "{p}"' for p in known[:3])
        raise PortalError(
            f"数据文件夹“{here}”里没有网页版的数据。管理员是在另一个数据文件夹里创建的，"
            f"请用：{choices}"
        )
    raise PortalError(
        f"数据文件夹“{here}”里还没有网页版的数据。第一次使用请先创建管理员："
        f'jidi-docs serve --data "{here}" --create-admin 用户名；'
        "数据在别的文件夹里时，用 --data 指定那个文件夹。"
    )
