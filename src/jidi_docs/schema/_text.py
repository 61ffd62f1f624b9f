"""Required text: what counts as empty."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

__all__ = ["Text"]

#: What counts as blank: every Unicode space (str.isspace: U+3000, U+00A0 …) and the zero-width
#: characters a copy from a web page or Word brings along.
_BLANK = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]*")


def _not_blank(value: str) -> str:
    """Refuse text made only of spaces, with the message of an empty value (不能为空)."""
    if _BLANK.fullmatch(value):
        raise PydanticCustomError("string_too_short", "不能为空", {"min_length": 1})
    return value


#: Required text: at least one character that is not a space.
Text = Annotated[
    str, Field(min_length=1, json_schema_extra={"pattern": r"\S"}), AfterValidator(_not_blank)
]
