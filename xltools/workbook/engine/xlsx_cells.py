"""The cells of an .xlsx file as the compile-once engine needs them: constants and formulas.

Read by a scan of the sheet XML rather than through openpyxl, which takes five times as long
(0.6 s in read-only mode against 0.11 s on the largest seed) for a file whose shapes we wrote
ourselves. Constants are typed as `formulas`' own reader sees them (openpyxl's casting,
floats rounded to 15 digits as `ExcelModel.compile_cell` does), so both paths start from the same
inputs. What the fast path does not model (shared, array or data-table formulas) raises
`NotModelled`, and the caller falls back to the package's full model.
"""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import ParseError

from defusedxml.common import DefusedXmlException

from xltools.core import limits
from xltools.read.bounded import check_zip, over
from xltools.read.errors import ReadError
from xltools.workbook.engine.cache import sheet_parts
from xltools.workbook.engine.sheet_xml import CELL, VALUE, plain_text
from xltools.workbook.safe_xml import fromstring, vet  # the workbook may come from anyone

_M = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_A1 = re.compile(r"([A-Z]+)([0-9]+)$")
_CHARREF = re.compile(r"&#(x[0-9A-Fa-f]+|[0-9]+);")


def unescape(text: str) -> str:
    """XML's five entities and its character references: all a worksheet's text can hold
    (html.unescape knows two thousand names, and was a tenth of reading a workbook)."""
    if "&" not in text:
        return text
    text = text.replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&apos;", "'")
    if "&#" in text:
        text = _CHARREF.sub(lambda m: chr(int(m.group(1)[1:], 16) if m.group(1)[0] == "x" else int(m.group(1))), text)
    return text.replace("&amp;", "&")


def unescape_many(texts: list[str]) -> list[str]:
    """`unescape` of each text, by one XML parse of them all (expat undoes the references in
    C: a Python call per Chinese character was most of reading the texts formulas read).
    Texts that do not make plain element content together — markup, an entity XML does not
    define, a character XML forbids, a carriage return (which a parser turns into a line
    feed) — are unescaped one by one instead."""
    if len(texts) < 2 or any("\r" in t or "<" in t or "]]>" in t for t in texts):
        return [unescape(t) for t in texts]
    try:
        root = fromstring("<r>" + "".join(f"<t>{t}</t>" for t in texts) + "</r>")
    except (ParseError, DefusedXmlException, ValueError):
        return [unescape(t) for t in texts]
    out = [el.text or "" for el in root]
    if len(out) != len(texts) or root.text or any(len(el) or el.tail or el.tag != "t" for el in root):
        return [unescape(t) for t in texts]
    return out


_HEX = re.compile(r"_x([0-9A-Fa-f]{4})_")

Cell = tuple[int, int, int]  # (sheet index, row, column), 1-based row and column


class NotModelled(Exception):
    """Something the fast path does not model; the message says what, for `--verbose`."""


@dataclass
class Book:
    sheets: list[str]
    constants: dict[Cell, object] = field(default_factory=dict)
    formulas: dict[Cell, str] = field(default_factory=dict)
    # Inline text still XML-escaped: our workbooks write every Chinese character as a
    # character reference, and most text is labels no formula reads, so a text is unescaped
    # (`unescape`) only when a formula reads it (`FastModel`), a fifth of reading the file.
    escaped: dict[Cell, str] = field(default_factory=dict)


def col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def col_letters(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def a1(row: int, col: int) -> str:
    return f"{col_letters(col)}{row}"


def parse_a1(ref: str) -> tuple[int, int]:
    m = _A1.match(ref.upper())
    if not m:
        raise NotModelled(f"cell reference {ref!r}")
    return int(m.group(2)), col_number(m.group(1))


def _number(text: str) -> int | float:
    # openpyxl's cast (an int unless it has a point or an exponent); the 15-digit rounding is
    # what formulas.ExcelModel.compile_cell applies to every float it reads.
    if "." in text or "E" in text or "e" in text:
        return round(float(text), 15)
    return int(text)


def _shared_strings(z: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in z.namelist():
        return []
    out = []
    for si in fromstring(z.read("xl/sharedStrings.xml")).iter(f"{_M}si"):
        # Direct text or rich-text runs; phonetic runs (<rPh>) carry readings, not the text.
        ts = si.findall(f"{_M}t") + [t for r in si.findall(f"{_M}r") for t in r.findall(f"{_M}t")]
        text = "".join(t.text or "" for t in ts)
        if "_x" in text:  # the escapes formulas' own string-table reader undoes
            text = _HEX.sub(lambda m: chr(int(m.group(1), 16)), text)
        out.append(text.replace("x005F_", ""))
    return out


def _error(text: str) -> object:
    from formulas.tokens.operand import Error

    if text not in Error.errors:
        raise NotModelled(f"error value {text!r}")
    return Error.errors[text]


def read_book(path: Path) -> Book:
    source = str(path)
    try:
        with zipfile.ZipFile(path) as z:
            check_zip(z, source)  # declared part sizes, before anything is inflated
            parts = sheet_parts(z)
            strings = _shared_strings(z)
            book = Book(list(parts))
            for si, (name, part) in enumerate(parts.items()):
                xml = z.read(part)
                # Scanned, not parsed: defusedxml still judges its prolog, as openpyxl's reader would.
                vet(xml)
                _read_sheet(xml, si, name, strings, book)
                if len(book.constants) + len(book.formulas) > limits.BOOK_CELLS.value:
                    raise over(source, limits.BOOK_CELLS, len(book.constants) + len(book.formulas))
    except (NotModelled, ReadError):
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, IndexError, ValueError, OSError, EOFError,
            ParseError, DefusedXmlException) as exc:
        # ValueError covers a part that is not UTF-8 and a number that is not one.
        raise ReadError(source, None, f"不是可读取的 Excel 工作簿（{type(exc).__name__}）",
                        f"not a readable Excel workbook ({type(exc).__name__})") from exc
    return book


_R = re.compile(r'\br="([A-Z]+)([0-9]+)"')
_TYPE = re.compile(r'\bt="([^"]*)"')
_F = re.compile(r"<f\b([^>]*?)(?:/>|>(.*?)</f>)", re.S)
# A cell as the workbooks xltools writes have it (r, s, t in that order; a formula, a value or
# one inline text, none with attributes), else any cell as CELL finds it: where the first
# alternative matches, CELL matches the same extent, so the scan meets the cells CELL meets.
_PLAIN_CELL = re.compile(
    r'<c r="([A-Z]+)([0-9]+)"(?: s="[0-9]+")?(?: t="([A-Za-z]+)")?'
    r"(?:/>|>(?:<f>([^<]*)</f>(?:<v>[^<]*</v>|<v/>)?|<v>([^<]*)</v>|<is><t>([^<]*)</t></is>)?</c>)"
    r"|" + CELL.pattern, re.S)
_COLUMN: dict[str, int] = {}


def _column(letters: str) -> int:
    n = _COLUMN.get(letters)
    if n is None:
        n = _COLUMN[letters] = col_number(letters)
    return n


def _read_sheet(xml: bytes, si: int, name: str, strings: list[str], book: Book) -> None:
    # A scan of the <c> elements rather than a tree: this is the engine's costliest read.
    text = xml.decode("utf-8")
    if re.search(r"<\w+:sheetData\b", text):
        raise NotModelled(f"sheet {name} is written with a namespace prefix")
    formulas, constants, escaped = book.formulas, book.constants, book.escaped
    for m in _PLAIN_CELL.finditer(text):
        letters, digits, t, formula, raw, inline, attrs, inner = m.groups()
        if letters is None:  # a cell of another shape
            _read_cell(attrs, inner, si, name, strings, book)
            continue
        cell = (si, int(digits), _column(letters))
        if formula is not None:
            formula = unescape(formula)
            formulas[cell] = "=" + (formula[1:] if formula.startswith("=") else formula)
        elif raw is not None and t != "inlineStr":
            constants[cell] = _value(t or "n", raw, strings, name, letters + digits)
        elif inline is not None and t == "inlineStr":
            if "&" in inline:
                escaped[cell] = inline
            else:
                constants[cell] = inline
        elif raw is not None or inline is not None:  # content its type does not name: as CELL reads it
            whole = CELL.match(text, m.start())
            if whole is None or whole.end() != m.end():  # cannot be (see _PLAIN_CELL); not guessed at
                raise NotModelled(f"a cell the scan does not read alike at {name}!{letters}{digits}")
            _read_cell(whole.group(1), whole.group(2), si, name, strings, book)


def _value(t: str, raw: str, strings: list[str], name: str, ref: str) -> object:
    if t == "n":
        return _number(raw)
    if t == "s":
        return strings[int(raw)]
    if t == "str":
        return unescape(raw)
    if t == "b":
        return raw.strip() in ("1", "true")
    if t == "e":
        return _error(unescape(raw))
    raise NotModelled(f"cell type {t!r} at {name}!{ref}")


def _read_cell(attrs: str, inner: str | None, si: int, name: str, strings: list[str], book: Book) -> None:
    """One <c> element, whatever its shape (attributes, content) within what is modelled."""
    if not inner:  # <c …/>: a styled empty cell, most of a sheet's cells
        return
    r = _R.search(attrs)
    if r is None:
        raise NotModelled(f"a cell without an address in {name}")
    row, col = int(r.group(2)), col_number(r.group(1))
    ref = r.group(1) + r.group(2)
    f = _F.search(inner)
    if f is not None:
        if re.search(r'\b(t|ref)="', f.group(1)) and 't="normal"' not in f.group(1):
            raise NotModelled(f"a shared or array formula at {name}!{ref}")
        formula = unescape(f.group(2) or "")
        book.formulas[(si, row, col)] = "=" + (formula[1:] if formula.startswith("=") else formula)
        return
    tm = _TYPE.search(attrs)
    t = tm.group(1) if tm else "n"
    if t == "inlineStr":
        text = plain_text(inner)
        if "&" in text:
            book.escaped[(si, row, col)] = text
            return
        value: object = text
    else:
        v = VALUE.search(inner)
        if v is None or v.group(1) is None:
            return
        value = _value(t, v.group(1), strings, name, ref)
    book.constants[(si, row, col)] = value
