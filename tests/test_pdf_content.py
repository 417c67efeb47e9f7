"""The PDF reader's own parsing and layout give what pdfminer and pdfplumber give.

- read/pdf_content.py: every content stream (pages and forms) of a printed seed, and streams
  written by hand with the tokenizer's corners (escapes, nested strings, hex strings with
  white space or an odd digit, names with #-escapes, signs and dots alone, arrays, dictionaries,
  procedures, brackets that do not close, streams that cut a token) parse into the very
  objects, positions included, pdfminer's PDFContentParser gives; what it leaves to pdfminer is
  said (`Unusual`).
- read/pdf_objects.py: each page's characters carry pdfplumber's values for every entry the
  reader uses, in pdfplumber's order; the shapes shown to the table finder are pdfplumber's
  inked ones, the same dicts.
"""
from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

import docgen
from conftest import SEED_PATHS
from xltools.read import pdf_text
from xltools.read.pdf_content import Unusual, parse_streams
from xltools.read.pdf_layout import DRAWN, inked
from xltools.read.pdf_objects import read_sheet


def _pdfminer(datas: list[bytes]) -> list[Any]:
    """pdfminer's own parser on streams of these bytes."""
    from pdfminer.pdfinterp import PDFContentParser
    from pdfminer.pdftypes import PDFStream
    from pdfminer.psparser import PSEOF

    real = pdf_text._FORMS.real or PDFContentParser  # the class itself, even once the reader stands in for it
    try:
        parser = real([PDFStream({}, d) for d in datas])
    except PSEOF:
        return []
    out = []
    while True:
        try:
            out.append(parser.nextobject())
        except PSEOF:
            return out


def _same(datas: list[bytes]) -> list[Any]:
    ours = parse_streams(datas)
    theirs = _pdfminer(datas)
    assert repr(ours) == repr(theirs)  # the same types too: 1 and 1.0, a str or bytes name
    assert ours == theirs
    return ours


CORNERS = [
    b"BT /F1 12 Tf 72 700 Td (simple) Tj [(A) -250 (B) 120.5 <43>] TJ ET",
    b"(esc \\( \\) \\\\ \\n \\t \\b \\f \\r \\101\\1012 \\7x \\q \\\nend) Tj (nest (a (b)) c) Tj",
    b"<48656c6c 6f> Tj <4865 6> Tj <> Tj <41>> <<>> <</A <42>>> BDC",
    b".5 Tw -.5 Tc +1. Tz -0 Ts 1.2.3 TL 5-3 TL -- + . -. +.5 007 1e5 TL 12Tf",
    b"/F#32 12 Tf /a#4 /b# /c#zz /\xe4\xb8\xad /\xff 1 Tf /Span << /MCID 3 /K [1 2 /x] >> BDC EMC",
    b"% a comment\n(a)' 1 2 (b)\" T* (c)Tj true false null \x00 ) ] } >> ~ # * \x80",
    b"[1 [2 [3] 4] << /a [5] >>] {1 2 {3} add} pop [1 2 >> ] << /k ] /v >> [unclosed",
]


@pytest.mark.parametrize("data", CORNERS)
def test_corners_parse_as_pdfminer_parses_them(data: bytes) -> None:
    assert _same([data])


def test_values_of_the_corners() -> None:
    objs = [obj for _, obj in parse_streams([CORNERS[1] + b" " + CORNERS[3]])]
    assert objs[0] == b"esc ( ) \\ \n \t \x08 \x0c \r AA2 \x07x  end"
    assert objs[2] == b"nest (a (b)) c"
    numbers = [o for o in objs if isinstance(o, (int, float))]
    assert numbers == [0.5, -0.5, 1.0, 0, 1.2, 0.3, 5, -3, 0.5, 7, 1, 12]  # '-', '+', '.', '-.', '--' dropped
    hexes = [obj for _, obj in parse_streams([CORNERS[2]]) if isinstance(obj, bytes)]
    assert hexes == [b"Hello", b"He\x06", b"", b"A"]


def test_streams_of_one_page_meet_as_in_pdfminer() -> None:
    # A token cut by the end of a stream ends there; an array or a dictionary goes on.
    from pdfminer.psparser import KWD, LIT

    objs = _same([b"BT /F1 12 Tf 72 700 Td (a) T", b"j [1 2", b"3] TJ 0 -1", b"4 Td E", b"T", b"", b"q"])
    assert [o for _, o in objs] == [KWD(b"BT"), LIT("F1"), 12, KWD(b"Tf"), 72, 700, KWD(b"Td"), b"a", KWD(b"T"),
                                    KWD(b"j"), [1, 2, 3], KWD(b"TJ"), 0, -1, 4, KWD(b"Td"), KWD(b"E"), KWD(b"T"), KWD(b"q")]


@pytest.mark.parametrize("datas", [
    [b"BT (open"], [b"(a) Tj <41"], [b"<41", b"42> Tj"], [b"BI /W 1 /H 1 ID \x00 EI"], [b"<< /A 1 /B >>"],
    [b"(\\777) Tj"], [b"/a#41", b" Tf"], [b"(a\\\r\nb) Tj"],
])
def test_what_pdfminer_reads_its_own_way_is_left_to_it(datas: list[bytes]) -> None:
    with pytest.raises(Unusual):
        parse_streams(datas)


@pytest.fixture(scope="module")
def pdf_000() -> Any:
    import pdfplumber

    try:
        path = docgen.build(dict(SEED_PATHS))["000"][1]
    except Exception as exc:  # Writer missing: soffice starts but converts nothing
        pytest.fail(f"LibreOffice could not convert .docx to PDF ({exc})", pytrace=False)
    pdf_text._bound_pdfminer()
    try:
        with pdfplumber.open(io.BytesIO(Path(path).read_bytes())) as pdf:
            yield pdf
    finally:
        pdf_text._FORMS.clear()  # the forms its pages kept, as extract_pdf clears them after a PDF
        DRAWN.clear()
        pdf_text._unbound_parser()  # as extract_pdf leaves pdfminer: its own parser back


def test_every_stream_of_a_printed_seed_parses_as_in_pdfminer(pdf_000: Any) -> None:
    from pdfminer.pdfinterp import LITERAL_FORM
    from pdfminer.pdftypes import resolve1, stream_value

    pages = forms = objects = 0
    seen: set[int] = set()
    for page in pdf_000.pages:
        objects += len(_same([stream_value(s).get_data() for s in page.page_obj.contents]))
        pages += 1
        xobjects = resolve1(resolve1(page.page_obj.resources).get("XObject")) or {}
        for ref in xobjects.values():
            form = resolve1(ref)
            if form.get("Subtype") is LITERAL_FORM and form.objid not in seen:
                seen.add(form.objid)
                objects += len(_same([form.get_data()]))
                forms += 1
    assert pages == 45 and forms >= 2 and objects > 100_000


def test_a_pages_objects_are_pdfplumbers(pdf_000: Any) -> None:
    keys = ("text", "x0", "x1", "top", "bottom", "size", "matrix", "non_stroking_color")
    chars = shapes = edges = 0
    DRAWN.clear()
    for number in (1, 4, 5, 20, 45):  # the first page, two of the 13 tables, narrative, the last
        page = pdf_000.pages[number - 1]
        sheet = read_sheet(page)
        theirs = page.objects
        assert sheet.chars == [{k: c[k] for k in keys} for c in theirs.get("char", [])]
        for kind in ("line", "rect"):
            assert sheet.shapes.get(kind, []) == [o for o in theirs.get(kind, []) if inked(o)]
        assert sheet.shapes["curve"] == [{k: o[k] for k in ("object_type", "pts", "top", "doctop")}
                                         for o in theirs["curve"] if inked(o)]
        # What the table finder works from: the edges of the inked shapes, as pdfplumber had them.
        ruled = page.filter(lambda o: o.get("object_type") not in ("char", "curve", "rect", "line")
                            or (o["object_type"] != "char" and inked(o)))
        assert sheet.ruled().edges == ruled.edges
        edges += len(ruled.edges)
        assert sheet.images == bool(theirs.get("image"))
        chars += len(sheet.chars)
        shapes += sum(map(len, sheet.shapes.values()))
        assert len(sheet.shapes["curve"]) == 24  # the header's WordArt, in outlines (pdfminer reads them black)
        page.close()
    assert edges == 3330  # 657 a page from the WordArt alone
    # The header's WordArt form drawn again from an earlier page of its orientation
    # (read/pdf_layout.py's `_Drawn`) on pages 5, 20 and 45 (page 1 portrait and page 4
    # landscape drew it first), its shapes pdfplumber's all the same.
    assert DRAWN.again == 3
    assert chars == 1512 and shapes == 5 * 24 + 45  # the table pages' ruling lines: 35 and 10
