"""The filtered case list as CSV or Excel. Reporters' personal data is never exported."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from zhiguan.cases.models import Case
from zhiguan.cases.queries import CaseFilter, filtered
from zhiguan.org.permissions import Actor

MAX_ROWS = 50_000


def _header() -> list[str]:
    return [
        _("Number"),
        _("Registered at"),
        _("Request type"),
        _("Channel"),
        _("Category"),
        _("Status"),
        _("Warning"),
        _("Urgency"),
        _("Lead department"),
        _("Street"),
        _("Grid"),
        _("Address"),
        _("Description"),
    ]


def _rows(actor: Actor, f: CaseFilter) -> Iterator[list[str]]:
    qs = filtered(actor, f, "case.export").select_related("category", "lead_department", "street", "grid")
    case: Case
    for case in qs.order_by("-created_at", "-id")[:MAX_ROWS].iterator(chunk_size=1000):
        yield [
            case.number,
            timezone.localtime(case.created_at).strftime("%Y-%m-%d %H:%M"),
            str(case.get_request_type_display()),
            str(case.get_channel_display()),
            str(case.category),
            str(case.get_status_display()),
            str(case.get_warning_level_display()),
            str(case.get_urgency_display()),
            case.lead_department.name if case.lead_department else "",
            case.street.name if case.street else "",
            case.grid.name if case.grid else "",
            case.address,
            case.description,
        ]


def as_csv(actor: Actor, f: CaseFilter) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel on Chinese Windows opens it right."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_header())
    writer.writerows(_rows(actor, f))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def as_xlsx(actor: Actor, f: CaseFilter) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Cases"))
    ws.append(_header())
    for row in _rows(actor, f):
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
