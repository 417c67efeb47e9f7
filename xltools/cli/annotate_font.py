"""The Chinese font of the annotated PDF's front pages: a subset of a font on this computer.

Only the characters the pages use are embedded (fontTools, MIT), so that every reader draws
the pages alike whatever fonts it has, and the file grows by a few kilobytes. A font whose
licence forbids embedding (its OS/2 fsType says so) is passed over. Without such a font, or
without fontTools, the caller falls back on a font readers supply themselves (STSong-Light).
"""
from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

# Where a Chinese font usually is: Linux (Noto CJK, WenQuanYi), Windows, macOS.
_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti Light.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
)
_WINDOWS = ("msyh.ttc", "simhei.ttf", "simsun.ttc", "Deng.ttf")
_PROBE = "审核意见第页错误提示"
_SIMPLIFIED = (" SC", "GB", "YaHei", "SimHei", "SimSun", "PingFang SC", "Heiti SC", "WenQuanYi", "DengXian")


@dataclass(frozen=True)
class Embedded:
    """A font subset ready to embed: its program, the 2-byte code of each character under
    Identity-H, each code's advance (1/1000 em) and the metrics a font descriptor needs."""

    name: str
    program: bytes
    cff: bool  # a CFF program (FontFile3 /CIDFontType0C), else TrueType (FontFile2)
    codes: dict[str, int]
    widths: dict[int, int]
    bbox: tuple[int, int, int, int]
    ascent: int
    descent: int

    def width(self, ch: str) -> float:
        """An em's share of `ch` (0.5 for a character the font lacks, drawn as nothing)."""
        code = self.codes.get(ch)
        return self.widths.get(code, 500) / 1000 if code is not None else 0.5


def font_files() -> Iterator[Path]:
    """Font files that may hold Chinese, the likeliest first."""
    seen: set[str] = set()

    def fresh(p: Path) -> bool:
        key = str(p)
        if key in seen or not p.is_file():
            return False
        seen.add(key)
        return True

    for c in _CANDIDATES:
        if fresh(Path(c)):
            yield Path(c)
    if sys.platform.startswith("win"):
        root = Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"
        for name in _WINDOWS:
            if fresh(root / name):
                yield root / name
    match = shutil.which("fc-match")
    if match:
        try:
            out = subprocess.run([match, "-f", "%{file}", "sans-serif:lang=zh-cn"], capture_output=True,
                                 text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            out = ""
        if out and fresh(Path(out)):
            yield Path(out)


def embed(text: str) -> Embedded | None:
    """A subset of the first usable Chinese font holding `text`'s characters; None when there
    is none (or fontTools is missing)."""
    try:
        from fontTools.ttLib import TTFont  # noqa: F401
    except ImportError:
        return None
    for path in font_files():
        try:
            font = _face(path)
            if font is not None:
                return _subset(font, text)
        except Exception:  # a damaged or unusual font file: try the next one
            continue
    return None


def _face(path: Path) -> Any:
    """The face of `path` for simplified Chinese that may be embedded, or None."""
    from fontTools.ttLib import TTCollection, TTFont

    if path.suffix.lower() in (".ttc", ".otc"):
        faces = list(TTCollection(str(path), lazy=True).fonts)
    else:
        faces = [TTFont(str(path), lazy=True)]
    # Simplified Chinese faces first; a face's character map is read only when it is tried
    # (a CJK face's map is large: reading every face of a collection took seconds).
    faces.sort(key=lambda f: not any(s in (f["name"].getDebugName(1) or "") for s in _SIMPLIFIED))
    return next((f for f in faces if _embeddable(f) and _covers(f, _PROBE)), None)


def _embeddable(font: Any) -> bool:
    if "OS/2" not in font:
        return True
    fs_type = int(font["OS/2"].fsType)
    # 0x0002: restricted licence (no embedding); 0x0200: bitmap embedding only.
    return not (fs_type & 0x0002 and not fs_type & 0x000C) and not fs_type & 0x0200


def _covers(font: Any, text: str) -> bool:
    cmap = font.getBestCmap() or {}
    return all(ord(ch) in cmap for ch in text)


def _subset(font: Any, text: str) -> Embedded:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    cmap = font.getBestCmap() or {}
    chars = sorted({ch for ch in text if ord(ch) in cmap and 0x20 <= ord(ch) <= 0xFFFF})
    options = subset.Options()
    options.layout_features = []
    options.notdef_outline = True
    options.name_IDs = ["*"]
    options.desubroutinize = True
    sub = subset.Subsetter(options)
    sub.populate(text="".join(chars))
    sub.subset(font)
    buf = io.BytesIO()
    font.save(buf)
    small = TTFont(io.BytesIO(buf.getvalue()))
    cmap = small.getBestCmap() or {}
    order = small.getGlyphOrder()
    cff = "CFF " in small
    cid_keyed = cff and hasattr(small["CFF "].cff.topDictIndex[0], "ROS")

    def code(glyph: str) -> int:
        # A CID-keyed CFF is addressed by CID (its glyph names are cidNNNNN); others by glyph index.
        if cid_keyed and glyph.startswith("cid"):
            return int(glyph[3:])
        return order.index(glyph)

    scale = 1000 / small["head"].unitsPerEm
    codes = {ch: code(cmap[ord(ch)]) for ch in chars if ord(ch) in cmap}
    widths = {code(g): round(small["hmtx"][g][0] * scale) for g in order}
    head = small["head"]
    hhea = small["hhea"]
    name = small["name"].getDebugName(6) or "XltoolsCJK"
    program = small.getTableData("CFF ") if cff else buf.getvalue()
    return Embedded(
        name=f"XLTAAA+{name.replace(' ', '')}", program=program, cff=cff, codes=codes, widths=widths,
        bbox=tuple(round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)),  # type: ignore[arg-type]
        ascent=round(hhea.ascent * scale), descent=round(hhea.descent * scale))


def to_unicode(codes: dict[str, int]) -> bytes:
    """The ToUnicode CMap: each code back to its character, for copying and searching."""
    pairs = sorted((c, ch) for ch, c in codes.items())
    out = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
           "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
           "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
           "1 begincodespacerange", "<0000> <FFFF>", "endcodespacerange"]
    for k in range(0, len(pairs), 100):
        block = pairs[k:k + 100]
        out.append(f"{len(block)} beginbfchar")
        out += [f"<{c:04X}> <{ch.encode('utf-16-be').hex().upper()}>" for c, ch in block]
        out.append("endbfchar")
    out += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(out).encode("ascii")
