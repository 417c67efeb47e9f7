"""绩效 rules (DOMAIN.md "绩效目标 tables"): the project tables' own sums, their pairing
with 表12 projects, the overall table, and the published count."""
from __future__ import annotations

from typing import Callable, Iterator

from xltools.core.model import Document, Figure, ProjectTable, Row
from xltools.core.reasons import Reason, Why
from xltools.rules.common import cell, money
from xltools.core.references import NarrativeFigure, OverallCell, OverallSide, ProjectCell
from xltools.rules.core import Equal, Instance, Rule, Term, Unchecked, Verdict, terms
from xltools.rules.performance_match import Matching, match, norm_name, wan
from xltools.rules.reads import Reads, underlying

PARTS: tuple[str, ...] = ("中央", "省级", "市县", "单位自筹", "其他")
SIDES: dict[str, str] = {"period": "实施期资金总额", "annual": "年度资金总额"}
# 元 → 万元, the unit of 表12.
TO_WAN = 0.0001
COUNT_SUBJECT = "绩效:公开:个数"
# Narrative counts that announce project tables: published, or brought under 绩效 management.
_ANNOUNCING = (COUNT_SUBJECT, "绩效:纳入:个数")
NO_PROJECTS = Reason(Why.NO_PROJECTS)
NO_OVERALL = Reason(Why.NO_OVERALL)


def _p(t: ProjectTable, column: str) -> ProjectCell:
    return ProjectCell(t.key, column)


def _o(side: OverallSide, part: str) -> OverallCell:
    return OverallCell(side, part)


def _at(t: ProjectTable) -> str:
    return f"绩效目标表“{t.name}”（第{t.name_line}行）"


def _row(r: Row) -> str:
    return f"表12“{r.name}”（第{r.line}行）"


# Six rules ask for the same pairing of one document in a row: keep the last one computed,
# with what it read (a rule run on a view of the document, `rules.reads`, has read it too).
_cache: list[tuple[Document, Matching, Reads]] = []


def _matching(doc: Document) -> Matching | None:
    """None when 表12 was not read: nothing to pair with."""
    if doc.table(12) is None:
        return None
    whole = underlying(doc)
    if not _cache or _cache[0][0] is not whole:
        reads = Reads(whole)
        _cache[:] = [(whole, match(reads.view()), reads)]
    if isinstance(doc, Reads):
        doc.absorb(_cache[0][2])
    return _cache[0][1]


def _sums(side: str) -> Callable[[Document], Iterator[Instance]]:
    def gen(doc: Document) -> Iterator[Instance]:
        for t in doc.projects:
            yield Instance(Equal(terms(_p(t, f"{side}:总额")), terms(*(_p(t, f"{side}:{k}") for k in PARTS))),
                           f"{_at(t)} {SIDES[side]} = 中央 + 省级 + 市县(区) + 单位自筹 + 其他", (t.name_line,))

    return gen


def _amount(doc: Document) -> Iterator[Instance]:
    m = _matching(doc)
    for p in m.pairs if m else ():
        t, r = p.table, p.row
        yield Instance(Equal((Term(_p(t, "annual:总额"), TO_WAN),), terms(cell(12, r.key, "合计"))),
                       f"{_at(t)} 年度资金总额 / 10000 = {_row(r)} 合计", (t.name_line, r.line))


def _name(doc: Document) -> Iterator[Instance]:
    m = _matching(doc)
    for p in m.pairs if m else ():
        t, r = p.table, p.row
        same = norm_name(t.name) == norm_name(r.name)
        subject = (f"{_at(t)} 与 {_row(r)} 名称一致" if same else
                   f"{_at(t)}与{_row(r)}金额相同（{money(wan(t) or 0)} 万元）而名称不同")
        yield Instance(Verdict(same, r.name, t.name, (_p(t, "annual:总额"), cell(12, r.key, "合计")),
                               (t.name_line, r.line)), subject)


def _covers(doc: Document) -> Iterator[Instance]:
    m = _matching(doc)
    if m is None:
        return
    for t, rows in m.covers:
        # The rows' lines are the finding's places: the text names them once, by name.
        names = "、".join(f"“{r.name}”" for r in rows)
        amounts = " + ".join(money(r.get("合计") or 0) for r in rows)
        own = [r for r in rows if any(p.row.key == r.key for p in m.pairs)]
        extra = "，它们另有各自的绩效目标表" if own else ""
        yield Instance(Verdict(False, 1, len(rows),
                               (_p(t, "annual:总额"),) + tuple(cell(12, r.key, "合计") for r in rows),
                               (t.name_line,) + tuple(r.line for r in rows)),
                       f"{_at(t)}（{money(wan(t) or 0)} 万元）合并了表12 的 {len(rows)} 个项目{names}（{amounts}）{extra}")


def _unmatched(doc: Document) -> Iterator[Instance]:
    m = _matching(doc)
    if m is None:
        return
    homeless = {t.key for t in m.unmatched}
    for t in doc.projects:
        ok = t.key not in homeless
        yield Instance(Verdict(ok, None, None, (_p(t, "annual:总额"),), (t.name_line,)),
                       f"{_at(t)}（{money(wan(t) or 0)} 万元）" + ("在表12中有对应项目" if ok else "在表12中找不到对应项目"))


def _missing(doc: Document) -> Iterator[Instance]:
    m = _matching(doc)
    if m is None:
        return
    lacking = {r.key for r in m.missing}
    t12 = doc.table(12)
    for r in (x for x in (t12.rows if t12 else ()) if x.kind == "item"):
        if not doc.projects:
            # The whole part was not read (P-PART-PROJECTS says so once): one "no table"
            # per project would be noise, not a finding.
            yield Instance(Unchecked(NO_PROJECTS, (cell(12, r.key, "合计"),), (r.line,)),
                           f"{_row(r)} 是否有绩效目标表")
            continue
        ok = r.key not in lacking
        yield Instance(Verdict(ok, None, None, (cell(12, r.key, "合计"),), (r.line,)),
                       f"{_row(r)}（{money(r.get('合计') or 0)} 万元）" + ("有绩效目标表" if ok else "没有绩效目标表"))


def _duplicate(doc: Document) -> Iterator[Instance]:
    m = _matching(doc)
    if m is None:
        return
    repeats = {t.key for t, _, _ in m.duplicates}
    for t in doc.projects:
        if t.key not in repeats:
            yield Instance(Verdict(True, None, None, (_p(t, "annual:总额"),), (t.name_line,)), f"{_at(t)} 未重复")
    for t, first, r in m.duplicates:
        where = (t.name_line, first.name_line) + ((r.line,) if r else ())
        of = f"，同属{_row(r)}" if r else ""
        yield Instance(Verdict(False, 1, 2, (_p(t, "annual:总额"), _p(first, "annual:总额")), where),
                       f"{_at(t)}重复了第{first.name_line}行的绩效目标表{of}")


def _announced_lines(doc: Document, kind: str) -> tuple[int, ...]:
    """Lines where the text says the part is attached, when the reader did not read it."""
    read = bool(doc.projects) if kind == "project" else doc.overall is not None
    return () if read else tuple(line for k, line in doc.announced if k == kind)


def _overall_unread(doc: Document, what: str) -> Iterator[Instance]:
    """The overall table is announced but not read: its identities could not be checked."""
    lines = _announced_lines(doc, "overall")
    if doc.overall is None and lines:
        yield Instance(Unchecked(NO_OVERALL, (), lines), f"整体支出绩效目标申报表：{what}")


def _overall_direction(doc: Document) -> Iterator[Instance]:
    yield from _overall_unread(doc, "合计 = 基本支出 + 项目支出")
    if doc.overall is not None:
        yield Instance(Equal(terms(_o("direction", "合计")), terms(_o("direction", "基本支出"), _o("direction", "项目支出"))),
                       "整体支出绩效目标申报表：按资金方向 合计 = 基本支出 + 项目支出", (doc.overall.line,))


def _overall_source(doc: Document) -> Iterator[Instance]:
    yield from _overall_unread(doc, "合计 = 各资金来源之和")
    o = doc.overall
    if o is not None:
        parts = [k for k in o.by_source if k != "合计"]
        yield Instance(Equal(terms(_o("source", "合计")), terms(*(_o("source", k) for k in parts))),
                       "整体支出绩效目标申报表：按资金来源 合计 = 各来源之和", (o.line,))


def _overall_t5(doc: Document) -> Iterator[Instance]:
    t5 = doc.table(5)
    if t5 is not None and t5.row("合计") is not None:
        yield from _overall_unread(doc, "基本支出 = 表5 基本支出")
    if doc.overall is not None and t5 is not None and t5.row("合计") is not None:
        yield Instance(Equal(terms(_o("direction", "基本支出")), terms(cell(5, "合计", "基本支出"))),
                       "整体支出绩效目标申报表 基本支出 = 表5 合计 基本支出", (doc.overall.line,))


def _count(doc: Document) -> Iterator[Instance]:
    for f in doc.narrative.figures:
        if f.subject == COUNT_SUBJECT:
            n = len(doc.projects)
            if n == 0 and f.value > 0:
                yield Instance(Unchecked(NO_PROJECTS, (NarrativeFigure(f.key),), (f.line,)),
                               f"说明中公开项目绩效目标 {f.value:g} 个，附表张数")
                continue
            printed = int(f.value) if float(f.value).is_integer() else f.value
            yield Instance(Verdict(abs(f.value - n) < 0.5, n, printed, (NarrativeFigure(f.key),), (f.line,)),
                           f"说明中公开项目绩效目标 {f.value:g} 个，附项目支出绩效目标表 {n} 张")


def _announcing(doc: Document) -> list[Figure]:
    return [f for f in doc.narrative.figures if f.subject in _ANNOUNCING and f.value > 0]


def _part_projects(doc: Document) -> Iterator[Instance]:
    """Project tables announced (表12 lists projects, the narrative counts published or
    managed projects, a line says they are attached) must have been read: else ONE warning
    naming those lines, instead of a silent report or a "no table" per project."""
    t12 = doc.table(12)
    items = [r for r in (t12.rows if t12 else ()) if r.kind == "item"]
    figs = _announcing(doc)
    said = _announced_lines(doc, "project")
    n = len(doc.projects)
    if not (items or figs or said):
        if n:
            yield Instance(Verdict(True, None, n, (), (doc.projects[0].line,)), f"读到项目支出绩效目标表 {n} 张")
        return
    where = sorted({f.line for f in figs} | set(said) | ({t12.line} if items and t12 else set()))
    why = []
    if items and t12:
        why.append(f"表12（第{t12.line}行）列有 {len(items)} 个项目")
    for f in figs:
        verb = "公开" if f.subject == COUNT_SUBJECT else "纳入绩效目标管理"
        why.append(f"说明第{f.line}行称{verb}项目 {f.value:g} 个")
    why += [f"第{line}行称项目支出绩效目标表见附件" for line in said]
    expected = next((int(f.value) for f in figs if f.subject == COUNT_SUBJECT), len(items) or None)
    subject = "；".join(why) + (f"，读到项目支出绩效目标表 {n} 张" if n else "，但未读到任何项目支出绩效目标表（该部分未能识别）")
    yield Instance(Verdict(n > 0, expected, n, tuple(NarrativeFigure(f.key) for f in figs), tuple(where)),
                   subject)


def _part_overall(doc: Document) -> Iterator[Instance]:
    """An overall table announced (a sentence "整体目标表…见附件", a contents line) must have
    been read."""
    said = _announced_lines(doc, "overall")
    if doc.overall is not None:
        yield Instance(Verdict(True, None, None, (), (doc.overall.line,)), "读到整体支出绩效目标申报表")
    elif said:
        where = "、".join(f"第{x}行" for x in said)
        yield Instance(Verdict(False, "整体支出绩效目标申报表", "未读到", (), said),
                       f"{where}称整体支出绩效目标表见附件，但未读到该表（该部分未能识别）")


RULES: tuple[Rule, ...] = (
    Rule("P-PERIOD-SUM", "M", "performance", "项目支出绩效目标表：实施期资金总额等于各资金来源之和", _sums("period")),
    Rule("P-ANNUAL-SUM", "M", "performance", "项目支出绩效目标表：年度资金总额等于各资金来源之和", _sums("annual")),
    Rule("P-AMOUNT", "M", "performance", "项目支出绩效目标表：年度资金总额（元）与表12 同一项目的合计（万元）一致", _amount, also_reads=(12,)),
    Rule("P-NAME", "A", "performance", "项目支出绩效目标表：项目名称与表12 一致", _name, also_reads=(12,)),
    Rule("P-COVERS", "A", "performance", "项目支出绩效目标表：一张表只对应表12 的一个项目", _covers, also_reads=(12,)),
    Rule("P-UNMATCHED", "A", "performance", "项目支出绩效目标表：每张表在表12 中有对应项目", _unmatched, also_reads=(12,)),
    Rule("P-MISSING", "A", "performance", "项目支出绩效目标表：表12 的每个项目都有绩效目标表", _missing, also_reads=(12,)),
    Rule("P-DUPLICATE", "A", "performance", "项目支出绩效目标表：同一项目只有一张绩效目标表", _duplicate, also_reads=(12,)),
    Rule("P-OVERALL-DIRECTION", "M", "performance", "整体支出绩效目标申报表：合计等于基本支出与项目支出之和", _overall_direction),
    Rule("P-OVERALL-SOURCE", "M", "performance", "整体支出绩效目标申报表：合计等于各资金来源之和", _overall_source),
    Rule("P-OVERALL-T5", "M", "performance", "整体支出绩效目标申报表：基本支出等于表5 基本支出", _overall_t5, also_reads=(5,)),
    Rule("P-COUNT", "A", "performance", "说明中公开的项目绩效目标个数等于所附项目支出绩效目标表张数", _count),
    Rule("P-PART-PROJECTS", "A", "performance", "表12 列有项目或说明称公开项目绩效目标时，读到了项目支出绩效目标表", _part_projects, also_reads=(12,)),
    Rule("P-PART-OVERALL", "A", "performance", "说明或目录称附有整体支出绩效目标表时，读到了该表", _part_overall),
)
