"""Findings to text for people (Chinese) and to the JSON other tools read."""
from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Any, Sequence

from xltools.evaluation.accepted import Review, changed_since
from xltools.evaluation.coverage import Coverage, not_checked, summary_lines, unchecked_text
from xltools.core.findings import Finding, Where
from xltools.core.verdicts import REPORT_WORDS, Severity
from xltools.core.layouts import LAYOUTS
from xltools.core.model import Document

# A collapsed 尾差 line names at most this many rows; the JSON keeps every finding.
TAIL_LINES = 8


def _is_tail(f: Finding) -> bool:
    # READ-* information says what the reader decided, each line its own: never collapsed.
    return f.severity == "info" and not f.rule.startswith("READ-")


def collapse_tails(findings: Sequence[Finding]) -> list[Finding]:
    """The 尾差 of one rule in one line, "<rule> 尾差 ×N", placed where its first one was, with
    the row each one is on (its first place: the compared total), at most TAIL_LINES of them.
    One identity repeated over columns and rows, listed one by one, buries the findings
    that matter; the count and the rows are what a reviewer needs of them."""
    from xltools.rules import BY_ID

    groups: dict[str, list[Finding]] = {}
    for f in findings:
        if _is_tail(f):
            groups.setdefault(f.rule, []).append(f)
    out: list[Finding] = []
    for f in findings:
        group = groups.get(f.rule) if _is_tail(f) else None
        if group is None:
            out.append(f)
        elif len(group) == 1:
            # A sum over 30 类 rows is on one row: the total it compares.
            out.append(replace(f, where=f.where[:1]) if len(f.where) > TAIL_LINES else f)
        elif group[0] is f:
            rows = sorted({w.line for g in group for w in g.where[:1] if w.line is not None})
            rule = BY_ID.get(f.rule)
            what = rule.description if rule is not None else f.rule
            more = f"，共 {len(rows)} 行，列出前 {TAIL_LINES} 行" if len(rows) > TAIL_LINES else ""
            out.append(Finding(f.rule, Severity.INFO, f"{what} 尾差 ×{len(group)}{more}",
                               where=tuple(Where(line=x) for x in rows[:TAIL_LINES])))
    return out


def summary(findings: list[Finding], review: Review | None = None) -> dict[str, int]:
    """Counts by severity; with a `review`, the explained findings counted apart (`accepted`)
    and not among the errors and warnings."""
    c = Counter[str](f.severity for f in findings if review is None or review.of(f) is None)
    out = {"error": c["error"], "warning": c["warning"], "info": c["info"]}
    if review is not None:
        out["accepted"] = sum(1 for f in findings if review.of(f) is not None)
        out["stale"] = len(review.stale)
    return out


def table_total(doc: Document, n: int) -> float | None:
    t = doc.table(n)
    if t is None or t.empty:
        return None
    layout = LAYOUTS[n]
    row = t.row(layout.total_key)
    return row.get(layout.total_column) if row else None


def headline(findings: list[Finding], coverage: Coverage | None = None, review: Review | None = None) -> str:
    """The verdict in one line; it says what could not be checked whenever anything could
    not: a clean report is only worth what was checked."""
    s = summary(findings, review)
    out = f"结论：错误 {s['error']} 条，提示 {s['warning']} 条，尾差/信息 {s['info']} 条"
    if s.get("accepted"):
        explained = Counter[str](f.severity for f in findings if review is not None and review.of(f) is not None)
        out += f"，已说明 {s['accepted']} 条（错误 {explained['error']} 条、提示 {explained['warning']} 条）"
    if s.get("stale"):
        out += f"，过期的说明 {s['stale']} 条"
    clean = not any(f.severity == "error" for f in findings)  # an explained error is still an error
    said = [x for x in ("未发现错误" if clean else "", unchecked_text(coverage)) if x]
    return out + ("　——　" + "；".join(said) if said else "")


def to_json(doc: Document, findings: list[Finding], coverage: Coverage | None = None,
            review: Review | None = None) -> dict[str, Any]:
    tables: dict[str, Any] = {}
    for n in LAYOUTS:
        t = doc.table(n)
        tables[str(n)] = None if t is None else {
            "title": t.title,
            "line": t.line,
            "empty": t.empty,
            "total": table_total(doc, n),
            "rows": len(t.rows),
        }
    return {
        "source": doc.source,
        "document": {"unit": doc.unit, "kind": doc.kind, "year": doc.year},
        "tables": tables,
        "findings": [_with_acceptance(f, review) for f in findings],
        "summary": summary(findings, review),
        "headline": headline(findings, coverage, review),
        **({"stale": [a.as_dict() for a in review.stale]} if review is not None else {}),
        **({"coverage": coverage.as_dict(), "unchecked": _unchecked(coverage)} if coverage is not None else {}),
    }


def _with_acceptance(f: Finding, review: Review | None) -> dict[str, object]:
    out = f.as_dict()
    a = review.of(f) if review is not None else None
    if a is not None:
        out["accepted"] = {**a.as_dict(), "changed": changed_since(f, a)}
    return out


def _unchecked(coverage: Coverage) -> dict[str, Any]:
    n, why = not_checked(coverage)
    return {"count": n, "reasons": why}


def to_text(doc: Document, findings: list[Finding], *, show_info: bool = False,
            coverage: Coverage | None = None, review: Review | None = None) -> str:
    s = summary(findings, review)
    head = [
        f"文件：{doc.source}",
        f"单位：{doc.unit or '（未识别）'}　类型：{doc.kind}　年度：{doc.year or '（未识别）'}",
        f"读到 {sum(1 for n in LAYOUTS if doc.table(n) is not None)}/{len(LAYOUTS)} 张表，"
        f"叙述数字 {len(doc.narrative.figures)} 个，绩效目标表 {len(doc.projects)} 张",
        headline(findings, coverage, review),
        *(summary_lines(coverage) if coverage is not None else ()),
        "",
    ]
    body: list[str] = []
    explained: list[Finding] = []
    for f in collapse_tails(findings) if show_info else findings:
        if f.severity == "info" and not show_info:
            continue
        if review is not None and review.of(f) is not None:
            explained.append(f)  # listed apart, below: what is new comes first
            continue
        where = _where(f)
        if f.suggested is not None:
            # One wrong figure: named once, the identities it breaks listed under it.
            line = f.follows_from.line if f.follows_from is not None else None
            body.append(f"{REPORT_WORDS[f.severity]}\t{f.rule}\t{f'第{line}行' if line else where}\t{f.diagnosis}")
        under = "　└ " if f.follows_from is not None else ""
        body.append(f"{under}{REPORT_WORDS[f.severity]}\t{f.rule}\t{where}\t{f.message}{_key(f)}")
    if s["info"] and not show_info:
        body.append(f"（另有尾差/信息 {s['info']} 条，加 --all 显示）")
    if review is not None:
        body += _reviewed(explained, review)
    return "\n".join(head + body) + "\n"


def _key(f: Finding) -> str:
    # The finding's stable key, last on its line: what `xltools accept` takes.
    return f"\t[{f.key}]" if f.key else ""


def _where(f: Finding) -> str:
    """Where a finding rests: its lines (and pages, read from a PDF), or a workbook's cells."""
    lines = "、".join(str(x) for x in f.lines)
    where = f"第{lines}行" if lines else "—"
    pages = sorted({w.page for w in f.where if w.page is not None})  # read from a PDF
    if pages:
        where += f"（第{'、'.join(str(p) for p in pages)}页）"
    cells = [w for w in f.where if w.sheet]
    if cells:
        where = "、".join(f"{w.sheet}!{w.cell}" for w in cells)
    return where


def _reviewed(explained: list[Finding], review: Review) -> list[str]:
    """The explained findings, each with its reason and who gave it; then the explanations
    whose finding is gone."""
    out: list[str] = []
    if explained:
        out += ["", f"已说明（{len(explained)} 条）："]
    for f in explained:
        a = review.of(f)
        assert a is not None
        out.append(f"已说明（{REPORT_WORDS[f.severity]}）\t{f.rule}\t{_where(f)}\t{f.message}{_key(f)}")
        out.append(f"　　说明：{a.said()}")
        if changed_since(f, a):
            out.append(f"　　注意：说明时该问题为“{a.finding}”，数字已有变化，请确认说明是否仍然适用")
    if review.stale:
        out += ["", f"过期的说明（{len(review.stale)} 条，对应的问题已不存在，可从说明记录中删除）："]
        out += [f"过期的说明\t{a.origin}\t[{a.key}]\t{a.said()}" for a in review.stale]
    return out
