"""A base's office worker from start to finish, each step a ``jidi-docs`` command as typed:
init → check → fill in → drop scans into the folders → check → bundle → edit a form in Word →
bundle again."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import docx
import pikepdf
import pytest

from pdfhelpers import make_pdf, make_photo, pdf_text, require_soffice, run_jidi_docs
from scaffolding import fill_scaffold

UNIT = "杭州新建跨境电商培训中心有限公司"


def bookmarks(path: Path) -> dict[str, int]:
    """Every bookmark's title and the page index it points at."""
    found: dict[str, int] = {}
    with pikepdf.open(path) as pdf, pdf.open_outline() as outline:
        stack = list(outline.root)
        while stack:
            item = stack.pop()
            found[item.title] = pdf.pages.index(pikepdf.Page(item.destination[0]))
            stack += list(item.children)
    return found


@pytest.mark.soffice
@pytest.mark.slow
def test_init_drop_files_check_bundle_and_edit_a_form(tmp_path: Path) -> None:
    require_soffice()
    folder = tmp_path / "我的申报"

    # 1. A new folder, and the first check names what is still to fill in.
    assert run_jidi_docs("init", folder).returncode == 0
    first = run_jidi_docs("check", folder)
    assert first.returncode == 1
    assert first.stderr.startswith(f"错误：{folder / '申报.yaml'} 还有栏目没有填写：\n")
    assert "以下栏目还没有填写：基本情况：单位名称、" in first.stderr
    assert "现在是空值" not in first.stderr

    # 2. Filled in (YAML and workbooks), scans dropped into the indicators' folders; nothing
    #    is typed into 佐证材料.xlsx.
    fill_scaffold(folder)
    evidence = folder / "佐证材料"
    make_pdf(evidence / "基本情况" / "营业执照.pdf", 1, label="LICENCE")
    for n in (1, 2):
        make_photo(evidence / "培训场地及环境" / f"教室照片{n}.jpg", n, (2400, 1800))
    (evidence / "日常管理" / "2021年").mkdir()
    make_pdf(evidence / "日常管理" / "2021年" / "培训计划.pdf", 2, label="PLAN")
    (evidence / "日常管理" / "制度汇编.docx").write_bytes(b"PK\x03\x04 a Word file")
    truncated = evidence / "办公条件" / "租赁合同.jpg"
    make_photo(truncated, 3, (1200, 900))
    whole = truncated.read_bytes()
    truncated.write_bytes(whole[: len(whole) // 2])

    # 3. check reads every file as the bundle will: the truncated photo is named.
    second = run_jidi_docs("check", folder)
    assert second.returncode == 3, second.stderr
    assert (
        "「租赁合同」的 佐证材料/办公条件/租赁合同.jpg：图片不完整（文件被截断）" in second.stdout
    )
    assert "佐证材料/日常管理/制度汇编.docx。请另存为 PDF 后放回原文件夹。" in second.stderr

    # 4. Mended, check lists what each indicator has and where it was found.
    truncated.write_bytes(whole)
    third = run_jidi_docs("check", folder)
    assert third.returncode == 3  # 7 indicators have no evidence yet: 不符合, not an error
    block = third.stdout[third.stdout.index("佐证材料（按评价指标）") :]
    assert "  基本情况：1 份\n    营业执照：佐证材料/基本情况/营业执照.pdf（文件夹中）\n" in block
    assert "  培训场地及环境：2 份\n" in block
    assert "    2021年/培训计划：佐证材料/日常管理/2021年/培训计划.pdf（文件夹中）\n" in block
    assert "  财务情况：没有\n" in block

    # 5. The bundle: every file in, two photos on a page, the contents on one page.
    out = tmp_path / "输出"
    made = run_jidi_docs("bundle", folder, "-o", out, "--date", "2021-08-10")
    assert made.returncode == 0, made.stderr
    bundle = out / f"{UNIT}-申报材料.pdf"
    marks = bookmarks(bundle)
    assert marks["教室照片1"] == marks["教室照片2"]  # two landscape photos share a page
    assert marks["营业执照"] < marks["教室照片1"] < marks["2021年/培训计划"] < marks["租赁合同"]
    text = [re.sub(r"\s", "", page) for page in pdf_text(bundle)]
    assert text[1].startswith("目录附件2")
    assert "人才培育及输送情况反馈" in text[1]  # the contents' last line, on the same page
    assert "LICENCE1" in text[marks["营业执照"]]
    with pikepdf.open(bundle) as pdf:
        labels = [str(label.get("/P", "")) for label in pdf.Root.PageLabels.Nums[1::2]]
    assert labels[:3] == ["封面", "目录", ""]  # one contents page, no 目录-2; then 1, 2, 3 …

    # 6. A fix made in Word reaches the PDF; the notice says how to bring it into the YAML.
    form = out / f"{UNIT}-附件2-申报表.docx"
    document = docx.Document(str(form))
    document.add_paragraph("手工补充：本单位另设实训基地一处。")
    document.save(str(form))
    again = run_jidi_docs("bundle", folder, "-o", out, "--date", "2021-08-10")
    assert again.returncode == 0, again.stderr
    assert "在生成之后被修改过，申报材料里用的是修改后的这一份" in again.stderr
    assert f'jidi-docs extract "{form}" -o "{folder}"' in again.stderr
    assert "手工补充：本单位另设实训基地一处。" in re.sub(r"\s", "", "".join(pdf_text(bundle)))

    # 7. --from-yaml: built from the YAML again, the edit kept as a backup.
    rebuilt = run_jidi_docs("bundle", folder, "-o", out, "--date", "2021-08-10", "--from-yaml")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "手工补充" not in "".join(pdf_text(bundle))
    (backup,) = out.glob("*修改备份*.docx")
    assert "手工补充：本单位另设实训基地一处。" in [
        p.text for p in docx.Document(str(backup)).paragraphs
    ]
    shutil.rmtree(out)
