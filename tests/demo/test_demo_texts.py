"""The real petition texts are made local to 钱塘区 deterministically, or dropped when they cannot be."""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import shared_data
from zhiguan.demo.cases_content import estates_by_street, fill_place, localise, real_messages, topic_of

SLOTS = {"street_name": "下沙街道", "estate": "云水苑"}


@pytest.mark.parametrize(
    ("text", "local"),
    [
        ("尊敬的胡厅长：A市A6区道路命名规划已公示。", "尊敬的领导：杭州市钱塘区道路命名规划已公示。"),
        ("书记大人，请关注西地省A市的物价。", "领导，请关注浙江省杭州市的物价。"),
        ("A3区大道西行便道被圈进围墙。", "{road}西行便道被圈进围墙。"),
        ("A1区苑小区物业乱收停车费。", "{estate}物业乱收停车费。"),
        ("我是J6县花明镇白霞村村民，县政府不管。", "我是钱塘区{street}白霞村村民，区政府不管。"),
        ("从K2区调到K5县以后，工资少了。", "从钱塘区调到{other_district}以后，工资少了。"),
        ("请陈书记为我们做主。", "请领导为我们做主。"),
        ("咨询电话0731-12345678。", "咨询电话0571-12345678。"),
        ("市委书记和支部书记都来过。", "市委书记和支部书记都来过。"),
        ("代码{x}照抄。", "代码{{x}}照抄。"),
    ],
)
def test_anonymised_places_and_officials_become_the_demo_districts(text: str, local: str) -> None:
    assert localise(text) == local


@pytest.mark.parametrize(
    "text",
    [
        "长沙市岳麓区的学校乱收费。",  # a real place of the other province
        "A市和K市之间的客运班车太少。",  # two cities
        "A1区、A2区、A3区的学生都要转学。",  # three counties
        "M6州的化工厂排污。",  # a code we cannot place
    ],
)
def test_messages_that_cannot_be_made_local_are_dropped(text: str) -> None:
    assert localise(text) is None


FRAGMENTS = st.sampled_from(
    ["西地省", "A市", "B市", "A3区", "K7县", "I6市", "书记大人", "尊敬的胡厅长", "陈书记", "路灯不亮", "，",
     "小区", "大道", "苑", "太平镇", "村", "政府", "{", "}", "工资", "长沙", "M6"]
)  # fmt: skip


@given(st.lists(FRAGMENTS, max_size=12))
def test_a_localised_text_never_keeps_a_code_or_an_honorific(parts: list[str]) -> None:
    local = localise("".join(parts))
    if local is None:
        return
    text = fill_place(local, SLOTS, random.Random(1))
    assert not re.search(r"[A-Z]\d|[A-Z]市|西地|大人|[胡陈]书记|厅长", text), text
    assert text.count("{") == "".join(parts).count("{")


def test_filling_a_text_is_deterministic_for_a_seed_and_names_the_place() -> None:
    local = localise("A市A3区大道旁A1区苑小区门口的路灯不亮。")
    assert local is not None
    first, again = (fill_place(local, SLOTS, random.Random(7)) for _ in range(2))
    assert first == again and "杭州市" in first and "云水苑" in first and "{" not in first


def test_a_text_is_about_the_department_its_words_name() -> None:
    assert topic_of("滴滴网约车司机绕路，出租车也拒载") == "JTJ"
    assert topic_of("公司拖欠工资三个月，社保也没交") == "RSJ"
    assert topic_of("门口的路灯坏了好几天") == "CGJLD"
    assert topic_of("今天天气很好") == ""


def test_real_messages_are_mostly_kept_and_read_as_local() -> None:
    data_dir = shared_data("tipdm2020_c", "train.csv").parent.parent
    messages = real_messages(data_dir)
    assert real_messages(data_dir) == messages
    assert len(messages) >= 1500  # of 2,274 raw-text rows
    for message in messages:
        text = fill_place(message.text, SLOTS, random.Random(1))
        assert not re.search(r"[A-Z]\d+[区县市]|西地省|(书记|厅长|局长)大人|长沙|湖南", text), text[:80]
    estates = estates_by_street(data_dir)
    assert len(estates["330114002"]) > len(estates["330114004"])  # the real 下沙 estates are read
