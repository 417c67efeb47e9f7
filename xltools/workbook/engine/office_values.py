"""A recalculated workbook's values as the listening LibreOffice's bridge leaves them
(office_bridge.py: cells.json and a CSV a sheet), typed exactly as reading the .xlsx that
LibreOffice would have stored gives them (libreoffice_engine._values over saved_values).

Exactly: the same cells, the same types, the same floats to the last bit. LibreOffice writes a
number to .xlsx as 15 significant digits (LibreOffice 7.4; `lo_number_text` says how), and the
read casts that text to an int or a float; a boolean, a date or a time is typed by the cell's
number format, which only the CSV's raw texts show in bulk, so a workbook holding one of those,
or a text the .xlsx store would escape, raises `Unusual` and is read from the stored .xlsx.
Whether this LibreOffice writes numbers as `lo_number_text` says is checked once per office
(libreoffice_engine._fast_values_agree), not assumed.
"""
from __future__ import annotations

import csv
import json
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from xltools.workbook.engine.cache import Value, Values
from xltools.workbook.engine.saved_values import Unusual

# A number in a General or plain numeric format, as the CSV's raw text gives it; anything else
# for a number (2023-03-15, TRUE, 50%, 01:02:03 AM, a fraction) is a format the .xlsx read
# types by (or one not tried), and the workbook goes the .xlsx route.
_PLAIN = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:E[+-][0-9]+)?")

# LibreOffice's error texts (ScGlobal::GetErrorString) → what its .xlsx store writes for them
# (XclTools::GetXclErrorCode). Only codes seen both ways are here; another is `Unusual`.
_ERRORS = {"#DIV/0!": "#DIV/0!", "#VALUE!": "#VALUE!", "#REF!": "#REF!", "#NAME?": "#NAME?",
           "#NUM!": "#NUM!", "#N/A": "#N/A", "Err:502": "#VALUE!", "Err:522": "#VALUE!"}

# Texts the .xlsx store writes escaped or the read changes: a carriage return (the XML read
# makes it a line feed), other control characters and "_x" (written as _xHHHH_ escapes), and
# characters XML cannot hold.
_AWKWARD = re.compile(r"[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]|_[xX]")

_FIFTEEN = Decimal("1e-14")


def lo_number_text(d: float) -> str:
    """The text LibreOffice writes for a number in an .xlsx cell: the shortest round-trip digits
    rounded half up to 15 significant digits, trailing zeros dropped; fixed notation when the
    unrounded exponent is from -4 to 16, else d.ddE+0XX. (Checked against LibreOffice's own
    output for thousands of numbers: tests/test_office_values.py.)"""
    if d == 0:
        return "0"
    sign = "-" if d < 0 else ""
    exact = Decimal(repr(abs(d)))
    exp = exact.adjusted()  # before rounding: 9.999999999999999e-05 is written 1E-004
    mantissa = exact.scaleb(-exp).quantize(_FIFTEEN, rounding=ROUND_HALF_UP)
    shown = exp
    if mantissa >= 10:
        mantissa, shown = Decimal(1), exp + 1
    digits = str(mantissa).replace(".", "").rstrip("0") or "0"
    if -5 < exp < 17:
        if shown >= 0:
            text = (digits + "0" * (shown + 1 - len(digits)) if len(digits) <= shown + 1
                    else f"{digits[:shown + 1]}.{digits[shown + 1:]}")
        else:
            text = "0." + "0" * (-shown - 1) + digits
    else:
        fraction = f".{digits[1:]}" if len(digits) > 1 else ""
        text = f"{digits[0]}{fraction}E{'-' if shown < 0 else '+'}{abs(shown):03d}"
    return sign + text


def number(d: float) -> int | float:
    """A number as the .xlsx read gives it: LibreOffice's text cast as saved_values casts it."""
    text = lo_number_text(d)
    value = float(text) if "." in text or "E" in text else int(text)
    if value in (float("inf"), float("-inf")):  # the largest doubles: LibreOffice writes 17 digits
        raise Unusual(f"a number near the largest double ({d!r})")
    return value


def read_values(folder: Path) -> Values:
    """Sheet name → A1 → value, for every cell the .xlsx read would give a value."""
    with open(folder / "cells.json", encoding="utf-8") as f:
        sheets: list[dict[str, Any]] = json.load(f)["sheets"]
    out: Values = {}
    letters: list[str] = []
    for sheet in sheets:
        name: str = sheet["name"]
        texts = _csv(folder / f"v-{name}.csv")
        cells: dict[str, Value] = {}
        for i, row in enumerate(sheet["rows"]):
            for j, v in enumerate(row):
                if v == "":  # empty, or an empty text: the .xlsx keeps no value for either
                    continue
                while len(letters) <= j:
                    letters.append(get_column_letter(len(letters) + 1))
                a1 = f"{letters[j]}{i + 1}"
                text = texts[i][j] if i < len(texts) and j < len(texts[i]) else None
                if isinstance(v, str):
                    if _AWKWARD.search(v):
                        raise Unusual(f"{name}!{a1}: a text the .xlsx store escapes")
                    if text != v:  # the CSV's cells are not the data array's: nothing is taken from it
                        raise Unusual(f"{name}!{a1}: {v!r} stored in CSV as {text!r}")
                    cells[a1] = v
                elif v is None:
                    if text not in _ERRORS:
                        raise Unusual(f"{name}!{a1}: an error LibreOffice shows as {text!r}")
                    cells[a1] = _ERRORS[text]
                elif isinstance(v, float) and text is not None and _PLAIN.fullmatch(text) and _near(float(text), v):
                    cells[a1] = number(v)
                else:
                    raise Unusual(f"{name}!{a1}: {v!r} shown as {text!r} (a date, time, truth value or percentage)")
        out[name] = cells
    return out


def _near(shown: float, v: float) -> bool:
    # The CSV's text is the number as LibreOffice's input line shows it: 15 significant digits,
    # at most 20 decimals (0.00000000251757552135). Near the exact value, unless the CSV's
    # cells are not the data array's.
    return abs(shown - v) <= 1e-12 * abs(v) + 1e-20


def _csv(path: Path) -> list[list[str]]:
    if not path.exists():
        raise Unusual(f"LibreOffice did not store {path.name}")
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.reader(f))
