"""Arguments of the library's functions, taken the way a script writer passes them.

`render`, `check` and `bundle` take an `Application` or the path of its YAML file (``str`` or
any path-like; `jidi_docs.input._load.as_application`); folders and files are ``str`` or path-like; dates are a `datetime.date` or ISO
text. As Python's own functions do, a value of the wrong type raises `TypeError` and a value of
the right type that cannot be used (``"2021-13-45"``, ``jobs=0``) raises `ValueError` (a
`UserError`); both name the parameter and say, in Chinese, what it takes — instead of an English
``AttributeError`` from deep inside.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from ..errors import UserError

__all__ = ["as_date", "as_path", "as_positive_int"]


def as_date(value: Any, name: str = "date") -> dt.date | None:
    """Return `value` as a date: None, a `date`, or ISO text such as ``2021-08-10``.

    Raises:
        TypeError: neither a date nor text.
        UserError: text that is no date (``2021-13-45``); a ValueError.
    """
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise UserError(
                f"参数 {name} 不是有效的日期：{value!r}。请写成 YYYY-MM-DD，例如 2021-08-10。"
            ) from None
    raise TypeError(f"参数 {name} 应为 datetime.date 或 YYYY-MM-DD 格式的文字，而不是 {value!r}")


def as_path(value: Any, name: str, what: str = "文件夹") -> Path:
    """Return `value` as a `Path` if it is text or path-like.

    Raises:
        TypeError: anything else (None included), naming the parameter and what it takes.
    """
    if isinstance(value, (str, os.PathLike)):
        return Path(value)
    raise TypeError(
        f"参数 {name} 应为{what}的路径（str 或 pathlib.Path），而不是 {type(value).__name__}"
    )


def as_positive_int(value: Any, name: str) -> int | None:
    """Return `value` if it is None or a positive int (``True`` is not a count).

    Raises:
        TypeError: not an int.
        UserError: zero or less; a ValueError.
    """
    if value is None:
        return value
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"参数 {name} 应为正整数，而不是 {value!r}")
    if value <= 0:
        raise UserError(f"参数 {name} 应为正整数（1 或更大），而不是 {value}。")
    return value
