"""The city component code (部件标识码) after CJ/T 214-2007 / GB/T 30428.2-2013 (decision 072).

A component code is all digits, read left to right:

    330114 01 01 000123          16 digits, the standard's layout:
    ├ 6  administrative division code of the district (GB/T 2260), e.g. 330114 钱塘区
    ├ 2  大类 (01 公用设施 … 06 其他设施)
    ├ 2  小类 within the 大类 (0101 上水井盖)
    └ 6  serial number within the district and 小类 (流水号)

Two variants seen in district practice are read as well:

- 14 digits: a 4-digit serial (older city systems: 3301140101 0123);
- 19 digits: the 3-digit street (乡镇街道) code of GB/T 10114 after the district code
  (330114 002 0101 000123), for cities that number components per street.

Codes the platform makes itself (`next_code`) always use the 16-digit layout. Pure: no database.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from zhiguan.registries.spec import RowError

CATEGORY_PREFIX = "DCM-P-"  # the taxonomy code of a 部件 小类: "DCM-P-0101"
STANDARD_LENGTH = 16
SERIAL_DIGITS = 6
# length → (street digits, serial digits)
LAYOUTS: dict[int, tuple[int, int]] = {16: (0, 6), 14: (0, 4), 19: (3, 6)}
_DIGITS = re.compile(r"[0-9]+")
_TYPE = re.compile(r"(?:DCM-P-)?([0-9]{2})([0-9]{2})")


@dataclass(frozen=True)
class ComponentCode:
    """The parts of a component code."""

    admin: str  # 6-digit administrative division code of the district
    street: str  # 3-digit street code, or "" in the 14- and 16-digit layouts
    major: str  # 2-digit 大类
    minor: str  # 2-digit 小类 within the 大类
    serial: str  # 4 or 6 digits

    @property
    def type_code(self) -> str:
        """The 小类 code of the standard, e.g. "0101"."""
        return self.major + self.minor

    @property
    def category_code(self) -> str:
        """The 小类 as a taxonomy category code, e.g. "DCM-P-0101"."""
        return CATEGORY_PREFIX + self.type_code

    def __str__(self) -> str:
        return f"{self.admin}{self.street}{self.major}{self.minor}{self.serial}"


def parse_code(code: str) -> ComponentCode | None:
    """The parts of `code` (surrounding spaces ignored), or None when it is not a component code:
    not all digits, or not 14, 16 or 19 digits long."""
    text = (code or "").strip()
    if not _DIGITS.fullmatch(text) or len(text) not in LAYOUTS:
        return None
    street_len, _serial_len = LAYOUTS[len(text)]
    at = 6 + street_len
    return ComponentCode(
        admin=text[:6],
        street=text[6:at],
        major=text[at : at + 2],
        minor=text[at + 2 : at + 4],
        serial=text[at + 4 :],
    )


def type_code_of(category: str | None) -> str | None:
    """ "0101" for "0101" or "DCM-P-0101"; None for anything else."""
    m = _TYPE.fullmatch((category or "").strip())
    return m.group(1) + m.group(2) if m else None


def validate_code(
    code: str,
    jurisdiction_code: str,
    category: str | None,
    *,
    known_types: Collection[str] | None = None,
) -> list[RowError]:
    """What is wrong with `code` for a component of the district `jurisdiction_code` whose type
    (小类, "0101" or "DCM-P-0101") is `category` (None: the row's type is not known, not compared).

    Codes: `bad_component_code` (not 14/16/19 digits), `wrong_admin_code` (another district's code),
    `unknown_component_type` (the 大类/小类 in the code is not one of `known_types`, the installed
    小类 codes such as "0101"; not checked when None), `category_mismatch` (the code's 小类 is not the
    row's). The first two stop the checks: nothing else can be read from such a code.
    """
    parts = parse_code(code)
    if parts is None:
        return [
            RowError(
                "bad_component_code",
                _(
                    "A component code is 16 digits: district code (6), major class (2), "
                    "minor class (2), serial (6)."
                ),
                "code",
            )
        ]
    if parts.admin != jurisdiction_code:
        return [
            RowError(
                "wrong_admin_code",
                _("The code begins with %(found)s, not this district's code %(expected)s.")
                % {"found": parts.admin, "expected": jurisdiction_code},
                "code",
            )
        ]
    errors: list[RowError] = []
    if known_types is not None and parts.type_code not in known_types:
        errors.append(
            RowError(
                "unknown_component_type",
                _("The component type %(code)s in the code is not in the classification.")
                % {"code": parts.type_code},
                "code",
            )
        )
    expected = type_code_of(category)
    if expected is not None and parts.type_code != expected:
        errors.append(
            RowError(
                "category_mismatch",
                _("The code is of component type %(found)s but the row's type is %(expected)s.")
                % {"found": parts.type_code, "expected": expected},
                "code",
            )
        )
    return errors


def next_code(category: str, existing: Iterable[str], *, admin_code: str) -> str:
    """The next free 16-digit code of the 小类 `category` ("0101" or "DCM-P-0101") in the district
    `admin_code`: one above the highest serial among `existing` codes of that district and 小类
    (codes of other layouts, districts or types are ignored). Raises ValueError when the type is not
    a 小类 code or the serials of the type are used up."""
    type_code = type_code_of(category)
    if type_code is None or not re.fullmatch(r"[0-9]{6}", admin_code):
        raise ValueError(f"not a component type or district code: {category!r}, {admin_code!r}")
    prefix = admin_code + type_code
    highest = 0
    for code in existing:
        if len(code) == STANDARD_LENGTH and code.startswith(prefix) and _DIGITS.fullmatch(code):
            highest = max(highest, int(code[len(prefix) :]))
    if highest >= 10**SERIAL_DIGITS - 1:
        raise ValueError(f"serials of {prefix} used up")
    return f"{prefix}{highest + 1:0{SERIAL_DIGITS}d}"
