"""Read: a disclosure in (its PDF, its Word file or extracted text), a `Document` out, with
the placements its text leaves open beside it (`Parsed`); `rules.reading` settles those."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from xltools.core.model import ReadNote
from xltools.read.bounded import CONTROL, check_text, check_text_size, drop_controls, read_input
from xltools.read.errors import ReadError
from xltools.read.document import Parsed, parse_text
from xltools.read.extracted import Extracted

__all__ = ["Extracted", "Parsed", "ReadError", "extract_file", "parse_bytes", "parse_document", "parse_extracted", "parse_text"]


def _data(path: str | Path) -> bytes:
    return read_input(path)


def parse_document(path: str | Path) -> Parsed:
    """A PDF, a .docx or a text file, told apart by content; a finding's lines are those of
    the text `extract_file` gives, and for a PDF each line also has its page."""
    source = str(path)
    data = _data(path)
    from xltools.read.sources import extract

    extracted = extract(data, source)
    if extracted is None:
        return parse_bytes(data, source)
    return parse_extracted(extracted, source)


def parse_extracted(extracted: Extracted, source: str) -> Parsed:
    text = "\n".join(extracted.lines)
    check_text(text, source)
    text, dropped = drop_controls(text)
    parsed = parse_text(text, source)
    doc = parsed.document
    if dropped is not None:
        doc = replace(doc, notes=(dropped,) + doc.notes)
    notes = tuple(ReadNote("READ-UNPLACED", f"第{n}页没有文字层（扫描页），该页内容未读取 / page {n} has no text layer "
                                            "(a scanned page): its content was not read", None)
                  for n in extracted.scanned)
    return replace(parsed, document=replace(doc, pages=extracted.pages, notes=doc.notes + notes))


def extract_file(path: str | Path) -> Extracted:
    """The text the reader reads from a file, line by line: what `xltools extract` writes."""
    source = str(path)
    data = _data(path)
    from xltools.read.sources import extract
    from xltools.read.text import decode

    extracted = extract(data, source)
    if extracted is not None:
        check_text(extracted.text, source)
        lines = tuple(drop_controls(ln)[0] for ln in extracted.lines)
        positions = extracted.positions
        if positions is not None and lines != extracted.lines:
            positions = positions.dropping(CONTROL, extracted.lines)
        return Extracted(lines, extracted.pages, extracted.scanned, positions)
    check_text_size(data, source)
    text = decode(data, source)
    check_text(text, source)
    text = drop_controls(text)[0].replace("\r\n", "\n").replace("\r", "\n")
    return Extracted(tuple(text[:-1].split("\n") if text.endswith("\n") else text.split("\n")))


def parse_bytes(data: bytes, source: str) -> Parsed:
    """Extracted text (UTF-8, GBK/GB18030, UTF-16 with BOM), as pasted or saved."""
    from xltools.read.text import decode

    check_text_size(data, source)
    text = decode(data, source)
    check_text(text, source)
    text, dropped = drop_controls(text)
    parsed = parse_text(text, source)
    doc = parsed.document
    return parsed if dropped is None else replace(parsed, document=replace(doc, notes=(dropped,) + doc.notes))
