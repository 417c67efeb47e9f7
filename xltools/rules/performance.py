"""绩效 rules (DOMAIN.md "绩效目标 tables"): the project tables' own sums, their pairing
with 表12 projects, the overall table, and the published count."""
from __future__ import annotations

from typing import Callable, Iterator

from ..model import Document, ProjectTable, Row
from .common import cell
from .core import Equal, Instance, Ref, Rule, Term, Verdict, terms
from .performance_match import Matching, match, norm_name, wan

PARTS: tuple[str, ...] = ("中央", "省级", "市县", "单位自筹", "其他")
SIDES: dict[str, str] = {"period": "实施期资金总额", "annual": "年度资金总额"}
# 元 → 万元, the unit of 表12.
TO_WAN = 0.0001
COUNT_SUBJECT = "绩效:公开:个数"


def _p(t: ProjectTable, column: str) -> Ref:
    return Ref("project", t.key, column)


def _o(side: str, part: str) -> Ref:
    return Ref("overall", side, part)


def _at(t: ProjectTable) -> str:
    return f"绩效目标表“{t.name}”（第{t.name_line}行）"


def _row(r: Row) -> str:
    return f"表12“{r.name}”（第{r.line}行）"


# Six rules ask for the same pairing of one document in a row: keep the last one computed.
_cache: list[tuple[Document, Matching]] = []


def _matching(doc: Document) -> Matching | None:
    """None when 表12 was not read: nothing to pair with."""
    if doc.table(12) is None:
        return None
    if not _cache or _cache[0][0] is not doc:
        _cache[:] = [(doc, match(doc))]
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
                   f"{_at(t)} 与 {_row(r)} 金额相同（{wan(t):.2f} 万元）而名称不同")
        yield Instance(Verdict(same, r.name, t.name, (_p(t, "annual:总额"), cell(12, r.key, "合计")),
                               (t.name_line, r.line)), subject)


def _covers(doc: Document) -> Iterator[Instance]:
    m = _matching(doc)
    for t, rows in m.covers if m else ():
        names = "、".join(_row(r) for r in rows)
        amounts = " + ".join(f"{r.get('合计') or 0:.2f}" for r in rows)
        own = [r for r in rows if any(p.row.key == r.key for p in m.pairs)]
        extra = "，这些项目另有各自的绩效目标表" if own else ""
        yield Instance(Verdict(False, 1, len(rows),
                               (_p(t, "annual:总额"),) + tuple(cell(12, r.key, "合计") for r in rows),
                               (t.name_line,) + tuple(r.line for r in rows)),
                       f"{_at(t)}（{wan(t):.2f} 万元）合并了 {len(rows)} 个表12项目：{names}（{amounts}）{extra}")


def _unmatched(doc: Document) -> Iterator[Instance]:
    m = _matching(doc)
    if m is None:
        return
    homeless = {t.key for t in m.unmatched}
    for t in doc.projects:
        ok = t.key not in homeless
        yield Instance(Verdict(ok, None, None, (_p(t, "annual:总额"),), (t.name_line,)),
                       f"{_at(t)}（{(wan(t) or 0):.2f} 万元）" + ("在表12中有对应项目" if ok else "在表12中找不到对应项目"))


def _missing(doc: Document) -> Iterator[Instance]:
    m = _matching(doc)
    if m is None:
        return
    lacking = {r.key for r in m.missing}
    t12 = doc.table(12)
    for r in (x for x in (t12.rows if t12 else ()) if x.kind == "item"):
        ok = r.key not in lacking
        yield Instance(Verdict(ok, None, None, (cell(12, r.key, "合计"),), (r.line,)),
                       f"{_row(r)}（{(r.get('合计') or 0):.2f} 万元）" + ("有绩效目标表" if ok else "没有绩效目标表"))


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
        of = f"，同属 {_row(r)}" if r else ""
        yield Instance(Verdict(False, 1, 2, (_p(t, "annual:总额"), _p(first, "annual:总额")), where),
                       f"{_at(t)} 重复了第{first.name_line}行的绩效目标表{of}")


def _overall_direction(doc: Document) -> Iterator[Instance]:
    if doc.overall is not None:
        yield Instance(Equal(terms(_o("direction", "合计")), terms(_o("direction", "基本支出"), _o("direction", "项目支出"))),
                       "整体支出绩效目标申报表：按资金方向 合计 = 基本支出 + 项目支出", (doc.overall.line,))


def _overall_source(doc: Document) -> Iterator[Instance]:
    o = doc.overall
    if o is not None:
        parts = [k for k in o.by_source if k != "合计"]
        yield Instance(Equal(terms(_o("source", "合计")), terms(*(_o("source", k) for k in parts))),
                       "整体支出绩效目标申报表：按资金来源 合计 = 各来源之和", (o.line,))


def _overall_t5(doc: Document) -> Iterator[Instance]:
    t5 = doc.table(5)
    if doc.overall is not None and t5 is not None and t5.row("合计") is not None:
        yield Instance(Equal(terms(_o("direction", "基本支出")), terms(cell(5, "合计", "基本支出"))),
                       "整体支出绩效目标申报表 基本支出 = 表5 合计 基本支出", (doc.overall.line,))


def _count(doc: Document) -> Iterator[Instance]:
    for f in doc.narrative.figures:
        if f.subject == COUNT_SUBJECT:
            n = len(doc.projects)
            printed = int(f.value) if float(f.value).is_integer() else f.value
            yield Instance(Verdict(abs(f.value - n) < 0.5, n, printed, (Ref("narrative", f.key, "value"),), (f.line,)),
                           f"说明中公开项目绩效目标 {f.value:g} 个，附项目支出绩效目标表 {n} 张")


RULES: tuple[Rule, ...] = (
    Rule("P-PERIOD-SUM", "M", "performance", "项目支出绩效目标表：实施期资金总额等于各资金来源之和", _sums("period")),
    Rule("P-ANNUAL-SUM", "M", "performance", "项目支出绩效目标表：年度资金总额等于各资金来源之和", _sums("annual")),
    Rule("P-AMOUNT", "M", "performance", "项目支出绩效目标表：年度资金总额（元）与表12 同一项目的合计（万元）一致", _amount),
    Rule("P-NAME", "A", "performance", "项目支出绩效目标表：项目名称与表12 一致", _name),
    Rule("P-COVERS", "A", "performance", "项目支出绩效目标表：一张表只对应表12 的一个项目", _covers),
    Rule("P-UNMATCHED", "A", "performance", "项目支出绩效目标表：每张表在表12 中有对应项目", _unmatched),
    Rule("P-MISSING", "A", "performance", "项目支出绩效目标表：表12 的每个项目都有绩效目标表", _missing),
    Rule("P-DUPLICATE", "A", "performance", "项目支出绩效目标表：同一项目只有一张绩效目标表", _duplicate),
    Rule("P-OVERALL-DIRECTION", "M", "performance", "整体支出绩效目标申报表：合计等于基本支出与项目支出之和", _overall_direction),
    Rule("P-OVERALL-SOURCE", "M", "performance", "整体支出绩效目标申报表：合计等于各资金来源之和", _overall_source),
    Rule("P-OVERALL-T5", "M", "performance", "整体支出绩效目标申报表：基本支出等于表5 基本支出", _overall_t5),
    Rule("P-COUNT", "A", "performance", "说明中公开的项目绩效目标个数等于所附项目支出绩效目标表张数", _count),
)
