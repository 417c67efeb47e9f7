"""Values of a parsed document, addressed by `Ref`: the Python side of every rule."""
from __future__ import annotations

from typing import Iterable, Protocol

from xltools.core.findings import Where
from xltools.core.model import Document
from xltools.core.references import NarrativeFigure, OverallCell, ProjectCell, Ref, TableCell


class Weighted(Protocol):
    """A term of a sum (`rules.core.Term`)."""

    @property
    def ref(self) -> Ref: ...

    @property
    def factor(self) -> float: ...


class DocumentValues:
    """A table's cells (row key, column key of `layouts`); a narrative figure; a project's
    amount ("period:<part>" or "annual:<part>"); the overall 绩效 table's. Last year's cells
    and the draft's are no cell of this document (`rules.prior.TwoYears` reads the former)."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self._tables = doc.tables
        self._projects = {p.key: p for p in doc.projects}
        self._figures = {f.key: f for f in doc.narrative.figures}

    def value(self, ref: Ref) -> float | None:
        if isinstance(ref, TableCell):
            # Most references are table cells, read once or more for every rule instance.
            t = self._tables.get(ref.table)
            if t is None:
                return None
            if t.number == ref.table:
                return t.figures.get(ref)
            row = t.row(ref.row)  # a table filed under another number
            return row.amounts.get(ref.column) if row else None
        match ref:
            case NarrativeFigure(key):
                f = self._figures.get(key)
                return f.value if f else None
            case ProjectCell(project, column):
                p = self._projects.get(project)
                if p is None:
                    return None
                part, _, name = column.partition(":")
                return (p.period if part == "period" else p.annual).get(name)
            case OverallCell(side, part):
                o = self.doc.overall
                if o is None:
                    return None
                return (o.by_source if side == "source" else o.by_direction).get(part)
        raise KeyError(ref)

    def total(self, terms: Iterable[Weighted]) -> float:
        """Σ factor × figure (a cell not printed counts 0), added as `rules.core.total` adds
        it, with a table cell's figure looked up in place (most terms are table cells)."""
        tables = self._tables
        out: list[float] = []
        for term in terms:
            ref = term.ref
            if isinstance(ref, TableCell):
                t = tables.get(ref.table)
                v = t.figures.get(ref) if t is not None and t.number == ref.table else self.value(ref)
            else:
                v = self.value(ref)
            out.append((v or 0.0) * term.factor)
        return sum(out)

    def printed(self, ref: Ref) -> float | None:
        """A text holds only what it printed."""
        return self.value(ref)

    def where(self, ref: Ref) -> Where | None:
        match ref:
            case TableCell(n, key, _):
                t = self.doc.table(n)
                row = t.row(key) if t else None
                if row is not None:
                    return Where(line=row.line, table=n)
                return Where(line=t.line, table=n) if t else None
            case NarrativeFigure(key):
                f = self._figures.get(key)
                return Where(line=f.line) if f else None
            case ProjectCell(project, column):
                p = self._projects.get(project)
                if p is None:
                    return None
                line = p.lines.get(column) or (p.annual_line if column.startswith("annual") and p.annual_line
                                               else p.line)
                return Where(line=line)
            case OverallCell(side, part):
                o = self.doc.overall
                if o is None:
                    return None
                return Where(line=o.lines.get(f"{side}:{part}", o.line))
        return None
