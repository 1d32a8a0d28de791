"""Every upload is read by one function, whatever spreadsheet saved the file (csvfile.read_text)."""

from __future__ import annotations

import codecs

import pytest

from academy import csvfile

ROWS = "name,email\nZoë Müller,zoe@example.org\nAndré,andre@example.org\n"


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize(("encoding", "bom"), [
    ("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("utf-16", b""), ("utf-16-le", b""), ("utf-16-be", b""),
    ("utf-16-le", codecs.BOM_UTF16_LE), ("cp1252", b""),
])
def test_any_encoding_and_line_ending_reads_as_the_same_text(encoding, bom, ending):
    data = bom + ROWS.replace("\n", ending).encode(encoding)
    assert csvfile.read_text(data) == ROWS


def test_nul_bytes_are_dropped_and_an_empty_file_is_empty_text():
    assert csvfile.read_text(b"code\nAB\x00CD\n\x00") == "code\nABCD\n"
    assert csvfile.read_text(b"") == ""
    assert csvfile.read_text(codecs.BOM_UTF8) == ""


@pytest.mark.parametrize("data", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",  # a picture saved as .csv
    b"PK\x03\x04\x14\x00\x06\x00",  # an .xlsx workbook
    codecs.BOM_UTF16_LE + b"\x00ba",  # UTF-16 cut in half
    b"\x81\x8d\x8f\x90\x9d",  # bytes neither UTF-8 nor Windows-1252 have
])
def test_bytes_that_are_not_text_are_refused_or_replaced(data):
    with pytest.raises(csvfile.NotText):
        csvfile.read_text(data)
    lossy = csvfile.read_text(data, lossy=True)
    assert "\x00" not in lossy and "\x1a" not in lossy and "\r" not in lossy
