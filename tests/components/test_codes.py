"""The component code (部件标识码, CJ/T 214 / GB/T 30428.2): parts, checks, the next free code."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhiguan.components.codes import next_code, parse_code, validate_code

RELAXED = settings(suppress_health_check=[HealthCheck.too_slow], deadline=None, max_examples=60)
KNOWN = {"0101", "0102", "0128", "0304"}


@pytest.mark.parametrize(
    ("code", "parts"),
    [
        ("3301140101000123", ("330114", "", "01", "01", "000123")),
        (" 3301140128000001 ", ("330114", "", "01", "28", "000001")),
        ("33011401010123", ("330114", "", "01", "01", "0123")),  # 4-digit serial
        ("3301140020101000123", ("330114", "002", "01", "01", "000123")),  # with the street
    ],
)
def test_parse_reads_the_three_layouts(code, parts):
    p = parse_code(code)
    assert p is not None
    assert (p.admin, p.street, p.major, p.minor, p.serial) == parts
    assert p.category_code == f"DCM-P-{parts[2]}{parts[3]}"


@pytest.mark.parametrize(
    "code", ["", "330114010100012", "33011401010001234", "33011401010001２3", "330114-0101-000123", "abc"]
)
def test_parse_refuses_what_is_not_a_code(code):
    assert parse_code(code) is None


@pytest.mark.parametrize(
    ("code", "category", "expected"),
    [
        ("3301140101000123", "0101", []),
        ("3301140101000123", "DCM-P-0101", []),
        ("3301140101000123", None, []),
        ("330114010100012", "0101", ["bad_component_code"]),
        ("33011401O1000123", "0101", ["bad_component_code"]),
        ("3301080101000123", "0101", ["wrong_admin_code"]),
        ("3301140102000123", "0101", ["category_mismatch"]),
        ("3301140199000123", "0101", ["unknown_component_type", "category_mismatch"]),
        ("3301140199000123", None, ["unknown_component_type"]),
    ],
)
def test_validate_code_table(code, category, expected):
    errors = validate_code(code, "330114", category, known_types=KNOWN)
    assert [e.code for e in errors] == expected
    assert all(e.column == "code" and e.message for e in errors)


def test_next_code_continues_the_highest_serial_of_its_district_and_type():
    existing = [
        "3301140101000007",
        "3301140101000003",
        "3301140102000099",
        "3301080101000500",
        "33011401010050",
    ]
    assert next_code("0101", existing, admin_code="330114") == "3301140101000008"
    assert next_code("DCM-P-0102", existing, admin_code="330114") == "3301140102000100"
    assert next_code("0128", existing, admin_code="330114") == "3301140128000001"
    with pytest.raises(ValueError):
        next_code("路灯", existing, admin_code="330114")
    with pytest.raises(ValueError):
        next_code("0101", ["3301140101999999"], admin_code="330114")


@RELAXED
@given(
    admin=st.from_regex(r"[1-9][0-9]{5}", fullmatch=True),
    type_code=st.sampled_from(sorted(KNOWN)),
    serials=st.lists(st.integers(1, 999_998), max_size=20),
)
def test_a_made_code_is_valid_new_and_parses_back(admin, type_code, serials):
    existing = [f"{admin}{type_code}{s:06d}" for s in serials]
    code = next_code(type_code, existing, admin_code=admin)
    assert code not in existing
    assert validate_code(code, admin, type_code, known_types=KNOWN) == []
    parts = parse_code(code)
    assert parts is not None and str(parts) == code and parts.type_code == type_code


@RELAXED
@given(st.text(max_size=24))
def test_validate_never_fails_on_any_text(text):
    errors = validate_code(text, "330114", "0101", known_types=KNOWN)
    assert (parse_code(text) is None) == (bool(errors) and errors[0].code == "bad_component_code")
