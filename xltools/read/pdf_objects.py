"""What reading a PDF page uses of it: its characters, the ruling lines and boxes the table
finder should see, whether it holds an image; made straight from pdfminer's layout.

pdfplumber's `Page.objects` turns every object pdfminer lays out into a dict of some twenty
entries, each value resolved through the PDF's references: per character, about as much as
pdfminer's own work to lay it out, and the WordArt header drawn on every page is thousands of
path points converted for nothing. Here a character becomes a dict of the eight entries the
reader uses, with the very values pdfplumber computes for them (the same arithmetic, in the same
order); a line or a box becomes pdfplumber's own dict (`Page.process_object`), a curve (the
WordArt header's outlines, some 1,500 points a page) the three entries the table finder reads
of it; and only when inked, the only shapes the table finder is shown. Objects come in
pdfplumber's order, and the table finder's edges are pdfplumber's.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from xltools.read.pdf_layout import classes, inked

Obj = dict[str, Any]

SHAPES = ("line", "rect", "curve")


@dataclass
class Sheet:
    """One page as the reader reads it."""

    page: Any  # pdfplumber's Page: its size, and its table finder
    chars: list[Obj] = field(default_factory=list)
    shapes: dict[str, list[Obj]] = field(default_factory=dict)  # the inked ones, by pdfplumber's kind
    images: bool = False

    def ruled(self) -> Any:
        """The page as the table finder should see it: the inked shapes alone."""
        ruled = self.page.filter(lambda obj: True)
        ruled._objects = {kind: list(objs) for kind, objs in self.shapes.items()}  # as pdfplumber's dedupe_chars sets them
        return ruled


_LT = re.compile(r"^LT")
_KINDS: dict[type, str] = {}
_COLOURS = ("stroke", "fill", "stroking_color", "non_stroking_color")


def _kind(obj: Any) -> str:
    kind = _KINDS.get(type(obj))
    if kind is None:
        kind = _KINDS[type(obj)] = _LT.sub("", type(obj).__name__).lower()  # as pdfplumber names it
    return kind


def read_sheet(page: Any) -> Sheet:
    """Lay `page` (pdfplumber's) out with pdfminer, as `Page.layout` does, and take from it
    what the reader uses."""
    from pdfplumber.utils.exceptions import PdfminerException

    interpreter, device_class = classes()
    device = device_class(page.pdf.rsrcmgr, pageno=page.page_number, laparams=page.pdf.laparams)
    try:
        interpreter(page.pdf.rsrcmgr, device).process_page(page.page_obj)
    except Exception as exc:  # wrapped as pdfplumber wraps it
        raise PdfminerException(exc) from exc
    sheet = Sheet(page)
    _collect(device.get_result()._objs, sheet)
    return sheet


def _collect(objs: Any, sheet: Sheet) -> None:
    from pdfminer.layout import LTChar, LTContainer
    from pdfplumber.utils import resolve_all

    page = sheet.page  # opened without layout analysis (laparams None): no text boxes among the objects
    mb_x0, mb_top = page.mediabox[:2]
    height = page.height
    norm = page.pdf.unicode_norm
    chars = sheet.chars
    for obj in objs:
        if isinstance(obj, LTContainer):
            _collect(obj._objs, sheet)
        elif type(obj) is LTChar:
            text = obj.get_text()
            if norm is not None:
                from unicodedata import normalize

                text = normalize(norm, text)
            x0, x1 = obj.x0, obj.x1
            if mb_x0 != 0:
                x0, x1 = x0 + mb_x0, x1 + mb_x0
            colour = obj.graphicstate.ncolor
            chars.append({"text": text, "x0": x0, "x1": x1, "top": (height - obj.y1) + mb_top,
                          "bottom": (height - obj.y0) + mb_top, "size": obj.size, "matrix": obj.matrix,
                          "non_stroking_color": colour if isinstance(colour, tuple) else (colour,)})
        else:
            kind = _kind(obj)
            if kind in SHAPES:
                colours = {k: resolve_all(v) for k, v in vars(obj).items() if k in _COLOURS}
                if not inked(colours):
                    continue
                if kind == "curve":
                    # What the table finder reads of a curve (pdfplumber's curve_to_edges):
                    # its points and where it starts, as process_object computes them. The
                    # points are pdfminer's sums of numbers (no references left to resolve).
                    top = (height - obj.y1) + mb_top
                    below = page.mediabox[1] + height
                    shape = {"object_type": "curve", "pts": [(mb_x0 + x, below - y) for x, y in obj.pts],
                             "top": top, "doctop": page.initial_doctop + top}
                else:
                    shape = page.process_object(obj)
                sheet.shapes.setdefault(kind, []).append(shape)
            elif kind == "image":
                sheet.images = True
