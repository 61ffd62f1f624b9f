"""The JSON Schema in the real editor: yaml-language-server (what VS Code's YAML extension runs).

The server is driven over stdio as an editor drives it; it finds the schema through the
``# yaml-language-server: $schema=`` line that ``init`` writes, and reads YAML 1.2.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_load import TEXT, edit

import jidi_docs
from jidi_docs.pipeline._scaffold import SCHEMA_FILE, YAML_FILE, init
from lspclient import YamlLanguageServer
from scaffolding import fill_scaffold

MODELINE = f"# yaml-language-server: $schema={SCHEMA_FILE}\n"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("editor")
    schema = json.dumps(jidi_docs.json_schema(), ensure_ascii=False, indent=2)
    (root / SCHEMA_FILE).write_text(schema, encoding="utf-8")
    init(root / "新申报")
    fill_scaffold(root / "新申报")
    return root


@pytest.fixture(scope="module")
def server(yaml_language_server: str, folder: Path) -> Iterator[YamlLanguageServer]:
    with YamlLanguageServer(yaml_language_server, folder) as running:
        yield running


def diagnostics(server: YamlLanguageServer, folder: Path, name: str, text: str) -> list[str]:
    path = folder / name
    path.write_text(MODELINE + text, encoding="utf-8")
    return [f"{d['range']['start']['line'] + 1}: {d['message']}" for d in server.diagnostics(path)]


def test_the_example_shows_no_problem(server: YamlLanguageServer, folder: Path) -> None:
    assert diagnostics(server, folder, "示例.yaml", TEXT) == []


def test_the_filled_scaffold_shows_no_problem(server: YamlLanguageServer, folder: Path) -> None:
    path = folder / "新申报" / YAML_FILE
    assert path.read_text(encoding="utf-8").startswith(MODELINE)

    assert server.diagnostics(path) == []


@pytest.mark.parametrize(
    ("case", "old", "new", "shown"),
    [
        ("学历 大学", "学历: 硕士, 研发平台: 速卖通", "学历: 大学, 研发平台: 速卖通", "大学"),
        ("unknown key", "  联系人: 李四\n", "  联系人: 李四\n  注册地址: 杭州\n", "注册地址"),
        ("自评分 above its maximum", "  财务情况: 4", "  财务情况: 6", "财务情况: 6"),
    ],
)
def test_one_mistake_shows_exactly_one_problem_at_its_line(
    server: YamlLanguageServer, folder: Path, case: str, old: str, new: str, shown: str
) -> None:
    text = edit(old, new)
    line = (
        (MODELINE + text)
        .splitlines()
        .index(next(ln for ln in (MODELINE + text).splitlines() if shown in ln))
    )

    found = diagnostics(server, folder, f"{case}.yaml", text)

    assert len(found) == 1, found
    assert found[0].startswith(f"{line + 1}: "), found
