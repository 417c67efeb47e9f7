"""Check a workbook file again: its cells, read back, as the value source of the same rules."""
from __future__ import annotations

import math
import re
import zipfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from xltools.evaluation.check import evaluate
from xltools.evaluation.coverage import Coverage
from xltools.workbook.engine import compute
from xltools.workbook.engine.cache import lacks_values, sheet_parts
from xltools.workbook.engine.saved_values import SavedBook
from xltools.workbook.engine.xlsx_cells import parse_a1
from xltools.evaluation.judged import as_left
from xltools.core.findings import Finding
from xltools.read.bounded import check_xlsx, merged_ranges
from xltools.read.errors import ReadError
from xltools.workbook.openpyxl_internals import load_workbook
from xltools.workbook.readback import SheetValues
from xltools.workbook.checksheet import FIRST, Col
from xltools.workbook.sheets import CHECKS
from xltools.workbook.structure import SHEET
from xltools.rules import CATALOGUE
from xltools.files.safe_write import OutputRefused, rotate_backups

_WORKSHEET = re.compile(r"xl/worksheets/[^/]+\.xml$")  # where check_xlsx looks for sheets


def _checked(grids: dict[str, list[list[Any]]], source: str) -> dict[str, list[list[Any]]]:
    """Refuse a number no workbook Excel wrote can hold, before the rules compute with it:
    NaN or ±∞ (from a <v>1e400</v>; --json would print a bare NaN). Text is read as it stands
    (openpyxl cuts nothing as it loads): the rules compare names, never compute with them."""
    for title, rows in grids.items():
        for r, row in enumerate(rows, start=1):
            for c, v in enumerate(row, start=1):
                if isinstance(v, float) and not math.isfinite(v):
                    where = f"{title}!{get_column_letter(c)}{r}"
                    raise ReadError(source, None, f"单元格 {where} 不是有限的数（{v}）", f"cell {where} is not a finite number ({v})")
    return grids


def read_grids(path: Path) -> dict[str, list[list[Any]]]:
    """Every sheet's cached values as rows, within the limits, as openpyxl's `iter_rows` gives them for
    the workbook loaded whole; a file that is not a readable workbook is a ReadError naming it.
    The values are scanned from the sheet XML (`SavedBook`, a third of openpyxl's read-only
    load); a file the scan does not read as openpyxl would is read by openpyxl."""
    # Limits first: openpyxl would build every cell (and every cell of a merged range) it finds.
    check_xlsx(path)
    grids = _scanned(path)
    return _loaded(path) if grids is None else grids


def sheet_rows(path: Path, title: str) -> list[list[Any]] | None:
    """One sheet's cached values as rows (None: no such sheet), as `read_grids` gives them,
    within the same limits and errors; only that sheet's XML is parsed."""
    check_xlsx(path)
    grids = _scanned(path, title)
    if grids is None:
        return _loaded_sheet(path, title)
    return grids.get(title)


def _scanned(path: Path, title: str | None = None) -> dict[str, list[list[Any]]] | None:
    """Each sheet's grid (or sheet `title`'s) by the scan of its XML; None where the scan cannot
    promise openpyxl's reading, for whatever reason: a damaged file is then refused in
    openpyxl's words, as it always was."""
    try:
        with zipfile.ZipFile(path) as z:
            book = SavedBook(z)
            if any(not _WORKSHEET.match(part) for part in book.parts.values()):
                return None  # a chart sheet, or a sheet kept elsewhere: openpyxl's to sort out
            out = {}
            for name, part in book.parts.items():
                if title is None or name == title:
                    data = z.read(part)
                    out[name] = _grid(book.rows(book.xml(data, part), part), merged_ranges(data))
            return out
    except Exception:  # Unusual, or anything openpyxl would refuse (it says how)
        return None


def _loaded(path: Path) -> dict[str, list[list[Any]]]:
    """`read_grids` by openpyxl's read-only load."""
    with _readable(path):
        merges = _merges(path)
        wb = load_workbook(path, data_only=True, read_only=True)
        try:
            return {ws.title: _rows(ws, merges.get(ws.title, [])) for ws in wb.worksheets}
        finally:
            wb.close()
    raise AssertionError("unreachable")  # _readable re-raises every exception as a ReadError


def _loaded_sheet(path: Path, title: str) -> list[list[Any]] | None:
    """`sheet_rows` by openpyxl's read-only load."""
    with _readable(path):
        wb = load_workbook(path, data_only=True, read_only=True)
        try:
            if title not in wb.sheetnames:
                return None
            return _rows(wb[title], _merges(path, title).get(title, []))
        finally:
            wb.close()
    raise AssertionError("unreachable")


def _merges(path: Path, title: str | None = None) -> dict[str, list[tuple[int, int, int, int]]]:
    """Each sheet's merged ranges (or sheet `title`'s), from its XML: read-only mode has none."""
    with zipfile.ZipFile(path) as z:
        return {name: merged_ranges(z.read(part)) for name, part in sheet_parts(z).items()
                if title is None or name == title}


def _rows(ws: Any, merges: list[tuple[int, int, int, int]]) -> list[list[Any]]:
    """A read-only sheet's values, its dimension reset (a writer may state A1:A1 for a full
    sheet: read-only mode would cut every row to one cell)."""
    ws.reset_dimensions()
    return _grid([list(r) for r in ws.iter_rows(values_only=True)], merges)


def _grid(rows: list[list[Any]], merges: list[tuple[int, int, int, int]]) -> list[list[Any]]:
    """Read-only rows as a loaded sheet's `iter_rows` gives them: up to its last row holding a
    cell, each row as wide as the widest. A merged range is blank but for its first cell, and
    reaches as far as it spans, as openpyxl makes it when it loads the whole book: whatever the
    file keeps under a merge (LibreOffice can keep the contents of the cells it hides) is not on
    the sheet the officer sees."""
    while rows and not rows[-1]:  # rows with a height and no cell: a loaded sheet has none
        rows.pop()
    height = max([len(rows)] + [r1 for _, _, r1, _ in merges])
    width = max([len(r) for r in rows] + [c1 for _, _, _, c1 in merges] + [0])
    rows += [[] for _ in range(height - len(rows))]
    grid = [r + [None] * (width - len(r)) for r in rows]
    for r0, c0, r1, c1 in merges:
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0):
                    grid[r - 1][c - 1] = None
    return grid


@contextmanager
def _readable(path: Path) -> Iterator[None]:
    """What openpyxl raises on a file that is not a readable workbook, as a ReadError naming it."""
    try:
        yield
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise ReadError(str(path), None, f"不是可读取的 Excel 工作簿（{type(exc).__name__}）",
                        f"not a readable Excel workbook ({type(exc).__name__})") from exc
    except Exception as exc:  # XML syntax, nesting, types openpyxl trips on: a damaged part
        raise ReadError(str(path), None, f"Excel 工作簿已损坏，无法读取（{type(exc).__name__}）",
                        f"the Excel workbook is damaged and cannot be read ({type(exc).__name__})") from exc


def workbook_values(path: str | Path) -> SheetValues:
    """The workbook at `path` as the rules' source of values (one read-back, `readback`). A
    workbook whose formulas carry no computed values is computed first (the fast path, in
    memory; the file is not changed): judged as it stands, its totals would all be blanks."""
    p = Path(path)
    grids = read_grids(p)
    if lacks_values(p):
        # Refused before the computation, not after it: the cell named is the one the file
        # holds the number in (not the first total it spreads to), and no time is spent on it.
        grids = _computed(p, _checked(grids, str(p)))
    return SheetValues(_checked(grids, str(p)), str(p))


def _computed(path: Path, grids: dict[str, list[list[Any]]]) -> dict[str, list[list[Any]]]:
    """`grids` with every formula cell's value as the fast path computes it."""
    try:
        values = compute([path], "formulas")[0]
    except Exception as exc:  # a formula no engine here models: say so, never judge blanks
        raise ReadError(str(path), None,
                        "工作簿中的公式没有保存计算结果，也无法在这里重新计算"
                        f"（{type(exc).__name__}）：请在 Excel、WPS 或 LibreOffice 中打开并保存后再核对",
                        "the workbook's formulas carry no computed values and cannot be recalculated here "
                        f"({type(exc).__name__}): open and save it in Excel, WPS or LibreOffice, then check it again") from exc
    by_name = {name.upper(): name for name in grids}
    for sheet, cells in values.items():
        rows = grids.setdefault(by_name.get(sheet.upper(), sheet), [])
        for ref, value in cells.items():
            r, c = parse_a1(ref)
            while len(rows) < r:
                rows.append([])
            row = rows[r - 1]
            if len(row) < c:
                row.extend([None] * (c - len(row)))
            row[c - 1] = value
    return grids


def evaluate_workbook(path: str | Path) -> tuple[list[Finding], Coverage]:
    """The workbook as it is now: its rows as the user left them, every figure live."""
    values = workbook_values(path)
    return evaluate(values.doc, CATALOGUE, *as_left(values))


def check_workbook(path: str | Path) -> list[Finding]:
    return evaluate_workbook(path)[0]


def read_verdicts(path: str | Path) -> list[tuple[str, str, str]]:
    """(rule id, subject, 结果) of each 校验 row, as the last recalculation left them."""
    # 校验's XML alone, by the scan of `read_grids` (a third of openpyxl's read-only load of
    # the sheet); a file the scan does not read as openpyxl would is read by openpyxl.
    scanned = _scanned(Path(path), CHECKS)
    if scanned is None or CHECKS not in scanned:
        return _loaded_verdicts(path)
    width = max(Col)
    return _verdicts([(row + [None] * width)[:width] for row in scanned[CHECKS][FIRST - 1:]])


def _loaded_verdicts(path: str | Path) -> list[tuple[str, str, str]]:
    """`read_verdicts` by openpyxl's read-only load (only 校验's XML is parsed)."""
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        return _verdicts(wb[CHECKS].iter_rows(min_row=FIRST, max_col=max(Col), values_only=True))
    finally:
        wb.close()


def _verdicts(rows: Iterable[Sequence[Any]]) -> list[tuple[str, str, str]]:
    out = []
    for row in rows:
        if row[Col.RULE - 1] is None:
            continue
        out.append((str(row[Col.RULE - 1]), str(row[Col.SUBJECT - 1] or ""), str(row[Col.VERDICT - 1])))
    return out


# Kept apart, so that `recalc` need not import this module (openpyxl, the rules, the reader).
from xltools.workbook.recalc_guard import guard_recalc, made_by_xltools  # noqa: E402,F401
