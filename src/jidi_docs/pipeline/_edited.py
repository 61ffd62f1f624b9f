"""Forms edited by hand since jidi_docs wrote them: found through the folder's ledger.

A district or a base often corrects a form in Word rather than in the YAML. ``bundle`` and
``batch`` then put the edited form into the bundle as it is (asking nothing) and say that the YAML
no longer matches it, with the command that brings the edit back; ``--from-yaml`` rebuilds it.
"""

from __future__ import annotations

from pathlib import Path

from .._fs import edited
from ..forms import form_paths
from ..input import APPLICATION_FILE
from ..schema import Application

__all__ = ["edited_forms", "edited_notice"]


def edited_forms(app: Application, out_dir: Path) -> dict[str, Path]:
    """Return the forms in `out_dir` edited by hand since jidi_docs wrote them, by key (附件1/2).

    The folder's ledger (`jidi_docs._fs.LEDGER_NAME`) holds each form's hash as written.
    """
    paths = form_paths(app, Path(out_dir))
    changed = set(edited(list(paths.values())))
    return {key: path for key, path in paths.items() if path in changed}


def edited_notice(app: Application, key: str, path: Path) -> str:
    """The notice for a form used as edited: the YAML no longer matches, and what to do."""
    head = (
        f"{path.name} 在生成之后被修改过，申报材料里用的是修改后的这一份；申报 YAML 与它已不一致。"
    )
    tail = "以后要按申报 YAML 重新生成这份表格时，加 --from-yaml（修改过的这一份会另存为备份）。"
    if key != "附件2":  # extract reads the 申报表; the 评价表 holds the 自评分 alone
        return head + "评价表上改过的自评分，请照着改到申报 YAML 的「自评分」里。" + tail
    source = app.source
    target = source.parent if source is not None and source.name == APPLICATION_FILE else source
    where = f'"{target}"' if target is not None else "申报文件夹"
    return head + f'把修改写回申报 YAML：jidi-docs extract "{path}" -o {where}。' + tail
