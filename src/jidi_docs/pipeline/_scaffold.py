"""``jidi-docs init``: a new application folder that office staff can fill without knowing YAML.

The folder holds a ``申报.yaml`` with every field present, blank, and explained by a comment (what
it is, its unit, an example), with the schema line VS Code's YAML extension reads; one Excel
workbook per list (讲师.xlsx …) whose header row is exactly the YAML keys, with a note, a drop-down
or a text format where Excel would otherwise get in the way; and ``佐证材料/`` with one folder per
评价表 indicator. Nothing that already exists is ever overwritten.

Why blank values instead of examples: an example left in by mistake would reach the official
forms. Blank fields make the first ``check`` fail, so `summarize_unfilled` turns the "this is
empty" errors into one short list of what is still to fill in, and keeps real mistakes apart.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from .._fs import atomic_write
from ..errors import InputError, Issue, ValidationFailed
from ..forms._format import fmt_number
from ..input._jsonschema import json_schema
from ..input._load import APPLICATION_FILE, get_profile
from ..input._tables import FILE_KEY, table_columns
from ..input._yaml import iter_paths, label, parse_yaml, read_text
from ..schema._profile import Profile

__all__ = [
    "EVIDENCE_DIR",
    "SCHEMA_FILE",
    "TABLE_FILES",
    "YAML_FILE",
    "InitResult",
    "init",
    "scaffold_yaml",
    "summarize_unfilled",
    "write_table_template",
]

YAML_FILE = APPLICATION_FILE
SCHEMA_FILE = "申报.schema.json"
EVIDENCE_DIR = "佐证材料"

#: The lists kept in spreadsheets by a fresh folder, and their workbook names.
TABLE_FILES: dict[str, str] = {
    "管理运营团队": "管理运营团队.xlsx",
    "讲师": "讲师.xlsx",
    "培训活动": "培训活动.xlsx",
    "对接调研活动": "对接调研活动.xlsx",
    "品牌创新活动": "品牌创新活动.xlsx",
    "企业荣誉": "企业荣誉.xlsx",
    "企业资质": "企业资质.xlsx",
    "佐证材料": "佐证材料.xlsx",
}

#: What each list holds, for the YAML comment next to it.
_LIST_HELP = {
    "管理运营团队": "管理运营团队名单，一行一人",
    "讲师": "专兼职讲师名单，一行一人（讲师数量、本科及以上人数和占比由程序计算）",
    "培训活动": "已开展的跨境电商培训活动，一行一期",
    "对接调研活动": "已开展的企业人才对接和考察调研活动，一行一次",
    "品牌创新活动": "已开展的品牌建设和创新活动，一行一项",
    "企业荣誉": "企业荣誉，一行一项",
    "企业资质": "企业资质，一行一项",
    "佐证材料": "佐证材料清单，一行一份；文件放在“佐证材料”文件夹对应指标的子文件夹里",
}

#: 基本情况: (key, comment). Blank keys are written as ``key:`` so the file is valid YAML.
_BASIC_FIELDS = [
    ("单位名称", "营业执照上的全称，例如 杭州某某跨境电商职业培训学校有限公司"),
    ("统一社会信用代码", "18 位，例如 91330106723456781M（选填）"),
    ("注册地", "营业执照上的住所，例如 杭州市西湖区文三路 478 号"),
    ("所属区县", "{districts} 之一"),
    ("法定代表人", "例如 张三"),
    ("注册时间", "写成 年-月-日，例如 2015-06-18"),
    ("联系人", "负责本次申报的联系人，例如 李四"),
    ("电话", "联系人电话：手机 13800001111 或座机 0571-87654321"),
    ("办公地址", "例如 杭州市西湖区文三路 478 号华星时代广场 A 座 1203 室"),
    ("办公面积", "独立办公用房面积，单位平方米，只写数字，例如 260（选填）"),
    ("总面积", "单位平方米，只写数字，例如 1260"),
]
_BASIC_AFTER_VENUES = [
    ("涉及平台", "[]", "合作的跨境电商平台，写成 [亚马逊, 速卖通, eBay]；数量由程序计算"),
    ("历年培训总人次", "", "历年组织人才培训总人次（含非跨境电商培训），只写数字，例如 3260"),
    ("单位简介", "", "一段话；写多行时在冒号后写 |，下一行起每行缩进四个空格"),
]

#: Per column: (help shown as the header cell's note, example).
_COLUMN_HELP = {
    "姓名": ("姓名", "张三"),
    "职务": ("职务", "办公室主任"),
    "学历": ("博士、硕士、本科、大专、中专、高中及以下 之一", "本科"),
    "部门": ("所在部门", "教务部"),
    "岗位": ("负责的工作", "课程与排课"),
    "专兼职": ("专职 或 兼职", "专职"),
    "职称": ("职称或职务（选填）", "高级电子商务师"),
    "研发平台": ("主要研究的平台（选填）", "亚马逊"),
    "联系电话": ("手机或座机；本列已设为文本格式，号码不会变成科学计数法", "13800001111"),
    "备注": ("选填", ""),
    "时间": (
        "日期或时间段：2020-07-06 或 2020-07-06 ~ 2020-07-10；也可以用 Excel 的日期格式",
        "2020-07-06 ~ 2020-07-10",
    ),
    "地点": ("举办地点", "本校 1 号教室"),
    "授课主题": ("课程名称", "亚马逊欧洲站运营实战"),
    "讲师": ("授课讲师；多位用顿号分隔", "钱七、孙八"),
    "培训人次": ("参加人次，只写数字", "56"),
    "学时数": ("学时，只写数字；每期不少于 20 学时", "30"),
    "活动主题": ("活动名称", "跨境电商企业人才双选会"),
    "参与人次": ("参加人次，只写数字", "320"),
    "特色创新活动内容": ("活动内容", "“跨境电商直播实训营”校企共建模式"),
    "社会影响力情况": ("报道、反响等（选填）", "杭州日报专题报道"),
    "荣誉名称": ("荣誉名称", "杭州市跨境电商人才培训优秀机构"),
    "签发单位": ("颁发荣誉的单位", "杭州市跨境电商协会"),
    "资质名称": ("资质或许可证名称", "民办学校办学许可证"),
    "资质登记": ("证书编号或登记号（选填）", "教民 133010670000123 号"),
    "发证单位": ("发证机关", "杭州市西湖区教育局"),
    "有效期": ("有效期截止日期，或写“长期”", "2025-06-30"),
    "名称": ("材料名称", "营业执照副本扫描件"),
    "指标": ("这份材料证明的评价指标（下拉选择）", "基本情况"),
    "文件": (
        "文件路径，相对于申报.yaml 所在文件夹；多个文件用分号分隔",
        "佐证材料/基本情况/营业执照.pdf",
    ),
}

_TEXT_COLUMNS = {"联系电话", "资质登记"}
_TEMPLATE_ROWS = 300


@dataclass
class InitResult:
    """What `init` did: the files and folders it created, and those it found and left alone."""

    folder: Path
    created: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)


def _pad(text: str, width: int = 24) -> str:
    """Pad `text` to a display width (CJK characters count twice) so comments line up."""
    shown = sum(2 if ord(c) > 0x2E80 else 1 for c in text)
    return text + " " * max(1, width - shown)


def scaffold_yaml(profile: Profile | str | None = None) -> str:
    """Return the text of a fresh ``申报.yaml``: every field blank, each with a Chinese comment."""
    chosen = profile if isinstance(profile, Profile) else get_profile(profile or "杭州-2021")
    districts = "、".join(chosen.districts)
    lines = [
        f"# yaml-language-server: $schema={SCHEMA_FILE}",
        f"# {chosen.notice_title.removeprefix('关于开展').removesuffix('的通知')} —— 申报数据",
        "# 填写方法：在每个冒号后面空一格再填写；# 后面是说明，可以保留。",
        "# 日期写成 2021-08-17；面积、人数等只写数字。名单类内容在同一文件夹的 Excel 表格里填写。",
        f"# 填好后检查：jidi-docs check {YAML_FILE}",
        "",
        f"认定批次: {chosen.name}",
        "",
        "基本情况:   # 附件2《申报表》一、基本情况",
    ]
    for key, help_text in _BASIC_FIELDS:
        lines.append(f"  {_pad(key + ':')}# {help_text.format(districts=districts)}")
    lines += [
        f"  {_pad('培训场地:')}# 每处培训场地一项；再加一处时复制下面三行",
        f"    - {_pad('地址:', 20)}# 例如 文三路 478 号 A 座 12 层 1 号教室",
        f"      {_pad('面积:', 20)}# 单位平方米，例如 150（选填）",
        f"      {_pad('可容纳人数:', 20)}# 可同时培训的人数，例如 60",
    ]
    for key, value, help_text in _BASIC_AFTER_VENUES:
        lines.append(f"  {_pad(key + ': ' + value if value else key + ':')}# {help_text}")
    lines.append("")
    for key, filename in TABLE_FILES.items():
        if key == "佐证材料":
            continue
        lines.append(f"{_pad(f'{key}: {{{FILE_KEY}: {filename}}}', 40)}# {_LIST_HELP[key]}")
    lines += [
        "",
        f"{_pad('申报单位审核意见:', 24)}# 例如 经审核，本单位所报材料真实、准确、完整。",
        "",
        "自评分:   # 对照《评价表》逐项自评，只写数字，不得超过该项满分；总分由程序计算",
    ]
    for ind in chosen.indicators:
        lines.append(f"  {_pad(ind.name + ':')}# 满分 {fmt_number(ind.max_points)} 分")
    lines += [
        "",
        _pad(f"佐证材料: {{{FILE_KEY}: {TABLE_FILES['佐证材料']}}}", 40)
        + f"# {_LIST_HELP['佐证材料']}",
    ]
    return "\n".join(lines) + "\n"


def write_table_template(path: Path, key: str, profile: Profile | str | None = None) -> None:
    """Write an empty workbook for the list `key`: the header row, notes, drop-downs, text columns."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.worksheet import Worksheet

    chosen = profile if isinstance(profile, Profile) else get_profile(profile or "杭州-2021")
    columns, required = table_columns((key,))
    choices = {
        "学历": ["博士", "硕士", "本科", "大专", "中专", "高中及以下"],
        "专兼职": ["专职", "兼职"],
        "指标": chosen.evidence_groups,
    }
    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook starts with one worksheet
    ws.title = key
    ws.freeze_panes = "A2"
    for c, name in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=c, value=name)
        cell.font = Font(bold=True, color="C00000" if name in required else "000000")
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center", vertical="center")
        help_text, example = _COLUMN_HELP.get(name, ("", ""))
        note = ("必填。" if name in required else "") + help_text
        if example:
            note += f"\n例如：{example}"
        cell.comment = Comment(note, "jidi-docs", width=260, height=110)
        letter = get_column_letter(c)
        ws.column_dimensions[letter].width = max(12, min(40, 2 * len(example) + 4))
        rng = f"{letter}2:{letter}{_TEMPLATE_ROWS + 1}"
        if name in _TEXT_COLUMNS:
            for r in range(2, _TEMPLATE_ROWS + 2):
                ws.cell(row=r, column=c).number_format = "@"
        if name in choices:
            dv = DataValidation(
                type="list",
                formula1='"' + ",".join(choices[name]) + '"',
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="请从下拉列表中选择",
                error=f"只能是：{'、'.join(choices[name])}",
            )
            dv.add(rng)
            ws.add_data_validation(dv)
    with atomic_write(path) as tmp:
        wb.save(tmp)


def init(folder: str | Path, *, profile: Profile | str | None = None) -> InitResult:
    """Create a new application folder at `folder`, leaving every existing file untouched.

    Args:
        folder: the folder to fill; created if missing, may already hold some of the files.
        profile: the 认定批次 (default 杭州-2021).

    Returns:
        Which files and folders were created and which already existed.

    Raises:
        InputError: `folder` is an existing file, or cannot be created.
    """
    root = Path(folder)
    if root.exists() and not root.is_dir():
        raise InputError(
            Issue(str(root), None, None, "", "这是一个文件，不是文件夹。请换一个文件夹名称。")
        )
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(
            Issue(str(root), None, None, "", f"无法创建文件夹：{exc.strerror}。")
        ) from exc
    chosen = profile if isinstance(profile, Profile) else get_profile(profile or "杭州-2021")
    result = InitResult(root)

    def write_text(path: Path, text: str) -> None:
        if path.exists():
            result.kept.append(path)
            return
        with atomic_write(path) as tmp:
            tmp.write_text(text, encoding="utf-8")
        result.created.append(path)

    write_text(root / YAML_FILE, scaffold_yaml(chosen))
    schema = json.dumps(json_schema(chosen), ensure_ascii=False, indent=2) + "\n"
    write_text(root / SCHEMA_FILE, schema)
    for key, filename in TABLE_FILES.items():
        path = root / filename
        if path.exists():
            result.kept.append(path)
            continue
        write_table_template(path, key, chosen)
        result.created.append(path)
    for group in [EVIDENCE_DIR, *(f"{EVIDENCE_DIR}/{g}" for g in chosen.evidence_groups)]:
        path = root / group
        if path.exists():
            result.kept.append(path)
        else:
            path.mkdir()
            result.created.append(path)
    return result


def _blank_labels(source: str | None) -> set[str] | None:
    """Return the labels of every value left blank in the YAML file `source`, or None if unreadable."""
    if source is None:
        return None
    try:
        doc = parse_yaml(read_text(Path(source)), source)
    except InputError:
        return None
    return {
        label(p)
        for p, v in iter_paths(doc.data)
        if v is None or (isinstance(v, str) and not v.strip())
    }


def summarize_unfilled(error: ValidationFailed, path: str | Path | None = None) -> ValidationFailed:
    """Return `error` with the "still empty" problems of the YAML file folded into one line.

    An issue counts as unfilled when it is about a value left blank in the YAML file itself, or a
    required field that is missing there; problems in spreadsheet rows keep their own lines,
    since the user needs their row numbers. When nothing is unfilled, `error` is returned as is.

    Args:
        error: what `jidi_docs.load` raised.
        path: the YAML file (default: the error's source).
    """
    source = str(path) if path is not None else error.source
    blank = _blank_labels(source) or set()
    unfilled: list[Issue] = []
    rest: list[Issue] = []
    for issue in error.issues:
        own = issue.file == source
        if own and (issue.field in blank or issue.message.startswith("是必填栏目")):
            unfilled.append(issue)
        else:
            rest.append(issue)
    if not unfilled:
        return error
    groups: dict[str, list[str]] = {}
    for issue in unfilled:
        parent, _, leaf = issue.field.rpartition(" → ")
        names = groups.setdefault(parent, [])
        if leaf not in names:
            names.append(leaf)
    parts = [
        f"{parent}：{'、'.join(names)}" if parent else "、".join(names)
        for parent, names in groups.items()
    ]
    summary = Issue(source, None, None, "", f"以下栏目还没有填写：{'；'.join(parts)}。")
    return ValidationFailed([summary, *rest], source=error.source)


def created_lines(result: InitResult) -> list[str]:
    """Return the lines the CLI prints about `result`, relative to its folder."""
    lines = [f"已创建 {p.relative_to(result.folder)}" for p in result.created]
    lines += [f"已存在，未改动 {p.relative_to(result.folder)}" for p in result.kept]
    return lines
