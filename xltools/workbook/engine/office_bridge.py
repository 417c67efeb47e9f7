"""Run by a Python that has LibreOffice's UNO module (not necessarily ours): connects to a
listening soffice and converts the files it is sent, one JSON request a line on stdin, one JSON
answer a line on stdout. It imports nothing of xltools, so any UNO Python can run it as a file.

Request: {"src": path, "dst": path, "filter": "xlsx" | "pdf" | filter name, "data": {...}}
where "data" is export FilterData in soffice's --convert-to JSON form ({"Name": {"type", "value"}}).
Or {"values": path, "dir": folder}: the file's recalculated values, left in the folder (below).
Answer: {"ok": true} or {"error": "..."}.

Why the values come this way. Recalculating a workbook for its values used to mean storing it
as .xlsx and scanning that file: the store was about 40% of each such conversion (0.7 s a
seed workbook against 0.8 s to load and recalculate it). The loaded document holds the values
already; what it does not say in bulk is how the .xlsx store would have typed them, and the
values must be exactly those (engine/office_values.py reproduces the rest). So the folder gets
- cells.json: each sheet's used area from A1 as getDataArray gives it, one UNO call a sheet
  (never one a cell: every call crosses the pipe): numbers as the exact doubles, texts,
  "" for an empty cell (or an empty text, which the .xlsx store keeps no value for either),
  null for an error;
- v-<sheet>.csv: every sheet stored as CSV with the raw (input-line, not as-shown) texts, a
  few milliseconds for a seed: it names each error as LibreOffice does (Err:502 ...), and a
  number whose format is a date, time, truth value or percentage shows as one ("2023-03-15",
  "TRUE", "50%"), not as a plain number. Those are the cells the .xlsx store may type
  otherwise (a date by the cell's format; a boolean by the formula's own result type, which
  no UNO property gives: =A1>0 in a General cell is stored t="b", =A1-1 in a cell formatted
  BOOLEAN t="n"); the reader leaves such a workbook to the .xlsx route.
Tried and left: per-sheet getUniqueCellFormatRanges to read number formats (645 format
ranges in a seed, two pipe calls each: as slow as the store), per-cell getError/getString.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]

_XLSX = "Calc MS Excel 2007 XML"
_CSV = "Text - txt - csv (StarCalc)"
# Comma, double quote, UTF-8 (76), from line 1, default cell format and language, every field
# quoted, raw values (not as shown), results not formulas, spaces kept, and -1: every sheet to
# its own file, "<stem>-<sheet name>.csv" (LibreOffice 7.2 on; an older one leaves files out,
# and the reader then takes the .xlsx route).
_CSV_OPTIONS = "44,34,76,1,,0,true,false,false,false,false,-1"


def _prop(name: str, value: Any) -> Any:
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def _typed(option: dict[str, Any]) -> Any:
    """An option of soffice's JSON form ({"type": "long", "value": 450}) as UNO gets it."""
    kind = {"long": "long", "short": "short", "boolean": "boolean", "string": "string", "double": "double"}
    name = kind.get(str(option.get("type", "")).lower())
    return uno.Any(name, option["value"]) if name else option["value"]


def _connect(url: str, seconds: float) -> Any:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + seconds
    while True:
        try:
            ctx = resolver.resolve(url)
            return ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        except Exception:  # NoConnectException while soffice starts
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _filter(doc: Any, wanted: str) -> str:
    if wanted == "xlsx":
        return _XLSX
    if wanted == "pdf":
        calc = doc.supportsService("com.sun.star.sheet.SpreadsheetDocument")
        return "calc_pdf_Export" if calc else "writer_pdf_Export"
    return wanted


def _convert(desktop: Any, req: dict[str, Any]) -> None:
    src, dst = Path(req["src"]).resolve().as_uri(), Path(req["dst"]).resolve().as_uri()
    doc = desktop.loadComponentFromURL(src, "_blank", 0, (_prop("Hidden", True),))
    if doc is None:
        raise RuntimeError(f"LibreOffice could not open {req['src']}")
    try:
        props = [_prop("FilterName", _filter(doc, req.get("filter", "xlsx"))), _prop("Overwrite", True)]
        data = req.get("data") or {}
        if data:
            # Typed: a plain tuple would reach the filter as a sequence of any, which it ignores.
            props.append(_prop("FilterData", uno.Any("[]com.sun.star.beans.PropertyValue",
                                                     tuple(_prop(k, _typed(v)) for k, v in data.items()))))
        uno.invoke(doc, "storeToURL", (dst, tuple(props)))  # invoke: keeps the typed Any values
    finally:
        doc.close(True)


def _values(desktop: Any, req: dict[str, Any]) -> None:
    src, out = Path(req["values"]).resolve(), Path(req["dir"]).resolve()
    doc = desktop.loadComponentFromURL(src.as_uri(), "_blank", 0, (_prop("Hidden", True),))
    if doc is None:
        raise RuntimeError(f"LibreOffice could not open {req['values']}")
    try:
        if not doc.supportsService("com.sun.star.sheet.SpreadsheetDocument"):
            raise RuntimeError(f"{req['values']} is not a spreadsheet")
        doc.storeToURL((out / "v.csv").as_uri(), (_prop("FilterName", _CSV), _prop("FilterOptions", _CSV_OPTIONS),
                                                    _prop("Overwrite", True)))
        sheets = []
        for sheet in doc.Sheets:
            cursor = sheet.createCursor()
            cursor.gotoEndOfUsedArea(False)
            end = cursor.RangeAddress
            rows = sheet.getCellRangeByPosition(0, 0, end.EndColumn, end.EndRow).getDataArray()
            sheets.append({"name": sheet.Name, "rows": rows})
        with open(out / "cells.json", "w", encoding="utf-8") as f:
            json.dump({"sheets": sheets}, f, ensure_ascii=False)
    finally:
        doc.close(True)


def main() -> int:
    desktop = _connect(sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 60.0)
    print(json.dumps({"ok": True, "ready": True}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            req = json.loads(line)
            if "values" in req:
                _values(desktop, req)
            else:
                _convert(desktop, req)
            answer: dict[str, Any] = {"ok": True}
        except Exception as exc:  # one file's failure is that request's answer, not the bridge's end
            answer = {"error": f"{type(exc).__name__}: {exc}"}
        print(json.dumps(answer), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
