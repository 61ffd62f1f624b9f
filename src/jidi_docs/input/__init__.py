"""Reading applications: YAML and spreadsheets into the model, with Chinese messages at file and line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:
    from ._coerce import as_date as as_date
    from ._coerce import as_path as as_path
    from ._coerce import as_positive_int as as_positive_int
    from ._folders import EVIDENCE_DIR as EVIDENCE_DIR
    from ._jsonschema import json_schema as json_schema
    from ._load import APPLICATION_FILE as APPLICATION_FILE
    from ._load import application_file as application_file
    from ._load import as_application as as_application
    from ._load import get_profile as get_profile
    from ._load import load as load
    from ._load import loads as loads
    from ._load import validate as validate
    from ._sheet import Table as Table
    from ._sheet import read_table as read_table
    from ._tables import FILE_KEY as FILE_KEY
    from ._tables import SHEET_KEY as SHEET_KEY
    from ._tables import expand_tables as expand_tables
    from ._yaml import YamlDoc as YamlDoc
    from ._yaml import iter_paths as iter_paths
    from ._yaml import label as label
    from ._yaml import parse_yaml as parse_yaml
    from ._yaml import read_text as read_text

attach(__name__, __file__)
