"""A Word file's text as the text reader expects it.

python-docx opens the file; the body is walked in document order: each paragraph is a line
(a line break inside it starts a new line, an empty paragraph is a blank line, a page break a
blank line), each table row is a line with its cells tab-separated in grid order, a merged
cell once (its text in its first grid column, the columns and rows it covers empty), the
paragraphs of one cell joined. Headers and footers (the watermark, page numbers) are not the
document's text and are not read; neither are text boxes and drawings, nor deleted revisions.
A Word file has no pages until it is laid out, so its lines carry none.
"""
from __future__ import annotations

import io
import zipfile
from typing import Iterator

from xltools.read.errors import ReadError
from xltools.read.extracted import Extracted, join_pieces

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_SKIP = {f"{_W}del", f"{_W}moveFrom", f"{_W}drawing", f"{_W}pict", f"{_W}object", f"{_W}instrText",
         f"{_W}delText", f"{_W}fldData", "{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent"}
PAGE_BREAK = "\f"
# Word lays out at most 63 columns: a gridSpan or gridBefore beyond that is a damaged (or
# hostile: 1e9 allocated 7.7 GB) file, read as the widest table Word can make.
MAX_COLUMNS = 63


def _count(el: object, default: int) -> int:
    """An element's w:val as a column count, within 0..MAX_COLUMNS (junk reads as `default`)."""
    raw = el.get(f"{_W}val", str(default))  # type: ignore[attr-defined]
    try:
        n = int(raw)
    except (TypeError, ValueError):
        return default
    return max(0, min(n, MAX_COLUMNS))


def _text(el: object) -> str:
    """A paragraph's printed characters: runs, tabs and breaks; a page break as \\f."""
    out: list[str] = []

    def walk(node: object) -> None:
        for child in node:  # type: ignore[attr-defined]
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP:
                continue
            if tag == f"{_W}t":
                out.append(child.text or "")
            elif tag == f"{_W}tab" and node.tag == f"{_W}r":  # type: ignore[attr-defined]
                out.append("\t")
            elif tag in (f"{_W}br", f"{_W}cr"):
                out.append(PAGE_BREAK if child.get(f"{_W}type") == "page" else "\n")
            elif tag == f"{_W}noBreakHyphen":
                out.append("-")
            elif tag in (f"{_W}pPr", f"{_W}rPr"):
                continue
            else:
                walk(child)

    walk(el)
    return "".join(out)


def _children(el: object, tag: str) -> Iterator[object]:
    """The children of `el` with `tag`, also those Word wraps in content controls."""
    for child in el:  # type: ignore[attr-defined]
        if child.tag == f"{_W}{tag}":
            yield child
        elif child.tag in (f"{_W}sdt", f"{_W}customXml"):
            content = child.find(f"{_W}sdtContent") if child.tag == f"{_W}sdt" else child
            if content is not None:
                yield from _children(content, tag)


def _cells(tr: object) -> Iterator[object]:
    return _children(tr, "tc")


def _cell_text(tc: object) -> str:
    pieces: list[str] = []
    for p in tc.iter(f"{_W}p"):  # type: ignore[attr-defined]
        # A paragraph inside a text box of the cell is not the cell's text.
        if any(a.tag in _SKIP for a in p.iterancestors()):
            continue
        pieces.extend(_text(p).replace(PAGE_BREAK, "\n").replace("\t", " ").split("\n"))
    return join_pieces(pieces)


def _rows(tbl: object) -> Iterator[object]:
    """The table's own rows (a table nested in a cell is read as that cell's text)."""
    return _children(tbl, "tr")


def _row(tr: object) -> str:
    cells: list[str] = []
    trpr = tr.find(f"{_W}trPr")  # type: ignore[attr-defined]
    before = trpr.find(f"{_W}gridBefore") if trpr is not None else None
    if before is not None:
        cells.extend([""] * _count(before, 0))
    for tc in _cells(tr):
        tcpr = tc.find(f"{_W}tcPr")  # type: ignore[attr-defined]
        span_el = tcpr.find(f"{_W}gridSpan") if tcpr is not None else None
        span = _count(span_el, 1) if span_el is not None else 1
        vmerge = tcpr.find(f"{_W}vMerge") if tcpr is not None else None
        # A cell that continues a vertical merge repeats nothing: the text is on the first row.
        continued = vmerge is not None and vmerge.get(f"{_W}val", "continue") == "continue"
        cells.append("" if continued else _cell_text(tc))
        cells.extend([""] * (span - 1))
    return "\t".join(cells)


def _blocks(parent: object) -> Iterator[str]:
    for child in parent:  # type: ignore[attr-defined]
        tag = child.tag
        if tag == f"{_W}p":
            text = _text(child)
            ppr = child.find(f"{_W}pPr")
            brk = ppr.find(f"{_W}pageBreakBefore") if ppr is not None else None
            if brk is not None and brk.get(f"{_W}val", "true") not in ("0", "false", "off"):
                yield ""
            for k, part in enumerate(text.split(PAGE_BREAK)):
                if k:
                    yield ""
                yield from (ln.rstrip() for ln in part.split("\n"))
        elif tag == f"{_W}tbl":
            for tr in _rows(child):
                row = _row(tr)
                if row.replace("\t", "").strip():
                    yield row
        elif tag in (f"{_W}sdt", f"{_W}customXml", f"{_W}ins", f"{_W}smartTag"):
            content = child.find(f"{_W}sdtContent") if tag == f"{_W}sdt" else child
            if content is not None:
                yield from _blocks(content)


def extract_docx(data: bytes, source: str) -> Extracted:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as exc:
        raise ReadError(source, None, "Word 文件（.docx）已损坏或不完整", "the Word file (.docx) is damaged or incomplete") from exc
    except Exception as exc:  # lxml's XMLSyntaxError and the like: a damaged part
        raise ReadError(source, None, f"Word 文件（.docx）已损坏，无法读取（{type(exc).__name__}）",
                        f"the Word file (.docx) is damaged and cannot be read ({type(exc).__name__})") from exc
    try:
        lines = tuple(_blocks(document.element.body))
    except RecursionError as exc:  # content controls nested beyond any real document
        raise ReadError(source, None, "Word 文件（.docx）结构嵌套过深，无法读取",
                        "the Word file (.docx) is nested too deeply to be read") from exc
    if not any(ln.strip() for ln in lines):
        raise ReadError(source, None, "Word 文件中没有文字", "the Word file holds no text")
    return Extracted(lines)
