"""Run by a Python that has LibreOffice's UNO module (not necessarily ours): connects to a
listening soffice and converts the files it is sent, one JSON request a line on stdin, one JSON
answer a line on stdout. It imports nothing of xltools, so any UNO Python can run it as a file.

Request: {"src": path, "dst": path, "filter": "xlsx" | "pdf" | filter name, "data": {...}}
where "data" is export FilterData in soffice's --convert-to JSON form ({"Name": {"type", "value"}}).
Answer: {"ok": true} or {"error": "..."}.
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


def main() -> int:
    desktop = _connect(sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 60.0)
    print(json.dumps({"ok": True, "ready": True}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            _convert(desktop, json.loads(line))
            answer: dict[str, Any] = {"ok": True}
        except Exception as exc:  # one file's failure is that request's answer, not the bridge's end
            answer = {"error": f"{type(exc).__name__}: {exc}"}
        print(json.dumps(answer), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
