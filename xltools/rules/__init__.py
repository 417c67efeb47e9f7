"""The rule catalogue: every identity of DOMAIN.md, declared once, by family."""
from __future__ import annotations

from typing import Iterator, Mapping, Sequence, overload

from xltools.core.layouts import LAYOUTS, Layout
from xltools.rules import cross, narrative, performance, prior, tables
from xltools.rules.core import Rule


class _Catalogue(Sequence[Rule]):
    """Every rule, the rules inside tables generated from `LAYOUTS` as it stands: a table
    declared there (a 14th) is checked without a second edit. Regenerated only when the
    layouts change."""

    def __init__(self) -> None:
        self._layouts: tuple[tuple[int, Layout], ...] = ()
        self._rules: tuple[Rule, ...] = ()
        self._by_id: dict[str, Rule] = {}

    def _current(self) -> tuple[Rule, ...]:
        layouts = tuple(LAYOUTS.items())
        if layouts != self._layouts or not self._rules:
            # The prior-year rules read a second document (`prior.bind`); alone they yield nothing.
            rules = tables.table_rules() + cross.RULES + narrative.RULES + performance.RULES + prior.RULES
            by_id = {r.id: r for r in rules}
            assert len(by_id) == len(rules), "duplicate rule ids"
            self._layouts, self._rules, self._by_id = layouts, rules, by_id
        return self._rules

    def by_id(self) -> dict[str, Rule]:
        self._current()
        return self._by_id

    @overload
    def __getitem__(self, i: int) -> Rule: ...

    @overload
    def __getitem__(self, i: slice) -> Sequence[Rule]: ...

    def __getitem__(self, i: int | slice) -> Rule | Sequence[Rule]:
        return self._current()[i]

    def __len__(self) -> int:
        return len(self._current())

    def __iter__(self) -> Iterator[Rule]:
        return iter(self._current())


class _ById(Mapping[str, Rule]):
    def __getitem__(self, id: str) -> Rule:
        return CATALOGUE.by_id()[id]

    def __iter__(self) -> Iterator[str]:
        return iter(CATALOGUE.by_id())

    def __len__(self) -> int:
        return len(CATALOGUE.by_id())


CATALOGUE = _Catalogue()
BY_ID: Mapping[str, Rule] = _ById()
