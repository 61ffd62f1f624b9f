"""The four recipes of docs/开发.md, each done exactly as written, on copies in temporary folders.

1. A new list section (合作企业) in ``sections.yaml``: with ``make models`` and ``make templates``
   run on copies, it is in the model classes, the template, the filled form, extract, ``init``,
   the JSON Schema and the portal's editor.
2. A new 认定批次: a copy of ``杭州-2021.yaml`` with its own name, titles, deadline, threshold
   and 评价表 is used by ``check --profile``, by the forms and by the 自评分 limits.
3. A new evidence kind (BMP) in the table of kinds: sniffed, decoded into PDF pages by the
   bundle's own code, offered by the portal's file picker, named by extract's refusal.
4. A new 预审 rule: one decorated function, in the report, the 汇总表 and ``check``'s output.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
import yaml
from PIL import Image
from typer.testing import CliRunner

import jidi_docs
from jidi_docs.cli import app
from jidi_docs.forms._extract import extract_document
from jidi_docs.input import parse_yaml, validate
from jidi_docs.schema import EvidenceKind, Registry, load_registry
from scripthelpers import load_script

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "src" / "jidi_docs" / "schema"
EXAMPLE = ROOT / "data" / "示例" / "申报.yaml"


def example_data() -> dict[str, Any]:
    data: dict[str, Any] = parse_yaml(EXAMPLE.read_text(encoding="utf-8")).data
    return data


# ---------------------------------------------------------------------------------------------
# 1. 增加一个栏目（一节）或一列
# ---------------------------------------------------------------------------------------------

#: The section of the recipe, as written into the copy of sections.yaml.
PARTNERS = {
    "键": "合作企业",
    "模型": "Partner",
    "标题": "九、合作企业",
    "表注": "（请附合作协议）",
    "说明": "合作企业名单，一行一家",
    "工作簿": "合作企业.xlsx",
    "模板键": "partners",
    "表中标题": ["合作企业"],
    "表中标志": ["企业名称", "合作内容"],
    "列": [
        {"列名": "企业名称", "名称": "name", "类型": "文字", "必填": True, "说明": "全称",
         "例子": "杭州某某科技有限公司", "模板键": "name", "列宽": 6.0},
        {"列名": "合作内容", "名称": "content", "类型": "文字", "说明": "合作的内容",
         "例子": "共建实训基地", "模板键": "content", "列宽": 8.6},
    ],
}  # fmt: skip


@pytest.fixture(scope="module")
def with_partners(tmp_path_factory: pytest.TempPathFactory) -> tuple[Registry, Path]:
    """The recipe's edit of a copy of sections.yaml: the section, and its key in 申报 after 八;
    九 and 十 are numbered on: 十、十一."""
    data = yaml.safe_load((SCHEMA / "sections.yaml").read_text(encoding="utf-8"))
    data["栏目"].insert(8, PARTNERS)
    keys = [c["列名"] for c in data["申报"]["列"]]
    data["申报"]["列"].insert(keys.index("企业资质") + 1, {"列名": "合作企业", "名称": "partners",
                                                        "类型": "栏目"})  # fmt: skip
    for column, heading in zip(data["申报"]["列"][-4:-2], ["十、申报单位审核意见", "十一、综试办审核意见"], strict=True):  # fmt: skip
        column["标题"] = heading
    folder = tmp_path_factory.mktemp("recipe1")
    path = folder / "sections.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_registry(path), folder


def test_recipe_1_make_models_writes_the_class_of_the_new_section(
    with_partners: tuple[Registry, Path],
) -> None:
    reg, folder = with_partners
    make_models = load_script("make_models")
    model = folder / "_model.py"
    shutil.copy(make_models.MODEL, model)

    written = make_models.generate(model.read_text(encoding="utf-8"), reg)

    assert 'class Partner(StrictModel):\n    """合作企业名单，一行一家."""' in written
    assert '    name: Text = _f("合作企业", "name")' in written
    assert '    partners: list[Partner] = _f("", "partners")' in written


def test_recipe_1_the_new_section_is_printed_filled_and_read_back(
    with_partners: tuple[Registry, Path], tmp_path: Path
) -> None:
    reg, _ = with_partners
    template = tmp_path / "附件2.docx"
    template.write_bytes(load_script("make_templates").build_all(reg)["附件2.docx"])
    data = example_data()
    data["合作企业"] = [{"企业名称": "杭州甲科技有限公司", "合作内容": "共建实训基地"}]
    app = validate(data, source=EXAMPLE, reg=reg)

    form2 = jidi_docs.render(app, tmp_path / "out", templates={"附件2": template})[1]
    read = extract_document(docx.Document(str(form2)), reg=reg)

    texts = [p.text for p in docx.Document(str(form2)).paragraphs]
    assert texts.index("九、合作企业") < texts.index("十、申报单位审核意见")
    assert "（请附合作协议）" in texts
    assert read.data["合作企业"] == [{"企业名称": "杭州甲科技有限公司", "合作内容": "共建实训基地"}]


def test_recipe_1_the_new_section_gets_a_workbook_a_schema_and_an_editor_page(
    with_partners: tuple[Registry, Path], tmp_path: Path
) -> None:
    reg, _ = with_partners

    jidi_docs.init(tmp_path / "新申报", reg=reg)
    schema = jidi_docs.json_schema(reg=reg)

    ws = openpyxl.load_workbook(tmp_path / "新申报" / "合作企业.xlsx").active
    assert ws is not None
    assert [c.value for c in ws[1]] == ["企业名称", "合作内容"]
    assert "合作企业" in schema["properties"]
    pytest.importorskip("django", reason="the web extra is not installed")
    from jidi_docs.web._pages import pages

    page = next(p for p in pages(reg=reg) if p.key == "合作企业")
    assert page.heading == "九、合作企业"
    assert [i.key for i in page.inputs] == ["企业名称", "合作内容"]


# ---------------------------------------------------------------------------------------------
# 2. 增加一个认定批次
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def my_batch(tmp_path: Path) -> Path:
    """The recipe: copy 杭州-2021.yaml and change what the new notice says."""
    path = tmp_path / "杭州-2022.yaml"
    shutil.copy(SCHEMA / "profiles" / "杭州-2021.yaml", path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["名称"] = "杭州-2022"
    data["申报表标题"] = "跨境电商人才社会培训基地认定申报表（2022）"
    data["申报截止日期"] = "2022-08-31"
    data["认定条件"]["最少专职讲师数"] = 5
    data["评价表"][0]["指标"][0]["分值"] = 5
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_recipe_2_check_with_the_new_batch_uses_its_threshold_and_limits(
    my_batch: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "申报"
    shutil.copytree(EXAMPLE.parent, folder)
    yaml_file = folder / "申报.yaml"
    text = yaml_file.read_text(encoding="utf-8")

    too_high = CliRunner().invoke(app, ["check", str(yaml_file), "--profile", str(my_batch)])
    yaml_file.write_text(text.replace("培训场地及环境: 10", "培训场地及环境: 5"), encoding="utf-8")
    checked = CliRunner().invoke(app, ["check", str(yaml_file), "--profile", str(my_batch)])

    assert too_high.exit_code == 1
    assert "自评分不能超过该指标的分值 5 分，现在是 10" in too_high.output
    assert checked.exit_code == 3  # a condition is not met: the new batch asks for 5
    assert "不符合  专职讲师不少于 5 名" in checked.output
    assert "专职讲师 3 名（讲师共 4 名），少于 5 名。" in checked.output


def test_recipe_2_the_forms_print_the_new_batchs_title(my_batch: Path, tmp_path: Path) -> None:
    data = example_data()
    data["自评分"]["培训场地及环境"] = 5
    app = validate(data, source=EXAMPLE, profile=jidi_docs.get_profile(my_batch))

    form2 = jidi_docs.render(app, tmp_path)[1]

    assert (
        docx.Document(str(form2)).paragraphs[1].text == "跨境电商人才社会培训基地认定申报表（2022）"
    )
    assert jidi_docs.check(app).deadline.isoformat() == "2022-08-31"


# ---------------------------------------------------------------------------------------------
# 3. 增加一种佐证材料的文件类型
# ---------------------------------------------------------------------------------------------

#: The recipe's entry: Windows bitmaps ("BM" at the start), which Pillow reads by itself.
BMP = EvidenceKind("bmp", "BMP", (".bmp",), "image/bmp", (((0, b"BM"),),))


@pytest.fixture
def with_bmp(monkeypatch: pytest.MonkeyPatch) -> None:
    """The recipe's one edit: the new entry at the end of EVIDENCE_KINDS."""
    from jidi_docs.schema import _kinds

    monkeypatch.setattr(_kinds, "EVIDENCE_KINDS", (*_kinds.EVIDENCE_KINDS, BMP))


def _bitmap(path: Path) -> Path:
    Image.new("RGB", (300, 200), "navy").save(path, "BMP")
    return path


def test_recipe_3_a_bitmap_is_refused_before_the_kind_is_added(tmp_path: Path) -> None:
    from jidi_docs.pdf import load_evidence

    with pytest.raises(jidi_docs.EvidenceError, match="不受支持的图片格式"):
        load_evidence(_bitmap(tmp_path / "扫描.bmp"))


@pytest.mark.usefixtures("with_bmp")
def test_recipe_3_the_new_kind_is_sniffed_decoded_offered_and_named(tmp_path: Path) -> None:
    from jidi_docs.pdf import load_evidence
    from jidi_docs.schema import accept_attribute, allowed_kinds_text, sniff_kind

    path = _bitmap(tmp_path / "扫描.bmp")

    evidence = load_evidence(path, entry="营业执照")

    assert sniff_kind(path.read_bytes()[:16]) is BMP
    with evidence.open() as pdf:
        assert len(pdf.pages) == 1
        assert pdf.pages[0].get_images()
    assert ".bmp" in accept_attribute().split(",")
    assert allowed_kinds_text().endswith("HEIC、BMP 图片（扫描件、照片）")
    with pytest.raises(jidi_docs.InputError, match="这是图片，读不出表格内容"):
        jidi_docs.extract(path)


# ---------------------------------------------------------------------------------------------
# 4. 增加一条预审规则
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def with_mobile_rule(monkeypatch: pytest.MonkeyPatch) -> str:
    """The recipe's one edit: a decorated function (registered on a copy of the rules)."""
    from jidi_docs.review import _register
    from jidi_docs.review._register import Case, Verdict, rule
    from jidi_docs.review._results import OK, WARN

    monkeypatch.setattr(_register, "RULES", list(_register.RULES))

    @rule("contact_mobile", "联系人电话为手机号码")
    def contact_mobile(c: Case) -> Verdict:
        phone = c.app.basic.phone
        if phone.startswith("1") and len(phone) == 11:
            return OK, f"联系人电话 {phone} 是手机号码。"
        return WARN, f"联系人电话 {phone} 不是手机号码，综试办可能无法发短信通知。"

    return "联系人电话为手机号码"


def test_recipe_4_the_new_rule_is_in_the_report_the_summary_and_checks_output(
    with_mobile_rule: str, tmp_path: Path
) -> None:
    from jidi_docs.pipeline import SummaryRow, write_summary

    report = jidi_docs.check(EXAMPLE)
    shown = CliRunner().invoke(app, ["check", str(EXAMPLE)]).output
    xlsx, _ = write_summary([SummaryRow.of(jidi_docs.load(EXAMPLE), report, "申报.yaml")], tmp_path)

    result = next(c for c in report.conditions if c.key == "contact_mobile")
    assert (result.title, result.status) == (with_mobile_rule, "需注意")
    assert "0571-87654321 不是手机号码" in result.reason
    assert with_mobile_rule in shown
    ws = openpyxl.load_workbook(xlsx)["预审明细"]  # the conditions' sheet of the 汇总表
    assert with_mobile_rule in [c.value for c in ws[1]]
