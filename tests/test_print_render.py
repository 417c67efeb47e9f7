"""Every sheet of each imported seed, printed by LibreOffice to PDF: no text leaves its cell.

One LibreOffice run converts the three seeds, a deliberately broken copy and a calibration
book (module fixture). On each page, from the PDF's glyph boxes and the cell borders it draws:

* no glyph crosses a border (text running over its neighbour, or clipped at the edge: LibreOffice
  draws the glyph the border cuts and drops the ones past it), nor the page's edge;
* every glyph of every text cell in the print area is on the sheet's pages (text cut off
  entirely, by a row too low or a neighbour's border, is missing there);
* no number is shown as ###;
* each bordered cell's text also fits at Excel's width of that column: Excel gives a column
  7 px a width unit, LibreOffice more (measured on the calibration book), so a text that
  just fits in LibreOffice may not fit in Excel; a wrapped cell holds its lines in its height.

A page is matched to its sheet by its footer (``&A 第 &P 页``), which every sheet prints.
"""
from __future__ import annotations

import math
import shutil
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

import openpyxl
import pytest
from openpyxl.styles import Border, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries

from built import once
from xltools.engine.libreoffice_engine import convert
from xltools.model import Document
from xltools.plan import plan_document
from xltools.render.address import grid_for

pdfplumber = pytest.importorskip("pdfplumber")

SEEDS = ("000", "001", "003")
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
    its figures, in both blocks (an imported table prints its 原表数 block)."""
    plans = plan_document(doc)
    wb = openpyxl.load_workbook(src)
    g3, g2 = grid_for(plans[3]), grid_for(plans[2])
    for col, width in ((1, 3), (2, 6)):  # 科目编码 (never wraps), 科目名称 (wraps)
        for c in (col, g3.orig_col(col)):
            wb["表3 支出总表"].column_dimensions[get_column_letter(c)].width = width
    total = g2.orig_cols["合计"]
    for col in (total - g2.orig_offset, total):
        wb["表2 收入总表"].column_dimensions[get_column_letter(col)].width = 4
    wb.save(out)
    return out


def _filled_template(out: Path) -> Path:
    """The blank template with one figure typed by hand: 表10 因公出国（境）费, 一般公共预算."""
    from xltools.render.template import write_template

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


BUILDERS = ("calibration", *SEEDS, "narrow", "template")


@dataclass(frozen=True)
class Printed:
    book: Path
    pdf: Path
    problems: tuple[Problem, ...]
    sheets: frozenset[str]  # the sheets the PDF printed
    texts: tuple[str, ...]  # each page's text

    def page(self, footer: str) -> str:
        """The text of the first page whose footer (its last line, spaces dropped) names `footer`."""
        return next(t for t in self.texts if footer in "".join(t.split("\n")[-1].split()))


def _make(name: str, d: Path, seed_workbooks: dict[str, Path], docs: dict[str, Document]) -> Path:
    if name in SEEDS:
        return Path(shutil.copy(seed_workbooks[name], d / f"seed{name}.xlsx"))
    if name == "narrow":
        return _broken_copy(seed_workbooks["001"], docs["001"], d / "narrow.xlsx")
    if name == "template":
        return _filled_template(d / "template.xlsx")
    return _calibration(d / "calibration.xlsx")


@pytest.fixture(scope="session")
def printed(seed_workbooks: dict[str, Path], docs: dict[str, Document],
            tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Printed]:
    """name → the book (a seed, the broken copy, the filled template, the calibration book),
    its PDF by LibreOffice and what leaves its cell there: each printed and measured once per
    run, by the first worker that asks (the books are independent, so both cores share them)."""
    if shutil.which("soffice") is None and shutil.which("libreoffice") is None:
        pytest.skip("LibreOffice is not installed")

    def of(name: str) -> Printed:
        def build(d: Path) -> Printed:
            book = _make(name, d, seed_workbooks, docs)
            pdf = convert([book], d, "pdf")[0]
            if name == "calibration":
                return Printed(book, pdf, (), frozenset(), ())
            problems, sheets, texts = book_problems(book, pdf, _unit(of("calibration").pdf))
            return Printed(book, pdf, tuple(problems), frozenset(sheets), tuple(texts))
        return once(tmp_path_factory, f"print-{name}", build)
    return of


def _unit(pdf: Path) -> tuple[float, float]:
    """LibreOffice's column width in pt as a + b × units, from the calibration page."""
    with pdfplumber.open(pdf) as doc:
        page = doc.pages[0]
        xs = sorted({round(ln["x0"], 1) for ln in page.lines if abs(ln["x0"] - ln["x1"]) < 0.5})
    w10, w30 = xs[1] - xs[0], xs[2] - xs[1]
    per_unit = (w30 - w10) / 20
    return w10 - 10 * per_unit, per_unit


def _borders(page: Any) -> list[dict[str, Any]]:
    """The cell borders (the workbook's grey 808080), not a chart's axes and gridlines."""
    grey = 0x80 / 255
    return [ln for ln in page.lines
            if (colour := tuple(ln.get("stroking_color") or ())) and all(abs(v - grey) < 0.01 for v in colour)]


def _verticals(page: Any) -> list[tuple[float, float, float]]:
    return [(ln["x0"], ln["top"], ln["bottom"]) for ln in _borders(page) if abs(ln["x0"] - ln["x1"]) < 0.5]


def _horizontals(page: Any) -> list[tuple[float, float, float]]:
    return [(ln["top"], ln["x0"], ln["x1"]) for ln in _borders(page) if abs(ln["top"] - ln["bottom"]) < 0.5]


def _footer_sheet(chars: list[dict[str, Any]], height: float) -> tuple[str, list[dict[str, Any]], list[dict[str, Any]]]:
    """The sheet named in the page's footer (the lowest line), the page's body glyphs, and
    any other glyph below the body (a row or a chart run into the footer)."""
    zone = [c for c in chars if c["top"] > height - FOOTER]
    low = max((c["top"] for c in zone), default=height)
    foot = [c for c in zone if c["top"] > low - 1]
    text = "".join(c["text"] for c in sorted(foot, key=lambda c: c["x0"]))
    body = [c for c in chars if c["top"] <= height - FOOTER]
    return _plain(text.split("第")[0]), body, [c for c in zone if c["top"] <= low - 1]


def _plain(name: str) -> str:
    """A sheet name without its spaces: the PDF's glyphs carry none."""
    return "".join(name.split())


def _box(c: dict[str, Any], vs: list[tuple[float, float, float]], hs: list[tuple[float, float, float]]
         ) -> tuple[float, float, float, float] | None:
    """The bordered cell the glyph sits in (left, right, top, bottom), or None if unbordered."""
    cx, cy = (c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2
    left = [x for x, t, b in vs if x <= cx and t - EPS <= cy <= b + EPS]
    right = [x for x, t, b in vs if x > cx and t - EPS <= cy <= b + EPS]
    up = [y for y, x0, x1 in hs if y <= cy and x0 - EPS <= cx <= x1 + EPS]
    down = [y for y, x0, x1 in hs if y > cy and x0 - EPS <= cx <= x1 + EPS]
    if not (left and right and up and down):
        return None
    return max(left), min(right), max(up), min(down)


def page_problems(page: Any, number: int, unit: tuple[float, float]) -> tuple[str, list[dict[str, Any]], list[Problem]]:
    """The sheet of a page, its glyphs, and what on it leaves its cell."""
    chars = [c for c in page.chars if c["text"].strip()]
    sheet, body, stray = _footer_sheet(chars, page.height)
    out: list[Problem] = []
    if not sheet:
        out.append(Problem(sheet, number, "no footer naming the sheet"))
    if stray:
        out.append(Problem(sheet, number, f"text run into the footer: {''.join(c['text'] for c in stray)[:40]}"))
    vs, hs = _verticals(page), _horizontals(page)
    sizes = Counter(round(c["size"], 1) for c in body)
    scale = (sizes.most_common(1)[0][0] / 10) if sizes else 1.0  # body text is 10 pt on every sheet
    for c in body:
        if c["x0"] < -EPS or c["x1"] > page.width + EPS or c["bottom"] > page.height + EPS:
            out.append(Problem(sheet, number, f"“{c['text']}” off the page"))
        for x, top, bottom in vs:
            if c["x0"] + EPS < x < c["x1"] - EPS and min(bottom, c["bottom"]) - max(top, c["top"]) > 0.3 * (c["bottom"] - c["top"]):
                out.append(Problem(sheet, number, f"“{c['text']}” at y={c['top']:.0f} crosses the border x={x:.0f}"))
                break
        for y, x0, x1 in hs:
            if c["top"] + 1.0 < y < c["bottom"] - 1.0 and min(x1, c["x1"]) - max(x0, c["x0"]) > 0.3 * (c["x1"] - c["x0"]):
                out.append(Problem(sheet, number, f"“{c['text']}” at y={c['top']:.0f} is cut by the border y={y:.0f}"))
                break
    text = "".join(c["text"] for c in body)
    if "###" in text:
        out.append(Problem(sheet, number, "a number shown as ###"))
    out += _excel_fit(body, vs, hs, sheet, number, unit, scale)
    return sheet, body, out


def _excel_fit(body: list[dict[str, Any]], vs: list[tuple[float, float, float]], hs: list[tuple[float, float, float]],
               sheet: str, number: int, unit: tuple[float, float], scale: float) -> list[Problem]:
    """Each bordered cell's text at Excel's width of its column (7 px a unit, 5 px padding)."""
    cells: dict[tuple[float, float, float, float], list[dict[str, Any]]] = defaultdict(list)
    for c in body:
        box = _box(c, vs, hs)
        if box is not None:
            cells[box].append(c)
    a, per_unit = unit
    out = []
    for (left, right, top, bottom), chars in cells.items():
        units = ((right - left) / scale - a) / per_unit
        room = (7 * units - 5) * 0.75 * scale  # Excel's text area, on this page's scale
        lines: list[list[dict[str, Any]]] = []
        for c in sorted(chars, key=lambda c: c["top"]):
            if lines and c["top"] - lines[-1][0]["top"] < 0.5 * c["size"]:
                lines[-1].append(c)
            else:
                lines.append([c])
        widths = [max(c["x1"] for c in ln) - min(c["x0"] for c in ln) for ln in lines]
        text = "".join(c["text"] for ln in lines for c in sorted(ln, key=lambda c: c["x0"]))
        size = max(c["size"] for c in chars)
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


def expected_chars(book: Path) -> dict[str, Counter[str]]:
    """Sheet → the glyphs of its text cells inside the print area (title rows once: a page
    repeats them, which only adds glyphs)."""
    wb = openpyxl.load_workbook(book)
    out: dict[str, Counter[str]] = {}
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        bounds = (1, 1, ws.max_column, ws.max_row)
        if ws.print_area:
            area = ws.print_area if isinstance(ws.print_area, str) else ws.print_area[0]
            bounds = range_boundaries(area.split("!")[-1].replace("$", ""))  # type: ignore[assignment]
        c0, r0, c1, r1 = bounds
        chars: Counter[str] = Counter()
        for row in ws.iter_rows(min_row=r0, max_row=r1, min_col=c0, max_col=c1):
            for c in row:
                if isinstance(c.value, str) and c.data_type == "s":
                    chars.update(_glyphs(c.value))
        out[_plain(ws.title)] = chars
    return out


TEXT_SHEETS = ("表1收支总表", "表10三公经费")


def book_problems(book: Path, pdf: Path, unit: tuple[float, float]) -> tuple[list[Problem], set[str], list[str]]:
    """Everything that leaves its cell in the book's PDF, the sheets the PDF printed, and the
    text of the pages tests read (pdfplumber's extract_text; the pages are parsed once, here)."""
    problems: list[Problem] = []
    found: dict[str, Counter[str]] = defaultdict(Counter)
    texts: list[str] = []
    with pdfplumber.open(pdf) as doc:
        for i, page in enumerate(doc.pages, start=1):
            sheet, body, out = page_problems(page, i, unit)
            problems += out
            found[sheet].update(ch for c in body for ch in _glyphs(c["text"]))
            # Only the pages tests read as text: the first ones (封面, 问题) and the tables named.
            texts.append(page.extract_text() or "" if i <= 4 or sheet in TEXT_SHEETS else "")
            page.flush_cache()
    for sheet, chars in expected_chars(book).items():
        missing = chars - found.get(sheet, Counter())
        if missing:
            shown = "".join(sorted(missing.elements()))[:60]
            problems.append(Problem(sheet, 0, f"{sum(missing.values())} glyphs of its text not printed: {shown}"))
    return problems, set(found), texts


def _summary(problems: Iterable[Problem]) -> str:
    ps = list(problems)
    return "\n".join(map(str, ps[:40])) + (f"\n… {len(ps) - 40} more" if len(ps) > 40 else "")


def test_calibration_measures_libreoffice_wider_than_excel(printed: Callable[[str], Printed]) -> None:
    a, per_unit = _unit(printed("calibration").pdf)
    assert 5.25 <= per_unit < 9 and abs(a) < 6  # Excel: 5.25 pt a unit (7 px)


@pytest.mark.parametrize("seed", SEEDS)
def test_every_sheet_prints_with_nothing_cut_off(printed: Callable[[str], Printed], seed: str) -> None:
    got = printed(seed)
    sheets = set(expected_chars(got.book))
    assert len(sheets) > 20 and sheets <= got.sheets, f"sheets without a page: {sheets - got.sheets}"
    assert not got.problems, _summary(got.problems)


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
    """表1 of seed 001, as printed: the document's own 本年收入合计, not its recomputation."""
    row = docs["001"].table(1).row("本年收入合计")  # type: ignore[union-attr]
    figure = f"{row.get('金额'):,.2f}"  # type: ignore[union-attr]
    text = printed("001").page("表1收支总表")
    assert figure in text and "原表数" in text


@pytest.mark.parametrize("seed", SEEDS)
def test_the_first_page_of_problems_holds_every_mismatch(printed: Callable[[str], Printed],
                                                         docs: dict[str, Document], seed: str) -> None:
    """A reviewer finds the document's errors on the first page of 问题, and the cover says so."""
    from xltools.check import check
    from xltools.rules import CATALOGUE

    errors = [f for f in check(docs[seed], CATALOGUE) if f.severity == "error"]
    pages = ["".join(t.split()) for t in printed(seed).texts[:4]]
    cover = next(t for t in pages if "封面第" in t)
    first = next(t for t in pages if "问题第" in t)
    assert f"不符{len(errors)}条" in first
    assert all(f.rule in first for f in errors)
    assert first.count("不符") >= len(errors) + 1
    assert ("先打开“问题”表，更正" if errors else "没有不符") in cover


def test_a_template_filled_by_hand_prints_its_live_figures(printed: Callable[[str], Printed]) -> None:
    """No 原表数 in a template: its tables print their working columns, the typed figure and
    the 合计 formulas that add it up (recalculated by LibreOffice), and nothing is cut off."""
    got = printed("template")
    assert not got.problems, _summary(got.problems)
    assert openpyxl.load_workbook(got.book)["表10 三公经费"].print_area == "'表10 三公经费'!$A$1:$E$11"
    assert got.page("表10三公经费第").count(f"{HAND_TYPED:,.2f}") == 4  # the cell, its row's 合计, the 合计 row's two


def test_an_imported_table_prints_its_printed_figures_block(printed: Callable[[str], Printed],
                                                            docs: dict[str, Document]) -> None:
    book = printed("001").book
    wb = openpyxl.load_workbook(book)
    for n, plan in plan_document(docs["001"]).items():
        g = grid_for(plan)
        ws = wb[g.sheet]
        first, last = get_column_letter(g.orig_col(1)), get_column_letter(g.orig_col(g.last_table_col))
        assert ws.print_area.endswith(f"${first}$1:${last}${max(g.last_row, g.first_row)}"), (n, ws.print_area)
        assert ws.print_title_rows.endswith(f"$1:${g.first_row - 1}")
