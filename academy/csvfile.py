"""CSV files that spreadsheet programs open safely, and uploaded text files read whatever program saved them.

Reading: every upload (auditor codes, the people import, the paper sign-in sheet, organisation invitations)
goes through `read_text`, which takes UTF-8 with or without a byte-order mark, UTF-16 with or without one,
and Windows-1252 (Excel's "CSV" on Windows), any line ending (CRLF, LF, the old Mac CR) and stray NUL bytes.

Writing: a cell never runs as a formula (CSV injection).

Every CSV the academy writes (certificate register, audit results, rosters, coverage) goes through `write_rows`
or `to_csv`. Text that a spreadsheet would read as a formula (starting with = + - @, a tab or a carriage return)
gets a leading apostrophe, as OWASP advises; numbers, and text that is just a number such as "-3", stay as they
are.
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TEXT_CONTROLS = frozenset("\t\n\f\v")


class NotText(ValueError):
    """The bytes are not text in any encoding a spreadsheet saves (an image, a workbook, random bytes)."""


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 saved without a byte-order mark: mostly ASCII, so every other byte is NUL."""
    if len(data) < 2 or len(data) % 2:
        return None
    half = len(data) // 2
    for encoding, zeros in (("utf-16-le", data[1::2]), ("utf-16-be", data[0::2])):
        if zeros.count(0) * 10 >= half * 9:
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                return None
    return None


def _decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        candidates = ("utf-8-sig",)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ("utf-16",)
    else:
        text = _utf16_without_bom(data)
        if text is not None:
            return text
        candidates = ("utf-8", "cp1252")
    for encoding in candidates:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise NotText("The file is not text saved by a spreadsheet.")


def _is_control(char: str) -> bool:
    return unicodedata.category(char) == "Cc" and char not in TEXT_CONTROLS


def read_text(data: bytes, *, lossy: bool = False) -> str:
    """Text of an uploaded file, whatever spreadsheet saved it; raise NotText if it is not text at all.

    Lines end in "\\n" whatever the file used (CRLF, LF or CR), NUL bytes are dropped (databases cannot store
    them), and an empty file is empty text. Bytes no encoding reads, and control characters other than tabs and
    line breaks, mean the file is not text (a picture or a workbook saved under a .csv name); with `lossy`,
    they come back as U+FFFD instead, for callers that report bad lines one by one.
    """
    try:
        text = _decode(data)
    except NotText:
        if not lossy:
            raise
        text = data.decode("cp1252", errors="replace")
    text = text.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")
    controls = {char for char in set(text) if _is_control(char)}
    if controls and not lossy:
        raise NotText("The file is not text saved by a spreadsheet.")
    for char in controls:
        text = text.replace(char, "\ufffd")
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def safe_cell(value: object) -> object:
    """Return the cell as written: numbers unchanged, text that could run as a formula after an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, int | float):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not _is_number(text):
        return "'" + text
    return text


def write_rows(rows: Iterable[Iterable[object]], out, *, lineterminator: str = "\r\n") -> None:
    """Write rows as CSV to a text stream, every cell made safe."""
    writer = csv.writer(out, lineterminator=lineterminator)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])


def to_csv(rows: Iterable[Iterable[object]], *, lineterminator: str = "\r\n") -> str:
    """Return rows as CSV text, every cell made safe."""
    out = io.StringIO()
    write_rows(rows, out, lineterminator=lineterminator)
    return out.getvalue()
