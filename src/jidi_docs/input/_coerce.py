"""Arguments of the library's functions, taken the way a script writer passes them.

`render`, `check` and `bundle` take an `Application` or the path of its YAML file (``str`` or
any path-like); dates are a `datetime.date` or ISO text. A value of the wrong kind raises
`TypeError` naming the parameter and what it takes, instead of an ``AttributeError`` from deep
inside.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from ..schema._model import Application
from ._load import load

__all__ = ["as_application", "as_date", "as_positive_int"]


def as_application(value: Any, name: str = "app") -> Application:
    """Return `value` if it is an `Application`; load it if it is a path.

    Raises:
        TypeError: neither an Application nor a path.
        InputError / ValidationFailed: the file cannot be read or is wrong.
    """
    if isinstance(value, Application):
        return value
    if isinstance(value, (str, os.PathLike)):
        return load(Path(value))
    raise TypeError(
        f"参数 {name} 应为 Application（jidi_docs.load 的结果）或申报 YAML 文件的路径，"
        f"而不是 {type(value).__name__}"
    )


def as_date(value: Any, name: str = "date") -> dt.date | None:
    """Return `value` as a date: None, a `date`, or ISO text such as ``2021-08-10``.

    Raises:
        TypeError: not a date, not text, or text that is not an ISO date.
    """
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise TypeError(f"参数 {name} 应为 datetime.date 或 YYYY-MM-DD 格式的文字，而不是 {value!r}")


def as_positive_int(value: Any, name: str) -> int | None:
    """Return `value` if it is None or a positive int (``True`` is not a count).

    Raises:
        TypeError: anything else.
    """
    if value is None or (isinstance(value, int) and not isinstance(value, bool) and value > 0):
        return value
    raise TypeError(f"参数 {name} 应为正整数，而不是 {value!r}")
