"""Test scripts/make_models.py: the model classes' fields are what sections.yaml gives."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest
import yaml

from jidi_docs.schema import load_registry, registry
from scripthelpers import load_script

ROOT = Path(__file__).resolve().parents[2]
REGISTRY_FILE = ROOT / "src" / "jidi_docs" / "schema" / "sections.yaml"


@pytest.fixture(scope="module")
def make_models() -> ModuleType:
    return load_script("make_models")


def test_the_model_classes_fields_are_written_from_the_registry(make_models: ModuleType) -> None:
    current = make_models.MODEL.read_text(encoding="utf-8")

    assert make_models.generate(current, registry()) == current


def test_a_column_and_a_section_added_to_the_registry_are_written_into_the_classes(
    make_models: ModuleType, tmp_path: Path
) -> None:
    data = yaml.safe_load(REGISTRY_FILE.read_text(encoding="utf-8"))
    lecturer = next(s for s in data["栏目"] if s["键"] == "讲师")
    lecturer["列"].append({"列名": "微信号", "名称": "wechat", "类型": "文字", "说明": "微信号"})
    data["栏目"].append(
        {
            "键": "合作企业",
            "模型": "Partner",
            "说明": "合作企业名单",
            "列": [
                {"列名": "企业名称", "名称": "name", "类型": "文字", "必填": True, "说明": "全称"},
                {"列名": "合作年数", "名称": "years", "类型": "整数", "说明": "年数"},
            ],
        }
    )
    data["申报"]["列"].insert(9, {"列名": "合作企业", "名称": "partners", "类型": "栏目"})
    copy = tmp_path / "sections.yaml"
    copy.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    current = make_models.MODEL.read_text(encoding="utf-8")

    written = make_models.generate(current, load_registry(copy))

    assert '    wechat: str | None = _f("讲师", "wechat")\n    # -- end of fields --' in written
    partner = written[written.index("class Partner(StrictModel):") :]
    assert partner.index('name: Text = _f("合作企业", "name")') < partner.index("class Application")
    assert 'years: Count | None = _f("合作企业", "years")' in partner
    assert '    partners: list[Partner] = _f("", "partners")' in written
    compile(written, "_model.py", "exec")  # still Python


def test_check_fails_on_stale_fields_and_says_what_to_run(
    make_models: ModuleType,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    stale = tmp_path / "_model.py"
    text = make_models.MODEL.read_text(encoding="utf-8")
    stale.write_text(
        text.replace('    note: str | None = _f("讲师", "note")\n', ""), encoding="utf-8"
    )
    monkeypatch.setattr(make_models, "MODEL", stale)

    assert make_models.main(["--check"]) == 1
    assert "请运行 make models" in capsys.readouterr().err
    assert make_models.main([]) == 0
    assert make_models.main(["--check"]) == 0
    assert stale.read_text(encoding="utf-8") == text
