"""The pages put in front of the annotated PDF: the findings listed, each with links to the
pages it is marked on.

The text is drawn with a subset of a Chinese font on this computer, embedded
(`annotate_font`), so that every reader shows it; where there is none, with STSong-Light
(Adobe-GB1, UniGB-UCS2-H), which Acrobat, WPS, Foxit, pdfium and pdf.js supply themselves (poppler
only with its poppler-data package). Either way the text can be copied and searched.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from xltools.cli.annotate_font import Embedded, embed, to_unicode
from xltools.cli.annotate_parts import Entry, annots, array, to_pdf

# A4 portrait, in points.
WIDTH, HEIGHT = 595.28, 841.89
MARGIN = 56.0
TITLE, BODY, FOOT = 15.0, 9.5, 8.0
LEADING = 1.45  # line height over font size
INDENT = "    "


@dataclass
class _Line:
    text: str
    size: float
    colour: tuple[float, float, float] = (0.0, 0.0, 0.0)
    links: tuple[tuple[str, int, float], ...] = ()  # (label, page of the input, top in pdfplumber's measure)
    gap: float = 0.0  # space above the line


_SEVERITY_COLOUR = {"error": (0.75, 0.0, 0.0), "warning": (0.55, 0.4, 0.0), "info": (0.2, 0.3, 0.6)}


class Front:
    """The list of findings, laid out on as many A4 pages as it needs."""

    def __init__(self, writer: Any, heading: Sequence[str], entries: Sequence[Entry]) -> None:
        self.writer = writer
        used = "".join([*heading, *(e.heading + e.note + e.unlocated for e in entries),
                        "审核意见见：第页（）/ 0123456789.", INDENT])
        self.font: Embedded | None = embed(used)
        width = WIDTH - 2 * MARGIN
        lines: list[_Line] = [_Line("审核意见", TITLE)]
        for h in heading:
            lines += [_Line(t, BODY) for t in self.wrap(h, BODY, width)]
        for k, e in enumerate(entries, start=1):
            colour = _SEVERITY_COLOUR.get(e.severity, (0.0, 0.0, 0.0))
            for i, t in enumerate(self.wrap(f"{k}. {e.heading}", BODY, width)):
                lines.append(_Line(t, BODY, colour, gap=BODY * 0.6 if i == 0 else 0.0))
            body = e.note.split("\n", 1)[1] if "\n" in e.note else ""
            lines += [_Line(INDENT + t, BODY) for t in self.wrap(body, BODY, width - self.width(INDENT, BODY)) if t]
            if e.marks:
                pages = sorted({m.page for m in e.marks})
                tops = {p: min(r[1] for m in e.marks if m.page == p for r in m.rects) for p in pages}
                lines.append(_Line(INDENT + "见：", BODY, (0.0, 0.2, 0.7),
                                   links=tuple((f"第{p}页", p, tops[p]) for p in pages)))
            if e.unlocated:
                lines.append(_Line(INDENT + e.unlocated, BODY, (0.6, 0.0, 0.0)))
        self.pages: list[list[_Line]] = [[]]
        room, used_room = HEIGHT - 2 * MARGIN, 0.0
        for ln in lines:
            need = ln.size * LEADING + ln.gap
            if self.pages[-1] and used_room + need > room:
                self.pages.append([])
                used_room = 0.0
            self.pages[-1].append(ln)
            used_room += need

    def pages_needed(self) -> int:
        return len(self.pages)

    # -- Measuring ---------------------------------------------------------------------------
    def width(self, text: str, size: float) -> float:
        if self.font is not None:
            return sum(size * self.font.width(ch) for ch in text)
        # STSong-Light: half an em for ASCII's printable characters, an em for the rest.
        return sum(size * (0.5 if " " <= ch <= "~" else 1.0) for ch in text)

    def wrap(self, text: str, size: float, width: float) -> list[str]:
        """`text` cut into lines no wider than `width`: Chinese breaks anywhere, a run of
        ASCII letters and digits is kept whole where it fits on a line."""
        out: list[str] = []
        for para in text.split("\n"):
            line = ""
            for piece in _pieces(para):
                if line and self.width(line + piece, size) > width:
                    out.append(line.rstrip())
                    line = piece.lstrip()
                    while self.width(line, size) > width:  # a piece longer than a line
                        cut = max(1, next((k for k in range(len(line), 0, -1)
                                           if self.width(line[:k], size) <= width), 1))
                        out.append(line[:cut])
                        line = line[cut:]
                else:
                    line += piece
            out.append(line.rstrip())
        return out

    # -- Drawing -----------------------------------------------------------------------------
    def draw(self, count: int, originals: Sequence[Any]) -> None:
        from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

        font = self._font_object()
        for index, lines in enumerate(self.pages):
            self.writer.insert_blank_page(WIDTH, HEIGHT, index)
            page = self.writer.pages[index]  # the page as the writer holds it, not the one it was made from
            ops: list[str] = []
            y = HEIGHT - MARGIN
            for ln in lines:
                y -= ln.gap + ln.size * LEADING
                r, g, b = ln.colour
                ops.append(f"{r:.2f} {g:.2f} {b:.2f} rg")
                ops.append(self._show(ln.text, ln.size, MARGIN, y))
                x = MARGIN + self.width(ln.text, ln.size)
                for label, target, top in ln.links:
                    w = self.width(label, ln.size)
                    ops.append(self._show(label, ln.size, x, y))
                    if 1 <= target <= len(originals):
                        self._link(page, originals[target - 1], (x, y - ln.size * 0.25, x + w, y + ln.size), top)
                    x += w + ln.size * 0.5
            foot = f"第 {index + 1} / {count} 页（审核意见）"
            ops.append("0.4 0.4 0.4 rg")
            ops.append(self._show(foot, FOOT, WIDTH - MARGIN - self.width(foot, FOOT), MARGIN / 2))
            stream = DecodedStreamObject()
            stream.set_data("\n".join(ops).encode("ascii"))
            page[NameObject("/Contents")] = self.writer._add_object(stream)
            page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})})

    def _show(self, text: str, size: float, x: float, y: float) -> str:
        if self.font is not None:
            codes = "".join(f"{self.font.codes[ch]:04x}" for ch in text if ch in self.font.codes)
        else:  # UCS-2: a character beyond the BMP (rare in a disclosure) is shown as a replacement mark
            codes = "".join(ch if ord(ch) <= 0xFFFF else "\ufffd" for ch in text).encode("utf-16-be").hex()
        return f"BT /F1 {size:.1f} Tf {x:.2f} {y:.2f} Td <{codes}> Tj ET"

    def _link(self, page: Any, target: Any, rect: tuple[float, float, float, float], top: float) -> None:
        from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject, NullObject

        _, y = to_pdf(target, 0.0, max(top - 36.0, 0.0))  # a little above the mark
        link = DictionaryObject({
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): array(list(rect)),
            NameObject("/Border"): array([0, 0, 0]),
            NameObject("/Dest"): ArrayObject([target.indirect_reference, NameObject("/XYZ"), NullObject(),
                                              FloatObject(round(y, 2)), NullObject()]),
        })
        annots(page).append(self.writer._add_object(link))

    def _font_object(self) -> Any:
        from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject, NumberObject, TextStringObject

        add = self.writer._add_object  # pypdf's way to make an indirect object of a writer
        f = self.font
        if f is None:
            name, ordering = "/STSong-Light", "GB1"
            descriptor = DictionaryObject({
                NameObject("/Type"): NameObject("/FontDescriptor"), NameObject("/FontName"): NameObject(name),
                NameObject("/Flags"): NumberObject(6),
                NameObject("/FontBBox"): ArrayObject(NumberObject(v) for v in (-25, -254, 1000, 880)),
                NameObject("/ItalicAngle"): NumberObject(0), NameObject("/Ascent"): NumberObject(880),
                NameObject("/Descent"): NumberObject(-120), NameObject("/CapHeight"): NumberObject(880),
                NameObject("/StemV"): NumberObject(93)})
            # CIDs 1–95 are ASCII's printable characters under UniGB-UCS2-H: half an em.
            widths = ArrayObject([NumberObject(1), NumberObject(95), NumberObject(500)])
            subtype, encoding, base = "/CIDFontType0", "/UniGB-UCS2-H", "/STSong-Light-UniGB-UCS2-H"
            unicode_map = None
        else:
            name, ordering = "/" + f.name, "Identity"
            program = DecodedStreamObject()
            program.set_data(f.program)
            if f.cff:
                program[NameObject("/Subtype")] = NameObject("/CIDFontType0C")
            descriptor = DictionaryObject({
                NameObject("/Type"): NameObject("/FontDescriptor"), NameObject("/FontName"): NameObject(name),
                NameObject("/Flags"): NumberObject(4),
                NameObject("/FontBBox"): ArrayObject(NumberObject(v) for v in f.bbox),
                NameObject("/ItalicAngle"): NumberObject(0), NameObject("/Ascent"): NumberObject(f.ascent),
                NameObject("/Descent"): NumberObject(f.descent), NameObject("/CapHeight"): NumberObject(f.ascent),
                NameObject("/StemV"): NumberObject(80),
                NameObject("/FontFile3" if f.cff else "/FontFile2"): add(program.flate_encode())})
            widths = ArrayObject()
            for code in sorted(set(f.codes.values())):
                widths += [NumberObject(code), ArrayObject([NumberObject(f.widths.get(code, 1000))])]
            subtype, encoding, base = ("/CIDFontType0" if f.cff else "/CIDFontType2"), "/Identity-H", name
            cmap = DecodedStreamObject()
            cmap.set_data(to_unicode(f.codes))
            unicode_map = add(cmap.flate_encode())
        cid = DictionaryObject({
            NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject(subtype),
            NameObject("/BaseFont"): NameObject(name),
            NameObject("/CIDSystemInfo"): DictionaryObject({
                NameObject("/Registry"): TextStringObject("Adobe"), NameObject("/Ordering"): TextStringObject(ordering),
                NameObject("/Supplement"): NumberObject(2 if f is None else 0)}),
            NameObject("/FontDescriptor"): add(descriptor),
            NameObject("/DW"): NumberObject(1000),
            NameObject("/W"): widths,
        })
        if f is not None and not f.cff:
            cid[NameObject("/CIDToGIDMap")] = NameObject("/Identity")
        font = DictionaryObject({
            NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type0"),
            NameObject("/BaseFont"): NameObject(base),
            NameObject("/Encoding"): NameObject(encoding),
            NameObject("/DescendantFonts"): ArrayObject([add(cid)]),
        })
        if unicode_map is not None:
            font[NameObject("/ToUnicode")] = unicode_map
        return add(font)


def _pieces(text: str) -> list[str]:
    """Unbreakable pieces: a run of ASCII letters and digits, or one other character."""
    out: list[str] = []
    for ch in text:
        if out and ch.isascii() and not ch.isspace() and out[-1][-1:].isascii() and not out[-1][-1:].isspace():
            out[-1] += ch
        else:
            out.append(ch)
    return out
