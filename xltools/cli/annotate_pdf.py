"""The reviewer's copy of a disclosure's PDF: each finding a highlight on the figures it
compares, its note the finding's line, and pages in front that list the findings with links.

Written with pypdf (BSD). Highlights carry their own appearance (a filled rectangle per printed
row, multiplied onto the page) so that every reader draws them alike, not only those that make
one for a highlight that has none. The pages in front are `annotate_front`'s.
"""
from __future__ import annotations

import io
from datetime import datetime, timezone
from typing import Any, Sequence

from xltools.cli.annotate_front import Front
from xltools.cli.annotate_parts import Entry, Mark, annots, array, pdf_rect

RED = (1.0, 0.0, 0.0)
YELLOW = (1.0, 0.9, 0.0)
BLUE = (0.55, 0.75, 1.0)
COLOURS = {"error": RED, "warning": YELLOW, "info": BLUE}
AUTHOR = "xltools"


def annotated(pdf: bytes, entries: Sequence[Entry], heading: Sequence[str]) -> tuple[bytes, int]:
    """The PDF with `entries` marked and the pages that list them in front of it; and how
    many pages were put in front."""
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter(clone_from=reader)
    front = Front(writer, heading, entries)
    n_front = front.pages_needed()
    originals = list(writer.pages)
    stamp = _pdf_date()
    for k, e in enumerate(entries):
        for m in e.marks:
            if 1 <= m.page <= len(originals) and m.rects:
                _highlight(writer, originals[m.page - 1], e, m, stamp, f"xltools-{k + 1}-{m.page}")
    front.draw(n_front, originals)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), n_front


def _highlight(writer: Any, page: Any, e: Entry, m: Mark, stamp: str, name: str) -> None:
    from pypdf.generic import DictionaryObject, FloatObject, NameObject, NumberObject, TextStringObject

    pad = 0.8  # a little beyond the glyphs, so the mark reads as around the figure
    rects = [pdf_rect(page, b) for b in m.rects]
    rects = [(a - pad, b - pad, c + pad, d + pad) for a, b, c, d in rects]
    left, bottom = min(r[0] for r in rects), min(r[1] for r in rects)
    right, top = max(r[2] for r in rects), max(r[3] for r in rects)
    quads: list[float] = []
    for a, b, c, d in rects:  # upper-left, upper-right, lower-left, lower-right (as readers draw them)
        quads += [a, d, c, d, a, b, c, b]
    colour = COLOURS.get(e.severity, YELLOW)
    annot = DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"),
        NameObject("/Subtype"): NameObject("/Highlight"),
        NameObject("/Rect"): array([left, bottom, right, top]),
        NameObject("/QuadPoints"): array(quads),
        NameObject("/C"): array(list(colour)),
        NameObject("/CA"): FloatObject(1),
        NameObject("/F"): NumberObject(4),  # print it
        NameObject("/T"): TextStringObject(AUTHOR),
        NameObject("/Subj"): TextStringObject(e.heading),
        NameObject("/Contents"): TextStringObject(e.note),
        NameObject("/NM"): TextStringObject(name),
        NameObject("/M"): TextStringObject(stamp),
        NameObject("/CreationDate"): TextStringObject(stamp),
        NameObject("/AP"): DictionaryObject({NameObject("/N"): _appearance(writer, rects, colour, (left, bottom, right, top))}),
    })
    ref = writer._add_object(annot)  # pypdf's way to make an indirect object of a writer
    pw = float(page.mediabox.right)
    popup = DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"),
        NameObject("/Subtype"): NameObject("/Popup"),
        NameObject("/Rect"): array([max(pw - 220.0, 0.0), max(top - 120.0, 0.0), pw, top]),
        NameObject("/Parent"): ref,
        NameObject("/Open"): _bool(False),
    })
    popup_ref = writer._add_object(popup)
    annot[NameObject("/Popup")] = popup_ref
    annots(page).extend([ref, popup_ref])


def _appearance(writer: Any, rects: Sequence[tuple[float, float, float, float]], colour: tuple[float, ...],
                bbox: tuple[float, float, float, float]) -> Any:
    from pypdf.generic import DecodedStreamObject, DictionaryObject, FloatObject, NameObject

    r, g, b = colour
    ops = ["/GS0 gs", f"{r:.3f} {g:.3f} {b:.3f} rg"]
    ops += [f"{a:.2f} {bb:.2f} {c - a:.2f} {d - bb:.2f} re f" for a, bb, c, d in rects]
    stream = DecodedStreamObject()
    stream.set_data("\n".join(ops).encode("ascii"))
    stream.update({
        NameObject("/Type"): NameObject("/XObject"),
        NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): array(list(bbox)),
        NameObject("/Resources"): DictionaryObject({NameObject("/ExtGState"): DictionaryObject({
            NameObject("/GS0"): DictionaryObject({NameObject("/Type"): NameObject("/ExtGState"),
                                                  NameObject("/BM"): NameObject("/Multiply"),
                                                  NameObject("/ca"): FloatObject(0.45)})})}),
    })
    return writer._add_object(stream)


def _bool(value: bool) -> Any:
    from pypdf.generic import BooleanObject

    return BooleanObject(value)


def _pdf_date() -> str:
    return datetime.now(timezone.utc).strftime("D:%Y%m%d%H%M%SZ")
