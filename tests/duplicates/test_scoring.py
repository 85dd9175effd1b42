"""The pairwise duplicate scorer (issue 12, docs/decisions/082): pure, symmetric, with reasons."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from zhiguan.intelligence.duplicates.scoring import (
    DEFAULT_CONFIG,
    Request,
    extract_places,
    score_candidates,
    score_pair,
)

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2019, 6, 1, 9, 30, tzinfo=SH)

NOISE = Request(
    title="A3区青松小区楼下夜宵摊噪音扰民",
    text="我是A市A3区青松小区的居民，楼下十几家夜宵摊每天营业到凌晨三点，噪音和油烟严重影响休息。",
    time=T0,
)
SAME_NOISE = Request(
    title="青松小区夜宵摊凌晨还在营业，吵得睡不着",
    text="A3区青松小区楼下的夜宵摊天天营业到凌晨，噪音太大，油烟也大，居民无法休息，请城管处理。",
    time=T0 + timedelta(days=2),
)
SAME_PLACE_OTHER_MATTER = Request(
    title="A3区青松小区电梯坏了三个月没人修",
    text="青松小区5栋的电梯从三月开始故障停用，物业一直推说没有维修资金，老人上下楼非常困难。",
    time=T0 + timedelta(days=3),
)
SAME_MATTER_OTHER_PLACE = Request(
    title="A7县红枫花园门口烧烤摊噪音扰民",
    text="A7县红枫花园门口的烧烤摊每晚营业到凌晨，噪音很大，影响居民休息。",
    time=T0 + timedelta(days=1),
)

chinese = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF), min_size=0, max_size=40)
requests = st.builds(
    Request,
    title=chinese,
    text=chinese,
    time=st.one_of(st.none(), st.datetimes(timezones=st.just(SH))),
    lat=st.one_of(st.none(), st.floats(30.0, 30.5)),
    lng=st.one_of(st.none(), st.floats(120.0, 120.5)),
    category=st.one_of(st.none(), st.sampled_from(["环境/噪音", "环境/油烟", "城建/电梯"])),
    caller=st.one_of(st.none(), st.sampled_from(["138", "139"])),
)


@settings(max_examples=150, deadline=None)
@given(requests, requests)
def test_the_score_is_symmetric_and_in_zero_one(a: Request, b: Request) -> None:
    ab, ba = score_pair(a, b), score_pair(b, a)
    assert 0.0 <= ab.score <= 1.0
    assert ab.score == ba.score
    assert ab.reasons == ba.reasons
    assert ab.duplicate == (ab.score >= DEFAULT_CONFIG.threshold)


@settings(max_examples=60, deadline=None)
@given(requests)
def test_a_request_with_text_is_a_duplicate_of_itself(a: Request) -> None:
    a = replace(a, title=a.title + "小区路灯不亮", text=a.text + "晚上走路看不见")
    assert score_pair(a, a).score >= 0.9


def test_the_same_matter_at_the_same_place_scores_above_both_kinds_of_hard_negative() -> None:
    same = score_pair(NOISE, SAME_NOISE)
    other_matter = score_pair(NOISE, SAME_PLACE_OTHER_MATTER)
    other_place = score_pair(NOISE, SAME_MATTER_OTHER_PLACE)
    assert same.duplicate, same
    assert not other_matter.duplicate and not other_place.duplicate
    assert same.score > max(other_matter.score, other_place.score) + 0.3
    assert any("青松" in r for r in same.reasons)  # the shared place is named
    assert "不在同一区县" in other_place.reasons


def test_far_apart_in_time_or_space_lowers_the_score() -> None:
    a = replace(NOISE, lat=30.30, lng=120.20)
    near = replace(SAME_NOISE, lat=30.3002, lng=120.2002)
    far = replace(SAME_NOISE, lat=30.40, lng=120.30)
    later = replace(near, time=T0 + timedelta(days=200))
    s_near, s_far, s_later = score_pair(a, near), score_pair(a, far), score_pair(a, later)
    assert s_near.score > s_far.score
    assert s_near.score > s_later.score
    assert s_near.parts["metres"] < 50 and s_far.parts["metres"] > 10_000


def test_reasons_name_every_part_given_in_chinese() -> None:
    a = replace(NOISE, lat=30.30, lng=120.20, category="环境/噪音", caller="13800000000", component="LD-1")
    b = replace(
        SAME_NOISE, lat=30.3003, lng=120.2001, category="环境/噪音", caller="13800000000", component="LD-1"
    )
    match = score_pair(a, b)
    line = match.summary
    for words in ("相距", "米", "相隔 2 天", "同一类别", "同一来电人", "同一部件", "文本相似度"):
        assert words in line, line
    assert match.reasons[0].startswith("相距")  # distance first, text similarity last
    assert match.reasons[-1].startswith("文本相似度")
    assert score_pair(replace(a, category="城建/电梯"), b).score < match.score
    assert "相近类别" in score_pair(replace(a, category="环境/油烟"), b).reasons


def test_score_candidates_equals_score_pair_in_the_candidates_order() -> None:
    candidates = [SAME_PLACE_OTHER_MATTER, SAME_NOISE, SAME_MATTER_OTHER_PLACE]
    batch = score_candidates(NOISE, candidates)
    assert [m.score for m in batch] == [score_pair(NOISE, c).score for c in candidates]
    assert max(range(3), key=lambda i: batch[i].score) == 1


def test_places_are_read_from_the_text() -> None:
    districts, names = extract_places("反映A7县丰收镇金桂村水泥路的问题，A市A3区桂园小区也一样")
    assert {"a7县", "a3区"} <= districts and "a市" not in districts
    assert any("金桂村" in n for n in names) and any("桂园小区" in n for n in names)
    # Names that differ only in the place-kind suffix's neighbour are different places.
    a = Request(title="A3区桂园小区停水", text="桂园小区停水三天")
    b = Request(title="A3区梅园小区停水", text="梅园小区停水三天")
    assert score_pair(a, b).parts["place_conflict"] == 1


def test_empty_requests_do_not_fail() -> None:
    match = score_pair(Request(), Request())
    assert 0.0 <= match.score < DEFAULT_CONFIG.threshold
    assert match.reasons == ["文本相似度 0.00"]
