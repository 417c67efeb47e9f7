"""Read: a disclosure in (its PDF, its Word file or extracted text), a `Document` out."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ..model import Document, ReadNote
from .errors import ReadError
from .document import read_text
from .extracted import Extracted

__all__ = ["Extracted", "ReadError", "extract_file", "read_bytes", "read_document", "read_extracted", "read_text"]


def _data(path: str | Path) -> bytes:
    p = Path(path)
    source = str(path)
    if not p.exists():
        raise ReadError(source, None, "文件不存在", "file not found")
    if p.is_dir():
        raise ReadError(source, None, "这是一个文件夹，不是文件", "this is a directory, not a file")
    try:
        return p.read_bytes()
    except OSError as exc:
        raise ReadError(source, None, f"无法读取文件（{exc.strerror}）", f"cannot read the file ({exc.strerror})") from exc


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
    doc = read_text("\n".join(extracted.lines), source)
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
        return extracted
    text = decode(data, source).replace("\r\n", "\n").replace("\r", "\n")
    return Extracted(tuple(text[:-1].split("\n") if text.endswith("\n") else text.split("\n")))


def read_bytes(data: bytes, source: str) -> Document:
    """Extracted text (UTF-8, GBK/GB18030, UTF-16 with BOM), as pasted or saved."""
    from .text import decode

    return read_text(decode(data, source), source)
