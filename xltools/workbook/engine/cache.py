"""Write computed values into the cached <v> of formula cells, in place, atomically."""
from __future__ import annotations

import os
import re
import stat
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from xltools.read.bounded import check_zip
from xltools.files.tempfiles import temp_path
from xltools.workbook.safe_xml import fromstring  # the workbook may come from anyone

Value = float | int | str | bool | None
Values = dict[str, dict[str, Value]]  # sheet name → A1 → value

_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}
_CELL = re.compile(r'<c r="([A-Z]+[0-9]+)"([^>]*?)>(<f(?:\s[^>]*)?>.*?</f>|<f(?:\s[^>]*)?/>)(?:<v>.*?</v>|<v\s*/>)?(</c>)', re.S)
_T = re.compile(r'\st="[^"]*"')


def sheet_parts(z: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its XML part name."""
    wb = fromstring(z.read("xl/workbook.xml"))
    rels = fromstring(z.read("xl/_rels/workbook.xml.rels"))
    target = {r.get("Id"): r.get("Target", "") for r in rels.findall("rel:Relationship", _NS)}
    out = {}
    for s in wb.findall("m:sheets/m:sheet", _NS):
        t = target[s.get(f"{{{_NS['r']}}}id")]
        out[s.get("name", "")] = t.lstrip("/") if t.startswith("/") else "xl/" + t
    return out


def formula_cells(path: Path) -> dict[str, list[str]]:
    with zipfile.ZipFile(path) as z:
        parts = sheet_parts(z)
        return {name: [m.group(1) for m in _CELL.finditer(z.read(part).decode("utf-8"))]
                for name, part in parts.items()}


_FORMULA = re.compile(r'<c r="[A-Z]+[0-9]+"[^>]*?>(?:<f(?:\s[^>]*)?>.*?</f>|<f(?:\s[^>]*)?/>)(<v>[^<]+</v>)?', re.S)


def lacks_values(path: Path) -> bool:
    """Whether the file has formulas and not one computed value among them: saved by a script
    (openpyxl keeps no values) or by `import --no-recalc`. Read as it is, every derived figure
    would be a blank. (A formula giving "" keeps no value either, so one such is no sign.)"""
    formulas = valued = 0
    with zipfile.ZipFile(path) as z:
        for part in sheet_parts(z).values():
            for m in _FORMULA.finditer(z.read(part).decode("utf-8")):
                formulas += 1
                valued += m.group(1) is not None
                if valued:
                    return False
    return formulas > 0


def _v(value: Value) -> tuple[str, str]:
    """(t attribute, <v> text) for a computed value."""
    if isinstance(value, bool):
        return ' t="b"', "1" if value else "0"
    if isinstance(value, (int, float)):
        return "", repr(float(value)) if isinstance(value, float) else str(value)
    if value is None:
        return "", ""
    s = str(value)
    if s.startswith("#"):
        return ' t="e"', escape(s)
    return ' t="str"', escape(s)


def _rewrite(xml: str, values: dict[str, Value], every: bool = False) -> str:
    def sub(m: re.Match[str]) -> str:
        ref, attrs, f = m.group(1), m.group(2), m.group(3)
        if ref not in values and not every:
            return m.group(0)
        t, v = _v(values.get(ref))
        attrs = _T.sub("", attrs) + t
        return f'<c r="{ref}"{attrs}>{f}' + (f"<v>{v}</v>" if v != "" else "") + "</c>"

    return _CELL.sub(sub, xml)


def write_cached(path: Path, values: Values, *, every: bool = False) -> None:
    """The file at `path` with `values` cached, replaced in one step; the temporary file is
    removed on every exit (and, left by a killed run, by the next write in its folder).
    `every`: a formula cell `values` does not name loses its cached value (one pass over the
    file, where `formula_cells` and then this would read it twice)."""
    with zipfile.ZipFile(path) as z:
        check_zip(z, str(path))
        parts = sheet_parts(z)
        if every:
            by_part = {part: values.get(s, {}) for s, part in parts.items()}
        else:
            by_part = {parts[s]: v for s, v in values.items() if s in parts}
        tmp = temp_path(path.parent, ".xlsx")
        try:
            # zlib's fastest level: a third of the time of its default for a file a quarter larger
            # (003: 0.5 MB against 0.4 MB), written by every recalc and import.
            with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
                for info in z.infolist():
                    data = z.read(info.filename)
                    if info.filename in by_part:
                        data = _rewrite(data.decode("utf-8"), by_part[info.filename], every).encode("utf-8")
                    # Compressed, also a part saved stored (quick_save.py).
                    out.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
            os.chmod(tmp, stat.S_IMODE(path.stat().st_mode))  # mkstemp makes 0600: keep the file's own mode
            os.replace(tmp, path)
        finally:
            if tmp.exists():
                tmp.unlink()
