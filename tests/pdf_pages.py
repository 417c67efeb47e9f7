"""A printed PDF's pages as the print tests measure them: each glyph's box, the cell borders,
the page's text. Read with pypdfium2 (Apache/BSD; about ten times faster than pdfminer on
these pages), in the coordinates pdfplumber uses: points, x from the left, y down from the top.

A glyph's box is the one pdfminer gives, so the tolerances the tests took from pdfplumber
still hold; measured on the seeds' printouts, every glyph paired with pdfminer's:
* x: pdfium's "loose" char box, pdfminer's to 0.3 pt (0.0 on all but a few glyphs);
* y: one em up from the glyph's origin (its baseline), as pdfminer makes it for the fonts
  LibreOffice embeds (their descent reads as 0 there): equal to 0.001 em. pdfium's own boxes
  are not: its loose box sits 0.14-0.26 em lower, its tight box is the ink's, and a box built
  on pdfium's font descent sank 0.07-0.18 em (0.74 em for the digits of one footer font).
* borders: each straight piece of a grey path, pdfplumber's `lines` (one-segment paths) to
  0.1 pt; pdfplumber filed a closed rectangle under `rects`, left out here as there.
"""
from __future__ import annotations

import ctypes
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pypdfium2 as pdfium
import pypdfium2.raw as raw

GREY = 128  # the workbook's borders are 808080: a chart's axes and gridlines are not


@dataclass(frozen=True, slots=True)
class Glyph:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float


@dataclass(frozen=True, slots=True)
class Segment:
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass(frozen=True)
class Page:
    number: int  # from 1
    width: float
    height: float
    glyphs: list[Glyph]  # the drawn ones: no spaces or line breaks
    borders: list[Segment]  # the grey cell borders, each straight piece of a path
    text: str  # the page's text in reading order (pdfium's)


def _glyphs(textpage: pdfium.PdfTextPage, height: float) -> list[Glyph]:
    out: list[Glyph] = []
    x, y = ctypes.c_double(), ctypes.c_double()
    rect = raw.FS_RECTF()
    tp = textpage.raw
    for i in range(raw.FPDFText_CountChars(tp)):
        code = raw.FPDFText_GetUnicode(tp, i)
        if not code or raw.FPDFText_IsGenerated(tp, i) == 1:
            continue
        text = chr(code)
        if not text.strip():
            continue
        size = raw.FPDFText_GetFontSize(tp, i)
        raw.FPDFText_GetLooseCharBox(tp, i, rect)
        raw.FPDFText_GetCharOrigin(tp, i, x, y)
        out.append(Glyph(text, rect.left, rect.right, height - y.value - size, height - y.value, size))
    return out


def _borders(page: pdfium.PdfPage, height: float, grey: bool) -> list[Segment]:
    out: list[Segment] = []
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    px, py = ctypes.c_float(), ctypes.c_float()
    for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_PATH], max_depth=4):
        if not raw.FPDFPageObj_GetStrokeColor(obj.raw, r, g, b, a) or (grey and (r.value, g.value, b.value) != (GREY,) * 3):
            continue
        if raw.FPDFPath_CountSegments(obj.raw) != 2:  # a line; a rectangle is a chart's frame or a fill
            continue
        m = obj.get_matrix().get()
        points = []
        for k in range(raw.FPDFPath_CountSegments(obj.raw)):
            seg = raw.FPDFPath_GetPathSegment(obj.raw, k)
            raw.FPDFPathSegment_GetPoint(seg, px, py)
            points.append((m[0] * px.value + m[2] * py.value + m[4], m[1] * px.value + m[3] * py.value + m[5]))
        for (x0, y0), (x1, y1) in zip(points, points[1:]):
            out.append(Segment(min(x0, x1), height - max(y0, y1), max(x0, x1), height - min(y0, y1)))
    return out


def read_pages(pdf: Path, grey: bool = True) -> Iterator[Page]:
    """Each page; its borders the grey ones (the workbook's), or with `grey` False every stroke."""
    doc = pdfium.PdfDocument(pdf)
    try:
        for i in range(len(doc)):
            page = doc[i]
            width, height = page.get_size()
            textpage = page.get_textpage()
            try:
                yield Page(i + 1, width, height, _glyphs(textpage, height), _borders(page, height, grey),
                           textpage.get_text_range())
            finally:
                textpage.close()
                page.close()
    finally:
        doc.close()


def keep_pages(pdf: Path, numbers: list[int], out: Path) -> Path:
    """A PDF of some of `pdf`'s pages (numbered from 1), in their order: the pages as printed."""
    src = pdfium.PdfDocument(pdf)
    new = pdfium.PdfDocument.new()
    try:
        new.import_pages(src, [n - 1 for n in numbers])
        new.save(out)
    finally:
        new.close()
        src.close()
    return out
