"""narrative rules: every figure 第三部分 restates, against the tables and against itself."""
from __future__ import annotations

from typing import Callable, Iterator

from xltools.core.layouts import CLASS_NAMES, LAYOUTS
from xltools.core.model import Document, Figure
from xltools.core.narrative_subjects import AmountRule, SUBJECTS, SumRule, ratio_of
from xltools.core.reasons import Reason, Why, missing
from xltools.rules.common import money, numeral
from xltools.core.comparisons import under_half_cent
from xltools.core.references import TableCell
from xltools.rules.core import Equal, GrowthOf, Instance, Rule, ShareOf, Term, Terms, Unchecked, Verdict
from xltools.rules.narrative_map import amount_rule, cells_for, has_value, missing_tables, nref, partner, present, previous, share_base, TABLES

def shown(f: Figure) -> str:
    """A figure as the text printed it: its decimals, every digit."""
    if f.kind in ("share", "growth"):
        return f"{f.value:.{max(0, f.decimals)}f}"
    if f.kind == "count":
        return f"{f.value:g}"
    return money(f.value, f.decimals)


def _where(f: Figure) -> str:
    return f"说明{numeral(f.section)}“{f.subject}”{shown(f)}"


def _figs(doc: Document, kind: str, prefix: str = "") -> Iterator[Figure]:
    for f in doc.narrative.figures:
        if f.kind == kind and f.subject.startswith(prefix):
            yield f


def figure_decimals(f: Figure) -> int:
    # A printed 0 means none, not "rounded to whole 万元".
    return 2 if f.value == 0 else f.decimals


def _unchecked(f: Figure, reason: Reason, subject: str) -> Instance:
    return Instance(Unchecked(reason, (nref(f),), (f.line,)), subject)


def _no_table(doc: Document, cells: tuple[TableCell, ...]) -> Reason:
    return missing(*missing_tables(doc, cells))


def _restate(doc: Document, f: Figure) -> Instance | None:
    cells = cells_for(f.subject)
    if not cells:
        if f.subject.startswith("其他:"):
            return _unchecked(f, Reason(Why.CELL_UNKNOWN), _where(f))
        return None
    if not present(doc, cells):
        return _unchecked(f, _no_table(doc, cells), _where(f))
    return Instance(Equal((Term(nref(f)),), tuple(Term(r) for r in cells), decimals=figure_decimals(f)), _where(f))


def _restated(doc: Document, rule: AmountRule) -> Iterator[Instance]:
    for f in _figs(doc, "amount"):
        if amount_rule(f.subject) == rule:
            inst = _restate(doc, f)
            if inst:
                yield inst


def _amounts(doc: Document) -> Iterator[Instance]:
    return _restated(doc, "N-AMOUNT")


def _shares(doc: Document) -> Iterator[Instance]:
    figs = doc.narrative.figures
    for f in _figs(doc, "share"):
        where = _where(f) + "%"
        ratio = ratio_of(f.subject)
        if ratio is not None:
            part = _first(doc, ratio.part, "amount")
            whole = _first(doc, ratio.base, "amount")
            if part and whole:
                yield Instance(ShareOf(nref(f), (Term(nref(part)),), (Term(nref(whole)),), f.decimals),
                               where + ratio.text)
            else:
                yield _unchecked(f, Reason(Why.SHARE_BASE_UNLISTED), where)
            continue
        base = share_base(f.subject, f.word)
        if f.subject.startswith("其他:") or not base:
            yield _unchecked(f, Reason(Why.SHARE_BASE_UNKNOWN, named=f.word or ""), where)
            continue
        if not present(doc, base):
            yield _unchecked(f, _no_table(doc, base), where)
            continue
        cells = cells_for(f.subject)
        part_terms: Terms
        if present(doc, cells):
            part_terms = tuple(Term(r) for r in cells)
        else:
            amount = previous(figs, f, "amount", f.subject)
            if amount is None:
                yield _unchecked(f, Reason(Why.SHARE_PART_UNKNOWN), where)
                continue
            part_terms = (Term(nref(amount)),)
        yield Instance(ShareOf(nref(f), part_terms, tuple(Term(r) for r in base), f.decimals), where)


def _first(doc: Document, subject: str, kind: str) -> Figure | None:
    return next((f for f in doc.narrative.figures if f.subject == subject and f.kind == kind), None)


def _current(doc: Document, f: Figure) -> Terms | None:
    """This year's amount of `f`'s subject: the table's, else the one the narrative states."""
    cells = cells_for(f.subject)
    if present(doc, cells) and has_value(doc, cells):
        return tuple(Term(r) for r in cells)
    amount = previous(doc.narrative.figures, f, "amount", f.subject)
    return (Term(nref(amount)),) if amount is not None else None


def _growth(doc: Document) -> Iterator[Instance]:
    figs = doc.narrative.figures
    for f in _figs(doc, "growth"):
        where = _where(f) + "%"
        if f.subject.startswith("其他:"):
            yield _unchecked(f, Reason(Why.GROWTH_SUBJECT_UNKNOWN), where)
            continue
        change = partner(figs, f, "change")
        base = partner(figs, f, "base")
        said = f"（{change.word or ''}{money(abs(change.value), change.decimals)}万元）" if change else ""
        lines = tuple(g.line for g in (change, base) if g is not None)
        if base is not None:
            # The base printed inline ("比2025年预算A万元减少X万元，下降Y%"): Y = X / A.
            if under_half_cent(base.value):
                yield Instance(Verdict(False, expected=None, actual=f.value, refs=(nref(f), nref(base)),
                                       lines=(f.line, base.line)), where + "（上年为零，不得有增减率）")
            elif change is not None:
                yield Instance(GrowthOf(nref(f), nref(change), (Term(nref(base)), Term(nref(change))), f.decimals),
                               f"{where}{said}（上年{shown(base)}万元）", lines)
            else:
                current = _current(doc, f)
                if current is None:
                    yield _unchecked(f, Reason(Why.CURRENT_UNKNOWN), where)
                    continue
                # (current − base) / base, as a share with a negative term
                yield Instance(ShareOf(nref(f), current + (Term(nref(base), -1.0),), (Term(nref(base)),), f.decimals),
                               f"{where}（上年{shown(base)}万元）", lines)
            continue
        if change is None:
            yield _unchecked(f, Reason(Why.GROWTH_NO_CHANGE), where)
            continue
        current = _current(doc, f)
        if current is None:
            yield _unchecked(f, Reason(Why.GROWTH_NO_CURRENT), where)
            continue
        yield Instance(GrowthOf(nref(f), nref(change), current, f.decimals), where + said, lines)


def _bases(doc: Document) -> Iterator[Instance]:
    """An inline base: last year's amount + the change = this year's amount."""
    figs = doc.narrative.figures
    for b in _figs(doc, "base"):
        change = partner(figs, b, "change")
        if change is None:
            continue
        where = f"{_where(b)}（上年数）{change.word or ''}{money(abs(change.value), change.decimals)}万元"
        current = _current(doc, b)
        if current is None:
            yield _unchecked(b, Reason(Why.CURRENT_UNKNOWN), where)
            continue
        yield Instance(Equal((Term(nref(b)), Term(nref(change))), current), where + " = 本年数", (change.line,))


def _sangong(doc: Document) -> Iterator[Instance]:
    return _restated(doc, "N-SANGONG")


def _change_sums(doc: Document) -> Iterator[Instance]:
    """Each stated change declared the sum of its parts' (`Subject.change_sum`), over the parts
    the narrative states: a part stated whole (公务用车购置及运行费) stands for its own parts."""
    changes = {f.subject: f for f in _figs(doc, "change")}
    for s in SUBJECTS.values():
        total = changes.get(s.key)
        if not s.change_sum or total is None:
            continue
        parts = list(s.change_parts)
        for whole in SUBJECTS.values():
            own = whole.change_parts
            if whole.key != s.key and whole.key in changes and own and all(p in parts for p in own):
                at = min(parts.index(p) for p in own)
                parts = [p for p in parts if p not in own]
                parts.insert(at, whole.key)
        if all(p in changes for p in parts):
            yield Instance(Equal((Term(nref(total)),), tuple(Term(nref(changes[p])) for p in parts)), s.change_sum)


def _operating(doc: Document) -> Iterator[Instance]:
    # A section 八 read with no amount while 表11 has one is N-PART-MISSING's (a warning):
    # the reader may have missed a phrasing, so it is not certain.
    return _restated(doc, "N-OPERATING")


def _sums(rule: SumRule) -> Callable[[Document], Iterator[Instance]]:
    """Each total the narrative states over parts it states (`Subject.sum_of`, judged by `rule`):
    every figure of the total against the first figure of each part, of the total's kind."""
    def instances(doc: Document) -> Iterator[Instance]:
        for s in SUBJECTS.values():
            if s.sum_of is None or s.sum_of.rule != rule:
                continue
            for f in doc.narrative.figures:
                if f.subject != s.key or f.kind not in ("amount", "count"):
                    continue
                parts = [_first(doc, p, f.kind) for p in s.sum_of.parts]
                if all(parts):
                    yield Instance(Equal((Term(nref(f)),), tuple(Term(nref(p)) for p in parts if p),
                                         decimals=0 if f.kind == "count" else figure_decimals(f)),
                                   s.sum_of.text.format(figure=shown(f)))
    return instances


def _performance_t12(doc: Document) -> Iterator[Instance]:
    f = _first(doc, "绩效:纳入:金额", "amount")
    if f and doc.table(12) is not None:
        yield Instance(Equal((Term(nref(f)),), (Term(TableCell(12, "总计", "合计")),), decimals=figure_decimals(f)),
                       f"纳入绩效目标管理的项目金额{shown(f)} = 表12 合计")


def _norm(s: str) -> str:
    return "".join(s.split()).replace("(", "（").replace(")", "）")


_CLASS_TABLES = (1, 2, 3, 4, 5)  # the tables whose 类 rows name a class


def _class_names(doc: Document) -> Iterator[Instance]:
    spans = doc.narrative.sections.items()
    for code, name, line in doc.narrative.class_names:
        # Keyed by its section: a quotation added in another section leaves this one's key.
        sec = next((numeral(n) for n, (first, last) in spans if first <= line <= last), "")
        allowed = {CLASS_NAMES[code]} if code in CLASS_NAMES else set()
        for n in _CLASS_TABLES:
            t = doc.table(n)
            row = t.row(code) if t and code else None
            if row is not None and row.name:
                allowed.add(_norm(row.name))
        ok = _norm(name) in allowed
        expected = CLASS_NAMES.get(code) or (sorted(allowed)[0] if allowed else None)
        yield Instance(Verdict(ok, expected=expected, actual=name, lines=(line,)),
                       f"说明所称类名“{name}”" + (f"（{code}）" if code else "（不是功能分类类名）")
                       # the finding is this text: it names what the tables call the class
                       + (f"，报表为“{expected}”" if not ok and expected else ""),
                       key=f"说明{sec}/类名/{code or name}")


# Sections of 第三部分 that restate a table: a section missing, or read with no figure, while
# its table has amounts, is a part the reader did not find.
_SECTION_TABLES: tuple[tuple[int, int, str], ...] = (
    (1, 1, "预算收支总体情况"), (2, 1, "收入预算情况"), (3, 3, "支出预算情况"), (4, 4, "财政拨款收支总体情况"),
    (5, 5, "一般公共预算支出情况"), (6, 6, "一般公共预算基本支出情况"), (7, 10, "“三公”经费"),
    (8, 11, "机关运行经费"), (10, 12, "绩效管理情况"),
)


def _has_amounts(doc: Document, n: int) -> bool:
    t = doc.table(n)
    if t is None or t.empty:
        return False
    if LAYOUTS[n].kind.amounts_need_items:  # a project table has amounts when it lists a project
        return any(r.kind == "item" for r in t.rows)
    return any(v for r in t.rows for v in r.amounts.values())


def _section_figures(doc: Document, section: int) -> list[Figure]:
    figs = doc.narrative.figures
    own = {s.key for s in SUBJECTS.values() if s.anywhere and s.section == section}
    if own:  # wherever the 三公 (机关运行经费) sentence stands
        return [f for f in figs if f.subject in own]
    return [f for f in figs if f.section == section and not f.subject.startswith("其他:")]


_BLOCK = frozenset({1, 2, 3, 4, 5, 6})


def _parts(doc: Document) -> Iterator[Instance]:
    read = sorted((t for t in doc.tables.values() if t is not None), key=lambda t: t.line)
    if not read:
        return
    narrative = doc.narrative
    if narrative.line is None:
        # The whole part missing is an error of the document (READ-MISSING-PART), not a
        # section the narrative left out.
        return
    sections = narrative.sections
    if not sections:
        yield Instance(Verdict(False, expected="一、二、三……各部分", actual=None, lines=(narrative.line,)),
                       "第三部分（预算情况说明）未读出任何编号段落", key="第三部分")
        return
    # A document that prints the block of sections 一 to 六 prints all of them; one that
    # prints none of them (an extract) is not told of each.
    block = any(n in sections for n in _BLOCK)
    cn = "〇一二三四五六七八九十"
    for sec, n, zh in _SECTION_TABLES:
        if not _has_amounts(doc, n):
            continue
        t = doc.table(n)
        assert t is not None
        span = sections.get(sec)
        if _section_figures(doc, sec):
            yield Instance(Verdict(True), f"说明{cn[sec]}（{zh}）已读出", key=f"说明{cn[sec]}")
        elif span is None:
            if sec in (7, 8) or block:
                yield Instance(Verdict(False, expected=zh, actual=None, lines=(t.line, narrative.line)),
                               f"表{n}列有数据，说明未见“{cn[sec]}、{zh}”部分", key=f"说明{cn[sec]}")
        else:
            row = t.row("部门合计") if sec == 8 else None
            refs = (TableCell(11, "部门合计", "合计"),) if row is not None else ()
            yield Instance(Verdict(False, expected=row.get("合计") if row else zh, actual=None, refs=refs,
                                   lines=(span[0], t.line)),
                           f"表{n}列有数据，说明{cn[sec]}（{zh}）未读出" + ("金额" if sec == 8 else "任何数字"),
                           key=f"说明{cn[sec]}")


RULES: tuple[Rule, ...] = (
    Rule("N-AMOUNT", "M", "narrative", "说明所述金额与报表一致", _amounts, also_reads=TABLES),
    Rule("N-SHARE", "M", "narrative", "说明所述占比 = 金额 / 基数", _shares, also_reads=TABLES),
    Rule("N-GROWTH", "M", "narrative", "说明所述增减率 = 增减额 / 上年数（增减用词与正负一致，上年为零不得有增减率）", _growth, also_reads=TABLES),
    Rule("N-BASE", "M", "narrative", "说明所述上年数 + 增减额 = 本年数", _bases, also_reads=TABLES),
    Rule("N-SANGONG", "M", "narrative", "说明所述“三公”经费与表10一致", _sangong, also_reads=(10,)),
    Rule("N-SANGONG-CHANGE", "M", "narrative", "“三公”经费各项增减额之和 = 合计增减额", _change_sums),
    Rule("N-OPERATING", "M", "narrative", "说明所述机关运行经费与表11一致", _operating, also_reads=(11,)),
    Rule("N-PROCUREMENT", "M", "narrative", "政府采购预算总额 = 货物 + 工程 + 服务", _sums("N-PROCUREMENT")),
    Rule("N-PERF-SUM", "M", "narrative", "绩效目标管理的项目个数、金额 = 其他运转类 + 特定目标类", _sums("N-PERF-SUM")),
    Rule("N-PERF-T12", "A", "narrative", "纳入绩效目标管理的项目金额 = 表12 合计", _performance_t12, also_reads=(12,)),
    Rule("N-CLASS-NAME", "A", "narrative", "说明所称功能分类类名与报表一致", _class_names, also_reads=_CLASS_TABLES),
    Rule("N-PART-MISSING", "A", "narrative", "报表列有数据的部分，说明应有相应段落并能读出", _parts,
         also_reads=tuple(sorted({n for _, n, _ in _SECTION_TABLES}))),
)
