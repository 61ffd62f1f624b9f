"""Test jidi_docs.review._register: a 预审 rule is one registration."""

from __future__ import annotations

import pytest

from jidi_docs import get_profile
from jidi_docs.errors import InternalError
from jidi_docs.review import _register
from jidi_docs.review._check import CONDITION_KEYS
from jidi_docs.review._register import RULES, TOTAL_POINTS, Case, Verdict, rule


def test_every_rule_is_registered_once_in_report_order() -> None:
    assert [r.key for r in RULES] == list(CONDITION_KEYS)
    assert len(set(CONDITION_KEYS)) == len(CONDITION_KEYS) == 18
    assert CONDITION_KEYS[0] == "filled"
    assert CONDITION_KEYS[-1] == "evidence_files"


def test_a_title_shows_its_threshold_from_the_profile_as_the_forms_print_numbers() -> None:
    profile = get_profile()
    titles = {r.key: r.title_for(profile) for r in RULES}

    assert titles["venue"] == "至少一处培训场地可容纳 20 人"
    assert titles["office"] == "独立办公用房不小于 20 平方米"
    assert titles["lecturer_education"] == "讲师学历一般为本科及以上"
    assert titles["scores"] == "自评分不超过各项分值，总分不超过 100"
    assert {r.key for r in RULES if r.threshold == TOTAL_POINTS} == {"scores"}


def test_a_key_registered_twice_or_an_unknown_threshold_is_a_bug(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_register, "RULES", list(RULES))

    def check(c: Case) -> Verdict:
        return "符合", ""

    with pytest.raises(InternalError, match="预审规则 venue 注册了两次"):
        rule("venue", "又一个")(check)
    with pytest.raises(InternalError, match="门槛“每期最少人数”不是认定条件中的一项"):
        rule("new", "新规则", threshold="每期最少人数")
