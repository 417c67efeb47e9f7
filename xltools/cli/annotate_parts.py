"""What the annotated PDF's writers share: a finding as it is marked (`Entry`, `Mark`), the
way from pdfplumber's measure to a page's user space, and small pypdf helpers."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from xltools.read.positions import Box


@dataclass(frozen=True)
class Mark:
    """Where one finding is marked on one page of the input (1-based), in pdfplumber's
    measure (points from the page's top-left)."""

    page: int
    rects: tuple[Box, ...]


@dataclass(frozen=True)
class Entry:
    """One finding: its severity, the note's text (first line its heading), its marks, and
    what could not be located ("" when everything was)."""

    severity: str
    heading: str
    note: str
    marks: tuple[Mark, ...]
    unlocated: str = ""


def to_pdf(page: Any, x: float, top: float) -> tuple[float, float]:
    """A point in pdfplumber's measure → the page's default user space: pdfminer moves the
    media box's corner to the origin and turns a rotated page upright (pdfinterp's ctm), and
    pdfplumber measures from the top."""
    mb = page.mediabox
    x0, y0, x1, y1 = float(mb.left), float(mb.bottom), float(mb.right), float(mb.top)
    rot = int(page.get("/Rotate", 0) or 0) % 360
    if rot in (90, 270):
        nx0, ny0, ny1 = y0, x0, x1
    else:
        nx0, ny0, ny1 = x0, y0, y1
    height = ny1 - ny0
    # pdfplumber: top = (height − v) + mb_top with mb_top = −ny0; x = u + nx0 (pdfminer's u, v).
    u = x - nx0
    v = height - top - ny0
    if rot == 90:  # u = y − y0, v = x1 − x
        return x1 - v, u + y0
    if rot == 180:  # u = x1 − x, v = y1 − y
        return x1 - u, y1 - v
    if rot == 270:  # u = y1 − y, v = x − x0
        return v + x0, y1 - u
    return u + x0, v + y0


def pdf_rect(page: Any, box: Box) -> tuple[float, float, float, float]:
    """A box in pdfplumber's measure as (left, bottom, right, top) in user space."""
    ax, ay = to_pdf(page, box[0], box[1])
    bx, by = to_pdf(page, box[2], box[3])
    return min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)


def annots(page: Any) -> Any:
    from pypdf.generic import ArrayObject, NameObject

    annots = page.get("/Annots")
    if annots is None:
        page[NameObject("/Annots")] = ArrayObject()
        return page["/Annots"]
    annots = annots.get_object()
    if not isinstance(annots, ArrayObject):
        page[NameObject("/Annots")] = ArrayObject()
        return page["/Annots"]
    return annots


def array(values: Sequence[float]) -> Any:
    from pypdf.generic import ArrayObject, FloatObject

    return ArrayObject(FloatObject(round(v, 3)) for v in values)
