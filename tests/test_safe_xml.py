"""The workbook's XML parsed at C speed, still judged by defusedxml (xltools/workbook/safe_xml.py):
a hostile part is refused with defusedxml's own exception, for the same declaration; a
harmless one parses to what defusedxml's parser gives, element for element and cell for cell,
on a seed's real workbook with its text in a shared-strings part (as Excel saves it)."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any, Iterator
from xml.etree.ElementTree import Element, ParseError, tostring

import defusedxml.ElementTree as defused
import openpyxl
import openpyxl.reader.strings
import openpyxl.worksheet._reader
import openpyxl.xml.functions
import pytest
from defusedxml.common import EntitiesForbidden

from book_files import with_shared_strings
from hostile_xml import KINDS, LAUGHS, with_dtd
from xltools.workbook import safe_xml
from xltools.workbook.openpyxl_internals import load_workbook

PARTS = ("xl/worksheets/sheet3.xml", "xl/sharedStrings.xml", "xl/workbook.xml")
# The parts xltools itself parses whole (engine/cache.py, engine/xlsx_cells.py).
FROMSTRING = ("xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml")
UNIT = "阳泉高新技术产业开发区大连街管理服务中心"  # seed 000's unit, on its cover sheet


@pytest.fixture(scope="module")
def shared(seed_workbooks: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Seed 000's workbook as imported, its text moved to a shared-strings part."""
    return with_shared_strings(seed_workbooks["000"], tmp_path_factory.mktemp("shared") / "000.xlsx")


def _part(book: Path, name: str) -> bytes:
    with zipfile.ZipFile(book) as z:
        return z.read(name)


def _events(parsed: Iterator[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """Each event with what it reports, in plain values (elements are compared by content)."""
    out = []
    for event, item in parsed:
        if isinstance(item, Element):
            item = (item.tag, dict(item.attrib), item.text, item.tail, len(item))
        out.append((event, item))
    return out


ALL_EVENTS = ("start", "end", "start-ns", "end-ns")


# -- Hostile parts: refused as defusedxml refuses them ------------------------------------------

@pytest.mark.parametrize("part", PARTS)
@pytest.mark.parametrize("kind", list(KINDS))
def test_a_dtd_with_entities_is_refused_with_defusedxmls_exception(shared: Path, part: str, kind: str) -> None:
    xml = with_dtd(_part(shared, part), kind)
    assert (xml[:2] == b"\xff\xfe") == (kind == "utf16")  # the DTD is in UTF-16 there
    with pytest.raises(EntitiesForbidden) as theirs:
        list(defused.iterparse(io.BytesIO(xml)))
    with pytest.raises(EntitiesForbidden) as streamed:
        list(safe_xml.iterparse(io.BytesIO(xml)))
    with pytest.raises(EntitiesForbidden) as whole:
        safe_xml.fromstring(xml)
    # The first declaration of the part, as the document writes it.
    expected = ("xxe", None, "file:///etc/passwd") if kind == "external" else ("lol", "lol", None)
    for refused in (theirs, streamed, whole):
        assert (refused.value.name, refused.value.value, refused.value.sysid) == expected


def test_a_dtd_after_a_prolog_longer_than_one_read_is_still_refused(shared: Path) -> None:
    """The prolog is judged as far as the root, however many reads that takes."""
    body = _part(shared, "xl/worksheets/sheet3.xml")
    xml = b'<?xml version="1.0"?><!--' + b"x" * 100_000 + b"-->" + LAUGHS.encode() + body
    with pytest.raises(EntitiesForbidden):
        list(safe_xml.iterparse(io.BytesIO(xml)))
    with pytest.raises(EntitiesForbidden):
        safe_xml.fromstring(xml)


def test_openpyxl_reads_its_parts_through_the_vetted_parser() -> None:
    import formulas.excel.xlreader
    import openpyxl.styles.stylesheet

    before = openpyxl.styles.stylesheet.fromstring
    safe_xml.install_in_openpyxl()  # again: nothing changes
    assert openpyxl.styles.stylesheet.fromstring is before
    for module in (openpyxl.xml.functions, openpyxl.worksheet._reader, openpyxl.reader.strings, formulas.excel.xlreader):
        assert getattr(module, "iterparse") is safe_xml.iterparse, module.__name__


# openpyxl's step that reads each part, as its refusal names it.
STEPS = {"xl/worksheets/sheet3.xml": "read worksheets", "xl/sharedStrings.xml": "read strings",
         "xl/workbook.xml": "read workbook", "xl/styles.xml": "read stylesheet",
         "[Content_Types].xml": "read manifest", "docProps/core.xml": "read properties"}


@pytest.mark.parametrize("part", list(STEPS))
def test_loading_a_workbook_with_a_dtd_in_any_part_is_refused(shared: Path, tmp_path: Path, part: str) -> None:
    """The sheets and shared strings through `iterparse`, the other parts through openpyxl's own
    (lxml's) `fromstring`: defusedxml judges each, openpyxl wraps its refusal."""
    hostile = tmp_path / "hostile.xlsx"
    with zipfile.ZipFile(shared) as z, zipfile.ZipFile(hostile, "w") as out:
        for info in z.infolist():
            data = z.read(info)
            out.writestr(info, with_dtd(data, "external") if info.filename == part else data)
    with pytest.raises(ValueError, match=f"could not {STEPS[part]}") as refused:
        load_workbook(hostile, read_only=True)
    assert isinstance(refused.value.__cause__, EntitiesForbidden), refused.value.__cause__
    assert refused.value.__cause__.name == "xxe"


# -- What is not refused: the same as defusedxml -------------------------------------------------

def test_an_external_subset_is_read_by_neither_and_an_undeclared_entity_refused_by_both() -> None:
    """No entity declared: defusedxml lets the DTD pass, and the C parser, as defusedxml's, never
    fetches the external subset; a reference to an undeclared entity in the content is a
    ParseError in both."""
    head = b'<?xml version="1.0"?><!DOCTYPE sst SYSTEM "http://example.invalid/sst.dtd">'
    plain = head + b'<sst a="1"><si><t>kept &amp; read</t></si></sst>'
    assert tostring(safe_xml.fromstring(plain)) == tostring(defused.fromstring(plain))
    assert safe_xml.fromstring(plain).find("si/t").text == "kept & read"  # type: ignore[union-attr]
    undeclared = head + b"<sst><si><t>&who;</t></si></sst>"
    with pytest.raises(ParseError):
        defused.fromstring(undeclared)
    with pytest.raises(ParseError):
        safe_xml.fromstring(undeclared)
    with pytest.raises(ParseError):
        list(safe_xml.iterparse(io.BytesIO(undeclared)))


def test_every_part_parses_to_what_defusedxml_gives(shared: Path) -> None:
    with zipfile.ZipFile(shared) as z:
        parts = [n for n in z.namelist() if n.endswith((".xml", ".rels"))]
        assert {"xl/sharedStrings.xml", "xl/workbook.xml", "xl/styles.xml"} <= set(parts)
        for name in parts:
            xml = z.read(name)
            theirs = _events(defused.iterparse(io.BytesIO(xml), ALL_EVENTS))
            with z.open(name) as stream:  # as openpyxl hands it over: a stream of the zip member
                assert _events(safe_xml.iterparse(stream, ALL_EVENTS)) == theirs, name
            if name in FROMSTRING:
                assert tostring(safe_xml.fromstring(xml)) == tostring(defused.fromstring(xml)), name
    strings = safe_xml.fromstring(_part(shared, "xl/sharedStrings.xml"))
    assert UNIT in [t.text for t in strings.iter("{http://schemas.openxmlformats.org/spreadsheetml/2006/main}t")]


def test_a_utf16_part_without_a_dtd_parses_as_defusedxml_parses_it(shared: Path) -> None:
    xml = _part(shared, "xl/sharedStrings.xml").decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
    data = xml.encode("utf-16")
    assert _events(safe_xml.iterparse(io.BytesIO(data), ALL_EVENTS)) == \
        _events(defused.iterparse(io.BytesIO(data), ALL_EVENTS))


def _cells(path: Path, read_only: bool) -> dict[str, list[list[Any]]]:
    wb = openpyxl.load_workbook(path, read_only=read_only)
    try:
        return {ws.title: [[(c.value, c.data_type) for c in row] for row in ws.iter_rows()] for ws in wb.worksheets}
    finally:
        wb.close()


@pytest.mark.parametrize("read_only", [False, True])
def test_every_sheet_has_the_cells_defusedxml_gives(shared: Path, monkeypatch: pytest.MonkeyPatch,
                                                    read_only: bool) -> None:
    ours = _cells(shared, read_only)
    for module in (openpyxl.worksheet._reader, openpyxl.reader.strings):
        monkeypatch.setattr(module, "iterparse", defused.iterparse)
    theirs = _cells(shared, read_only)
    assert ours == theirs
    assert len(ours) == 23 and sum(len(row) for rows in ours.values() for row in rows) > 20_000
    cover = [v for row in ours[next(iter(ours))] for v, _ in row]
    assert UNIT in cover  # a shared string, read through the vetted parser
