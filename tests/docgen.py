"""A seed's extracted text laid out again as the family prints it: a .docx, and its PDF.

The .docx is written with python-docx from the seed's own lines: consecutive tab-separated
lines become one bordered Word table (headers merged where the family merges them, a 绩效
table's row labels merged down, rows that never split over a page), other lines paragraphs
(markdown headings as Word headings, bold as bold runs, HTML tags dropped), the 13 tables in a
landscape section, each table and each 绩效 table on a new page, page numbers in the footer,
and the watermark 仅供内部审核 as Word makes it: WordArt rotated 315° in the header, so that
every page carries it. The seed's own watermark lines, page numbers and blank lines are left
out: the layout puts them back. Long tables break over pages where the page is full. A row the
seed's extraction printed one cell short is printed whole (`placed_rows`).

The PDF is LibreOffice's (`soffice --headless --convert-to pdf`), one soffice start for all
the files, in a private profile so that other soffice processes on the machine do not
interfere. LibreOffice draws the WordArt as outlines; its export also prints the watermark as
rotated light-grey text on every page, as Word's and the budget system's PDFs carry it.

Also here: `build` (the seeds' files, cached between runs), `minimal_pdf` (small PDFs written
by hand: encrypted, scanned, cut short) and `signature` (what checking a document gives,
independent of the format it was read from).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import struct
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence
from xml.sax.saxutils import escape

from built import locked
from xltools.workbook.engine.libreoffice_engine import convert

from docx import Document as new_docx
from docx.enum.section import WD_ORIENT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt

WATERMARK = "仅供内部审核"
FONT = "Noto Serif CJK SC"
TABLE_PT = 8.0
BODY_PT = 10.5

_MARK = re.compile(r"</?(?:b|p|strong|br|span|div)\s*/?>", re.I)
_AMOUNT = re.compile(r"^-?[\d,]+(?:\.\d+)?%?$")
_LABEL = re.compile(r"^(?:预算公开表|部门公开表|单位公开表)\s*\d+$")
_PART = re.compile(r"^第[一二三四五六]部分")
_TITLE_13 = re.compile(r"^(?:\d{4}年)?.{0,30}(?:总表|预算表|科目表|收入表|支出表)(?:（[^）]*）)?$")
_PERF_TITLE = re.compile(r"(?:绩效目标表|绩效目标申报表)$")
_PAGE_NO = re.compile(r"^[-—–\s]*\d{1,3}[-—–\s]*$")
# Row labels only a 绩效 table prints (项目名称 heads 表12 as well).
_PERF_FIRST = ("部门基本信息", "年度绩效指标", "绩效指标", "主管部门及代码", "项目资金", "项目属性", "年度预算情况")


@dataclass
class Para:
    text: str
    level: int = 0  # markdown heading level, 0 for body text
    bold: bool = False
    page_break: bool = False


@dataclass
class Grid:
    rows: list[list[str]] = field(default_factory=list)


Block = Para | Grid


def _clean(s: str) -> str:
    """A cell or paragraph as printed: no markup, no truncation mark of the extraction."""
    s = _MARK.sub("", s).replace("**", "")
    return s.rstrip("\ufffd").strip()


def is_watermark(s: str) -> bool:
    s = s.strip()
    return len(s) >= 2 and WATERMARK.startswith(s)


_LABEL_COLUMNS = {2: 2, 3: 2, 5: 2, 6: 2, 7: 2, 8: 2, 10: 1, 11: 1, 12: 1, 13: 1}


def placed_rows(text: str) -> dict[int, list[str]]:
    """The cells of each short table row as the family prints them, by seed line.

    An extractor drops a cell of a row after a page break ("one cell too few"), and the reader
    puts the amounts back in their columns by arithmetic. The printed page has every cell, so
    the layout prints such a row with its amounts in the columns the reader placed them in;
    every other row is printed from its own cells."""
    from xltools.core.layouts import LAYOUTS
    from xltools.rules.reading import read_text

    doc = read_text(text, "seed")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out: dict[int, list[str]] = {}
    for n, labels in _LABEL_COLUMNS.items():
        t = doc.table(n)
        if t is None:
            continue
        for row in t.rows:
            cells = lines[row.line - 1].split("\t")
            printed = [c.strip() for c in cells[labels:] if c.strip()]
            columns = [c.key for c in LAYOUTS[n].columns]
            if len(cells) >= labels + len(columns) or not printed:
                continue
            filled = [k for k in columns if row.get(k) is not None]
            if len(filled) != len(printed):
                continue
            by_column = dict(zip(filled, printed))
            out[row.line] = [c.strip() for c in cells[:labels]] + [by_column.get(k, "") for k in columns]
    return out


def blocks(text: str) -> list[Block]:
    out: list[Block] = []
    grid: Grid | None = None
    restored = placed_rows(text)
    for number, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        line = raw.rstrip("\ufffd")
        bare = _clean(line)
        if not bare.replace("\t", "") or is_watermark(bare) or _PAGE_NO.match(bare):
            continue  # the layout restores spacing, watermark and page numbers itself
        if "\t" in line:
            if grid is None:
                grid = Grid()
                out.append(grid)
            grid.rows.append([_clean(c) for c in restored.get(number) or line.split("\t")])
            continue
        grid = None
        level = len(line) - len(line.lstrip("#"))
        body = _clean(line.lstrip("#"))
        bold = line.lstrip("#").strip().startswith(("**", "<b>"))
        brk = bool(_LABEL.match(body) or _PART.match(body) or _PERF_TITLE.search(body)
                   or body.replace(" ", "") == "目录" or (_TITLE_13.match(body) and "：" not in body))
        prev = out[-1] if out else None
        if brk and isinstance(prev, Para) and prev.page_break:
            brk = False  # a title under its label line, a label under its part's heading: one page
        out.append(Para(body, min(level, 4), bold, brk))
    return out


# -- Table layout ---------------------------------------------------------------------------

def _em(s: str) -> float:
    """Printed width in em: CJK one em, ASCII about half."""
    return sum(0.55 if ord(ch) < 0x2E80 else 1.0 for ch in s)


def _is_data_row(cells: list[str]) -> bool:
    first = next((c for c in cells if c), "")
    return (any(_AMOUNT.match(c) for c in cells if c) or first in ("合计", "部门合计", "总计")
            or bool(re.match(r"^\d{3,}", first)) or first.startswith(("一、", "因公出国")))


def _is_perf(rows: list[list[str]]) -> bool:
    return any(r and r[0].startswith(_PERF_FIRST) for r in rows)


@dataclass
class Cell:
    text: str
    span: int = 1
    vmerge: str | None = None  # "restart" | "continue"


def _merge(rows: list[list[str]], ncols: int) -> list[list[Cell | None]]:
    """The family's merged cells: header cells span the columns and rows they head, a 绩效
    table's row labels span the rows under them. Merging only ever joins an empty cell to the
    printed one beside or above it, so the text read back is the seed's, cell for cell."""
    grid = [r + [""] * (ncols - len(r)) for r in rows]
    perf = _is_perf(rows)
    heads = 0
    if not perf:
        while heads < min(3, len(grid)) and not _is_data_row(grid[heads]):
            heads += 1
    out: list[list[Cell | None]] = [[Cell(t) for t in r] for r in grid]
    owner: list[list[tuple[int, int] | None]] = [[None] * ncols for _ in grid]  # horizontal owner

    def vmergeable(r: int, c: int) -> bool:
        if r == 0 or grid[r][c]:
            return False
        if not perf:
            return r < heads
        return all(not grid[r][k] for k in range(c + 1)) and c < 2  # leading label columns

    for r in range(len(grid)):
        for c in range(ncols):
            above = out[r - 1][c] if r else None
            if vmergeable(r, c) and above is not None and above.span == 1 and owner[r - 1][c] is None and (
                    above.text or above.vmerge == "continue"):
                out[r][c] = Cell("", 1, "continue")
                if above.vmerge is None:
                    above.vmerge = "restart"
        if not perf and r >= heads:
            continue
        for c in range(1, ncols):
            cell = out[r][c]
            if cell is None or cell.text or cell.vmerge:
                continue
            left = c - 1
            while left >= 0 and out[r][left] is None:
                left -= 1
            lc = out[r][left]
            if lc is not None and lc.text and lc.vmerge is None and (perf or r < heads):
                # Keep the amount grid of a table's data rows: only header or 绩效 text spans.
                lc.span += 1
                out[r][c] = None
                owner[r][c] = (r, left)
    return out


def _widths(rows: list[list[str]], ncols: int, usable_twips: int) -> list[int]:
    want = [2.0] * ncols
    for r in rows:
        for c, t in enumerate(r):
            want[c] = max(want[c], min(_em(t), 16.0 if c else 22.0) + 0.8)
    total = sum(want)
    em_twips = TABLE_PT * 20
    if total * em_twips > usable_twips:
        scale = usable_twips / (total * em_twips)
        want = [w * scale for w in want]
    return [int(w * em_twips) for w in want]


_BORDER = "".join(f'<w:{s} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                  for s in ("top", "left", "bottom", "right", "insideH", "insideV"))


def _run(text: str, size: float, bold: bool = False) -> str:
    b = "<w:b/>" if bold else ""
    return (f'<w:r><w:rPr><w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}"/>{b}'
            f'<w:sz w:val="{int(size * 2)}"/></w:rPr><w:t xml:space="preserve">{escape(text)}</w:t></w:r>')


def table_xml(rows: list[list[str]], usable_twips: int) -> str:
    ncols = max(len(r) for r in rows)
    widths = _widths(rows, ncols, usable_twips)
    cells = _merge(rows, ncols)
    parts = [f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
             f'<w:tblBorders>{_BORDER}</w:tblBorders><w:tblLayout w:type="fixed"/>'
             '<w:tblCellMar><w:left w:w="40" w:type="dxa"/><w:right w:w="40" w:type="dxa"/></w:tblCellMar>'
             '</w:tblPr><w:tblGrid>', *(f'<w:gridCol w:w="{w}"/>' for w in widths), '</w:tblGrid>']
    for row in cells:
        # A row never splits over a page: its cells' text stays on one page, as the budget
        # system's own PDFs print it.
        parts.append('<w:tr><w:trPr><w:cantSplit/></w:trPr>')
        c = 0
        while c < ncols:
            cell = row[c]
            if cell is None:
                c += 1
                continue
            w = sum(widths[c:c + cell.span])
            span = f'<w:gridSpan w:val="{cell.span}"/>' if cell.span > 1 else ""
            vm = "" if cell.vmerge is None else (
                '<w:vMerge w:val="restart"/>' if cell.vmerge == "restart" else "<w:vMerge/>")
            jc = "right" if _AMOUNT.match(cell.text) and "." in cell.text else ("center" if cell.span > 1 or vm else "left")
            run = _run(cell.text, TABLE_PT) if cell.text else ""
            parts.append(f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/>{span}{vm}<w:vAlign w:val="center"/></w:tcPr>'
                         f'<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
                         f'<w:jc w:val="{jc}"/></w:pPr>{run}</w:p></w:tc>')
            c += cell.span
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    return "".join(parts)


# -- The watermark and the page numbers -----------------------------------------------------

_VML = 'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"'


def _watermark_xml() -> str:
    """Word's own watermark: WordArt (a VML text path) rotated 315°, light grey, behind the
    text, centred on the page, anchored in the header so that every page carries it."""
    return (
        f'<w:r {nsdecls("w")} {_VML}><w:pict>'
        '<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800" '
        'path="m@7,l@8,m@5,21600l@6,21600e"><v:path textpathok="t" o:connecttype="custom"/>'
        '<v:textpath on="t" fitshape="t"/></v:shapetype>'
        '<v:shape id="PowerPlusWaterMarkObject1" o:spid="_x0000_s2049" type="#_x0000_t136" '
        'style="position:absolute;margin-left:0;margin-top:0;width:300pt;height:75pt;rotation:315;'
        'z-index:-251657216;mso-position-horizontal:center;mso-position-horizontal-relative:margin;'
        'mso-position-vertical:center;mso-position-vertical-relative:margin" o:allowincell="f" '
        'fillcolor="silver" stroked="f"><v:fill opacity=".5"/>'
        f'<v:textpath style="font-family:&quot;{FONT}&quot;;font-size:1pt" string="{WATERMARK}"/>'
        '</v:shape></w:pict></w:r>')


def _page_field_xml() -> str:
    return (f'<w:p {nsdecls("w")}><w:pPr><w:jc w:val="center"/></w:pPr>{_run("— ", 9)}'
            f'<w:fldSimple w:instr=" PAGE ">{_run("1", 9)}</w:fldSimple>{_run(" —", 9)}</w:p>')


def _decorate(section: Any, wordart: bool = True) -> None:
    header = section.header
    header.is_linked_to_previous = False
    p = header.paragraphs[0]
    if wordart:
        p._p.append(parse_xml(_watermark_xml()))
    footer = section.footer
    footer.is_linked_to_previous = False
    footer._element.remove(footer.paragraphs[0]._p)
    footer._element.append(parse_xml(_page_field_xml()))


def _usable_twips(section: Any) -> int:
    """The width between the margins, in twips (1/20 pt; python-docx measures in EMU)."""
    return (int(section.page_width or 0) - int(section.left_margin or 0) - int(section.right_margin or 0)) // 635


def _font(style: Any, size: float | None = None, bold: bool | None = None) -> None:
    style.font.name = FONT
    if size is not None:
        style.font.size = Pt(size)
    if bold is not None:
        style.font.bold = bold
    rpr = style.element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    if getattr(style.font, "color", None) is not None:  # Word's blue headings are not the family's
        style.font.color.rgb = None


# -- The document ---------------------------------------------------------------------------

def seed_to_docx(text: str, out: Path, wordart: bool = True) -> Path:
    """The seed as a .docx; without `wordart`, no watermark in the header (the PDF export's
    watermark alone: a PDF as Word prints one, without LibreOffice's outline drawing)."""
    doc = new_docx()
    _font(doc.styles["Normal"], BODY_PT)
    doc.styles["Normal"].paragraph_format.space_after = Pt(6)
    for lvl, size in ((1, 16), (2, 14), (3, 12), (4, 11)):
        _font(doc.styles[f"Heading {lvl}"], size, True)
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Mm(22))
    section.top_margin = section.bottom_margin = Mm(22)
    _decorate(section, wordart)
    body = doc.element.body
    landscape = False
    for block in blocks(text):
        if isinstance(block, Para) and _PART.match(block.text) and block.text.startswith("第二部分") != landscape:
            # The 13 tables are printed landscape, the text around them portrait.
            landscape = not landscape
            new = doc.add_section()
            new.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
            w, h = Mm(210), Mm(297)
            new.page_width, new.page_height = (h, w) if landscape else (w, h)
            new.top_margin = new.bottom_margin = Mm(18 if landscape else 22)
            new.left_margin = new.right_margin = Mm(18 if landscape else 22)
            _decorate(new, wordart)
            block.page_break = False  # the section starts the page
        usable = _usable_twips(doc.sections[-1])
        if isinstance(block, Grid):
            tbl = parse_xml(table_xml(block.rows, usable))
            body.insert(len(body) - 1, tbl)  # before the final sectPr
            continue
        if block.level:
            p = doc.add_heading(block.text, level=block.level)
        else:
            p = doc.add_paragraph()
            run = p.add_run(block.text)
            run.bold = block.bold
            if len(block.text) > 40:
                p.paragraph_format.first_line_indent = Pt(BODY_PT * 2)
        if block.page_break:
            p.paragraph_format.page_break_before = True
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(out))
    return out


# LibreOffice draws Word's WordArt as outlines, where Word's own PDF export, and the budget
# system's, print the watermark as text: the export's watermark puts it back as rotated
# light-grey text on every page, which is what the PDF reader has to leave out.
PDF_OPTIONS: dict[str, dict[str, object]] = {
    "Watermark": {"type": "string", "value": WATERMARK},
    "WatermarkColor": {"type": "long", "value": 0xC8C8C8},
    "WatermarkRotateAngle": {"type": "long", "value": 450},  # tenths of a degree
    "WatermarkFontName": {"type": "string", "value": FONT},
}


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(files: list[Path], outdir: Path, timeout: int = 600, pages: str | None = None) -> list[Path]:
    """Every file converted by LibreOffice (the session's listening one, or one soffice start
    for all); the PDFs, same stems, in `outdir`; only the `pages` ("1-40") when given."""
    if soffice() is None:
        raise FileNotFoundError("LibreOffice (soffice) is not installed")
    outdir.mkdir(parents=True, exist_ok=True)
    options = dict(PDF_OPTIONS, **({"PageRange": {"type": "string", "value": pages}} if pages else {}))
    made = convert(files, outdir, "pdf:writer_pdf_Export:" + json.dumps(options, ensure_ascii=False), timeout)
    missing = [str(p) for p in made if not p.exists()]
    if missing:
        raise RuntimeError(f"soffice made no PDF for {missing}")
    return made


# -- Built once: the seeds' .docx and PDF, cached across test runs --------------------------

def build(seeds: dict[str, Path]) -> dict[str, tuple[Path, Path]]:
    """`{key: (docx, pdf)}` for every seed, and for SAMPLE (`watermark_sample_docx`).

    LibreOffice takes 10–20 s for the three seeds, so the files are kept in the temporary
    folder under a key made of this module's source, the seeds' bytes and the soffice found:
    a test run after the first converts nothing, and any change to the layout or the seeds
    builds afresh."""
    h = hashlib.sha256(Path(__file__).read_bytes())
    for key in sorted(seeds):
        h.update(key.encode() + seeds[key].read_bytes())
    h.update(str(soffice()).encode())
    root = Path(tempfile.gettempdir()) / f"xltools-docgen-{h.hexdigest()[:16]}"
    keys = [*seeds, SAMPLE]
    out = {k: (root / f"{k}.docx", root / f"{k}.pdf") for k in keys}
    with locked(root.with_name(root.name + ".lock")):  # one builder; the others wait for its files
        if not all(p.exists() for pair in out.values() for p in pair):
            _build_into(root, seeds, keys)
    return out


def _build_into(root: Path, seeds: dict[str, Path], keys: list[str]) -> None:
    work = Path(tempfile.mkdtemp(prefix="xltools-docgen-"))
    for key, seed in seeds.items():
        seed_to_docx(seed.read_text("utf-8"), work / f"{key}.docx")
    watermark_sample_docx(work / f"{SAMPLE}.docx")
    to_pdf([work / f"{k}.docx" for k in keys], work)
    # Whole or not at all: another run sees either the finished folder or none.
    try:
        os.replace(work, root)
    except OSError:
        shutil.rmtree(work, ignore_errors=True)  # a concurrent run finished first: use its files


# -- Small PDFs written by hand: encrypted, scanned, cut short ------------------------------

_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def _rc4(key: bytes, data: bytes) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for b in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(b ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def _padded(password: str) -> bytes:
    return (password.encode("latin-1") + _PAD)[:32]


@dataclass
class PageSpec:
    """One page of a hand-made PDF: lines of ASCII text (Helvetica), and a grey image if `image`."""

    text: tuple[str, ...] = ()
    image: bool = False


def minimal_pdf(pages: list[PageSpec], user_password: str | None = None) -> bytes:
    """A small, valid PDF; with `user_password`, encrypted by the standard security handler
    (RC4, 40 bits, revision 2), so that it opens only with that password."""
    file_id = hashlib.md5(b"xltools-test").digest()
    objects: dict[int, bytes] = {}
    streams: dict[int, bytes] = {}
    n_pages = len(pages)
    font, image = 3 + 2 * n_pages, 4 + 2 * n_pages
    kids = " ".join(f"{3 + 2 * k} 0 R" for k in range(n_pages))
    objects[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[2] = f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode()
    for k, spec in enumerate(pages):
        page, content = 3 + 2 * k, 4 + 2 * k
        objects[page] = (f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 {font} 0 R >> "
                         f"/XObject << /Im1 {image} 0 R >> >> /Contents {content} 0 R >>").encode()
        ops = [f"BT /F1 12 Tf 72 {760 - 20 * i} Td ({t}) Tj ET" for i, t in enumerate(spec.text)]
        if spec.image:
            ops.append("q 400 0 0 500 100 200 cm /Im1 Do Q")
        streams[content] = "\n".join(ops).encode()
    objects[font] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    streams[image] = bytes([0x80, 0x40, 0xC0, 0x20])
    image_dict = "/Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray /BitsPerComponent 8"
    key = b""
    encrypt = None
    if user_password is not None:
        owner = _rc4(hashlib.md5(_padded(user_password + "-owner")).digest()[:5], _padded(user_password))
        permissions = -4
        key = hashlib.md5(_padded(user_password) + owner + struct.pack("<i", permissions) + file_id).digest()[:5]
        encrypt = image + 1
        objects[encrypt] = (f"<< /Filter /Standard /V 1 /R 2 /O <{owner.hex()}> /U <{_rc4(key, _PAD).hex()}> "
                            f"/P {permissions} >>").encode()
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for num in sorted({*objects, *streams}):
        offsets[num] = len(out)
        if num in streams:
            data = streams[num]
            if key:
                data = _rc4(hashlib.md5(key + struct.pack("<i", num)[:3] + b"\x00\x00").digest()[:10], data)
            head = image_dict if num == image else ""
            body = f"<< {head} /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"
        else:
            body = objects[num]
        out += f"{num} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    size = max(offsets) + 1
    out += f"xref\n0 {size}\n0000000000 65535 f \n".encode()
    for num in range(1, size):
        out += f"{offsets[num]:010d} 00000 n \n".encode()
    enc = f" /Encrypt {encrypt} 0 R" if encrypt else ""
    out += (f"trailer\n<< /Size {size} /Root 1 0 R{enc} /ID [<{file_id.hex()}> <{file_id.hex()}>] >>\n"
            f"startxref\n{xref}\n%%EOF\n").encode()
    return bytes(out)


def _textbox_watermark_xml() -> str:
    """The other way a watermark is made in Word: a light-grey text box in the header, behind
    the text. LibreOffice prints a text box's text as text, not rotated: light text at the same
    place on every page."""
    cx, cy = 5400000, 900000
    return (
        f'<w:r {nsdecls("w", "wp", "a")} '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        '<w:drawing><wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="1" '
        'behindDoc="1" locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
        '<wp:positionH relativeFrom="page"><wp:align>center</wp:align></wp:positionH>'
        '<wp:positionV relativeFrom="page"><wp:align>center</wp:align></wp:positionV>'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/>'
        '<wp:docPr id="9001" name="TextWatermark"/><wp:cNvGraphicFramePr/>'
        '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        '<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr>'
        f'<a:xfrm rot="18900000"><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/><a:ln><a:noFill/></a:ln></wps:spPr>'
        '<wps:txbx><w:txbxContent><w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:rPr>'
        f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}"/><w:color w:val="C8C8C8"/>'
        f'<w:sz w:val="96"/></w:rPr><w:t>{WATERMARK}</w:t></w:r></w:p></w:txbxContent></wps:txbx>'
        '<wps:bodyPr rot="0" wrap="none" lIns="0" tIns="0" rIns="0" bIns="0" anchor="ctr"><a:noAutofit/></wps:bodyPr>'
        '</wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></w:r>')


SAMPLE = "watermarks"
SAMPLE_ROWS = [["项目", "合计", "基本支出", "项目支出"], ["合计", "30.00", "10.00", "20.00"],
               ["一般公共服务支出", "30.00", "10.00", "20.00"]]


def watermark_sample_docx(out: Path, pages: int = 3) -> Path:
    """A short document whose header carries a light text-box watermark, and whose body prints
    the watermark's own words once, in black, as a heading: the reader must leave out the one
    and keep the other."""
    doc = new_docx()
    _font(doc.styles["Normal"], BODY_PT)
    section = doc.sections[0]
    section.header.is_linked_to_previous = False
    section.header.paragraphs[0]._p.append(parse_xml(_textbox_watermark_xml()))
    body = doc.element.body
    usable = _usable_twips(section)
    for n in range(1, pages + 1):
        p = doc.add_paragraph(WATERMARK if n == 1 else f"第{n}页的正文，一般公共预算支出30.00万元。")
        p.paragraph_format.page_break_before = n > 1
        body.insert(len(body) - 1, parse_xml(table_xml(SAMPLE_ROWS, usable)))
    doc.save(str(out))
    return out


# -- What must not depend on the format read ------------------------------------------------

_NOISE = re.compile(r"\s|</?(?:b|p|strong|span|div)\s*/?>|\*\*|#|\ufffd")


def line_key(s: str) -> str:
    """A line's printed content: no whitespace, no markup the layout turned into formatting."""
    return _NOISE.sub("", s)


def signature(doc: object, lines: Sequence[str]) -> dict[str, object]:
    """Unit, kind, year, the 13 totals, and every error and warning by rule, severity, both
    values and the content of the lines it cites (line numbers differ from format to format;
    what is printed on them does not)."""
    from collections import Counter

    from xltools.evaluation.check import check
    from xltools.evaluation.report import table_total

    def rounded(v: object) -> object:
        return round(v, 2) if isinstance(v, float) else v

    findings = Counter(
        (f.rule, f.severity, rounded(f.expected), rounded(f.actual),
         tuple(sorted(line_key(lines[n - 1]) for n in f.lines)), f.key)
        for f in check(doc) if f.severity != "info")  # type: ignore[arg-type]
    return {"meta": (doc.unit, doc.kind, doc.year),  # type: ignore[attr-defined]
            "totals": {n: table_total(doc, n) for n in range(1, 14)},  # type: ignore[arg-type]
            "findings": findings}


def differences(a: dict[str, object], b: dict[str, object]) -> list[str]:
    out = [f"{k}: {a[k]} -> {b[k]}" for k in ("meta", "totals") if a[k] != b[k]]
    fa, fb = a["findings"], b["findings"]
    out += [f"lost {x}" for x in fa - fb]  # type: ignore[operator]
    out += [f"new {x}" for x in fb - fa]  # type: ignore[operator]
    return out
