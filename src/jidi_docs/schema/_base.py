"""The strict pydantic base every input model shares."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from typing_extensions import Self  # typing.Self from Python 3.11

#: One frozen copy of each combination of given field names, shared by all instances.
_FIELD_SETS: dict[frozenset[str], frozenset[str]] = {}


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

    def model_post_init(self, context: Any, /) -> None:
        """Share the set of given field names with every instance given the same ones.

        Why: pydantic keeps that set per instance, about 700 bytes for five or more fields, more
        than a table row's own values; 20,000 lecturer rows carried 14 MB of identical sets.
        The shared set is frozen; an instance gets its own again before pydantic changes it
        (attribute assignment, `model_copy`).
        """
        given = frozenset(self.__pydantic_fields_set__)
        object.__setattr__(self, "__pydantic_fields_set__", _FIELD_SETS.setdefault(given, given))

    def _own_fields_set(self) -> Self:
        if isinstance(self.__pydantic_fields_set__, frozenset):
            object.__setattr__(self, "__pydantic_fields_set__", set(self.__pydantic_fields_set__))
        return self

    def __setattr__(self, name: str, value: Any) -> None:
        self._own_fields_set()
        super().__setattr__(name, value)

    def __delattr__(self, name: str) -> None:
        self._own_fields_set()
        super().__delattr__(name)

    def __copy__(self) -> Self:
        return super().__copy__()._own_fields_set()

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Self:
        return super().__deepcopy__(memo)._own_fields_set()
