"""Values of a parsed document, addressed by `Ref`: the Python side of every rule."""
from __future__ import annotations

from xltools.core.findings import Where
from xltools.core.model import Document
from xltools.rules.core import Ref


class DocumentValues:
    """Sheets: "t1".."t13" (row key, column key of `layouts`); "narrative" (figure key,
    "value"); "project" (project key, "period:<part>" or "annual:<part>"); "overall"
    ("source"/"direction", part)."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self._projects = {p.key: p for p in doc.projects}
        self._figures = {f.key: f for f in doc.narrative.figures}

    def value(self, ref: Ref) -> float | None:
        s = ref.sheet
        if s.startswith("t"):
            t = self.doc.table(int(s[1:]))
            row = t.row(ref.row) if t else None
            return row.get(ref.column) if row else None
        if s == "narrative":
            f = self._figures.get(ref.row)
            return f.value if f else None
        if s == "project":
            p = self._projects.get(ref.row)
            if p is None:
                return None
            part, _, name = ref.column.partition(":")
            return (p.period if part == "period" else p.annual).get(name)
        if s == "overall":
            o = self.doc.overall
            if o is None:
                return None
            return (o.by_source if ref.row == "source" else o.by_direction).get(ref.column)
        raise KeyError(ref)

    def printed(self, ref: Ref) -> float | None:
        """A text holds only what it printed."""
        return self.value(ref)

    def where(self, ref: Ref) -> Where | None:
        s = ref.sheet
        if s.startswith("t"):
            n = int(s[1:])
            t = self.doc.table(n)
            row = t.row(ref.row) if t else None
            if row is not None:
                return Where(line=row.line, table=n)
            return Where(line=t.line, table=n) if t else None
        if s == "narrative":
            f = self._figures.get(ref.row)
            return Where(line=f.line) if f else None
        if s == "project":
            p = self._projects.get(ref.row)
            if p is None:
                return None
            line = p.lines.get(ref.column) or (p.annual_line if ref.column.startswith("annual") and p.annual_line
                                                 else p.line)
            return Where(line=line)
        if s == "overall":
            o = self.doc.overall
            if o is None:
                return None
            return Where(line=o.lines.get(f"{ref.row}:{ref.column}", o.line))
        return None
