"""No formula reaches a spreadsheet: every export writes formula-looking text as text."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from openpyxl import load_workbook

from zhiguan import exports

DANGEROUS = ['=HYPERLINK("http://x","y")', "+1+2", "-3+4", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_csv_cells_that_look_like_formulas_are_escaped_with_an_apostrophe(text):
    body = exports.as_csv(["说明"], [[text], ["普通文字"], [42]])
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[1] == ["'" + text]
    assert rows[2] == ["普通文字"] and rows[3] == ["42"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_xlsx_cells_are_strings_never_formulas(text):
    body = exports.as_xlsx(["说明"], [[text], [7]], sheet="案件")
    with zipfile.ZipFile(io.BytesIO(body)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet
    ws = load_workbook(io.BytesIO(body)).active
    # XML turns a carriage return into a line feed; the text is otherwise kept exactly.
    assert ws.cell(row=2, column=1).value == text.replace("\r", "\n")
    assert ws.cell(row=2, column=1).data_type == "s"
    assert ws.cell(row=3, column=1).value == 7


def test_xlsx_drops_control_characters_instead_of_failing():
    body = exports.as_xlsx(["a"], [["坏\x07字符"]], sheet="s")
    assert load_workbook(io.BytesIO(body)).active.cell(row=2, column=1).value == "坏字符"
