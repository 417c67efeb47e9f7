"""Which reader a file needs, by what it holds (not by its name), and what readers give back.

A disclosure reaches users as a PDF, as the Word file it was printed from, or as text someone
extracted; the extension is often wrong (a PDF saved as .txt, a .docx renamed .doc), so the
bytes decide: `%PDF` near the start is a PDF, a zip with `word/document.xml` a Word file.
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Literal

from xltools.read.bounded import check_zip
from xltools.read.errors import ReadError
from xltools.read.extracted import Extracted

Kind = Literal["pdf", "docx", "text"]

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of .doc, .xls and of encrypted Office files


def kind_of(data: bytes, source: str) -> Kind:
    suffix = Path(source).suffix.lower()
    # The PDF specification lets a header follow up to 1 KB of anything (mail headers, BOMs).
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = set(z.namelist())
                # Before any reader inflates a part: the declared sizes against the limits.
                check_zip(z, source)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
            raise ReadError(source, None, "Word 文件（.docx）已损坏或不完整", "the Word file (.docx) is damaged or incomplete") from exc
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            raise ReadError(source, None, "这是 Excel 工作簿：请用扩展名 .xlsx 或 .xlsm 检查它",
                            "this is an Excel workbook: check it under a .xlsx or .xlsm name")
        raise ReadError(source, None, "这是一个压缩包，不是 Word 文件（.docx）、PDF 或文本",
                        "this is a zip archive, not a Word file (.docx), a PDF or text")
    if data[:8] == _OLE:
        raise ReadError(source, None, "这是旧版 Word（.doc）或加了密码的 Office 文件：请在 Word 中另存为 .docx（不加密码）或 PDF",
                        "this is an old Word file (.doc) or a password-protected Office file: save it from Word as "
                        ".docx (without a password) or as PDF")
    if suffix == ".pdf":
        raise ReadError(source, None, "扩展名是 .pdf，但内容不是 PDF（文件已损坏？）",
                        "the name ends in .pdf but the content is not a PDF (damaged file?)")
    if suffix == ".docx":
        raise ReadError(source, None, "扩展名是 .docx，但内容不是 Word 文件（文件已损坏？）",
                        "the name ends in .docx but the content is not a Word file (damaged file?)")
    return "text"


def extract(data: bytes, source: str) -> Extracted | None:
    """The lines of a PDF or a Word file; None for text, which the text reader decodes itself."""
    kind = kind_of(data, source)
    if kind == "pdf":
        from xltools.read.pdf_text import extract_pdf

        return extract_pdf(data, source)
    if kind == "docx":
        from xltools.read.docx_text import extract_docx

        return extract_docx(data, source)
    return None
