"""What ``jidi-docs bundle`` starts before the command line is even parsed: its LibreOffice."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ConversionError

if TYPE_CHECKING:
    from ..pdf import SofficeConverter

__all__ = ["AHEAD", "early_converter", "start_ahead"]


#: Where `start_ahead` leaves its converter in Typer's context object, for ``bundle``.
AHEAD = "bundle-converter"


def early_converter(soffice: Path | None, pdfa: bool) -> SofficeConverter | None:
    """A converter whose LibreOffice is already starting (`SofficeConverter.prestart`).

    Why before the application is even read: LibreOffice then starts up while Python imports
    the libraries a bundle needs and fills the forms. None when LibreOffice is not found:
    `bundle` then says so itself, after the evidence files are checked, as before.
    """
    from ..pdf import SofficeConverter

    try:
        converter = SofficeConverter(pdfa=pdfa, soffice=None if soffice is None else str(soffice))
    except ConversionError:
        return None
    converter.prestart()
    return converter


def start_ahead(argv: list[str], ahead: dict[str, Any]) -> None:
    """Start LibreOffice for ``bundle`` before Typer even parses `argv`; leave it in `ahead`.

    Why: importing Typer and its parsing (which imports pydantic) take about 0.15 s, and
    LibreOffice's start-up is the longest wait of a bundle; so this module imports neither.
    Only ``--soffice`` matters here (PDF/A is an export option, given with the documents); it
    is read as Click reads it (``--soffice X`` or ``--soffice=X``, before any ``--``), and
    ``bundle`` checks it against the parsed option: when they differ it starts another
    converter. `jidi_docs.cli.main` closes one left unused. With ``--help`` nothing starts.
    """
    soffice = None
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg in ("--help", "-h"):  # Click answers these before anything else: no bundle
            return
        if arg == "--soffice" and i + 1 < len(argv):
            soffice = argv[i + 1]
        elif arg.startswith("--soffice="):
            soffice = arg.removeprefix("--soffice=")
    option = None if soffice is None else Path(soffice)
    ahead[AHEAD] = (option, early_converter(option, pdfa=False))
