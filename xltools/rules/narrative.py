"""narrative rules: every figure 第三部分 restates, against the tables and against itself."""
from __future__ import annotations

from typing import Iterator

from ..layouts import CLASS_NAMES
from ..model import Document, Figure
from .core import Equal, GrowthOf, Instance, Ref, Rule, ShareOf, Term, Terms, Verdict
from .narrative_map import cells_for, has_value, nref, present, previous, refs, share_base

_CN = "〇一二三四五六七八九十"


def _where(f: Figure) -> str:
    n = f.section
    cn = _CN[n] if n <= 10 else "十" + _CN[n - 10]
    return f"说明{cn}“{f.subject}”{f.value:g}"


def _figs(doc: Document, kind: str, prefix: str = "") -> Iterator[Figure]:
    for f in doc.narrative.figures:
        if f.kind == kind and f.subject.startswith(prefix):
            yield f


def _decimals(f: Figure) -> int:
    # A printed 0 means none, not "rounded to whole 万元".
    return 2 if f.value == 0 else f.decimals


def _restate(doc: Document, f: Figure) -> Instance | None:
    cells = cells_for(f.subject)
    if not present(doc, cells):
        return None
    return Instance(Equal((Term(nref(f)),), tuple(Term(r) for r in refs(cells)), decimals=_decimals(f)), _where(f))


def _amounts(doc: Document) -> Iterator[Instance]:
    for f in _figs(doc, "amount"):
        if f.subject.startswith(("三公:", "机关运行经费")):
            continue
        inst = _restate(doc, f)
        if inst:
            yield inst


def _shares(doc: Document) -> Iterator[Instance]:
    figs = doc.narrative.figures
    for f in _figs(doc, "share"):
        if f.subject == "绩效:公开:占比":
            part = _first(doc, "绩效:公开:金额", "amount")
            whole = _first(doc, "绩效:纳入:金额", "amount")
            if part and whole:
                yield Instance(ShareOf(nref(f), (Term(nref(part)),), (Term(nref(whole)),), f.decimals),
                               _where(f) + "%（公开金额 / 纳入金额）")
            continue
        base = share_base(f.subject)
        if not present(doc, base):
            continue
        cells = cells_for(f.subject)
        part_terms: Terms
        if present(doc, cells):
            part_terms = tuple(Term(r) for r in refs(cells))
        else:
            amount = previous(figs, f, "amount", f.subject)
            if amount is None:
                continue
            part_terms = (Term(nref(amount)),)
        yield Instance(ShareOf(nref(f), part_terms, tuple(Term(r) for r in refs(base)), f.decimals), _where(f) + "%")


def _first(doc: Document, subject: str, kind: str) -> Figure | None:
    return next((f for f in doc.narrative.figures if f.subject == subject and f.kind == kind), None)


def _growth(doc: Document) -> Iterator[Instance]:
    figs = doc.narrative.figures
    for f in _figs(doc, "growth"):
        change = previous(figs, f, "change", f.subject)
        if change is None:
            continue
        cells = cells_for(f.subject)
        current: Terms
        if present(doc, cells) and has_value(doc, cells):
            current = tuple(Term(r) for r in refs(cells))
        else:
            amount = previous(figs, f, "amount", f.subject)
            if amount is None:
                continue
            current = (Term(nref(amount)),)
        yield Instance(GrowthOf(nref(f), nref(change), current, f.decimals),
                       f"{_where(f)}%（{change.word or ''}{abs(change.value):g}万元）", (change.line,))


def _sangong(doc: Document) -> Iterator[Instance]:
    for f in _figs(doc, "amount", "三公:"):
        inst = _restate(doc, f)
        if inst:
            yield inst


def _sangong_changes(doc: Document) -> Iterator[Instance]:
    ch = {f.subject[3:]: f for f in _figs(doc, "change", "三公:")}
    total = ch.get("合计")
    car = ch.get("公务用车购置及运行费")
    buy, run = ch.get("公务用车购置费"), ch.get("公务用车运行维护费")
    if car and buy and run:
        yield Instance(Equal((Term(nref(car)),), (Term(nref(buy)), Term(nref(run)))),
                       "“三公”公务用车购置及运行费增减额 = 购置费 + 运行维护费增减额")
    car_parts = (car,) if car else ((buy, run) if buy and run else ())
    items = (ch.get("因公出国（境）费"), ch.get("公务接待费")) + car_parts
    if total and car_parts and all(items):
        yield Instance(Equal((Term(nref(total)),), tuple(Term(nref(i)) for i in items if i)),
                       "“三公”经费合计增减额 = 各项增减额之和")


def _operating(doc: Document) -> Iterator[Instance]:
    figs = list(_figs(doc, "amount", "机关运行经费"))
    for f in figs:
        inst = _restate(doc, f)
        if inst:
            yield inst
    span = doc.narrative.sections.get(8)
    t11 = doc.table(11)
    if not figs and span and t11 is not None:
        row = t11.row("部门合计")
        amount = row.get("合计") if row else None
        yield Instance(Verdict(not amount, expected=amount, actual=None, refs=(Ref("t11", "部门合计", "合计"),),
                               lines=(span[0],)), "说明八未列机关运行经费金额")


def _procurement(doc: Document) -> Iterator[Instance]:
    total = _first(doc, "政府采购:总额", "amount")
    parts = [_first(doc, f"政府采购:{p}", "amount") for p in ("货物", "工程", "服务")]
    if total and all(parts):
        yield Instance(Equal((Term(nref(total)),), tuple(Term(nref(p)) for p in parts if p), decimals=_decimals(total)),
                       f"政府采购预算总额{total.value:g} = 货物 + 工程 + 服务")


def _performance_sums(doc: Document) -> Iterator[Instance]:
    for phase in ("纳入", "公开"):
        for measure, kind in (("个数", "count"), ("金额", "amount")):
            total = _first(doc, f"绩效:{phase}:{measure}", kind)
            parts = [_first(doc, f"绩效:{phase}:{c}:{measure}", kind) for c in ("其他运转类", "特定目标类")]
            if total and all(parts):
                yield Instance(Equal((Term(nref(total)),), tuple(Term(nref(p)) for p in parts if p),
                                     decimals=0 if kind == "count" else _decimals(total)),
                               f"{phase}绩效目标管理的项目{measure} = 其他运转类 + 特定目标类")
    basic = _first(doc, "绩效:整体:基本支出", "amount")
    project = _first(doc, "绩效:整体:项目支出", "amount")
    if basic and project:
        for f in _figs(doc, "amount", "绩效:整体:合计"):
            yield Instance(Equal((Term(nref(f)),), (Term(nref(basic)), Term(nref(project))), decimals=_decimals(f)),
                           f"整体绩效目标资金{f.value:g} = 基本支出 + 项目支出")


def _performance_t12(doc: Document) -> Iterator[Instance]:
    f = _first(doc, "绩效:纳入:金额", "amount")
    if f and doc.table(12) is not None:
        yield Instance(Equal((Term(nref(f)),), (Term(Ref("t12", "总计", "合计")),), decimals=_decimals(f)),
                       f"纳入绩效目标管理的项目金额{f.value:g} = 表12 合计")


def _norm(s: str) -> str:
    return "".join(s.split()).replace("(", "（").replace(")", "）")


def _class_names(doc: Document) -> Iterator[Instance]:
    for code, name, line in doc.narrative.class_names:
        allowed = {CLASS_NAMES[code]} if code in CLASS_NAMES else set()
        for n in (1, 2, 3, 4, 5):
            t = doc.table(n)
            row = t.row(code) if t and code else None
            if row is not None and row.name:
                allowed.add(_norm(row.name))
        ok = _norm(name) in allowed
        expected = CLASS_NAMES.get(code) or (sorted(allowed)[0] if allowed else None)
        yield Instance(Verdict(ok, expected=expected, actual=name, lines=(line,)),
                       f"说明所称类名“{name}”" + (f"（{code}）" if code else "（不是功能分类类名）"))


RULES: tuple[Rule, ...] = (
    Rule("N-AMOUNT", "M", "narrative", "说明所述金额与报表一致", _amounts),
    Rule("N-SHARE", "M", "narrative", "说明所述占比 = 金额 / 基数", _shares),
    Rule("N-GROWTH", "M", "narrative", "说明所述增减率 = 增减额 / 上年数（增减用词与正负一致，上年为零不得有增减率）", _growth),
    Rule("N-SANGONG", "M", "narrative", "说明所述“三公”经费与表10一致", _sangong),
    Rule("N-SANGONG-CHANGE", "M", "narrative", "“三公”经费各项增减额之和 = 合计增减额", _sangong_changes),
    Rule("N-OPERATING", "M", "narrative", "说明所述机关运行经费与表11一致", _operating),
    Rule("N-PROCUREMENT", "M", "narrative", "政府采购预算总额 = 货物 + 工程 + 服务", _procurement),
    Rule("N-PERF-SUM", "M", "narrative", "绩效目标管理的项目个数、金额 = 其他运转类 + 特定目标类", _performance_sums),
    Rule("N-PERF-T12", "A", "narrative", "纳入绩效目标管理的项目金额 = 表12 合计", _performance_t12),
    Rule("N-CLASS-NAME", "A", "narrative", "说明所称功能分类类名与报表一致", _class_names),
)
