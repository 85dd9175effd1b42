"""A formula typed into a case never becomes a live formula in anyone's export."""

from __future__ import annotations

import csv
import io
import zipfile

from openpyxl import load_workbook


def test_a_citizens_formula_in_a_case_description_is_text_in_the_dispatchers_export(world):
    world.new_case(description='=HYPERLINK("http://evil.example","点击")')
    api = world.api("dispatcher")
    text = api.get("cases/export", format="csv").content.decode("utf-8-sig")
    row = list(csv.reader(io.StringIO(text)))[1]
    assert row[-1] == '\'=HYPERLINK("http://evil.example","点击")'
    xlsx = api.get("cases/export", format="xlsx").content
    with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
        assert "<f>" not in z.read("xl/worksheets/sheet1.xml").decode()
    ws = load_workbook(io.BytesIO(xlsx)).active
    assert ws.cell(row=2, column=13).value.startswith("=HYPERLINK")
    assert ws.cell(row=2, column=13).data_type == "s"
