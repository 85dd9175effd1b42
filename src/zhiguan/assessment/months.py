"""Calendar months as the assessment apps name them: `YYYY-MM` in, the first day of the month out."""

from __future__ import annotations

import re
from datetime import date

from django.utils.translation import gettext_lazy as _

from zhiguan.errors import InvalidInput

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def parse(value: str | date, *, code: str) -> date:
    """`YYYY-MM` (or a date) → the first day of that month; InvalidInput with `code` otherwise."""
    if isinstance(value, date):
        return value.replace(day=1)
    m = _MONTH.match(str(value or "").strip())
    if m is None or not 1 <= int(m[2]) <= 12 or not 2000 <= int(m[1]) <= 2100:
        raise InvalidInput(_("Give the month as YYYY-MM, for example 2026-10."), code=code, field="month")
    return date(int(m[1]), int(m[2]), 1)


def shift(month: date, months: int) -> date:
    """The first day of the month `months` later (earlier when negative)."""
    y, m = divmod(month.month - 1 + months, 12)
    return date(month.year + y, m + 1, 1)
