"""Every sheet of each imported seed, printed by LibreOffice to PDF: no text leaves its cell.

The listening LibreOffice prints the three seeds, a 部门 with units, the same 部门 with its
amounts a thousand times larger (元 amounts over 100 million), a deliberately broken copy, a filled
template and a calibration book, each once per run (tests/built.py). The default printout leaves
校验 out (a hidden sheet); the large 部门 is also printed with 校验 shown, as an officer asks for
it. On each page, from the PDF's glyph boxes and the cell borders it draws (tests/pdf_pages.py):

* no glyph crosses a border (text running over its neighbour, or clipped at the edge: LibreOffice
  draws the glyph the border cuts and drops the ones past it), nor the page's edge;
* every glyph of every text cell in the print area is on the sheet's pages (text cut off
  entirely, by a row too low or a neighbour's border, is missing there);
* no number is shown as ###;
* each bordered cell's text also fits at Excel's width of that column: Excel gives a column
  7 px a width unit, LibreOffice more (measured on the calibration book), so a text that
  just fits in LibreOffice may not fit in Excel; a wrapped cell holds its lines in its height.

A page is matched to its sheet by its footer (``&A 第 &P 页``), which every sheet prints.

The round trip: the pages of the 13 tables, as printed, read back by `xltools check`'s PDF
reader, give the text's table figures and its table findings.
"""
from __future__ import annotations

import dataclasses
import math
import re
import shutil
import unicodedata
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

import openpyxl
import pytest
from openpyxl.styles import Border, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_to_tuple, range_boundaries

from built import once
from pdf_pages import Glyph, Page, keep_pages, read_pages
from xltools.workbook.engine.libreoffice_engine import convert
from xltools.core.model import Document
from xltools.evaluation.plan import plan_document
from xltools.workbook.address import grid_for
from xltools.workbook.sheets import TABLE_SHEETS

SEEDS = ("000", "001", "003")
FORMS = Path(__file__).parent / "fixtures" / "forms"
DEPT = "dept_three_units"  # a 部门 with three units: unit rows in 表11, 表12, 表13
SCALE = 1000  # the 部门 again with every amount × 1000: 绩效 amounts over 100 million 元
FOOTER = 62  # pt from the page's foot: below the 1 in bottom margin is the footer
EPS = 0.6  # pt: a glyph touching a border is not crossing it
LINE_EM = 1.36  # the line pitch LibreOffice and Excel give a CJK font, in em
HAND_TYPED = 1234.5
NARROW_SHEET, NARROW_NUMBERS = "表3支出总表", "表2收入总表"  # as the footer names them (no space)


@dataclass(frozen=True)
class Problem:
    sheet: str
    page: int
    what: str

    def __str__(self) -> str:
        return f"{self.sheet} p{self.page}: {self.what}"


def _broken_copy(src: Path, doc: Document, out: Path) -> Path:
    """The seed with 表3's code and name columns far too narrow and 表2's 合计 too narrow for
    its figures, in both blocks (an imported table prints its 原表数 block). Only those two
    sheets are left visible: the others print as the seed's own do (measured there)."""
    plans = plan_document(doc)
    wb = openpyxl.load_workbook(src)
    g3, g2 = grid_for(plans[3]), grid_for(plans[2])
    for col, width in ((1, 3), (2, 6)):  # 科目编码 (never wraps), 科目名称 (wraps)
        for c in (col, g3.orig_col(col)):
            wb["表3 支出总表"].column_dimensions[get_column_letter(c)].width = width
    total = g2.orig_cols["合计"]
    for col in (total - g2.orig_offset, total):
        wb["表2 收入总表"].column_dimensions[get_column_letter(col)].width = 4
    _only(wb, {"表2 收入总表", "表3 支出总表"})
    wb.save(out)
    return out


def _only(wb: openpyxl.Workbook, shown: set[str]) -> None:
    """Every other sheet hidden: LibreOffice prints the visible sheets (and hidden ones that
    define a print area, which these tests do not want: that area is dropped)."""
    for ws in wb.worksheets:
        ws.sheet_state = "visible" if ws.title in shown else "hidden"
        if ws.title not in shown:
            ws.print_area = None  # type: ignore[assignment]
    wb.active = next(i for i, ws in enumerate(wb.worksheets) if ws.title in shown)
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = ws.title in shown and ws is wb.active


def _filled_template(out: Path) -> Path:
    """The blank template with one figure typed by hand: 表10 因公出国（境）费, 一般公共预算."""
    from xltools.workbook.template import write_template

    wb = openpyxl.load_workbook(write_template(out))
    wb["表10 三公经费"]["C6"] = HAND_TYPED
    wb.save(out)
    return out


def _calibration(out: Path) -> Path:
    """Two bordered columns of widths 10 and 30, printed at 100 %: LibreOffice's points per unit."""
    wb = openpyxl.Workbook()
    ws = wb.active
    side = Side(style="thin")
    for col, width in (("A", 10), ("B", 30)):
        ws.column_dimensions[col].width = width
        ws[f"{col}1"] = "x"
        ws[f"{col}1"].border = Border(left=side, right=side, top=side, bottom=side)
    wb.save(out)
    return out


def scaled(doc: Document, factor: float) -> Document:
    """`doc` with every amount (tables, 绩效 in 元, the narrative's sums) times `factor`; shares,
    growth rates and counts as printed. The same identities hold, at larger figures."""
    def amounts(m: Any) -> dict[str, Any]:
        return {k: None if v is None else round(v * factor, 2) for k, v in m.items()}

    tables = {n: None if t is None else dataclasses.replace(
        t, rows=tuple(dataclasses.replace(r, amounts=amounts(r.amounts)) for r in t.rows))
        for n, t in doc.tables.items()}
    figures = tuple(dataclasses.replace(f, value=round(f.value * factor, 2))
                    if f.kind in ("amount", "change", "base") and f.value is not None else f
                    for f in doc.narrative.figures)
    projects = tuple(dataclasses.replace(p, period=amounts(p.period), annual=amounts(p.annual)) for p in doc.projects)
    overall = None if doc.overall is None else dataclasses.replace(
        doc.overall, by_source=amounts(doc.overall.by_source), by_direction=amounts(doc.overall.by_direction))
    return dataclasses.replace(doc, tables=tables, narrative=dataclasses.replace(doc.narrative, figures=figures),
                               projects=projects, overall=overall)


def _dept(d: Path, factor: float, checks: bool) -> Path:
    """The 部门 fixture imported (its amounts × `factor`); with `checks`, 校验 shown as an
    officer shows it to print it."""
    from xltools.rules.reading import read_document
    from xltools.workbook.import_file import import_document

    doc = read_document(FORMS / f"{DEPT}.txt")
    book = import_document(scaled(doc, factor) if factor != 1 else doc, d / "dept.xlsx", recalc=None, overwrite=True)
    if checks:
        wb = openpyxl.load_workbook(book)
        wb["校验"].sheet_state = "visible"
        wb.save(book)
    return book


BUILDERS = ("calibration", *SEEDS, "dept", "dept-large", "narrow", "template")


@dataclass(frozen=True)
class Printed:
    book: Path
    pdf: Path
    problems: tuple[Problem, ...]
    sheets: tuple[str, ...]  # the sheet of each page, in order
    texts: tuple[str, ...]  # each page's text
    sizes: tuple[Counter[float], ...] = ()  # each page's body glyphs by printed size (pt, 0.1)
    printable: tuple[str, ...] = ()  # the visible sheets, as expected_chars names them (read with the book)

    def page(self, footer: str) -> str:
        """The text of the first page of the sheet named `footer` (as the footer prints it)."""
        return next(t for s, t in zip(self.sheets, self.texts) if s == footer)

    def sheet_text(self, sheet: str) -> str:
        return "\n".join(t for s, t in zip(self.sheets, self.texts) if s == sheet)


def _make(name: str, d: Path, seed_workbooks: dict[str, Path], docs: dict[str, Document]) -> Path:
    if name in SEEDS:
        return Path(shutil.copy(seed_workbooks[name], d / f"seed{name}.xlsx"))
    if name == "dept":
        return _dept(d, 1, checks=False)
    if name == "dept-large":
        return _dept(d, SCALE, checks=True)
    if name == "narrow":
        return _broken_copy(seed_workbooks["001"], docs["001"], d / "narrow.xlsx")
    if name == "template":
        return _filled_template(d / "template.xlsx")
    return _calibration(d / "calibration.xlsx")


@pytest.fixture(scope="session")
def printed(seed_workbooks: dict[str, Path], docs: dict[str, Document],
            tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Printed]:
    """name → the book, its PDF by LibreOffice and what leaves its cell there: each printed
    and measured once per run, by the first worker that asks (the books are independent, so
    both cores share them)."""
    if shutil.which("soffice") is None and shutil.which("libreoffice") is None:
        pytest.skip("LibreOffice is not installed")

    def of(name: str) -> Printed:
        def build(d: Path) -> Printed:
            book = _make(name, d, seed_workbooks, docs)
            pdf = convert([book], d, "pdf")[0]
            if name == "calibration":
                return Printed(book, pdf, (), (), ())
            problems, sheets, texts, sizes, printable = book_problems(book, pdf, _unit(of("calibration").pdf))
            return Printed(book, pdf, tuple(problems), tuple(sheets), tuple(texts), tuple(sizes), tuple(printable))
        return once(tmp_path_factory, f"print-{name}", build)
    return of


def _unit(pdf: Path) -> tuple[float, float]:
    """LibreOffice's column width in pt as a + b × units, from the calibration page."""
    page = next(read_pages(pdf, grey=False))  # its borders are black
    xs = sorted({round(s.x0, 1) for s in page.borders if s.x1 - s.x0 < 0.5})
    w10, w30 = xs[1] - xs[0], xs[2] - xs[1]
    per_unit = (w30 - w10) / 20
    return w10 - 10 * per_unit, per_unit


def _verticals(page: Page) -> list[tuple[float, float, float]]:
    return [(s.x0, s.top, s.bottom) for s in page.borders if s.x1 - s.x0 < 0.5]


def _horizontals(page: Page) -> list[tuple[float, float, float]]:
    return [(s.top, s.x0, s.x1) for s in page.borders if s.bottom - s.top < 0.5]


def _footer_sheet(chars: list[Glyph], height: float) -> tuple[str, list[Glyph], list[Glyph]]:
    """The sheet named in the page's footer (its lowest line that reads "… 第 N 页，共 M 页"),
    the page's body glyphs, and any other glyph below the body (a row or a chart run into the
    footer, even below it)."""
    zone = sorted((c for c in chars if c.top > height - FOOTER), key=lambda c: c.top)
    lines: list[list[Glyph]] = []
    for c in zone:
        if lines and c.top - lines[-1][0].top <= 1:
            lines[-1].append(c)
        else:
            lines.append([c])
    texts = ["".join(c.text for c in sorted(ln, key=lambda c: c.x0)) for ln in lines]
    at = max((i for i, t in enumerate(texts) if _FOOT.search(t)), default=len(lines) - 1)
    body = [c for c in chars if c.top <= height - FOOTER]
    stray = [c for i, ln in enumerate(lines) if i != at for c in ln]
    return (_plain(texts[at].split("第")[0]) if lines else ""), body, stray


_FOOT = re.compile(r"第\d+页，共\d+页$")


def _plain(name: str) -> str:
    """A sheet name without its spaces: the PDF's glyphs carry none."""
    return "".join(name.split())


class _Rules:
    """A page's borders of one direction, by position (x of a vertical, y of a horizontal),
    each spanning a..b across it: indexed so that a glyph's questions below look at the
    borders near it, not at every border of the page (a table page has hundreds), with the
    answers the scan of them all gives."""

    def __init__(self, segments: list[tuple[float, float, float]]) -> None:
        self.at: dict[float, list[tuple[int, float, float]]] = defaultdict(list)
        for k, (pos, a, b) in enumerate(segments):
            self.at[pos].append((k, a, b))
        self.keys = sorted(self.at)
        # Where some border at a position reaches, within EPS: its spans' union.
        self.reach: dict[float, tuple[list[float], list[float]]] = {}
        for pos, segs in self.at.items():
            starts: list[float] = []
            ends: list[float] = []
            for lo, hi in sorted((a - EPS, b + EPS) for _, a, b in segs):
                if starts and lo <= ends[-1]:
                    ends[-1] = max(ends[-1], hi)
                else:
                    starts.append(lo)
                    ends.append(hi)
            self.reach[pos] = (starts, ends)

    def crossing(self, lo: float, hi: float, a: float, b: float, share: float) -> float | None:
        """The first border (in the page's order) strictly between lo and hi that overlaps
        a..b by more than `share`."""
        first: tuple[int, float] | None = None
        for pos in self.keys[bisect_right(self.keys, lo):bisect_left(self.keys, hi)]:
            if not lo < pos < hi:
                continue
            for k, sa, sb in self.at[pos]:
                if min(sb, b) - max(sa, a) > share and (first is None or k < first[0]):
                    first = (k, pos)
        return None if first is None else first[1]

    def _reaches(self, pos: float, q: float) -> bool:
        starts, ends = self.reach[pos]
        i = bisect_right(starts, q) - 1
        return i >= 0 and q <= ends[i]

    def before(self, p: float, q: float) -> float | None:
        """The last border at or before p that reaches q."""
        for i in range(bisect_right(self.keys, p) - 1, -1, -1):
            if self._reaches(self.keys[i], q):
                return self.keys[i]
        return None

    def after(self, p: float, q: float) -> float | None:
        """The first border after p that reaches q."""
        for i in range(bisect_right(self.keys, p), len(self.keys)):
            if self._reaches(self.keys[i], q):
                return self.keys[i]
        return None


def _box(c: Glyph, vs: _Rules, hs: _Rules) -> tuple[float, float, float, float] | None:
    """The bordered cell the glyph sits in (left, right, top, bottom), or None if unbordered."""
    cx, cy = (c.x0 + c.x1) / 2, (c.top + c.bottom) / 2
    left, right, up, down = vs.before(cx, cy), vs.after(cx, cy), hs.before(cy, cx), hs.after(cy, cx)
    if left is None or right is None or up is None or down is None:
        return None
    return left, right, up, down


def page_problems(page: Page, unit: tuple[float, float]) -> tuple[str, list[Glyph], list[Problem]]:
    """The sheet of a page, its glyphs, and what on it leaves its cell."""
    number = page.number
    sheet, body, stray = _footer_sheet(page.glyphs, page.height)
    out: list[Problem] = []
    if not sheet:
        out.append(Problem(sheet, number, "no footer naming the sheet"))
    if stray:
        out.append(Problem(sheet, number, f"text run into the footer: {''.join(c.text for c in stray)[:40]}"))
    vs, hs = _Rules(_verticals(page)), _Rules(_horizontals(page))
    sizes = Counter(round(c.size, 1) for c in body)
    scale = (sizes.most_common(1)[0][0] / 10) if sizes else 1.0  # body text is 10 pt on every sheet
    for c in body:
        if c.x0 < -EPS or c.x1 > page.width + EPS or c.bottom > page.height + EPS:
            out.append(Problem(sheet, number, f"“{c.text}” off the page"))
        x = vs.crossing(c.x0 + EPS, c.x1 - EPS, c.top, c.bottom, 0.3 * (c.bottom - c.top))
        if x is not None:
            out.append(Problem(sheet, number, f"“{c.text}” at y={c.top:.0f} crosses the border x={x:.0f}"))
        y = hs.crossing(c.top + 1.0, c.bottom - 1.0, c.x0, c.x1, 0.3 * (c.x1 - c.x0))
        if y is not None:
            out.append(Problem(sheet, number, f"“{c.text}” at y={c.top:.0f} is cut by the border y={y:.0f}"))
    text = "".join(c.text for c in body)
    if "###" in text:
        out.append(Problem(sheet, number, "a number shown as ###"))
    out += _excel_fit(body, vs, hs, sheet, number, unit, scale)
    return sheet, body, out


def _excel_fit(body: list[Glyph], vs: _Rules, hs: _Rules, sheet: str, number: int, unit: tuple[float, float],
               scale: float) -> list[Problem]:
    """Each bordered cell's text at Excel's width of its column (7 px a unit, 5 px padding)."""
    cells: dict[tuple[float, float, float, float], list[Glyph]] = defaultdict(list)
    for c in body:
        box = _box(c, vs, hs)
        if box is not None:
            cells[box].append(c)
    a, per_unit = unit
    out = []
    for (left, right, top, bottom), chars in cells.items():
        units = ((right - left) / scale - a) / per_unit
        room = (7 * units - 5) * 0.75 * scale  # Excel's text area, on this page's scale
        lines: list[list[Glyph]] = []
        for c in sorted(chars, key=lambda c: c.top):
            if lines and c.top - lines[-1][0].top < 0.5 * c.size:
                lines[-1].append(c)
            else:
                lines.append([c])
        widths = [max(c.x1 for c in ln) - min(c.x0 for c in ln) for ln in lines]
        text = "".join(c.text for ln in lines for c in sorted(ln, key=lambda c: c.x0))
        size = max(c.size for c in chars)
        capacity = max(1, math.floor((bottom - top - 1) / (size * LINE_EM)))
        # LibreOffice's lines where each fits Excel's column; else Excel packs the text into
        # its narrower lines (CJK breaks between any two glyphs; 3 % for punctuation rules).
        fits = all(w <= room + EPS for w in widths)
        need = len(widths) if fits else max(len(widths), math.ceil(sum(widths) * 1.03 / room))
        if need > capacity:
            out.append(Problem(sheet, number, f"“{text[:30]}” needs {need} lines at Excel's width "
                                              f"({room:.0f} pt), its row holds {capacity}"))
    return out


def _glyphs(text: str) -> list[str]:
    """Characters as a font draws them compared: a ligature (ﬁ) is its letters."""
    return [ch for ch in unicodedata.normalize("NFKC", text) if ch.strip()]


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def expected_chars(book: Path) -> dict[str, Counter[str]]:
    """Sheet → the glyphs of its text cells inside the print area (title rows once: a page
    repeats them, which only adds glyphs); hidden rows and columns print nothing.

    Read from the file's XML as openpyxl loads it (a text cell: a shared, inline or plain
    string and no formula; a sheet's print area its _xlnm.Print_Area; a column hidden by its
    <col>): building every cell of a seed's book with openpyxl cost 0.4-0.8 CPU-s a book."""
    import zipfile

    from xltools.workbook.engine.cache import sheet_parts
    from xltools.workbook.engine.saved_values import _shared_strings
    from xltools.workbook.safe_xml import fromstring

    out: dict[str, Counter[str]] = {}
    with zipfile.ZipFile(book) as z:
        parts = sheet_parts(z)
        workbook = fromstring(z.read("xl/workbook.xml"))
        titles = [s.get("name", "") for s in workbook.iter(f"{_MAIN}sheet")]
        states = {s.get("name", ""): s.get("state", "visible") for s in workbook.iter(f"{_MAIN}sheet")}
        areas = {titles[int(d.get("localSheetId", ""))]: d.text or "" for d in workbook.iter(f"{_MAIN}definedName")
                 if d.get("name") == "_xlnm.Print_Area" and d.get("localSheetId") is not None}
        strings = _shared_strings(z.read("xl/sharedStrings.xml")) if "xl/sharedStrings.xml" in z.namelist() else []
        for title in titles:
            if states[title] != "visible" or title not in parts:
                continue
            sheet = fromstring(z.read(parts[title]))
            bounds = None
            if title in areas:
                bounds = range_boundaries(areas[title].split("!")[-1].replace("$", ""))
            hidden = {c for col in sheet.iter(f"{_MAIN}col") if col.get("hidden") in ("1", "true")
                      for c in range(int(col.get("min", "0")), int(col.get("max", "0")) + 1)}
            chars: Counter[str] = Counter()
            for cell in sheet.iter(f"{_MAIN}c"):
                kind = cell.get("t", "n")
                if kind not in ("s", "str", "inlineStr") or cell.find(f"{_MAIN}f") is not None:
                    continue
                col, row = coordinate_to_tuple(cell.get("r", ""))[::-1]
                if col in hidden or bounds is not None and not (
                        bounds[0] <= col <= bounds[2] and bounds[1] <= row <= bounds[3]):  # type: ignore[operator]
                    continue
                if kind == "inlineStr":
                    inline = cell.find(f"{_MAIN}is")
                    text = None if inline is None else "".join(
                        t.text or "" for t in inline.iter(f"{_MAIN}t") if t not in inline.findall(f"{_MAIN}rPh/{_MAIN}t"))
                else:
                    v = cell.findtext(f"{_MAIN}v")
                    text = (strings[int(v)] if kind == "s" else v) if v else None
                if text:
                    chars.update(_glyphs(text))
            out[_plain(title)] = chars
    return out


def print_names(book: Path) -> dict[str, tuple[str, str | None]]:
    """Sheet → its print area and its title rows, as the book defines them (_xlnm.Print_Area,
    the rows of _xlnm.Print_Titles): what openpyxl's `print_area` and `print_title_rows` give
    for a sheet that has them, read without building every cell of the book."""
    import zipfile

    from xltools.workbook.safe_xml import fromstring

    with zipfile.ZipFile(book) as z:
        workbook = fromstring(z.read("xl/workbook.xml"))
    titles = [s.get("name", "") for s in workbook.iter(f"{_MAIN}sheet")]
    out: dict[str, tuple[str, str | None]] = {t: ("", None) for t in titles}
    for d in workbook.iter(f"{_MAIN}definedName"):
        if d.get("localSheetId") is None:
            continue
        title = titles[int(d.get("localSheetId", ""))]
        area, rows = out[title]
        if d.get("name") == "_xlnm.Print_Area":
            out[title] = (d.text or "", rows)
        elif d.get("name") == "_xlnm.Print_Titles":
            out[title] = (area, (d.text or "").split("!")[-1])
    return out


def book_problems(book: Path, pdf: Path, unit: tuple[float, float]
                  ) -> tuple[list[Problem], list[str], list[str], list[Counter[float]], list[str]]:
    """Everything that leaves its cell in the book's PDF, the sheet of each page, each page's
    text, its body glyphs' sizes and the book's visible sheets (the pages are parsed once, and
    the book loaded once, here)."""
    problems: list[Problem] = []
    found: dict[str, Counter[str]] = defaultdict(Counter)
    sheets: list[str] = []
    texts: list[str] = []
    sizes: list[Counter[float]] = []
    for page in read_pages(pdf):
        sheet, body, out = page_problems(page, unit)
        problems += out
        found[sheet].update(ch for c in body for ch in _glyphs(c.text))
        sheets.append(sheet)
        texts.append(page.text)
        sizes.append(Counter(round(c.size, 1) for c in body))
    expected = expected_chars(book)
    for sheet, chars in expected.items():
        missing = chars - found.get(sheet, Counter())
        if missing:
            shown = "".join(sorted(missing.elements()))[:60]
            problems.append(Problem(sheet, 0, f"{sum(missing.values())} glyphs of its text not printed: {shown}"))
    return problems, sheets, texts, sizes, list(expected)


def _summary(problems: Iterable[Problem]) -> str:
    ps = list(problems)
    return "\n".join(map(str, ps[:40])) + (f"\n… {len(ps) - 40} more" if len(ps) > 40 else "")


def test_calibration_measures_libreoffice_wider_than_excel(printed: Callable[[str], Printed]) -> None:
    a, per_unit = _unit(printed("calibration").pdf)
    assert 5.25 <= per_unit < 9 and abs(a) < 6  # Excel: 5.25 pt a unit (7 px)


DEFAULT_SHEETS = ["封面", "问题", *(_plain(TABLE_SHEETS[n]) for n in range(1, 14)), "情况说明", "说明草稿", "绩效",
                  "图表", "代码"]


@pytest.mark.parametrize("seed", SEEDS)
def test_every_sheet_prints_with_nothing_cut_off(printed: Callable[[str], Printed], seed: str) -> None:
    got = printed(seed)
    sheets = set(got.printable)
    # 校验 is hidden (printed on request): the 20 others, each with a page.
    assert sheets == set(DEFAULT_SHEETS) and sheets <= set(got.sheets), f"sheets without a page: {sheets - set(got.sheets)}"
    assert not got.problems, _summary(got.problems)


@pytest.mark.parametrize("name", ["dept", "dept-large"])
def test_a_department_with_units_prints_with_nothing_cut_off(printed: Callable[[str], Printed], name: str) -> None:
    """A 部门 with three units, and the same with 元 amounts over 100 million (校验 shown): no ###,
    nothing cut off, every sheet printed; 表12 prints each unit's row under the 部门's."""
    got = printed(name)
    assert set(got.printable) <= set(got.sheets)
    assert not got.problems, _summary(got.problems)
    units = ("某某县农业农村局", "某某县农业技术推广中心", "某某县动物疫病预防控制中心")
    t12 = "".join(printed(name).sheet_text("表12项目支出本年").split())
    assert all(u in t12 for u in units)


def test_the_default_printout_leaves_checks_out(printed: Callable[[str], Printed]) -> None:
    """Cover, 问题, the 13 tables in order, then 情况说明 … : no 校验 page unless it is shown."""
    for name in (*SEEDS, "dept"):
        order = list(dict.fromkeys(printed(name).sheets))
        assert order == DEFAULT_SHEETS, (name, order)
    shown = printed("dept-large")
    assert "校验" in shown.sheets and shown.sheets.count("校验") >= 2


def test_ten_digit_yuan_amounts_print_whole(printed: Callable[[str], Printed]) -> None:
    """The large 部门's 绩效 and 校验 pages print its 元 amounts over 100 million in full, at
    the document's decimals (no ###, no rounding to the 元)."""
    from xltools.rules.reading import read_document

    doc = scaled(read_document(FORMS / f"{DEPT}.txt"), SCALE)
    got = printed("dept-large")
    big = [v for p in doc.projects for v in p.annual.values() if v is not None and v >= 1e8]
    assert big, "the scaled fixture has 元 amounts over 100 million"
    perf = "".join(got.sheet_text("绩效").split())
    checks = "".join(got.sheet_text("校验").split())
    for v in big:
        shown = f"{v:,.2f}" if v != round(v) else f"{v:,.0f}"
        assert shown in perf, shown
    assert any(f"{v:,.0f}" in checks or f"{v:,.2f}" in checks for v in big)


def test_a_too_narrow_column_is_found(printed: Callable[[str], Printed]) -> None:
    """Seed 001 with two columns made too narrow: those two sheets fail, and only they."""
    problems = printed("narrow").problems
    before = {p.sheet for p in printed("001").problems}
    assert not before & {NARROW_SHEET, NARROW_NUMBERS}
    on = {p.sheet for p in problems} - before
    assert on == {NARROW_SHEET, NARROW_NUMBERS}, _summary(problems)
    names = [p for p in problems if p.sheet == NARROW_SHEET]
    # The codes run over their border; the names wrap to more lines than their rows hold.
    assert any("crosses the border" in p.what for p in names)
    assert any("is cut by the border" in p.what for p in names) and any("needs" in p.what for p in names)
    assert any("###" in p.what for p in problems if p.sheet == NARROW_NUMBERS)


def test_table_pages_print_the_printed_figures(printed: Callable[[str], Printed], docs: dict[str, Document]) -> None:
    """表1 of seed 001, as printed: the document's own 本年收入合计, not its recomputation, and
    the 注 line that says so below the table; no 科目编码 column (the document prints none)."""
    row = docs["001"].table(1).row("本年收入合计")  # type: ignore[union-attr]
    figure = f"{row.get('金额'):,.2f}"  # type: ignore[union-attr]
    text = printed("001").sheet_text("表1收支总表")
    assert figure in text and "原表数" in text
    assert "科目编码" not in text and "一般公共服务支出" in text


@pytest.mark.parametrize("seed", SEEDS)
def test_the_first_page_of_problems_holds_every_mismatch(printed: Callable[[str], Printed],
                                                         docs: dict[str, Document], seed: str) -> None:
    """A reviewer finds the document's errors on the first page of 问题, and the cover says so."""
    from xltools.evaluation.check import check
    from xltools.rules import CATALOGUE

    errors = [f for f in check(docs[seed], CATALOGUE) if f.severity == "error"]
    got = printed(seed)
    cover = "".join(got.page("封面").split())
    first = "".join(got.page("问题").split())
    assert f"不符{len(errors)}条" in first
    assert all(f.rule in first for f in errors)
    assert first.count("不符") >= len(errors) + 1
    assert ("先打开“问题”表，更正" if errors else "没有不符") in cover


@pytest.mark.parametrize("name", [*SEEDS, "dept"])
def test_no_page_of_problems_prints_empty(printed: Callable[[str], Printed], name: str) -> None:
    """The live list's empty rows (formulas, so content to a printer) never run onto a page of
    their own: every printed page of 问题 carries a problem or the live list's heading, and the
    heading says how many of its rows print."""
    got = printed(name)
    pages = [t for s, t in zip(got.sheets, got.texts) if s == "问题"]
    assert pages
    for text in pages:
        flat = "".join(text.split())
        assert re.search(r"[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+", flat) or "编辑后出现的不符与提示" in flat, (name, flat[:200])
    assert re.search(r"打印时印出前\d+条", "".join(pages[-1].split()))


def test_a_template_filled_by_hand_prints_its_live_figures(printed: Callable[[str], Printed]) -> None:
    """No 原表数 in a template: its tables print their working columns, the typed figure and
    the 合计 formulas that add it up (recalculated by LibreOffice), and nothing is cut off."""
    got = printed("template")
    assert not got.problems, _summary(got.problems)
    assert print_names(got.book)["表10 三公经费"][0] == "'表10 三公经费'!$A$1:$E$11"
    assert got.page("表10三公经费").count(f"{HAND_TYPED:,.2f}") == 4  # the cell, its row's 合计, the 合计 row's two


def test_an_imported_table_prints_its_printed_figures_block(printed: Callable[[str], Printed],
                                                            docs: dict[str, Document]) -> None:
    """The print area is the 原表数 block with its 注 line below; the headers repeat on every
    page, the title and 单位 line print once, as the document prints them."""
    names = print_names(printed("001").book)
    for n, plan in plan_document(docs["001"]).items():
        g = grid_for(plan)
        area, rows = names[g.sheet]
        first, last = get_column_letter(g.orig_col(1)), get_column_letter(g.orig_col(g.last_table_col))
        assert area.endswith(f"${first}$1:${last}${max(g.last_row, g.first_row) + 1}"), (n, area)
        assert rows is not None and rows.endswith(f"$4:${g.first_row - 1}")


def _table_pages(got: Printed, out: Path) -> Path:
    """The pages of the 13 tables from a printout, as printed (the other sheets' pages left out)."""
    tables = {_plain(TABLE_SHEETS[n]) for n in range(1, 14)}
    return keep_pages(got.pdf, [i for i, s in enumerate(got.sheets, start=1) if s in tables], out)


def _figures(doc: Document, n: int) -> Counter[tuple[tuple[str, float], ...]]:
    """Table n's rows that print a figure, each as its (column, amount) pairs."""
    t = doc.table(n)
    rows = t.rows if t is not None else ()
    return Counter(tuple(sorted((k, v) for k, v in r.amounts.items() if v is not None)) for r in rows
                   if any(v is not None for v in r.amounts.values()))


_LINE = re.compile(r"（第\d+(?:、\d+)*行）|第\d+行")


def _table_findings(doc: Document) -> Counter[tuple[str, str, str]]:
    """The findings of the table rules (T…, X…), without the lines they cite (a PDF's lines
    are not the text's)."""
    from xltools.evaluation.check import check
    from xltools.rules import CATALOGUE

    return Counter((f.rule, str(f.severity), _LINE.sub("", f.message)) for f in check(doc, CATALOGUE)
                   if f.rule.startswith(("T", "X")))


@pytest.mark.parametrize("seed", SEEDS)
def test_the_printed_tables_read_back_as_the_text(printed: Callable[[str], Printed], docs: dict[str, Document],
                                                  seed: str, tmp_path: Path) -> None:
    """The round trip: the 13 tables as the workbook prints them, read by `xltools check`'s PDF
    reader, are the text's tables: every figure in its column, the same table findings."""
    from xltools.rules.reading import read_document

    back = read_document(_table_pages(printed(seed), tmp_path / f"tables{seed}.pdf"))
    text = docs[seed]
    assert all(back.table(n) is not None for n in range(1, 14))
    for n in range(1, 14):
        assert _figures(back, n) == _figures(text, n), n
    found = _table_findings(text)
    assert sum(found.values()) > 0 and _table_findings(back) == found


# Internal keys of the document's structure ("s1.f1": section 1, figure 1).
_KEY = re.compile(r"\bs\d+\.f\d+")


@pytest.mark.parametrize("seed", SEEDS)
def test_the_draft_prints_readable_and_no_sheet_prints_keys(printed: Callable[[str], Printed], seed: str) -> None:
    """说明草稿 prints at 9 pt or more (its text, the footer aside); no structure key of
    情况说明 or 说明草稿 reaches the paper."""
    got = printed(seed)
    pages = [i for i, s in enumerate(got.sheets) if s == "说明草稿"]
    assert pages
    sizes = Counter[float]()
    for i in pages:
        sizes.update(got.sizes[i])
    assert min(sizes) >= 9.0, sorted(sizes.items())
    for sheet in ("情况说明", "说明草稿"):
        text = got.sheet_text(sheet)
        assert text and not _KEY.search(text), (sheet, _KEY.findall(text)[:5])
