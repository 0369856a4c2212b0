"""CSV that a spreadsheet opens safely: a cell that would run as a formula is written as text."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

#: What makes Excel, LibreOffice or Google Sheets read a cell as a formula (OWASP, "CSV
#: Injection"): =, +, - and @ first, or a tab or carriage return before one of them.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def as_text_cell(value: str) -> str:
    """``value`` with a leading ``'`` when a spreadsheet would run it as a formula; a plain
    number such as ``-3.5`` is a number, not a formula, and stays as it is."""
    if value.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def from_text_cell(value: str) -> str:
    """A cell as ``as_text_cell`` received it: the ``'`` it added comes off again."""
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def csv_text(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """``header`` and ``rows`` as CSV text (one ``\\n`` after each line), each cell safe to open
    in a spreadsheet."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([as_text_cell(cell) for cell in row] for row in rows)
    return out.getvalue()
