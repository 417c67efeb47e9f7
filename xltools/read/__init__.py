"""Read: a disclosure in (its PDF, its Word file or extracted text), a `Document` out."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ..model import Document, ReadNote
from .bounded import check_text, check_text_size, drop_controls, read_input
from .errors import ReadError
from .document import read_text
from .extracted import Extracted

__all__ = ["Extracted", "ReadError", "extract_file", "read_bytes", "read_document", "read_extracted", "read_text"]


def _data(path: str | Path) -> bytes:
    return read_input(path)


def read_document(path: str | Path) -> Document:
    """A PDF, a .docx or a text file, told apart by content; a finding's lines are those of
    the text `extract_file` gives, and for a PDF each line also has its page."""
    source = str(path)
    data = _data(path)
    from .sources import extract

    extracted = extract(data, source)
    if extracted is None:
        return read_bytes(data, source)
    return read_extracted(extracted, source)


def read_extracted(extracted: Extracted, source: str) -> Document:
    text = "\n".join(extracted.lines)
    check_text(text, source)
    text, dropped = drop_controls(text)
    doc = read_text(text, source)
    if dropped is not None:
        doc = replace(doc, notes=(dropped,) + doc.notes)
    notes = tuple(ReadNote("READ-UNPLACED", f"第{n}页没有文字层（扫描页），该页内容未读取 / page {n} has no text layer "
                                            "(a scanned page): its content was not read", None)
                  for n in extracted.scanned)
    return replace(doc, pages=extracted.pages, notes=doc.notes + notes)


def extract_file(path: str | Path) -> Extracted:
    """The text the reader reads from a file, line by line: what `xltools extract` writes."""
    source = str(path)
    data = _data(path)
    from .sources import extract
    from .text import decode

    extracted = extract(data, source)
    if extracted is not None:
        check_text(extracted.text, source)
        return Extracted(tuple(drop_controls(ln)[0] for ln in extracted.lines), extracted.pages, extracted.scanned)
    check_text_size(data, source)
    text = decode(data, source)
    check_text(text, source)
    text = drop_controls(text)[0].replace("\r\n", "\n").replace("\r", "\n")
    return Extracted(tuple(text[:-1].split("\n") if text.endswith("\n") else text.split("\n")))


def read_bytes(data: bytes, source: str) -> Document:
    """Extracted text (UTF-8, GBK/GB18030, UTF-16 with BOM), as pasted or saved."""
    from .text import decode

    check_text_size(data, source)
    text = decode(data, source)
    check_text(text, source)
    text, dropped = drop_controls(text)
    doc = read_text(text, source)
    return doc if dropped is None else replace(doc, notes=(dropped,) + doc.notes)
