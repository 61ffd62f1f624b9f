"""Files another program holds open (Windows): how to tell, and trying again for a moment.

Windows refuses to replace or delete a file another program has open; on Linux and macOS a
rename or delete never waits for other programs, and their errors carry no Windows number, so
nothing here ever applies there.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

#: Windows error numbers of a file another program holds open: ERROR_SHARING_VIOLATION (32) and
#: ERROR_LOCK_VIOLATION (33) ("System Error Codes (0-499)", Microsoft Learn).
_WINERROR_LOCKED = (32, 33)
#: ERROR_ACCESS_DENIED: what replacing a file Word or Excel holds open gives (the file system
#: refuses a rename over an open file with STATUS_ACCESS_DENIED: [MS-FSCC]
#: FileRenameInformation), as well as a real lack of permission.
_WINERROR_ACCESS_DENIED = 5


def is_locked_error(error: BaseException, target: Path | None = None) -> bool:
    """True when another program (Word, WPS, Excel …) most likely holds the file open.

    WinError 32/33 always; WinError 5 (access denied) when `target`, the file being replaced
    or deleted, exists: Windows refuses to replace a file Word or Excel has open with that
    error, and a folder without write permission would have refused the temporary file first.
    """
    winerror = getattr(error, "winerror", None)
    if winerror == _WINERROR_ACCESS_DENIED:
        return target is not None and target.exists()
    return winerror in _WINERROR_LOCKED


#: Waits before each new try of a rename or delete another program holds (0.52 s in all):
#: antivirus scanners, OneDrive and the search indexer open a new file for a moment.
RETRY_DELAYS = (0.02, 0.05, 0.1, 0.15, 0.2)

_T = TypeVar("_T")


def retry_locked(action: Callable[[], _T], target: Path) -> _T:
    """Return `action()` (a rename onto `target`, or its deletion), tried again after each of
    `RETRY_DELAYS` while another program holds `target` (`is_locked_error`); then its error.

    Other errors (a real lack of permission, a full disk) are raised at once.
    """
    for delay in (*RETRY_DELAYS, None):
        try:
            return action()
        except OSError as error:
            if delay is None or not is_locked_error(error, target):
                raise
            time.sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover
