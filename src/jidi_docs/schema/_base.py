"""The strict pydantic base every input model shares."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class StrictModel(BaseModel):
    """Base of all input models: unknown keys are errors, Chinese labels are the YAML keys.

    Why: ``extra="forbid"`` turns a typo like ``讲师姓明`` into an error with a suggestion instead of
    silently dropping the value; ``populate_by_name`` lets Python callers use the English names.
    """

    model_config = ConfigDict(
        extra="forbid",
        populate_by_name=True,
        validate_default=True,
        str_strip_whitespace=False,
        frozen=False,
    )
