"""Whole jobs built from the stages: a bundle, a batch with its 汇总表, a new application folder."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:
    from ._batch import BatchResult as BatchResult
    from ._batch import ItemResult as ItemResult
    from ._batch import ProgressEvent as ProgressEvent
    from ._batch import batch as batch
    from ._bundle import bundle as bundle
    from ._extract import Written as Written
    from ._extract import extract as extract
    from ._extract import extract_to_file as extract_to_file
    from ._scaffold import YAML_FILE as YAML_FILE
    from ._scaffold import InitResult as InitResult
    from ._scaffold import created_lines as created_lines
    from ._scaffold import init as init
    from ._scaffold import summarize_unfilled as summarize_unfilled
    from ._summary import SummaryRow as SummaryRow
    from ._summary import summary_table as summary_table
    from ._summary import write_summary as write_summary

attach(__name__, __file__)
