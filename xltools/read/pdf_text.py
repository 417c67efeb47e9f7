"""A PDF's text as the text reader expects it, and the page of every line.

pdfplumber (over pdfminer.six) gives the characters with their position, size, colour and
transformation, and the ruling lines. From them:

- A table is found by its ruling lines (pdfplumber's table finder); each of its rows becomes
  one line, its cells tab-separated in column order, a merged cell once (its text in its first
  column, the columns it spans empty), a cell's wrapped lines joined.
- Text outside the tables becomes paragraphs: the lines of one paragraph are joined when a
  line runs to the right edge of the text and the next continues it (same size, no indent, no
  paragraph spacing).
- Everything is in reading order: top to bottom on each page; a page break is a blank line.
- The watermark is left out by its geometry, never by its words (the same words may be a
  heading): characters drawn at a slant (neither horizontal nor vertical), and light text
  drawn again at the same place on most pages.
- Page numbers (a number alone, 第N页, — N —) in the top or bottom margin are left out.

A PDF without a text layer (a scan) is refused: this tool does no OCR. One scanned page in
a PDF with text is reported by its page number (`Extracted.scanned`).
"""
from __future__ import annotations

import io
import math
import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from typing import Any, Sequence

from .errors import ReadError
from .extracted import Extracted, join_pieces

Obj = dict[str, Any]

_PAGE_NO = re.compile(r"^[-—–－\s]*(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*[/／]\s*(?:共\s*)?\d{1,4}\s*页?)?[-—–－\s]*$")
LIGHT = 0.7  # lightness (0 black .. 1 white) from which text counts as light


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    head: float = 0.0  # width of the line's first unbreakable piece (a number, a word, a character)


@dataclass
class _Block:
    """One thing on a page, in reading order: a table's rows or one line of text."""

    top: float
    rows: list[str] | None = None
    line: _Line | None = None


@dataclass
class _Page:
    number: int
    width: float
    height: float
    blocks: list[_Block]
    scanned: bool


# -- Errors ----------------------------------------------------------------------------------

def _complete(data: bytes, source: str) -> None:
    # pdfminer reads a cut-off PDF as far as it goes and says nothing: pages would be missing
    # without a word. Every complete PDF ends with %%EOF (give or take trailing bytes).
    if b"%%EOF" not in data[-2048:]:
        raise ReadError(source, None, "PDF 文件不完整（被截断或已损坏），请重新下载或重新导出",
                        "the PDF is incomplete (cut off or damaged): download or export it again")


def _reason(exc: BaseException) -> BaseException:
    """The pdfminer error inside pdfplumber's wrapper."""
    while exc.args and isinstance(exc.args[0], BaseException):
        exc = exc.args[0]
    return exc


def _refuse(exc: BaseException, source: str) -> ReadError:
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    inner = _reason(exc)
    if isinstance(inner, PDFPasswordIncorrect):
        return ReadError(source, None, "PDF 设有打开密码，无法读取：请提供不加密码的 PDF",
                         "the PDF is password-protected: provide it without a password")
    if isinstance(inner, PDFEncryptionError):
        return ReadError(source, None, f"PDF 已加密，无法读取（{inner}）：请提供不加密的 PDF",
                         f"the PDF is encrypted and cannot be read ({inner}): provide an unencrypted one")
    return ReadError(source, None, f"PDF 文件已损坏，无法读取（{type(inner).__name__}）",
                     f"the PDF is damaged and cannot be read ({type(inner).__name__}: {inner})")


# -- Characters --------------------------------------------------------------------------------

def _lightness(color: Any) -> float:
    if not isinstance(color, (tuple, list)) or not color or not all(isinstance(v, (int, float)) for v in color):
        return 0.0  # a pattern or no colour: treat as ink
    if len(color) == 1:
        return float(color[0])
    if len(color) == 3:
        r, g, b = color
        return 0.299 * r + 0.587 * g + 0.114 * b
    if len(color) == 4:
        c, m, y, k = color
        return (0.299 * (1 - c) + 0.587 * (1 - m) + 0.114 * (1 - y)) * (1 - k)
    return 0.0


def _slanted(ch: Obj) -> bool:
    a, b = ch["matrix"][0], ch["matrix"][1]
    angle = math.degrees(math.atan2(b, a)) % 90
    return 3.0 < angle < 87.0


def _light(ch: Obj) -> bool:
    return _lightness(ch.get("non_stroking_color")) >= LIGHT


def _lines_of(chars: Sequence[Obj]) -> list[_Line]:
    """Characters grouped into printed lines, top to bottom, each left to right; a space where
    the gap between two characters is wider than a narrow space."""
    if not chars:
        return []
    rows: list[list[Obj]] = []
    for ch in sorted(chars, key=lambda c: (c["top"] + c["bottom"]) / 2):
        mid = (ch["top"] + ch["bottom"]) / 2
        if rows:
            last = rows[-1]
            lmid = (last[0]["top"] + last[0]["bottom"]) / 2
            if abs(mid - lmid) <= max(1.0, 0.4 * min(ch["size"], last[0]["size"])):
                last.append(ch)
                continue
        rows.append([ch])
    out: list[_Line] = []
    for row in rows:
        row.sort(key=lambda c: c["x0"])
        text: list[str] = []
        prev: Obj | None = None
        for ch in row:
            t = ch["text"]
            if t.isspace():
                if text and not text[-1].isspace():
                    text.append(" ")
                continue
            if prev is not None:
                if t == prev["text"] and abs(ch["x0"] - prev["x0"]) < 0.3 * ch["size"]:
                    continue  # drawn twice to look bold
                gap = ch["x0"] - prev["x1"]
                if gap > 0.25 * min(ch["size"], prev["size"]) and text and not text[-1].isspace():
                    text.append(" ")
            text.append(t)
            prev = ch
        s = "".join(text).replace("\t", " ").strip()
        if s:
            out.append(_Line(s, row[0]["x0"], max(c["x1"] for c in row), min(c["top"] for c in row),
                             max(c["bottom"] for c in row), max(c["size"] for c in row), _head(row)))
    return out


_NO_LINE_START = set("，。、；：）」』”’！？%,.;:)!?]")


def _head(row: Sequence[Obj]) -> float:
    """How wide the start of a line is that could not have stayed on the line above: a run of
    Latin letters and digits breaks as one, a Chinese character alone, and punctuation that may
    not begin a line goes with the character before it."""
    chars = [c for c in row if not c["text"].isspace()]
    if not chars:
        return 0.0
    end = 1
    if chars[0]["text"].isascii():
        while end < len(chars) and chars[end]["text"].isascii() and chars[end]["x0"] - chars[end - 1]["x1"] < 1:
            end += 1
    while end < len(chars) and chars[end]["text"] in _NO_LINE_START:
        end += 1
    return chars[end - 1]["x1"] - chars[0]["x0"]


# -- Tables ------------------------------------------------------------------------------------

class _Grid:
    """Finds the cell a point lies in: the cells' edges cut the table into slots, each slot
    belongs to at most one cell (a merged cell owns several)."""

    def __init__(self, cells: Sequence[tuple[float, float, float, float]]) -> None:
        self.xs = sorted({round(v, 1) for c in cells for v in (c[0], c[2])})
        self.ys = sorted({round(v, 1) for c in cells for v in (c[1], c[3])})
        self.slot: dict[tuple[int, int], int] = {}
        for k, (x0, top, x1, bottom) in enumerate(cells):
            i0, i1 = self.xs.index(round(x0, 1)), self.xs.index(round(x1, 1))
            j0, j1 = self.ys.index(round(top, 1)), self.ys.index(round(bottom, 1))
            for i in range(i0, i1):
                for j in range(j0, j1):
                    self.slot[(i, j)] = k

    def cell(self, x: float, y: float) -> int | None:
        i, j = bisect_right(self.xs, x) - 1, bisect_right(self.ys, y) - 1
        return self.slot.get((i, j))


def _table_rows(table: Any, chars: Sequence[Obj]) -> tuple[list[str], set[int]]:
    """The table's rows as tab-separated lines, and the ids of the characters it used."""
    cells = [c for row in table.rows for c in row.cells if c is not None]
    grid = _Grid(cells)
    index = {c: k for k, c in enumerate(cells)}
    inside: dict[int, list[Obj]] = {}
    used: set[int] = set()
    x0, top, x1, bottom = table.bbox
    for ch in chars:
        cx, cy = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
        if not (x0 <= cx < x1 and top <= cy < bottom):
            continue
        k = grid.cell(cx, cy)
        if k is not None:
            inside.setdefault(k, []).append(ch)
            used.add(id(ch))
    lines = []
    for row in table.rows:
        texts = []
        for c in row.cells:
            if c is None:
                texts.append("")  # covered by a merged cell: its text is printed once, in its first column
                continue
            texts.append(join_pieces(ln.text for ln in _lines_of(inside.get(index[c], ()))))
        if any(texts):
            lines.append("\t".join(texts))
    return lines, used


# -- Pages -----------------------------------------------------------------------------------

def _ink(obj: Obj) -> bool:
    """A ruling line or box the table finder should see: not a light shape such as a
    watermark drawn as outlines."""
    if obj.get("stroke") and _lightness(obj.get("stroking_color")) < LIGHT:
        return True
    return bool(obj.get("fill")) and _lightness(obj.get("non_stroking_color")) < LIGHT


def _light_keys(chars: Sequence[Obj]) -> dict[tuple[str, int, int], list[Obj]]:
    """Light text by printed line, keyed by its words and rough place on the page."""
    light = [c for c in chars if _light(c) and not _slanted(c)]
    out: dict[tuple[str, int, int], list[Obj]] = {}
    for line in _group(light):
        text = "".join(c["text"] for c in line).strip()
        if text:
            out[(text, round(line[0]["x0"] / 20), round(line[0]["top"] / 20))] = line
    return out


def _group(chars: Sequence[Obj]) -> list[list[Obj]]:
    """Characters by printed line, roughly: enough to recognise the same light line again."""
    rows: list[list[Obj]] = []
    for ch in sorted(chars, key=lambda c: (round(c["top"]), c["x0"])):
        if rows and abs(rows[-1][0]["top"] - ch["top"]) <= 2:
            rows[-1].append(ch)
        else:
            rows.append([ch])
    return rows


def _read_page(page: Any, number: int, watermark_keys: set[tuple[str, int, int]]) -> _Page:
    chars = page.chars
    drop = {id(c) for c in chars if _slanted(c)}
    for key, run in _light_keys(chars).items():
        if key in watermark_keys:
            drop.update(id(c) for c in run)
    kept = [c for c in chars if id(c) not in drop]
    scanned = not any(not c["text"].isspace() for c in kept) and bool(page.images)
    blocks: list[_Block] = []
    if not scanned and kept:
        ruled = page.filter(lambda o: o.get("object_type") not in ("char", "curve", "rect", "line") or
                            (o["object_type"] != "char" and _ink(o)))
        used: set[int] = set()
        for table in ruled.find_tables({"vertical_strategy": "lines", "horizontal_strategy": "lines"}):
            rows, ids = _table_rows(table, kept)
            used |= ids
            if rows:
                blocks.append(_Block(table.bbox[1], rows=rows))
        for line in _lines_of([c for c in kept if id(c) not in used]):
            in_margin = line.top > page.height * 0.90 or line.bottom < page.height * 0.08
            if in_margin and _PAGE_NO.match(line.text):
                continue
            blocks.append(_Block(line.top, line=line))
    blocks.sort(key=lambda b: b.top)
    return _Page(number, float(page.width), float(page.height), blocks, scanned)


def _paragraphs(pages: Sequence[_Page]) -> tuple[list[str], list[int]]:
    """Pages to lines: table rows as they are, text lines joined into paragraphs, a blank line
    at each page break. The right edge of the text is measured over every page of the same
    width, so that a page of short lines does not make each of them look full."""
    right: dict[int, float] = {}
    left: dict[int, float] = {}
    for p in pages:
        w = round(p.width)
        for b in p.blocks:
            if b.line is not None:
                right[w] = max(right.get(w, 0.0), b.line.x1)
                left[w] = min(left.get(w, p.width), b.line.x0)
    for w in right:
        # Margins are as wide on both sides unless the text shows the right one narrower: where
        # no line reaches the edge (a short text), no line is taken for a wrapped one.
        right[w] = max(right[w], w - left[w])
    lines: list[str] = []
    pages_of: list[int] = []
    for k, p in enumerate(pages):
        if k:
            lines.append("")
            pages_of.append(pages[k - 1].number)
        w = round(p.width)
        para: list[_Line] = []

        def flush() -> None:
            if para:
                lines.append(join_pieces(ln.text for ln in para))
                pages_of.append(p.number)
                para.clear()

        for b in p.blocks:
            if b.rows is not None:
                flush()
                lines.extend(b.rows)
                pages_of.extend([p.number] * len(b.rows))
                continue
            ln = b.line
            assert ln is not None
            if para:
                prev = para[-1]
                # The line above ended because this line's first piece did not fit after it.
                full = prev.x1 + ln.head >= right[w] - 1.0 * prev.size
                same = abs(ln.size - prev.size) <= 0.6
                close = ln.top - prev.bottom <= 0.7 * prev.size
                flush_left = ln.x0 <= left[w] + 0.6 * ln.size
                if not (full and same and close and flush_left):
                    flush()
            para.append(ln)
        flush()
    return lines, pages_of


def extract_pdf(data: bytes, source: str) -> Extracted:
    _complete(data, source)
    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfminer's errors, wrapped by pdfplumber
        raise _refuse(exc, source) from exc
    with pdf:
        try:
            plumber_pages = list(pdf.pages)
            # Light text is a watermark only where it recurs: count each light line's pages first.
            seen: Counter[tuple[str, int, int]] = Counter()
            for page in plumber_pages:
                seen.update(_light_keys(page.chars).keys())
            need = 1 if len(plumber_pages) == 1 else max(2, len(plumber_pages) // 2)
            marks = {k for k, n in seen.items() if n >= need}
            pages = [_read_page(page, k + 1, marks) for k, page in enumerate(plumber_pages)]
        except ReadError:
            raise
        except Exception as exc:
            raise _refuse(exc, source) from exc
    if not pages:
        raise ReadError(source, None, "PDF 没有页面", "the PDF has no pages")
    if all(not p.blocks for p in pages):
        if any(p.scanned for p in pages):
            raise ReadError(source, None, "PDF 没有文字层（扫描件或图片），无法读取：本工具不做文字识别（OCR），"
                            "请使用由 Word 或预算系统导出的 PDF", "the PDF has no text layer (a scan or images): this "
                            "tool does no OCR; use the PDF exported from Word or the budget system")
        raise ReadError(source, None, "PDF 中没有文字", "the PDF holds no text")
    lines, pages_of = _paragraphs(pages)
    return Extracted(tuple(lines), tuple(pages_of), tuple(p.number for p in pages if p.scanned))
