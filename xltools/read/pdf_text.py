"""A PDF's text as the text reader expects it, and the page of every line.

pdfminer.six lays each page out (its content parsed by read/pdf_content.py, its interpreter
read/pdf_layout.py), giving the characters with their position, size, colour and
transformation, and the ruling lines, as pdfplumber gives them (read/pdf_objects.py). From them:

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
- Every character of every line keeps the box it is printed in (`Extracted.positions`,
  read/positions.py): what `check --annotate` marks a finding's figures with.

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
from itertools import chain
from typing import Any, Iterator, NamedTuple, Sequence

from xltools.core import limits
from xltools.read.bounded import over
from xltools.read.errors import ReadError
from xltools.read.extracted import Extracted
from xltools.read.pdf_content import Unusual, parse_streams
from xltools.read.pdf_layout import DRAWN, LIGHT, lightness
from xltools.read.pdf_objects import Sheet, read_sheet
from xltools.read.positions import Box, Boxes, Positions, join_boxed, join_cells

Obj = dict[str, Any]

_PAGE_NO = re.compile(r"^[-—–－\s]*(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*[/／]\s*(?:共\s*)?\d{1,4}\s*页?)?[-—–－\s]*$")
# A running footer that names its section before the page number ("表1 收支总表　第 3 页，共 35
# 页", as a printed xltools workbook has): left out in the bottom margin like a bare number.
_RUNNING_FOOT = re.compile(r"第\s*\d{1,4}\s*页\s*[,，/／]?\s*共\s*\d{1,4}\s*页\s*$")


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    head: float = 0.0  # width of the line's first unbreakable piece (a number, a word, a character)
    boxes: Boxes = ()  # each character's box (None for a space put in): where a finding is marked


@dataclass
class _Block:
    """One thing on a page, in reading order: a table's rows or one line of text."""

    top: float
    rows: list[tuple[str, Boxes]] | None = None
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


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    """Whether `kind` is anywhere in `exc`'s chain (pdfplumber wraps pdfminer's errors)."""
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        e = todo.pop()
        if id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, kind):
            return True
        todo.extend(x for x in (e.__cause__, e.__context__, *e.args) if isinstance(x, BaseException))
    return False


def _refuse(exc: BaseException, source: str) -> ReadError:
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    inner = _reason(exc)
    if _caused_by(exc, StreamTooLarge):
        return over(source, limits.PDF_STREAM_BYTES)
    if isinstance(inner, PDFPasswordIncorrect):
        return ReadError(source, None, "PDF 设有打开密码，无法读取：请提供不加密码的 PDF",
                         "the PDF is password-protected: provide it without a password")
    if isinstance(inner, PDFEncryptionError):
        return ReadError(source, None, f"PDF 已加密，无法读取（{inner}）：请提供不加密的 PDF",
                         f"the PDF is encrypted and cannot be read ({inner}): provide an unencrypted one")
    return ReadError(source, None, f"PDF 文件已损坏，无法读取（{type(inner).__name__}）",
                     f"the PDF is damaged and cannot be read ({type(inner).__name__}: {inner})")


# -- Bounded inflating --------------------------------------------------------------------------

class StreamTooLarge(Exception):
    """A compressed stream of the PDF inflates beyond `limits.PDF_STREAM_BYTES`."""


class _BoundedInflate:
    """A decompressobj that refuses to give more than the stream limit in all."""

    def __init__(self) -> None:
        import zlib

        self._d = zlib.decompressobj()
        self._given = 0

    def decompress(self, data: bytes, max_length: int = 0) -> bytes:
        room = limits.PDF_STREAM_BYTES.value + 1 - self._given
        out = self._d.decompress(data, min(max_length, room) if max_length else room)
        self._given += len(out)
        if self._given > limits.PDF_STREAM_BYTES.value:
            raise StreamTooLarge()
        return out

    def flush(self, *args: int) -> bytes:
        out = self._d.flush(*args)
        self._given += len(out)
        if self._given > limits.PDF_STREAM_BYTES.value:
            raise StreamTooLarge()
        return out

    @property
    def unconsumed_tail(self) -> bytes:
        return self._d.unconsumed_tail

    @property
    def eof(self) -> bool:
        return self._d.eof


class _BoundedZlib:
    """What pdfminer calls of `zlib`, with the output of every stream bounded: pdfminer
    inflates a FlateDecode stream whole (a 1 GB stream took 2.1 GB)."""

    def __init__(self) -> None:
        import zlib

        self.error = zlib.error
        self.MAX_WBITS = zlib.MAX_WBITS

    def decompressobj(self, *args: int) -> _BoundedInflate:
        return _BoundedInflate()

    def decompress(self, data: bytes, *args: int) -> bytes:
        d = _BoundedInflate()
        out = d.decompress(data)
        if d.unconsumed_tail:  # the limit, not the input, ended the output
            raise StreamTooLarge()
        return out + d.flush()


def _corrupted(data: bytes) -> bytes:
    """pdfminer's decompress_corrupted (inflate what a stream with a bad checksum holds),
    bounded and in linear time (pdfminer's appends to a bytes object byte by byte)."""
    import zlib

    d = _BoundedInflate()
    out: list[bytes] = []
    for i in range(0, len(data), 4096):
        try:
            out.append(d.decompress(data[i:i + 4096]))
        except zlib.error:
            break
        if d.eof:
            break
    return b"".join(out)


def _lzw(data: bytes) -> bytes:
    """pdfminer's lzwdecode, its output bounded like a Flate stream's: an LZW stream grows
    too (each code names a string the decoder has seen, so a small stream can name a huge one)."""
    from pdfminer.lzw import LZWDecoder

    out: list[bytes] = []
    given = 0
    for chunk in LZWDecoder(io.BytesIO(data)).run():
        given += len(chunk)
        if given > limits.PDF_STREAM_BYTES.value:
            raise StreamTooLarge()
        out.append(chunk)
    return b"".join(out)


def _bound_pdfminer() -> None:
    import pdfminer.pdfinterp as pdfinterp
    import pdfminer.pdftypes as pdftypes

    if not isinstance(getattr(pdftypes, "zlib", None), _BoundedZlib):
        pdftypes.zlib = _BoundedZlib()  # type: ignore[assignment]
        pdftypes.decompress_corrupted = _corrupted
        pdftypes.lzwdecode = _lzw
    names = pdfinterp.PDFPageInterpreter.execute.__code__.co_names
    if pdfinterp.PDFContentParser is not _content_parser and {"PDFContentParser", "nextobject"} <= set(names):
        # Only where the interpreter makes its parser by that name and reads it with
        # nextobject(), as pdfminer.six does: anything else reads every form as before.
        _FORMS.real = pdfinterp.PDFContentParser
        pdfinterp.PDFContentParser = _content_parser  # type: ignore[misc,assignment]


def _unbound_parser() -> None:
    """pdfminer's PDFContentParser where `_bound_pdfminer` put the stand-in (the limits on
    decompression stay: they only refuse what no reading should inflate)."""
    import pdfminer.pdfinterp as pdfinterp

    if pdfinterp.PDFContentParser is _content_parser and _FORMS.real is not None:
        pdfinterp.PDFContentParser = _FORMS.real  # type: ignore[misc]


# -- Content parsed fast, forms parsed once ------------------------------------------------------
# A page's content is parsed by read/pdf_content.py, whole tokens at a time, into the objects
# pdfminer's parser gives; what that parser leaves to pdfminer's (`Unusual`), or a stream that
# does not decode, is parsed by pdfminer as before, which meets any fault where it always has.
#
# A header or a watermark is drawn on every page by a form XObject of the same content
# (LibreOffice's WordArt: two a page, thousands of path operators), and pdfminer parses each
# again. The operands and operators a form's content parses into are kept, by that content,
# while one PDF is read, and replayed for the next form with the same bytes: parsing depends on
# the bytes alone, so the pages read the same. A form holding an inline image is not kept (the
# image's object would be shared between pages).

FORM_TOKENS_KEPT = 500_000  # about 50 MB of parsed tokens at most


class _Forms:
    def __init__(self) -> None:
        self.real: Any = None  # pdfminer's PDFContentParser
        self.parsed: dict[bytes, tuple[Any, ...]] = {}
        self.tokens = 0

    def clear(self) -> None:
        self.parsed = {}
        self.tokens = 0

    def keep(self, key: bytes, items: Sequence[Any]) -> None:
        if self.tokens + len(items) <= FORM_TOKENS_KEPT:
            self.parsed[key] = tuple(items)
            self.tokens += len(items)


_FORMS = _Forms()


class _Parsed:
    """Content parsed here, given to pdfminer's interpreter as its parser gives it: each
    object by a call in C, then PSEOF."""

    def __init__(self, items: Sequence[Any]) -> None:
        self.nextobject = chain(items, _end()).__next__


def _end() -> Iterator[Any]:
    from pdfminer.psparser import PSEOF

    raise PSEOF("end of the content")
    yield  # a generator: raises when the objects before it are all taken


class _Replay(_Parsed):
    """A form's parsed content given again."""

    def __init__(self, items: tuple[Any, ...]) -> None:
        super().__init__(items)


class _Recording:
    """pdfminer's parser on a form, its results kept once it has parsed the whole content."""

    def __init__(self, parser: Any, key: bytes) -> None:
        self._parser = parser
        self._key = key
        self._items: list[Any] | None = []

    def nextobject(self) -> Any:
        from pdfminer.psparser import PSEOF
        from pdfminer.pdftypes import PDFStream

        try:
            item = self._parser.nextobject()
        except PSEOF:
            if self._items is not None:
                _FORMS.keep(self._key, self._items)
            raise
        if self._items is not None:
            if isinstance(item[1], PDFStream):  # an inline image: not shared between pages
                self._items = None
            else:
                self._items.append(item)
        return item

    def __getattr__(self, name: str) -> Any:
        return getattr(self._parser, name)


def _content_parser(streams: Sequence[object]) -> Any:
    """Stands in for pdfminer's PDFContentParser(streams) in its interpreter."""
    from pdfminer.pdfinterp import LITERAL_FORM
    from pdfminer.pdftypes import stream_value

    real = _FORMS.real
    form = len(streams) == 1 and stream_value(streams[0]).get("Subtype") is LITERAL_FORM
    try:
        datas = [stream_value(s).get_data() for s in streams]
    except Exception:  # pdfminer's parser meets it, and says so, where it always has
        return real(streams)
    kept = _FORMS.parsed.get(datas[0]) if form else None
    if kept is not None:
        return _Replay(kept)
    try:
        items = parse_streams(datas)
    except Unusual:
        return _Recording(real(streams), datas[0]) if form else real(streams)
    if form:
        _FORMS.keep(datas[0], items)
    return _Parsed(items)


def _count_pages(pdf: Any, source: str) -> None:
    """Refuse a PDF of more than `limits.PDF_PAGES` pages before any page is read."""
    from itertools import islice

    from pdfminer.pdfpage import PDFPage

    n = sum(1 for _ in islice(PDFPage.create_pages(pdf.doc), limits.PDF_PAGES.value + 1))
    if n > limits.PDF_PAGES.value:
        raise over(source, limits.PDF_PAGES)


# -- Characters --------------------------------------------------------------------------------

def _slanted(ch: Obj) -> bool:
    a, b = ch["matrix"][0], ch["matrix"][1]
    angle = math.degrees(math.atan2(b, a)) % 90
    return 3.0 < angle < 87.0


_LIGHT_COLOURS: dict[Any, bool] = {}  # a page has a few colours and a thousand characters


def _light(ch: Obj) -> bool:
    colour = ch.get("non_stroking_color")
    try:
        return _LIGHT_COLOURS[colour]
    except KeyError:
        got = _LIGHT_COLOURS[colour] = lightness(colour) >= LIGHT
        if len(_LIGHT_COLOURS) > 1000:
            _LIGHT_COLOURS.clear()
        return got
    except TypeError:  # a colour as a list: not kept
        return lightness(colour) >= LIGHT


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
        boxes: list[Box | None] = []  # one per character of `text`'s pieces
        prev: Obj | None = None
        for ch in row:
            t = ch["text"]
            if t.isspace():
                if text and not text[-1].isspace():
                    text.append(" ")
                    boxes.append(None)
                continue
            if prev is not None:
                if t == prev["text"] and abs(ch["x0"] - prev["x0"]) < 0.3 * ch["size"]:
                    continue  # drawn twice to look bold
                gap = ch["x0"] - prev["x1"]
                if gap > 0.25 * min(ch["size"], prev["size"]) and text and not text[-1].isspace():
                    text.append(" ")
                    boxes.append(None)
            text.append(t)
            boxes.extend([(ch["x0"], ch["top"], ch["x1"], ch["bottom"])] * len(t))
            prev = ch
        joined = "".join(text).replace("\t", " ")
        s = joined.lstrip()
        lead = len(joined) - len(s)
        s = s.rstrip()
        if s:
            out.append(_Line(s, row[0]["x0"], max(c["x1"] for c in row), min(c["top"] for c in row),
                             max(c["bottom"] for c in row), max(c["size"] for c in row), _head(row),
                             tuple(boxes[lead:lead + len(s)])))
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


def _table_rows(table: Any, chars: Sequence[Obj]) -> tuple[list[tuple[str, Boxes]], set[int]]:
    """The table's rows as tab-separated lines (with their characters' boxes), and the ids of
    the characters it used."""
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
        texts: list[tuple[str, Boxes]] = []
        for c in row.cells:
            if c is None:
                texts.append(("", ()))  # covered by a merged cell: its text is printed once, in its first column
                continue
            texts.append(join_boxed((ln.text, ln.boxes) for ln in _lines_of(inside.get(index[c], ()))))
        if any(t for t, _ in texts):
            lines.append(join_cells(texts))
    return lines, used


# -- Pages -----------------------------------------------------------------------------------

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


def _read_page(taken: _Taken, number: int, watermark_keys: set[tuple[str, int, int]]) -> _Page:
    sheet = taken.sheet
    page, chars = sheet.page, sheet.chars
    drop = {id(c) for c in chars if _slanted(c)}
    for key, run in taken.light.items():
        if key in watermark_keys:
            drop.update(id(c) for c in run)
    kept = [c for c in chars if id(c) not in drop]
    scanned = not any(not c["text"].isspace() for c in kept) and sheet.images
    blocks: list[_Block] = []
    if not scanned and kept:
        used: set[int] = set()
        for table in sheet.ruled().find_tables({"vertical_strategy": "lines", "horizontal_strategy": "lines"}):
            rows, ids = _table_rows(table, kept)
            used |= ids
            if rows:
                blocks.append(_Block(table.bbox[1], rows=rows))
        for line in _lines_of([c for c in kept if id(c) not in used]):
            in_margin = line.top > page.height * 0.90 or line.bottom < page.height * 0.08
            if in_margin and (_PAGE_NO.match(line.text) or (line.top > page.height * 0.90 and _RUNNING_FOOT.search(line.text))):
                continue
            blocks.append(_Block(line.top, line=line))
    blocks.sort(key=lambda b: b.top)
    return _Page(number, float(page.width), float(page.height), blocks, scanned)


def _paragraphs(pages: Sequence[_Page]) -> tuple[list[str], list[int], list[Boxes]]:
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
    boxes: list[Boxes] = []
    for k, p in enumerate(pages):
        if k:
            lines.append("")
            pages_of.append(pages[k - 1].number)
            boxes.append(())
        w = round(p.width)
        para: list[_Line] = []

        def flush() -> None:
            if para:
                text, where = join_boxed((ln.text, ln.boxes) for ln in para)
                lines.append(text)
                boxes.append(where)
                pages_of.append(p.number)
                para.clear()

        for b in p.blocks:
            if b.rows is not None:
                flush()
                lines.extend(t for t, _ in b.rows)
                boxes.extend(where for _, where in b.rows)
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
    return lines, pages_of, boxes


# -- Pages read by several processes ------------------------------------------------------------
# Laying a page out (pdfminer, pure Python) is two thirds of reading a PDF, and pages do
# not depend on each other but for the watermark (light text counts as one only where it recurs
# on half the pages). So several processes share the pages, each taking the next page not yet
# taken (pages differ in cost: a table is dearer than a paragraph): each parses its pages and
# reports their light lines; the counts over all pages give the watermark, with which each
# process then reads the pages it parsed. The pages are put back in order and joined as before:
# the text is the same however many processes read it (tests/test_extract_pdf.py).

PAGES_PER_PROCESS = 6  # with fewer pages each, starting a process costs more than it saves
SPAWNED_PAGES_PER_PROCESS = 24  # where a process starts afresh (no fork): it imports pdfplumber first

Key = tuple[str, int, int]


def _marks(keys: Sequence[Sequence[Key]], total: int) -> set[Key]:
    """The watermark's light lines: those on at least half the pages (on the one page of a
    one-page PDF). `keys`: each page's light lines."""
    seen: Counter[Key] = Counter()
    for page_keys in keys:
        seen.update(page_keys)
    need = 1 if total == 1 else max(2, total // 2)
    return {k for k, n in seen.items() if n >= need}


class _Taken(NamedTuple):
    """A page parsed, and its light lines."""

    sheet: Sheet
    light: dict[Key, list[Obj]]


def _taken(page: Any) -> _Taken:
    sheet = read_sheet(page)
    return _Taken(sheet, _light_keys(sheet.chars))


def _read_pages(plumber_pages: Sequence[Any]) -> list[_Page]:
    """Every page read by this process alone."""
    taken = [_taken(page) for page in plumber_pages]
    marks = _marks([list(t.light) for t in taken], len(plumber_pages))
    return [_read_page(t, k + 1, marks) for k, t in enumerate(taken)]


def _take(plumber_pages: Sequence[Any], counter: Any, sheets: dict[int, _Taken]) -> dict[int, list[Key]]:
    """Parse the pages not yet taken by another process, one at a time, into `sheets`: index →
    light lines."""
    keys: dict[int, list[Key]] = {}
    while True:
        with counter.get_lock():
            k = counter.value
            counter.value = k + 1
        if k >= len(plumber_pages):
            return keys
        sheets[k] = _taken(plumber_pages[k])
        keys[k] = list(sheets[k].light)


def _worker(conn: Any, data: bytes | None, counter: Any, inherited: Sequence[Any] | None) -> None:
    """A child: `inherited`, the parent's pages when forked (each process has its own copy of
    them from then on), else the PDF opened again from `data`."""
    import gc

    gc.freeze()  # a forked child's collector need not walk the parent's objects
    try:
        pdf = None
        if inherited is None:
            import pdfplumber

            _bound_pdfminer()
            pdf = pdfplumber.open(io.BytesIO(data or b""))
            inherited = list(pdf.pages)
        sheets: dict[int, _Taken] = {}
        keys = _take(inherited, counter, sheets)
        conn.send(keys)
        marks = conn.recv()
        conn.send(("pages", {k: _read_page(sheets[k], k + 1, marks) for k in keys}))
        if pdf is not None:
            pdf.close()
    except BaseException as exc:  # the parent reads the whole PDF itself and reports it
        try:
            conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        except (OSError, ValueError):  # the parent has gone or given up on this child
            pass
    finally:
        conn.close()


def _processes(pages: int) -> tuple[int, str]:
    """How many processes should share `pages` pages, and how to start them."""
    import multiprocessing
    import os
    import sys

    if multiprocessing.parent_process() is not None:
        return 1, ""  # a worker of `audit`, which already shares the cores out by document
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    per = PAGES_PER_PROCESS if method == "fork" else SPAWNED_PAGES_PER_PROCESS
    return max(1, min(cores, pages // per)), method


def _read_shared(data: bytes, plumber_pages: Sequence[Any]) -> list[_Page] | None:
    """The pages read by several processes, this one among them; None when one process should
    read them all (a short PDF, one core) or anything failed, so that the caller reads them
    alone (and reports any fault as reading alone does)."""
    import multiprocessing

    total = len(plumber_pages)
    n, method = _processes(total)
    if n < 2:
        return None
    ctx: Any = multiprocessing.get_context(method)  # fork or spawn: which, only known here
    counter = ctx.Value("i", 0)
    children: list[tuple[Any, Any]] = []
    done = False
    try:
        for _ in range(n - 1):
            mine, theirs = ctx.Pipe()
            args = (theirs, None, counter, plumber_pages) if method == "fork" else (theirs, data, counter, None)
            proc = ctx.Process(target=_worker, args=args, daemon=True)
            proc.start()
            theirs.close()
            children.append((proc, mine))
        sheets: dict[int, _Taken] = {}
        own = _take(plumber_pages, counter, sheets)
        keys: dict[int, list[Key]] = dict(own)
        for _, conn in children:
            got = conn.recv()
            if isinstance(got, tuple):  # ("failed", why) instead of its pages' light lines
                return None
            keys.update(got)
        if sorted(keys) != list(range(total)):
            return None
        marks = _marks(list(keys.values()), total)
        for _, conn in children:
            conn.send(marks)
        pages = {k: _read_page(sheets[k], k + 1, marks) for k in own}
        for _, conn in children:
            kind, got = conn.recv()
            if kind != "pages":
                return None
            pages.update(got)
        done = True
        return [pages[k] for k in range(total)]
    except Exception:  # a child gone, or a fault in a page: read alone, which reports the
        return None    # first bad page in page order, as it always has
    finally:
        for proc, conn in children:
            conn.close()
            proc.join(timeout=1 if done else 0)  # a child that has sent its pages is exiting
            if proc.is_alive():
                proc.kill()
                proc.join()


def extract_pdf(data: bytes, source: str) -> Extracted:
    _complete(data, source)
    import gc

    # pdfminer makes millions of short-lived objects while every page it parses stays alive:
    # the cycle collector, at its usual pace, walked the growing heap again and again (a sixth
    # of reading 003). Young garbage is still collected, less often; the old generation, the
    # pages, is left alone until the PDF is read (a few per cent more memory at the peak).
    thresholds = gc.get_threshold()
    gc.set_threshold(50_000, 20, 1_000_000)
    _FORMS.clear()
    DRAWN.clear()
    try:
        return _extract(data, source)
    finally:
        gc.set_threshold(*thresholds)
        _FORMS.clear()  # kept for one PDF only
        DRAWN.clear()
        # pdfminer's own parser back for whatever else reads a PDF in this process (a test's
        # pdfplumber read-back, another library): the stand-in is this reader's, not theirs.
        _unbound_parser()


def _extract(data: bytes, source: str) -> Extracted:
    import pdfplumber

    _bound_pdfminer()
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfminer's errors, wrapped by pdfplumber
        raise _refuse(exc, source) from exc
    with pdf:
        try:
            _count_pages(pdf, source)
            plumber_pages = list(pdf.pages)
            pages = _read_shared(data, plumber_pages) or _read_pages(plumber_pages)
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
    lines, pages_of, boxes = _paragraphs(pages)
    positions = Positions(tuple(boxes), tuple((p.width, p.height) for p in pages))
    return Extracted(tuple(lines), tuple(pages_of), tuple(p.number for p in pages if p.scanned), positions)
