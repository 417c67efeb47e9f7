"""The coverage ledger: how much of a document the rules could check, and why not the rest.

A clean report is only worth what was checked. For each rule family and each table the
ledger counts the instances checked (passed, 尾差, failed), those resting on a placement the
reader had to guess, the rules that did not apply (an empty table, a figure the narrative
does not state), and what could not be checked, with the reason (a part not found, a base
not identified).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable

from xltools.core.layouts import LAYOUTS
from xltools.core.model import Document
from xltools.core.reasons import Reason, Why, missing
from xltools.core.references import TableCell
from xltools.rules.core import Instance, Outcome, Rule, Unchecked, refs_of
from xltools.rules.performance import NO_PROJECTS

FAMILY_ZH = {"table": "表内", "cross": "跨表", "narrative": "说明", "performance": "绩效", "prior": "上年"}


# A tally's instance counts, frozen: passed, tail, failed, guessed, unchecked by reason.
Counts = tuple[int, int, int, int, tuple[tuple[Reason, int], ...]]


@dataclass
class Tally:
    passed: int = 0
    tail: int = 0
    failed: int = 0
    guessed: int = 0  # checked, but on an amount whose column the reader had to guess
    not_applicable: int = 0  # rules
    unchecked: Counter[Reason] = field(default_factory=Counter)  # reason -> instances or rules

    @property
    def checked(self) -> int:
        return self.passed + self.tail + self.failed

    def add(self, out: Outcome, inst: Instance) -> None:
        if isinstance(inst.relation, Unchecked):
            self.unchecked[inst.relation.reason] += 1
            return
        if out.status == "pass":
            self.passed += 1
        elif out.status == "tail":
            self.tail += 1
        else:
            self.failed += 1
        if inst.guess:
            self.guessed += 1

    def counts(self) -> Counts:
        return self.passed, self.tail, self.failed, self.guessed, tuple(self.unchecked.items())

    def add_counts(self, c: Counts) -> None:
        """Another tally's `counts` added to this one."""
        self.passed += c[0]
        self.tail += c[1]
        self.failed += c[2]
        self.guessed += c[3]
        for reason, k in c[4]:
            self.unchecked[reason] += k

    def as_dict(self) -> dict[str, Any]:
        return {"checked": self.checked, "passed": self.passed, "tail": self.tail, "failed": self.failed,
                "guessed": self.guessed, "not_applicable": self.not_applicable,
                "unchecked": sum(self.unchecked.values()),
                "unchecked_reasons": {r.text: k for r, k in self.unchecked.items()}}


@dataclass
class Coverage:
    families: dict[str, Tally] = field(default_factory=lambda: {f: Tally() for f in FAMILY_ZH})
    tables: dict[int, Tally] = field(default_factory=lambda: {n: Tally() for n in LAYOUTS})
    # Last year's disclosure the prior-year rules read (check --prior); None: not given, and
    # those rules did not apply.
    prior: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"families": {f: t.as_dict() for f, t in self.families.items()},
                "tables": {str(n): t.as_dict() for n, t in self.tables.items()}, "prior": self.prior}


def _tables_of(inst: Instance) -> set[int]:
    return {r.table for r in refs_of(inst.relation) if isinstance(r, TableCell)}


def _why_none(rule: Rule, doc: Document) -> Reason | None:
    """Why a rule has no instance: a reason it could not be checked, or None when it simply
    does not apply (an empty table, a figure the narrative does not state)."""
    if rule.family in ("table", "cross"):
        absent = [n for n in rule.tables if doc.table(n) is None]
        return missing(absent[0]) if absent else None
    if rule.family == "narrative":
        return Reason(Why.NO_NARRATIVE) if doc.narrative.line is None else None
    if rule.family == "performance":
        if doc.projects or doc.overall is not None:
            return None
        t12 = doc.table(12)
        has_projects = t12 is not None and any(r.kind == "item" for r in t12.rows)
        return NO_PROJECTS if has_projects else None
    return None


class Ledger:
    """Filled while the rules are judged; `coverage` when done."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.coverage = Coverage()
        self._seen: set[str] = set()

    def add(self, rule: Rule, inst: Instance, out: Outcome) -> None:
        if rule.family not in FAMILY_ZH:
            return
        self._seen.add(rule.id)
        self.coverage.families[rule.family].add(out, inst)
        for n in _tables_of(inst):
            if n in self.coverage.tables:
                self.coverage.tables[n].add(out, inst)

    def add_counts(self, rule: Rule, family: Counts, tables: Iterable[tuple[int, Counts]]) -> None:
        """A rule's instances (one or more) added at once, as `tallied` counted them."""
        if rule.family not in FAMILY_ZH:
            return
        self._seen.add(rule.id)
        self.coverage.families[rule.family].add_counts(family)
        for n, c in tables:
            if n in self.coverage.tables:
                self.coverage.tables[n].add_counts(c)

    def finish(self, rules: Iterable[Rule]) -> Coverage:
        for rule in rules:
            if rule.id in self._seen or rule.family not in FAMILY_ZH:
                continue
            why = _why_none(rule, self.doc)
            fam = self.coverage.families[rule.family]
            if why is None:
                fam.not_applicable += 1
            else:
                fam.unchecked[why] += 1
        for n, tally in self.coverage.tables.items():
            t = self.doc.table(n)
            if t is None:
                tally.unchecked[missing(n)] += 1
            elif t.empty:
                tally.not_applicable += 1
        return self.coverage


def tallied(judged: Iterable[tuple[Instance, Outcome]]) -> tuple[Counts, tuple[tuple[int, Counts], ...]]:
    """What `Ledger.add` adds for each of one rule's instances, counted once: for the rule's
    family, and for each table its instances relate."""
    family = Tally()
    tables: dict[int, Tally] = {}
    for inst, out in judged:
        family.add(out, inst)
        for n in _tables_of(inst):
            t = tables.get(n)
            if t is None:
                t = tables[n] = Tally()
            t.add(out, inst)
    return family.counts(), tuple((n, t.counts()) for n, t in sorted(tables.items()))


def _one_table(why: Reason) -> int | None:
    """The table a reason says was not found, where it names one (the others are said whole)."""
    return why.tables[0] if why.code is Why.MISSING_TABLES and len(why.tables) == 1 else None


def not_checked(cov: Coverage) -> tuple[int, list[str]]:
    """How many identities could not be checked, and why in short, most first: the tables
    not found together ("未找到表7、表8"), then the other reasons ("未找到第三部分")."""
    reasons: Counter[Reason] = Counter()
    for t in cov.families.values():
        reasons.update(t.unchecked)
    tables = sorted(n for why in reasons if (n := _one_table(why)) is not None)
    said = [missing(*tables).text] if tables else []
    # The parts not found first, then the rest by how much they left unchecked.
    for why, _ in sorted(reasons.most_common(), key=lambda wk: (not wk[0].part_missing, -wk[1])):
        if _one_table(why) is None and why.short not in said:
            said.append(why.short)
    return sum(reasons.values()), said


def unchecked_text(cov: Coverage | None) -> str:
    """"36 项未能核对：未找到第三部分、未读到项目支出绩效目标表", or "" when all was checked."""
    if cov is None:
        return ""
    n, why = not_checked(cov)
    return f"{n} 项未能核对：{'、'.join(why)}" if n else ""


def _prior_part(cov: Coverage, t: Tally) -> str:
    if cov.prior is None:
        return "上年 未对照（用 --prior 指定上年的预算公开可核对上年数）"
    s = f"上年 {t.checked} 项（对照 {cov.prior}：通过 {t.passed}，尾差 {t.tail}，不成立 {t.failed}"
    if t.guessed:
        s += f"，仅作提示 {t.guessed}"
    return s + "）"


def summary_lines(cov: Coverage) -> list[str]:
    """Two or three lines for the text report."""
    parts = []
    for fam, zh in FAMILY_ZH.items():
        t = cov.families[fam]
        if fam == "prior":
            parts.append(_prior_part(cov, t))
            continue
        s = f"{zh} {t.checked} 项（通过 {t.passed}，尾差 {t.tail}，不成立 {t.failed}"
        if t.guessed:
            s += f"，依据推断列位置 {t.guessed}"
        parts.append(s + "）")
    lines = ["核对覆盖：" + "；".join(parts)]
    empty = [n for n, t in cov.tables.items() if t.not_applicable]
    if empty:
        lines.append("不适用：" + "、".join(f"表{n}" for n in empty) + "（空表）")
    reasons: Counter[Reason] = Counter()
    for t in cov.families.values():
        reasons.update(t.unchecked)
    absent = sorted((n, k) for why, k in reasons.items() if (n := _one_table(why)) is not None)
    other = [(why, k) for why, k in reasons.most_common() if _one_table(why) is None]
    said = [f"{why.text} {k} 项" for why, k in other]
    if absent:
        said.insert(0, f"{missing(*(n for n, _ in absent)).text}，其规则 {sum(k for _, k in absent)} 项")
    if said:
        lines.append("未能核对：" + "；".join(said))
    return lines
