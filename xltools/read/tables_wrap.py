"""Long names wrapped onto the next line, joined back to their row.

An extractor that keeps a wrapped cell's second line as a line of its own leaves a line
with only a piece of a name: the row's code and amounts sit on the first piece or on the
last (a page break may fall between them). Such a piece belongs to the row above or to
the row below; nothing on the line itself says which. What does: a name the document
prints whole elsewhere (the same code in another table, the 绩效 table of a project, the
official 类 names), then brackets left open, then which neighbour the piece touches
without a blank line. A piece settled by none of these is joined to the row above (the
amounts on the first piece), and the join is recorded.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher
from heapq import heappop, heappush
from itertools import product
from typing import Callable, Iterable, Literal, Mapping, Sequence

from xltools.core.model import ReadNote
from xltools.read.tables_cells import is_code, is_total_label, squash
from xltools.read.tables_place import Draft

Side = Literal["prev", "next"]


@dataclass
class Wrap:
    """One piece of a name on a line of its own, between two rows of one table."""

    table: int
    text: str
    line: int
    prev: Draft | None
    next: Draft | None
    gap_before: bool  # a blank (or noise) line lies between the row above and the piece
    gap_after: bool = False
    choice: Side = "prev"
    settled: str = ""  # what decided the choice; "" while only the default did


def is_piece(filled: Sequence[str]) -> bool:
    """A line that can only be part of a name: text in one cell, no code, no amount, no
    total label. (Header lines, notes and labels are skipped before this is asked.)"""
    from xltools.read.tables_cells import is_amount

    if len(filled) != 1:
        return False
    c = filled[0]
    if any(p in c for p in "。；;！？：:"):
        return False  # a sentence: no printed name carries these
    return not is_amount(c) and not is_code(c) and not is_total_label(c)


def _balance(s: str) -> int:
    return sum(s.count(o) for o in "（(“《") - sum(s.count(c) for c in "）)”》")


Around = dict[int, tuple[list[Wrap], list[Wrap]]]  # id of a row -> (pieces below it, pieces above it)


def _around(wraps: Iterable[Wrap]) -> Around:
    """The pieces next to each row, in order: a row's name is then built from its own
    pieces, not from a pass over every piece of the document (quadratic in a long one)."""
    out: Around = {}
    for w in wraps:
        if w.next is not None:
            out.setdefault(id(w.next), ([], []))[0].append(w)
        if w.prev is not None:
            out.setdefault(id(w.prev), ([], []))[1].append(w)
    return out


def _name(d: Draft, around: Around) -> str:
    below, above = around.get(id(d), ([], []))
    heads = [w.text for w in below if w.choice == "next"]
    tails = [w.text for w in above if w.choice == "prev"]
    return "".join(heads) + d.name + "".join(tails)


class Closest:
    """The best difflib ratio of a name against a fixed set of names. A ratio is at most
    2 * (characters shared, as a multiset) / (both lengths), and so at most
    2 * min(lengths) / (both lengths): names are tried by length, nearest first, and within
    a length by shared characters, and whatever cannot beat the best ratio found so far is
    skipped. The result is the same maximum, without comparing every pair with difflib."""

    def __init__(self, names: Iterable[str]) -> None:
        self._names = sorted(set(names))
        # by length, then by character: (name, how often the character occurs in it)
        self._by_len: dict[int, dict[str, list[tuple[int, int]]]] = {}
        for i, x in enumerate(self._names):
            postings = self._by_len.setdefault(len(x), {})
            for ch, n in Counter(x).items():
                postings.setdefault(ch, []).append((i, n))
        self._memo: dict[str, float] = {}

    @staticmethod
    def _bound(shared: int, la: int, lb: int) -> float:
        return 2 * shared / (la + lb) if la + lb else 1.0

    def __call__(self, s: str) -> float:
        if s in self._memo:
            return self._memo[s]
        la = len(s)
        if la == 0:  # difflib: two empty strings are alike (1.0), an empty and a name not (0.0)
            return 1.0 if 0 in self._by_len else 0.0
        mine = Counter(s).items()
        # Best first: a heap of names by their bound from shared characters, filled one
        # length at a time while a length left could still hold a better name.
        lengths = sorted(((self._bound(min(la, lb), la, lb), lb) for lb in self._by_len), reverse=True)
        heap: list[tuple[float, int]] = []
        best, j = 0.0, 0
        while True:
            unexplored = lengths[j][0] if j < len(lengths) else -1.0
            if heap and -heap[0][0] >= unexplored:
                bound, i = heappop(heap)
                if -bound <= best:
                    break  # no name left, tried or not, can beat the best
                best = max(best, SequenceMatcher(None, s, self._names[i]).ratio())
            elif j < len(lengths) and unexplored > best:
                lb = lengths[j][1]
                postings = self._by_len[lb]
                shared: dict[int, int] = {}
                for ch, n in mine:
                    for i, m in postings.get(ch, ()):
                        shared[i] = shared.get(i, 0) + (n if n < m else m)
                # a name sharing no character has a ratio of 0, never above the best
                for i, common in shared.items():
                    heappush(heap, (-self._bound(common, la, lb), i))
                j += 1
            else:
                break
        self._memo[s] = best
        return best


def settle_locally(w: Wrap) -> None:
    """Brackets, then blank lines: what the piece and its neighbours show by themselves."""
    if w.next is None or w.prev is None:
        w.choice = "prev" if w.prev is not None else "next"
        w.settled = "位置"
        return
    t = squash(w.text)
    if _balance(squash(w.prev.name)) > 0 or t[:1] in "）)”》、和及与":
        w.choice, w.settled = "prev", "括号"
    elif _balance(t) > 0:
        w.choice, w.settled = "next", "括号"
    elif w.gap_before and not w.gap_after:
        w.choice, w.settled = "next", "空行"
    elif w.gap_after and not w.gap_before:
        w.choice, w.settled = "prev", "空行"


def name_key(s: str) -> str:
    return squash(s).replace("(", "（").replace(")", "）")


def settle_by_names(wraps: Sequence[Wrap], known: Mapping[str, set[str]], names: set[str]) -> None:
    """Choose, for each piece, the side under which the names it touches are closest to
    names the document (or the official list) prints whole: `known` by code, `names` by
    name alone (a 绩效 table may name its project a little differently, so the closest
    name counts, not only an equal one)."""
    closest = Closest(names)
    around = _around(wraps)

    def score(d: Draft | None, name: str) -> float:
        if d is None:
            return 0.0
        s = name_key(name)
        pool = known.get(d.code, set()) if d.code else names
        if s in pool:
            return 1.0
        if d.code or not pool:
            return 0.0
        return closest(s) * 0.9

    # Consecutive pieces between the same two rows are one run: the first k go up, the
    # rest down (two wrapped rows in a row leave the tail of one before the head of the next).
    runs: dict[tuple[int, int], list[Wrap]] = {}
    for w in wraps:
        if w.prev is not None and w.next is not None:
            runs.setdefault((id(w.prev), id(w.next)), []).append(w)
    # Runs between rows of the same two codes in several tables are settled together: the
    # same code must end up with the same name in each (表2, 表3 and 表5 wrap it differently).
    groups: dict[object, list[list[Wrap]]] = {}
    for key, run in runs.items():
        a, b = run[0].prev, run[0].next
        code_key = (a.code, b.code) if a is not None and b is not None and a.code and b.code else key
        groups.setdefault(code_key, []).append(run)

    # Two passes: a name also takes the pieces of the runs next to it, which the first
    # pass may settle after it has scored this one; and a name the first pass settled is a
    # name printed whole for the second (表2 settles a code that 表3 wraps elsewhere).
    known = {code: set(v) for code, v in known.items()}
    for final in (False, True):
        for group in groups.values():
            _settle_group(group, around, score, final)
        if not final:
            pending: dict[int, Draft] = {}
            unsettled: set[int] = set()
            for w in wraps:
                for d in (w.prev, w.next):
                    if d is not None and d.code:
                        pending[id(d)] = d
                        if w.settled != "名称":
                            unsettled.add(id(d))
            for ident, d in pending.items():
                if ident not in unsettled:
                    known.setdefault(d.code, set()).add(name_key(_name(d, around)))  # type: ignore[arg-type]


def _settle_group(group: list[list[Wrap]], around: Around, score: Callable[[Draft | None, str], float],
                  final: bool) -> None:
    def put(run: list[Wrap], k: int) -> None:
        for i, w in enumerate(run):
            w.choice = "prev" if i < k else "next"

    before = [[w.choice for w in run] for run in group]
    options = list(product(*(range(len(run) + 1) for run in group)))
    if len(options) > _SEARCH:
        options = [tuple(k for _ in group) for k in range(min(len(r) for r in group) + 1)]
    scores: list[float] = []
    for pick in options:
        for run, k in zip(group, pick):
            put(run, k)
        total = 0.0
        firsts, lasts = [], []
        for run in group:
            a, b = run[0].prev, run[0].next
            na, nb = name_key(_name(a, around)), name_key(_name(b, around))  # type: ignore[arg-type]
            total += score(a, na) + score(b, nb)
            firsts.append(na)
            lasts.append(nb)
        total += sum(1 for i in range(len(group)) for j in range(i) if firsts[i] == firsts[j])
        total += sum(1 for i in range(len(group)) for j in range(i) if lasts[i] == lasts[j])
        scores.append(total)
    best = max(scores)
    ranked = sorted(scores, reverse=True)
    if best > 0.5 and (len(ranked) == 1 or ranked[0] - ranked[1] > 0.05):
        for run, k in zip(group, options[scores.index(best)]):
            put(run, k)
            for w in run:
                w.settled = "名称"
        return
    for run, choices in zip(group, before):
        for w, c in zip(run, choices):
            w.choice = c
            if final and w.settled != "名称":
                w.settled = ""
                settle_locally(w)


_SEARCH = 512  # joint placements of one group tried one by one


def apply(wraps: Sequence[Wrap], drafts: Iterable[Draft]) -> None:
    around = _around(wraps)
    for d in drafts:
        if id(d) in around:
            d.name = _name(d, around)


def notes(wraps: Sequence[Wrap]) -> list[ReadNote]:
    out = []
    for w in wraps:
        row = w.prev if w.choice == "prev" else w.next
        where = "上一行" if w.choice == "prev" else "下一行"
        how = {"名称": "按其他表所印名称判断", "括号": "按括号判断", "空行": "按空行位置判断", "位置": "位于表的首尾"}
        why = how.get(w.settled, "无法判断，按惯例接到上一行")
        label = row.name if row is not None else ""
        out.append(ReadNote("READ-PLACEMENT", f"表{w.table}第{w.line}行“{w.text}”是{where}名称的续行，已合并为“{label}”（{why}）",
                            w.line, w.table))
    return out
