"""Which row adds into which is declared once (`layouts.adds_into`, `Layout.sums`): the
reader's placement by sums and the sum rules follow the same declaration, so changing it
changes both (a declaration changed here, in a fixture; both follow)."""
from __future__ import annotations

from dataclasses import replace

import pytest

from xltools.core import layouts
from xltools.read import tables as read_tables
from xltools.rules.reading import read_document
from xltools.rules import CATALOGUE
from xltools.rules.core import Equal
from xltools.core.memo import forget_all

from conftest import SEED_PATHS

# 表10 as the family prints it, and a changed declaration: 公务接待费 counted under 公务用车.
CHANGED = (("公务用车购置及运行费", ("公务用车购置费", "公务用车运行维护费", "公务接待费")),
           ("合计", ("因公出国（境）费", "公务用车购置及运行费")))


def _t10_sums(doc) -> dict[str, tuple[str, ...]]:  # type: ignore[no-untyped-def]
    """What the sum rules state for 表10's 合计 column: total row → the rows added."""
    out: dict[str, tuple[str, ...]] = {}
    for rule in CATALOGUE:
        if rule.id in ("T10-CAR", "T10-TOTAL"):
            for inst in rule.instances(doc):
                rel = inst.relation
                assert isinstance(rel, Equal)
                if rel.lhs[0].ref.column == "合计":
                    out[rel.lhs[0].ref.row] = tuple(t.ref.row for t in rel.rhs)
    return out


def _reader_parents(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, str]]:
    """Every row→parent map the reader places a table's cells by, while reading."""
    seen: list[dict[str, str]] = []
    real = read_tables.resolve

    def spy(drafts, parent_of):  # type: ignore[no-untyped-def]
        seen.append(dict(parent_of))
        return real(drafts, parent_of)

    monkeypatch.setattr(read_tables, "resolve", spy)
    # The reader keeps what it made of lines it read before (`core.memo`): emptied, so that the
    # reading below places every cell again, under the spy.
    forget_all()
    return seen


def test_reader_and_rules_follow_the_declared_sums(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _reader_parents(monkeypatch)
    doc = read_document(SEED_PATHS["001"])
    assert any(p.get("公务接待费") == "合计" for p in seen)
    assert _t10_sums(doc) == {"公务用车购置及运行费": ("公务用车购置费", "公务用车运行维护费"),
                              "合计": ("因公出国（境）费", "公务接待费", "公务用车购置及运行费")}

    monkeypatch.setitem(layouts.LAYOUTS, 10, replace(layouts.LAYOUTS[10], sums=CHANGED))
    seen.clear()
    doc = read_document(SEED_PATHS["001"])
    t10 = [p for p in seen if "公务用车购置费" in p]
    assert t10 and t10[-1]["公务接待费"] == "公务用车购置及运行费" and t10[-1]["公务用车购置及运行费"] == "合计"
    assert _t10_sums(doc) == dict(CHANGED)


def test_coded_tables_add_by_code_for_reader_and_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """表3's 项 add into their 款, 款 into 类, 类 into 合计, for both."""
    seen = _reader_parents(monkeypatch)
    doc = read_document(SEED_PATHS["001"])
    t3 = doc.table(3)
    assert t3 is not None
    into = layouts.adds_into(3, t3.rows)
    assert into["2210201"] == "22102" and into["22102"] == "221" and into["221"] == "合计"
    assert any(p.get("2210201") == "22102" for p in seen)
    hier = [inst.relation for rule in CATALOGUE if rule.id == "T3-HIER" for inst in rule.instances(doc)]
    stated = {(r.lhs[0].ref.row, tuple(t.ref.row for t in r.rhs)) for r in hier if isinstance(r, Equal)}
    assert ("22102", tuple(k for k, p in into.items() if p == "22102")) in stated
