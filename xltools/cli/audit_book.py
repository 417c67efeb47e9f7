"""The summary workbook of an audit: 汇总 (one row per document, worst first) and 全部问题
(one row per finding). Streamed (openpyxl write-only), with the findings spooled to a temporary
file until the order is known, so memory does not grow with the number of findings."""
from __future__ import annotations

import json
import math
import os
import tempfile
import unicodedata
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from xltools.core import limits
from xltools.core.layouts import LAYOUTS
from xltools.cli.audit import FIRST_FINDINGS, Result
from xltools.files.folder_lock import FolderLock
from xltools.read.bounded import visible
from xltools.core.findings import Finding, Where
from xltools.core.verdicts import HAS_ERRORS, HAS_WARNINGS, PASSED, SEVERITY_WORDS, UNREADABLE
from xltools.evaluation.report import collapse_tails
from xltools.files.safe_write import write_atomically
from xltools.workbook.openpyxl_internals import fit_to_page, set_style, streamed_setup, style_of
from xltools.workbook.sheets import BODY_FONT, BOX, CENTER, HEADER_FILL, HEADER_FONT, LINK_FONT, WRAP

TOP = Alignment(vertical="top")
VERDICT_FONT = {UNREADABLE: Font(name=BODY_FONT.name, size=10, bold=True, color="7F7F7F"),
                HAS_ERRORS: Font(name=BODY_FONT.name, size=10, bold=True, color="C00000"),
                HAS_WARNINGS: Font(name=BODY_FONT.name, size=10, color="9C5700"),
                PASSED: Font(name=BODY_FONT.name, size=10, color="006100")}


@dataclass
class _Row:
    """A summary row: the result without its findings (those wait in the spool)."""

    result: Result
    first: str
    offset: int
    length: int
    count: int


def display_width(text: str) -> float:
    """Column-width units a text takes at 10 points (the unit is a digit of the default
    11-point font): a CJK or full-width character about 1.5, others about 0.9."""
    return sum(1.5 if unicodedata.east_asian_width(ch) in "WF" else 0.9 for ch in text)


LINE_HEIGHT = 14.0  # points, one line of 10-point CJK text


def row_height(cells: list[tuple[str | None, float]]) -> float:
    """Height that shows every wrapped cell whole: spreadsheets do not grow a row for
    wrapped text on opening a file (LibreOffice prints them one line high)."""
    lines = 1
    for text, width in cells:
        if text:
            usable = max(1.0, width - 1.5)  # the cell's padding
            lines = max(lines, sum(max(1, math.ceil(display_width(p) / usable)) for p in text.split("\n")))
    return lines * LINE_HEIGHT + 2


def first_findings(r: Result, n: int = FIRST_FINDINGS) -> str:
    if r.unreadable is not None:
        return r.unreadable
    shown = [f for f in r.findings if f[1] != "info"][:n]  # evaluate sorts errors first
    lines = [f"{SEVERITY_WORDS[sev]}：{msg}" for _, sev, msg, _ in shown]
    rest = (r.error or 0) + (r.warning or 0) - len(shown)
    if rest > 0:
        lines.append(f"……另有 {rest} 条，见报告")
    if not lines:
        lines.append("未发现错误或提示" + (f"（尾差 {r.info} 条）" if r.info else ""))
    if r.unchecked:  # a clean row is only worth what was checked
        lines.append(r.unchecked)
    return "\n".join(lines)


def _tails_collapsed(r: Result) -> list[Finding]:
    """The findings of one document, its 尾差 one line a rule as in its report (each on the
    first line it names: a worker keeps only the lines, not which cell came first)."""
    found = [Finding(rule, sev, msg, where=tuple(Where(line=x) for x in lines))  # type: ignore[arg-type]
             for rule, sev, msg, lines in r.findings]
    return collapse_tails(found)


class SummaryBook:
    """Collect results (`add`), then `save` the workbook; links are relative to `out`."""

    def __init__(self, out: Path) -> None:
        self.out = Path(out)
        # Held until saved: a second audit onto the same summary is refused, not interleaved.
        self._lock = FolderLock(self.out).acquire()
        weakref.finalize(self, self._lock.release)
        self.rows: list[_Row] = []
        self.with_workbooks = False
        self.with_previous = False  # `--previous`: a column comparing each row with its last round
        self._spool: IO[bytes] = tempfile.TemporaryFile()

    def add(self, r: Result) -> None:
        items = ([("—", UNREADABLE, r.unreadable, ())] if r.unreadable is not None
                 else [(f.rule, SEVERITY_WORDS[f.severity], f.message, f.lines) for f in _tails_collapsed(r)])
        data = json.dumps(items, ensure_ascii=False).encode("utf-8")
        offset = self._spool.seek(0, os.SEEK_END)
        self._spool.write(data)
        first = first_findings(r)
        # Keep counts and the quoted messages; drop the full list, it is in the spool.
        kept = Result(**{**r.__dict__, "findings": [], "json_line": None})
        self.rows.append(_Row(kept, first, offset, len(data), len(items)))
        self.with_workbooks = self.with_workbooks or r.workbook is not None or r.workbook_error is not None
        self.with_previous = self.with_previous or r.changes is not None

    def _findings(self, row: _Row) -> list[list[Any]]:
        self._spool.seek(row.offset)
        return json.loads(self._spool.read(row.length).decode("utf-8"))

    def save(self, *, overwrite: bool = False) -> Path:
        """Refuse an existing file unless `overwrite`; then keep it as `.bak`. The file appears
        whole or not at all (temporary file, then os.replace), as `xltools import` does."""
        out = self.out
        if out.exists() and not overwrite:
            raise FileExistsError(2, "file exists", str(out))
        try:
            return write_atomically(out, lambda tmp: self._build().save(tmp))
        finally:
            self._spool.close()
            self._lock.release()

    def _build(self) -> Workbook:
        wb = Workbook(write_only=True)
        rows = sorted(self.rows, key=lambda x: (x.result.worst, x.result.file))
        cells = _Cells()
        self._summary(wb.create_sheet("汇总"), rows, cells)
        self._all(wb.create_sheet("全部问题"), rows, cells)
        return wb

    def _link(self, target: str | None) -> str | None:
        if target is None:
            return None
        try:
            rel = os.path.relpath(Path(target).resolve(), self.out.parent.resolve())
        except ValueError:  # another drive on Windows: no relative path exists
            rel = str(Path(target).resolve())
        return rel.replace(os.sep, "/")

    def _summary(self, ws: WriteOnlyWorksheet, rows: list[_Row], cells: _Cells) -> None:
        heads = ["文件", "单位", "类型", "年度", "结论", "读到的表", "错误", "提示", "尾差", "前几条问题", "报告"]
        # Upper bounds that keep the sheet printable on landscape A4 at a legible scale;
        # longer text wraps (the findings always do), and the row grows to show it.
        caps = [30, 32, 8, 8, 10, 10, 8, 8, 8, 60, 24, 24]
        wrapped = {0, 1, 9, 10, 11}
        if self.with_workbooks:
            heads.append("工作簿")
        if self.with_previous:
            heads.append("与上一稿比")
            caps = caps[:len(heads) - 1] + [36]
            wrapped.add(len(heads) - 1)
        at = [0, 1, 2, 4, 9, 10, *([11] if self.with_workbooks else []), *([len(heads) - 1] if self.with_previous else [])]
        widths = [display_width(h) + 4 for h in heads]  # room for the autofilter button
        setup = streamed_setup(ws)
        texts: list[list[str | None]] = []
        for row in rows:
            r = row.result
            report = self._link(r.report)
            book = self._link(r.workbook)
            line = [r.file, r.unit, r.kind, r.verdict, row.first, Path(report).name if report else None]
            line += [Path(book).name if book else r.workbook_error] if self.with_workbooks else []
            line += [r.changes or ""] if self.with_previous else []
            texts.append(line)
            for i, t in zip(at, line):
                if t:
                    widths[i] = max(widths[i], max(display_width(p) for p in t.split("\n")) + 2)
        widths = [min(w, caps[i]) if i != 9 else caps[9] for i, w in enumerate(widths)]
        widths = [max(w, display_width(h) + 4) for w, h in zip(widths, heads)]
        for i, w in enumerate(widths):
            setup.column_dimensions[get_column_letter(i + 1)].width = round(w, 1)
        _frame(ws, heads, len(rows))
        ws.append([cells.header(ws, h) for h in heads])
        for n, (row, line) in enumerate(zip(rows, texts), start=2):
            r = row.result
            report, book = self._link(r.report), self._link(r.workbook)
            values: list[Cell] = [
                cells.text(ws, r.file, wrap=True), cells.text(ws, r.unit, wrap=True), cells.text(ws, r.kind),
                cells.number(ws, r.year, "0"), cells.text(ws, r.verdict, font=VERDICT_FONT[r.verdict]),
                cells.number(ws, r.tables_read, f'0"/{len(LAYOUTS)}"'),
                cells.number(ws, r.error), cells.number(ws, r.warning), cells.number(ws, r.info),
                cells.text(ws, row.first, wrap=True),
                cells.link(ws, line[5], report),
            ]
            if self.with_workbooks:
                values.append(cells.link(ws, line[6], book) if book else cells.text(ws, line[6], wrap=True))
            if self.with_previous:
                changes = cells.text(ws, r.changes, wrap=True)
                compare = self._link(r.compare)
                if compare:  # the cell opens the comparison's file
                    changes.hyperlink = visible(compare)
                    cells.restyle(changes, font=LINK_FONT, alignment=WRAP)
                values.append(changes)
            setup.row_dimensions[n].height = row_height(
                [(v.value, widths[i]) for i, v in enumerate(values) if i in wrapped and isinstance(v.value, str)])
            ws.append(values)

    def _all(self, ws: WriteOnlyWorksheet, rows: list[_Row], cells: _Cells) -> None:
        heads = ["文件", "单位", "规则", "级别", "说明", "行"]
        # Widths must be set before the first row is streamed: from the summary rows, capped.
        file_w = min(30, max([display_width(r.result.file) + 2 for r in rows] + [8]))
        unit_w = min(32, max([display_width(r.result.unit or "") + 2 for r in rows] + [8]))
        widths = [file_w, unit_w, 16, 10, 80, 14]
        setup = streamed_setup(ws)
        for i, w in enumerate(widths):
            setup.column_dimensions[get_column_letter(i + 1)].width = w
        _frame(ws, heads, sum(row.count for row in rows))
        ws.append([cells.header(ws, h) for h in heads])
        n = 1
        for row in rows:
            r = row.result
            for rule, sev, msg, lines in self._findings(row):
                n += 1
                where = "、".join(str(x) for x in lines)
                setup.row_dimensions[n].height = row_height([(r.file, file_w), (r.unit, unit_w), (msg, widths[4]),
                                                         (where, widths[5])])
                ws.append([cells.text(ws, r.file, wrap=True), cells.text(ws, r.unit, wrap=True), cells.text(ws, rule),
                           cells.text(ws, sev), cells.text(ws, msg, wrap=True), cells.text(ws, where, wrap=True)])
                del setup.row_dimensions[n]  # written with its row; 50,000 of them need not stay


def _frame(ws: WriteOnlyWorksheet, heads: list[str], n: int) -> None:
    """Header frozen and repeated on every printed page, autofilter over the data, A4 landscape."""
    last = get_column_letter(len(heads))
    setup = streamed_setup(ws)
    ws.freeze_panes = "A2"
    setup.auto_filter.ref = f"A1:{last}{n + 1}"
    # render.cells.fit_to_width needs Worksheet's constants, which a streamed sheet lacks.
    setup.page_setup.orientation = "landscape"
    setup.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    setup.page_setup.fitToWidth = 1
    setup.page_setup.fitToHeight = 0
    fit_to_page(setup.sheet_properties)
    setup.page_margins.left = setup.page_margins.right = 0.4
    ws.print_title_rows = "1:1"


class _Cells:
    """Cell makers for one streamed workbook. Each distinct style is registered once and
    copied after: setting font and alignment per cell costs a hash of every style object,
    three quarters of the time of writing 50,000 findings."""

    def __init__(self) -> None:
        self._styles: dict[tuple[object, ...], StyleArray] = {}

    def _style(self, c: Cell, **attrs: Any) -> Cell:
        key = tuple(sorted((k, id(v)) for k, v in attrs.items()))
        known = self._styles.get(key)
        if known is not None:
            set_style(c, known)
            return c
        for k, v in attrs.items():
            setattr(c, k, v)
        self._styles[key] = style_of(c)
        return c

    def header(self, ws: WriteOnlyWorksheet, text: str) -> Cell:
        c = self.text(ws, text)
        return self._style(c, font=HEADER_FONT, fill=HEADER_FILL, alignment=CENTER, border=BOX)

    def text(self, ws: WriteOnlyWorksheet, text: str | None, *, wrap: bool = False,
             font: Font | None = None) -> Cell:
        """Document text as a string, never a formula, as render.cells.put_text does (which
        needs a random-access sheet, not a streamed one)."""
        c = WriteOnlyCell(ws)
        if text is not None and text != "":
            # A file name may hold control characters or undecodable bytes no cell can hold.
            c.value = visible(str(text))[:limits.CELL_CHARS.value]
            c.data_type = "s"
        return self._style(c, font=font or BODY_FONT, alignment=WRAP if wrap else TOP)

    def number(self, ws: WriteOnlyWorksheet, value: int | None, fmt: str = "0") -> Cell:
        c = WriteOnlyCell(ws, value=value)
        return self._style(c, font=BODY_FONT, alignment=TOP, number_format=_FORMATS.setdefault(fmt, fmt))

    def restyle(self, c: Cell, **attrs: Any) -> Cell:
        return self._style(c, **attrs)

    def link(self, ws: WriteOnlyWorksheet, text: str | None, target: str | None) -> Cell:
        c = self.text(ws, text)
        if target:
            c.hyperlink = visible(target)
            self._style(c, font=LINK_FONT, alignment=TOP)
        return c


# One object per number format, so that the style key (by identity) is stable.
_FORMATS: dict[str, str] = {}
