"""The JSON Schema of the application YAML, for editors: keys are the forms' Chinese labels."""

from __future__ import annotations

from typing import Any

from ..schema._model import model_for
from ..schema._profile import Profile
from ._load import get_profile
from ._tables import allow_files_in_schema

__all__ = ["json_schema"]


def json_schema(profile: Profile | str | None = None) -> dict[str, Any]:
    """Return the JSON Schema of the application YAML, for editors (keys are the Chinese labels)."""
    chosen = profile if isinstance(profile, Profile) else get_profile(profile or "杭州-2021")
    schema = model_for(chosen).model_json_schema(by_alias=True, mode="validation")
    allow_files_in_schema(schema)  # each list may also name a spreadsheet: {文件: …}
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"杭州跨境电商人才社会培训基地认定申报（{chosen.name}）"
    return schema
