"""Which 表12 project each 绩效 project table belongs to.

Tables are paired with 表12 projects (rows of kind "item") in three passes:
1. by name, once names are normalised (brackets, spaces, punctuation);
2. failing that, by the same amount (年度资金总额 / 10000 = 表12 合计) and a name similarity
   that weights rare characters: words every project shares (街道, 经费, the year) say little,
   so a unique amount decides, and a shared amount goes to the most similar name;
3. failing that, a table whose amount is the sum of several 表12 projects with related names
   "covers" them.
What is left over is a table without a project, or a project without a table.
"""
from __future__ import annotations

import difflib
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations

from xltools.core.comparisons import NUDGE, rounded
from xltools.core.model import Document, ProjectTable, Row

_PUNCT = re.compile(r"[\s()（）\[\]【】〔〕<>《》“”\"'‘’·、,，.。:：;；\-—_/／]")
# Above this weighted similarity a name is "related" (a covered project, a shared amount).
RELATED = 0.5
# A unique amount still needs some likeness of names: at least one rare character shared.
UNIQUE_MIN = 0.1
# Share of the shorter name that a related longer name repeats unbroken.
SHARED = 0.6
_CENT = 0.0051
_MAX_COVERED = 3
_MANY = 40


def norm_name(s: str) -> str:
    return _PUNCT.sub("", s).lower()


def wan(table: ProjectTable) -> float | None:
    """年度资金总额 in 万元, to the cent, as 表12 prints it."""
    v = table.annual.get("总额")
    return None if v is None else rounded(v / 10000, 2)


@dataclass(frozen=True)
class Pair:
    table: ProjectTable
    row: Row
    by: str  # "name" or "amount"
    score: float = 1.0


@dataclass
class Matching:
    pairs: list[Pair] = field(default_factory=list)
    covers: list[tuple[ProjectTable, tuple[Row, ...]]] = field(default_factory=list)
    duplicates: list[tuple[ProjectTable, ProjectTable, Row | None]] = field(default_factory=list)  # (repeat, first, project)
    unmatched: list[ProjectTable] = field(default_factory=list)
    missing: list[Row] = field(default_factory=list)


class Similarity:
    """difflib's matching blocks, each character weighted by its rarity among all names."""

    def __init__(self, names: list[str]) -> None:
        docs = [set(n) for n in names]
        total = max(len(docs), 1)
        self._idf: dict[str, float] = {}
        for d in docs:
            for ch in d:
                self._idf[ch] = self._idf.get(ch, 0) + 1
        for ch, df in self._idf.items():
            self._idf[ch] = math.log((total + 1) / df)

    def weight(self, s: str) -> float:
        return sum(self._idf.get(ch, 1.0) for ch in s)

    def __call__(self, a: str, b: str) -> float:
        both = self.weight(a) + self.weight(b)
        if not both:
            return 0.0
        sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
        common = sum(self.weight(a[m.a : m.a + m.size]) for m in sm.get_matching_blocks())
        return 2 * common / both

    def bound(self, a: str, b: str) -> tuple[int, float]:
        """Upper bounds, from the characters the names share (a multiset), on the longest
        block they share and on their similarity: a matching block only uses shared
        characters. Cheap next to difflib, which compares every pair of positions."""
        common = Counter(a) & Counter(b)
        shared = sum(common.values())
        both = self.weight(a) + self.weight(b)
        weight = sum(self._idf.get(ch, 1.0) * n for ch, n in common.items())
        return shared, (2 * weight / both if both else 0.0)

    def related(self, a: str, b: str) -> bool:
        """Most of the shorter name appears unbroken in the longer, or the names are similar."""
        if not a or not b:
            return False
        shared, likeness = self.bound(a, b)
        # A pair that cannot pass either test is skipped without difflib (the margin covers
        # rounding between the two sums of the same weights).
        if shared < SHARED * min(len(a), len(b)) and likeness < RELATED - NUDGE:
            return False
        sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
        block = sm.find_longest_match(0, len(a), 0, len(b)).size
        return block >= SHARED * min(len(a), len(b)) or self(a, b) >= RELATED


def _same(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and abs(a - b) <= _CENT


def match(doc: Document) -> Matching:
    t12 = doc.table(12)
    rows = [r for r in (t12.rows if t12 else ()) if r.kind == "item"]
    tables = list(doc.projects)
    m = Matching()
    taken: dict[str, ProjectTable] = {}  # row key -> its (first) table
    left: list[ProjectTable] = []
    by_name: dict[str, list[Row]] = {}
    for r in rows:
        by_name.setdefault(norm_name(r.name), []).append(r)
    for t in tables:
        same = by_name.get(norm_name(t.name), [])
        free = [r for r in same if r.key not in taken]
        if free:
            row = next((r for r in free if _same(wan(t), r.get("合计"))), free[0])
            taken[row.key] = t
            m.pairs.append(Pair(t, row, "name"))
        elif same:
            first = same[0]
            m.duplicates.append((t, taken[first.key], first))
        else:
            left.append(t)
    sim = Similarity([norm_name(x.name) for x in tables] + [norm_name(r.name) for r in rows])
    left = _by_amount(m, left, rows, taken, sim)
    left = _repeats(m, left)
    for t in left:
        covered = _covered(t, rows, sim)
        if covered:
            m.covers.append((t, covered))
        else:
            m.unmatched.append(t)
    covered_keys = {r.key for _, rs in m.covers for r in rs}
    m.missing = [r for r in rows if r.key not in taken and r.key not in covered_keys]
    return m


def _by_amount(m: Matching, left: list[ProjectTable], rows: list[Row], taken: dict[str, ProjectTable],
               sim: Similarity) -> list[ProjectTable]:
    free = [r for r in rows if r.key not in taken]
    options: list[tuple[float, int, ProjectTable, Row, bool]] = []
    for i, t in enumerate(left):
        cands = [r for r in free if _same(wan(t), r.get("合计"))]
        for r in cands:
            rivals = [x for x in left if _same(wan(x), r.get("合计"))]
            unique = len(cands) == 1 and len(rivals) == 1
            options.append((sim(norm_name(t.name), norm_name(r.name)), i, t, r, unique))
    options.sort(key=lambda o: (-o[0], o[1]))
    done: set[str] = set()
    for score, _, t, r, unique in options:
        if t.key in done or r.key in taken:
            continue
        if score >= (UNIQUE_MIN if unique else RELATED):
            taken[r.key] = t
            done.add(t.key)
            m.pairs.append(Pair(t, r, "amount", score))
    return [t for t in left if t.key not in done]


def _repeats(m: Matching, left: list[ProjectTable]) -> list[ProjectTable]:
    """Tables without a project that repeat one another: the repeats are duplicates."""
    seen: dict[tuple[str, float | None], ProjectTable] = {}
    out: list[ProjectTable] = []
    for t in left:
        k = (norm_name(t.name), wan(t))
        if k in seen:
            m.duplicates.append((t, seen[k], None))
        else:
            seen[k] = t
            out.append(t)
    return out


def _covered(t: ProjectTable, rows: list[Row], sim: Similarity) -> tuple[Row, ...]:
    """Two or three 表12 projects with related names whose 合计 add up to the table's amount."""
    amount = wan(t)
    if amount is None:
        return ()
    name = norm_name(t.name)
    related = [r for r in rows if r.get("合计") is not None and sim.related(name, norm_name(r.name))]
    # Beyond a few dozen related names the combinations cost more than they tell.
    for n in range(2, _MAX_COVERED + 1 if len(related) <= _MANY else 3):
        for combo in combinations(related, n):
            if abs(sum(r.get("合计") or 0.0 for r in combo) - amount) <= _CENT * n:
                return combo
    return ()
