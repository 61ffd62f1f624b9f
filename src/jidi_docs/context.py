"""Turn a validated Application into the plain dict the .docx templates are filled with."""

from __future__ import annotations

#: A context value equal to this marker means "merge this table cell into the cell above".
#: render.py turns such cells into vertical merges (w:vMerge); user text never contains it.
MERGE_UP = "\ue000"
