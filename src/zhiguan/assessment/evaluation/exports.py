"""The monthly ranking as a district office hangs it on the wall: Excel (one titled, bordered sheet,
landscape, fit to a page width) and PDF (WeasyPrint, A4 landscape, Noto CJK). Every export prints
the month, the version, the scheme, the filters and the "data as of" time it was made with.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from zhiguan.assessment.evaluation import indicators as ind
from zhiguan.exports import XLSX_TYPE, csv_safe

__all__ = ["XLSX_TYPE", "as_pdf", "as_xlsx", "filters_text"]

SHOWN = (
    "accept_on_time",
    "feedback_on_time",
    "handling_rate",
    "closure_on_time",
    "rework_rate",
    "overdue_pending_rate",
    "extension_rate",
    "satisfaction",
    "handling_days",
    "notices",
)


def filters_text(*, version: int | None, live: bool) -> str:
    parts = []
    if version:
        parts.append(_("version %(v)s") % {"v": version})
    if live:
        parts.append(_("computed live"))
    return "；".join(parts)


def _fmt(indicator: str, value: Any) -> str:
    if value is None:
        return "—"
    definition = ind.BY_CODE[indicator]
    if definition.kind == ind.RATE:
        return f"{value * 100:.1f}%"
    if definition.kind == ind.MEAN:
        return f"{value:.1f}"
    return str(value)


def _local(at: datetime | str | None) -> str:
    if at is None:
        return ""
    if isinstance(at, str):
        at = datetime.fromisoformat(at)
    return timezone.localtime(at).strftime("%Y-%m-%d %H:%M")


def _title(view: dict[str, Any], jurisdiction_name: str) -> str:
    y, m = view["month"][:4], int(view["month"][5:7])
    return _("%(district)s department evaluation, %(month)s/%(year)s") % {
        "district": jurisdiction_name,
        "year": y,
        "month": m,
    }


def _stamp(view: dict[str, Any], filters: str) -> list[str]:
    status = (
        _("Published version %(v)s, %(at)s, by %(who)s")
        % {"v": view["version"], "at": _local(view["published_at"]), "who": view["published_by"]}
        if view["status"] == "published"
        else _("Draft (not published): figures change as cases change")
    )
    lines = [
        status,
        _("Data as of %(at)s") % {"at": _local(view["data_as_of"])},
        _("Scheme version %(v)s: %(items)s; minimum sample %(n)s")
        % {
            "v": view["scheme"]["version"] or _("built in"),
            "items": "，".join(
                f"{ind.BY_CODE[i['indicator']].name} {i['weight']:g}" for i in view["scheme"]["items"]
            ),
            "n": view["scheme"]["min_sample"],
        },
        _("Filters: %(f)s") % {"f": filters or _("none")},
    ]
    if view.get("reason"):
        lines.append(_("Correction: %(r)s") % {"r": view["reason"]})
    return lines


def _table(view: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    header = [_("Rank"), _("Department"), _("Score"), _("Grade"), _("Cases (count)")]
    header += [str(ind.BY_CODE[c].name) for c in SHOWN]
    rows = []
    for r in view["rows"]:
        rows.append(
            [
                r["rank"] if r["rank"] is not None else _("Not ranked"),
                r["department"],
                round(r["score"], 2) if r["ranked"] else "—",
                r["grade"] or "—",
                r["sample"],
                *[_fmt(c, r["values"][c]["value"]) for c in SHOWN],
            ]
        )
    return header, rows


def as_xlsx(view: dict[str, Any], *, jurisdiction_name: str, filters: str = "") -> bytes:
    header, rows = _table(view)
    wb = Workbook()
    ws = wb.active
    ws.title = _("Ranking")[:31]
    width = len(header)
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    ws.append([_title(view, jurisdiction_name)])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws["A1"].font = Font(size=18, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.row_dimensions[1].height = 32
    stamp = _stamp(view, filters)
    for i, line in enumerate(stamp, start=2):
        ws.append([csv_safe(line)])
        ws.merge_cells(start_row=i, start_column=1, end_row=i, end_column=width)
        ws.cell(i, 1).font = Font(size=10, color="555555")
    head_row = len(stamp) + 3
    ws.append([])
    ws.append(header)
    for col in range(1, width + 1):
        c = ws.cell(head_row, col)
        c.font = Font(bold=True, color="FFFFFF")
        c.fill = PatternFill("solid", fgColor="1F4E79")
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        c.border = border
    ws.row_dimensions[head_row].height = 36
    fills = {"A": "E2EFDA", "D": "FCE4D6", "E": "F8CBAD"}
    for r in rows:
        ws.append([csv_safe(v) for v in r])
        row = ws.max_row
        for col in range(1, width + 1):
            c = ws.cell(row, col)
            c.border = border
            c.alignment = Alignment(horizontal="left" if col == 2 else "center")
            if isinstance(c.value, str):
                c.data_type = "s"
        grade = r[3]
        if grade in fills:
            ws.cell(row, 4).fill = PatternFill("solid", fgColor=fills[grade])
    ws.column_dimensions["A"].width = 8
    ws.column_dimensions["B"].width = 22
    for col in range(3, width + 1):
        ws.column_dimensions[get_column_letter(col)].width = 12
    ws.print_title_rows = f"{head_row}:{head_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.freeze_panes = ws.cell(head_row + 1, 3)
    # The definitions, so that the wall copy says what each figure counts.
    defs = wb.create_sheet(_("Definitions")[:31])
    defs.append([_("Indicator"), _("Numerator"), _("Denominator"), _("Exclusions"), _("Working days")])
    for c in defs[1]:
        c.font = Font(bold=True)
    for indicator in ind.INDICATORS:
        d = indicator.as_dict()
        defs.append(
            [
                csv_safe(str(x or ""))
                for x in (d["name"], d["numerator"], d["denominator"], d["exclusions"], d["working_days"])
            ]
        )
    for letter, w in zip("ABCDE", (20, 50, 40, 50, 40), strict=True):
        defs.column_dimensions[letter].width = w
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def as_pdf(view: dict[str, Any], *, jurisdiction_name: str, filters: str = "") -> bytes:
    from weasyprint import HTML

    header, rows = _table(view)
    html = render_to_string(
        "evaluation/wall.html",
        {
            "title": _title(view, jurisdiction_name),
            "stamp": _stamp(view, filters),
            "header": header,
            "rows": rows,
            "published": view["status"] == "published",
            "definitions": [i.as_dict() for i in ind.INDICATORS if i.code in SHOWN],
        },
    )
    return HTML(string=html).write_pdf()
