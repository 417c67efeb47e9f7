"""What a rule's instances read of a document, noted as they run: the memos of what they made
(`evaluation.kept`, `placement`) serve a later document only where those very parts are the
same.

The instances of a rule look at a document only through it (`Rule.instances`); run on a
`Reads` view, every table they ask for and every other part they read (the narrative, the
绩效 tables, the unit's name…) is noted with what it was.
"""
from __future__ import annotations

from typing import Any, NamedTuple

from xltools.core.model import Document, Table
from xltools.core.references import NarrativeFigure, OverallCell, ProjectCell, Ref, TableCell


class Reads:
    """A document as a rule's instances read it."""

    def __init__(self, doc: Document) -> None:
        self._doc = doc
        self._tables: dict[int, Table | None] = {}
        self._parts: dict[str, Any] = {}

    def view(self) -> Document:
        """The view to run the instances on (it answers as the document does)."""
        return self  # type: ignore[return-value]

    def table(self, n: int) -> Table | None:
        t = self._doc.table(n)
        self._tables[n] = t
        return t

    def __getattr__(self, name: str) -> Any:
        """A part asked for the first time: noted, and kept on the view, so that asking again
        (a rule reads the narrative figure by figure) is a plain look-up."""
        value = getattr(self._doc, name)
        if name == "tables":  # every table, each by its identity, and which numbers there are
            self._tables.update(value)
            self._parts[name] = frozenset(value)
        else:
            self._parts[name] = value
        self.__dict__[name] = value
        return value

    def cell(self, ref: Ref) -> bool:
        """The part a cell is in noted too (judging it, keying it and marking it as guessed
        read it); False for a cell of another document (last year's, the draft's)."""
        if isinstance(ref, TableCell):
            self.table(ref.table)
        elif isinstance(ref, NarrativeFigure):
            getattr(self, "narrative")
        elif isinstance(ref, ProjectCell):
            getattr(self, "projects")
        elif isinstance(ref, OverallCell):
            getattr(self, "overall")
        else:
            return False
        return True

    def absorb(self, other: "Reads") -> None:
        """What another view noted, as if read here: a result made once on that view (the
        pairing of the 绩效 tables with 表12, `rules.performance`) and used here."""
        self._tables.update(other._tables)
        self._parts.update(other._parts)

    def read(self) -> "Read":
        return Read(tuple(self._tables.items()), tuple(self._parts.items()))


def _same(doc: Document, name: str, was: Any) -> bool:
    now = getattr(doc, name)
    if name == "tables":
        return frozenset(now) == was
    return now is was or bool(now == was)


class Read(NamedTuple):
    """The parts a rule's instances read: each table by its identity (held, so that while
    this is kept no other object can take its id), each other part by what it was."""

    tables: tuple[tuple[int, Table | None], ...]
    parts: tuple[tuple[str, Any], ...]

    def serves(self, doc: Document) -> bool:
        """Whether `doc` holds the very parts read."""
        return all(doc.table(n) is t for n, t in self.tables) and all(_same(doc, name, was) for name, was in self.parts)


def underlying(doc: Document) -> Document:
    """The document itself, where `doc` is a view of it."""
    return doc._doc if isinstance(doc, Reads) else doc
