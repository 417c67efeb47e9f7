"""A disclosure read and its open placements settled: the document every later layer takes.

The reader (`xltools.read`) returns what the text says, with the whole-table placements it
could not decide beside it; the identities within and across tables decide them here
(`placement.settle_across`). Every surface reads through these four functions."""
from __future__ import annotations

from pathlib import Path

from xltools.core.model import Document
from xltools.read import Extracted, Parsed, parse_bytes, parse_document, parse_extracted, parse_text
from xltools.rules.placement import settle_across

__all__ = ["read_bytes", "read_document", "read_extracted", "read_text", "settled"]


def settled(parsed: Parsed) -> Document:
    return settle_across(parsed.document, parsed.open) if parsed.open else parsed.document


def read_document(path: str | Path) -> Document:
    """A PDF, a .docx or a text file, told apart by content; a finding's lines are those of
    the text `read.extract_file` gives, and for a PDF each line also has its page."""
    return settled(parse_document(path))


def read_extracted(extracted: Extracted, source: str) -> Document:
    return settled(parse_extracted(extracted, source))


def read_bytes(data: bytes, source: str) -> Document:
    """Extracted text (UTF-8, GBK/GB18030, UTF-16 with BOM), as pasted or saved."""
    return settled(parse_bytes(data, source))


def read_text(text: str, source: str) -> Document:
    return settled(parse_text(text, source))
