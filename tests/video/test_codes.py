"""GB/T 28181 codes: the parts and the checks a registry row gets."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhiguan.video import codes

ADMIN = "330114"


@pytest.mark.parametrize(
    ("code", "camera", "expected"),
    [
        ("33011400081326000001", True, []),  # IPC, 城市管理接入, 政务网
        ("33011400001310000001", True, []),  # analogue camera, 社会治安路面接入
        ("33011400081186000001", False, []),  # NVR
        ("33011400081116000001", False, []),  # DVR
        ("33011400082006000001", False, []),  # central signalling server
        ("3301140008132600000", True, ["bad_device_code"]),  # 19 digits
        ("330114000813260000012", True, ["bad_device_code"]),  # 21 digits
        ("3301140008132600000A", True, ["bad_device_code"]),
        ("３３０１１４０００８１３２６０００００１", True, ["bad_device_code"]),  # full-width digits
        ("33010600081326000001", True, ["wrong_admin_code"]),  # 西湖区
        ("33011400081186000001", True, ["not_a_camera_type"]),  # an NVR is no camera
        ("33011400081326000001", False, ["not_a_device_type"]),  # a camera is no device
        ("33011400301326000001", True, ["unknown_industry"]),  # 30: reserved
        ("33010699301186000001", True, ["wrong_admin_code", "unknown_industry", "not_a_camera_type"]),
    ],
)
def test_validate(code, camera, expected):
    assert [e.code for e in codes.validate(code, ADMIN, camera=camera)] == expected


def test_parse_parts():
    c = codes.parse("33011401081326000042")
    assert c is not None
    assert (c.admin, c.base_unit, c.industry, c.type, c.network, c.serial) == (
        "330114",
        "01",
        "08",
        "132",
        "6",
        "000042",
    )
    assert c.centre == "33011401" and c.is_camera


@settings(deadline=None)
@given(
    type_code=st.sampled_from(sorted(codes.CAMERA_TYPES)),
    serial=st.integers(0, 999_999),
    base=st.integers(0, 99),
    industry=st.sampled_from(sorted(codes.INDUSTRIES)),
    network=st.integers(0, 9),
)
def test_made_camera_codes_validate_and_parse_back(type_code, serial, base, industry, network):
    code = codes.make(
        ADMIN, type_code, serial, base_unit=f"{base:02d}", industry=industry, network=str(network)
    )
    assert len(code) == 20
    assert codes.validate(code, ADMIN, camera=True) == []
    parsed = codes.parse(code)
    assert parsed is not None and int(parsed.serial) == serial and parsed.type == type_code


@settings(deadline=None)
@given(st.text(max_size=25))
def test_anything_not_twenty_digits_is_a_bad_code(text):
    if len(text) == 20 and text.isascii() and text.isdigit():
        return
    assert [e.code for e in codes.validate(text, ADMIN, camera=True)] == ["bad_device_code"]
