"""The one CSV writer: cells a spreadsheet would run as formulas come out as text; numbers stay numbers."""

from __future__ import annotations

import csv
import io

import pytest

from academy import csvfile


@pytest.mark.parametrize(("value", "written"), [
    ("=1+1", "'=1+1"),
    ('=HYPERLINK("http://x.example","y")', '\'=HYPERLINK("http://x.example","y")'),
    ("+SUM(A1)", "'+SUM(A1)"),
    ("-cmd", "'-cmd"),
    ("@A1", "'@A1"),
    ("\t=1", "'\t=1"),
    ("-3", "-3"),
    ("+4.5", "+4.5"),
    (-3, "-3"),
    (None, ""),
    ("Ana = Bea", "Ana = Bea"),
])
def test_cells(value, written):
    rows = list(csv.reader(io.StringIO(csvfile.to_csv([[value]]))))
    assert rows == [[written]]


def test_the_pure_module_imports_neither_flask_nor_sqlalchemy():
    source = csvfile.__loader__.get_source(csvfile.__name__)
    assert "flask" not in source and "sqlalchemy" not in source
