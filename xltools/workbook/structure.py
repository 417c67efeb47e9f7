"""The document's structure (keys, names, lines) kept in a hidden sheet, so that a workbook
can be checked again later: the amounts themselves are read back from the cells."""
from __future__ import annotations

import dataclasses
import json
from typing import TYPE_CHECKING

from xltools.core.model import Document, Figure, Narrative, OverallTable, ProjectTable, Prose, ReadNote, Row, Table

if TYPE_CHECKING:  # annotations only: `recalc` imports SHEET without openpyxl
    from openpyxl.worksheet.worksheet import Worksheet

SHEET = "_结构"
_CHUNK = 30000  # a cell holds at most 32767 characters


def _plain(value: object) -> object:
    """`dataclasses.asdict`'s result without its deep copies: a document's leaves are
    strings, numbers, booleans and None, which json reads and never changes."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]  # json writes a tuple as it writes a list
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def to_json(doc: Document) -> str:
    d = _plain(doc)
    assert isinstance(d, dict)
    for t in d["tables"].values():
        for r in t["rows"] if t else ():
            # The structure keeps the document as printed (an officer's edits undone): what a
            # later read-back tells an edited 原表数 by.
            r["amounts"] = {**r["amounts"], **r.pop("printed")}
    return json.dumps(d, ensure_ascii=False)


def from_json(text: str) -> Document:
    d = json.loads(text)
    tables: dict[int, Table | None] = {}
    for k, t in d["tables"].items():
        tables[int(k)] = None if t is None else Table(
            t["number"], t["title"], t["line"], t["empty"],
            tuple(Row(**{**r, "guessed": tuple(r.get("guessed", ()))}) for r in t["rows"]), t.get("label_line"))
    n = d["narrative"]
    narrative = Narrative(n["line"], tuple(Figure(**f) for f in n["figures"]),
                          {int(k): tuple(v) for k, v in n["sections"].items()},
                          tuple(tuple(c) for c in n["class_names"]),  # type: ignore[misc]
                          n.get("title", ""),
                          {int(k): Prose(p["heading"], p["text"], tuple(p["starts"]),
                                         {key: (a, b) for key, (a, b) in p["spans"].items()})
                           for k, p in n.get("prose", {}).items()})
    o = d.get("overall")
    return Document(
        source=d["source"], unit=d["unit"], kind=d["kind"], year=d["year"], currency=d["currency"],
        tables=tables, narrative=narrative,
        projects=tuple(ProjectTable(**p) for p in d["projects"]),
        overall=OverallTable(**o) if o else None,
        notes=tuple(ReadNote(**x) for x in d["notes"]),
        announced=tuple((k, line) for k, line in d.get("announced", ())),
    )


def write(ws: Worksheet, doc: Document) -> None:
    text = to_json(doc)
    for i in range(0, max(len(text), 1), _CHUNK):
        c = ws.cell(i // _CHUNK + 1, 1)
        c.value = text[i:i + _CHUNK]
        c.data_type = "s"
    ws.sheet_state = "hidden"


def read(ws: Worksheet) -> Document:
    return from_json("".join(str(c.value or "") for (c,) in ws.iter_rows(min_col=1, max_col=1)))
