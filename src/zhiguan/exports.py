"""Every CSV and Excel export of the platform goes through here, so that no formula reaches a spreadsheet.

Text typed by anyone (a citizen's description, a department name) may begin with `=`, `+`, `-`,
`@`, a tab or a carriage return, which spreadsheet programs run as a formula (CSV injection,
OWASP). In CSV such a cell is written with a leading apostrophe and every field quoted, as OWASP
recommends; in .xlsx every text is a string cell (`t="s"`/inline string), never a formula, and
keeps its exact text. Numbers and dates stay numbers and dates.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


def csv_safe(value: Any) -> Any:
    """A text cell that a spreadsheet would read as a formula, prefixed with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    return value


def as_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with a byte-order mark (Excel on Chinese Windows opens it right), every field quoted."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)
    writer.writerow([csv_safe(h) for h in header])
    for row in rows:
        writer.writerow([csv_safe(_plain(v)) if v is not None else "" for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def as_xlsx(header: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet: str) -> bytes:
    """One sheet; text cells are always strings (openpyxl would otherwise store "=…" as a formula)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet[:31])

    def cell(value: Any) -> Any:
        value = _plain(value)
        if isinstance(value, str):
            # Control characters are not allowed in the XML of a sheet: dropped, never a failed export.
            c = WriteOnlyCell(ws, value=ILLEGAL_CHARACTERS_RE.sub("", value))
            c.data_type = "s"
            return c
        if value is None or isinstance(value, int | float | date):
            return value
        return cell(str(value))

    ws.append([cell(h) for h in header])
    for row in rows:
        ws.append([cell(v) for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def as_xlsx_sheets(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    """Several sheets (name, header, rows), each as formula-safe as `as_xlsx`."""
    wb = Workbook(write_only=True)
    for name, header, rows in sheets:
        ws = wb.create_sheet(name[:31])

        def cell(value: Any, ws: Any = ws) -> Any:
            value = _plain(value)
            if isinstance(value, str):
                c = WriteOnlyCell(ws, value=ILLEGAL_CHARACTERS_RE.sub("", value))
                c.data_type = "s"
                return c
            if value is None or isinstance(value, int | float | date):
                return value
            return cell(str(value))

        ws.append([cell(h) for h in header])
        for row in rows:
            ws.append([cell(v) for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def response(
    fmt: str, *, filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]], sheet: str
) -> HttpResponse:
    """The download in `fmt` ("csv" or "xlsx"; the caller has checked it), named `filename.<fmt>`."""
    if fmt == "xlsx":
        body, content_type = as_xlsx(header, rows, sheet=sheet), XLSX_TYPE
    else:
        body, content_type = as_csv(header, rows), CSV_TYPE
    resp = HttpResponse(body, content_type=content_type)
    resp["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return resp
