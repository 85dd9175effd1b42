"""Property tests for routing: a rule matches exactly when every condition it sets holds, checked
against a plain restatement of the conditions (the oracle); time windows wrap over midnight."""

from __future__ import annotations

from datetime import time

from hypothesis import given, settings
from hypothesis import strategies as st

from zhiguan.cases.models import Case, RoutingRule
from zhiguan.cases.routing import _in_window, in_polygon, rule_matches

TYPES = ["complaint", "help", "report", "suggestion", "consultation", "praise"]
CHANNELS = ["hotline", "web", "app", "wechat", "inspector"]
URGENCIES = ["normal", "urgent"]
WORDS = ["路灯", "噪音", "占道", "漏水", "停车"]
CATEGORY_CHAINS = [[30, 3, 1], [31, 3, 1], [40, 4, 1], [50, 5, 2]]  # leaf, level 2, level 1
AREAS = [(101, 201, 301), (101, 202, 302), (102, 203, 303)]  # street, community, grid
SQUARE = {
    "type": "Polygon",
    "coordinates": [[[120.3, 30.2], [120.4, 30.2], [120.4, 30.3], [120.3, 30.3], [120.3, 30.2]]],
}

rules = st.builds(
    dict,
    category_id=st.none() | st.sampled_from([1, 2, 3, 4, 5, 30, 31, 40, 50]),
    area_id=st.none() | st.sampled_from([101, 102, 201, 202, 203, 301, 302, 303]),
    request_types=st.lists(st.sampled_from(TYPES), max_size=3, unique=True),
    channels=st.lists(st.sampled_from(CHANNELS), max_size=2, unique=True),
    urgencies=st.lists(st.sampled_from(URGENCIES), max_size=1, unique=True),
    keywords=st.lists(st.sampled_from(WORDS), max_size=2, unique=True),
    polygon=st.none() | st.just(SQUARE),
)
cases = st.builds(
    dict,
    chain=st.sampled_from(CATEGORY_CHAINS),
    area=st.sampled_from(AREAS),
    request_type=st.sampled_from(TYPES),
    channel=st.sampled_from(CHANNELS),
    urgency=st.sampled_from(URGENCIES),
    description=st.lists(st.sampled_from([*WORDS, "其他", "问题"]), max_size=3).map("".join),
    point=st.tuples(st.floats(120.25, 120.45), st.floats(30.15, 30.35)),
)


def _case(c: dict) -> Case:
    street, community, grid = c["area"]
    return Case(
        jurisdiction_id=1,
        street_id=street,
        community_id=community,
        grid_id=grid,
        request_type=c["request_type"],
        channel=c["channel"],
        urgency=c["urgency"],
        description=c["description"],
        lng=c["point"][0],
        lat=c["point"][1],
    )


def _oracle(r: dict, c: dict) -> bool:
    lng, lat = c["point"]
    return all(
        [
            r["category_id"] is None or r["category_id"] in c["chain"],
            r["area_id"] is None or r["area_id"] in c["area"],
            r["polygon"] is None or (120.3 <= lng <= 120.4 and 30.2 <= lat <= 30.3),
            not r["request_types"] or c["request_type"] in r["request_types"],
            not r["channels"] or c["channel"] in r["channels"],
            not r["urgencies"] or c["urgency"] in r["urgencies"],
            not r["keywords"] or any(k in c["description"] for k in r["keywords"]),
        ]
    )


@settings(max_examples=400, deadline=None)
@given(rule=rules, case=cases)
def test_a_rule_matches_exactly_when_every_condition_it_sets_holds(rule, case):
    assert rule_matches(RoutingRule(**rule), _case(case), case["chain"]) == _oracle(rule, case)


@given(start=st.times(), end=st.times(), moment=st.times())
def test_a_time_window_that_ends_before_it_starts_wraps_over_midnight(start, end, moment):
    inside = _in_window(start, end, moment)
    if start <= end:
        assert inside == (start <= moment < end)
    else:
        assert inside == (not (end <= moment < start))


def test_a_point_on_the_polygon_edge_counts_as_inside():
    assert in_polygon(SQUARE, 120.3, 30.25) and not in_polygon(SQUARE, 120.2999, 30.25)
    assert not in_polygon(SQUARE, None, None)
    assert _in_window(time(22), time(6), time(23, 30)) and not _in_window(time(22), time(6), time(12))
