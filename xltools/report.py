"""Findings to text for people (Chinese) and to the JSON other tools read."""
from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Any, Sequence

from .coverage import Coverage, not_checked, summary_lines, unchecked_text
from .findings import Finding, Where
from .layouts import LAYOUTS
from .model import Document

_SEV_ZH = {"error": "错误", "warning": "提示", "info": "尾差/信息"}
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
    from .rules import BY_ID

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
            out.append(Finding(f.rule, "info", f"{what} 尾差 ×{len(group)}{more}",
                               where=tuple(Where(line=x) for x in rows[:TAIL_LINES])))
    return out


def summary(findings: list[Finding]) -> dict[str, int]:
    c = Counter(f.severity for f in findings)
    return {"error": c["error"], "warning": c["warning"], "info": c["info"]}


def table_total(doc: Document, n: int) -> float | None:
    t = doc.table(n)
    if t is None or t.empty:
        return None
    layout = LAYOUTS[n]
    row = t.row(layout.total_key)
    return row.get(layout.total_column) if row else None


def headline(findings: list[Finding], coverage: Coverage | None = None) -> str:
    """The verdict in one line; it says what could not be checked whenever anything could
    not: a clean report is only worth what was checked."""
    s = summary(findings)
    out = f"结论：错误 {s['error']} 条，提示 {s['warning']} 条，尾差/信息 {s['info']} 条"
    said = [x for x in ("未发现错误" if s["error"] == 0 else "", unchecked_text(coverage)) if x]
    return out + ("　——　" + "；".join(said) if said else "")


def to_json(doc: Document, findings: list[Finding], coverage: Coverage | None = None) -> dict[str, Any]:
    tables: dict[str, Any] = {}
    for n in range(1, 14):
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
        "findings": [f.as_dict() for f in findings],
        "summary": summary(findings),
        "headline": headline(findings, coverage),
        **({"coverage": coverage.as_dict(), "unchecked": _unchecked(coverage)} if coverage is not None else {}),
    }


def _unchecked(coverage: Coverage) -> dict[str, Any]:
    n, why = not_checked(coverage)
    return {"count": n, "reasons": why}


def to_text(doc: Document, findings: list[Finding], *, show_info: bool = False,
            coverage: Coverage | None = None) -> str:
    s = summary(findings)
    head = [
        f"文件：{doc.source}",
        f"单位：{doc.unit or '（未识别）'}　类型：{doc.kind}　年度：{doc.year or '（未识别）'}",
        f"读到 {sum(1 for n in range(1, 14) if doc.table(n) is not None)}/13 张表，"
        f"叙述数字 {len(doc.narrative.figures)} 个，绩效目标表 {len(doc.projects)} 张",
        headline(findings, coverage),
        *(summary_lines(coverage) if coverage is not None else ()),
        "",
    ]
    body = []
    for f in collapse_tails(findings) if show_info else findings:
        if f.severity == "info" and not show_info:
            continue
        lines = "、".join(str(x) for x in f.lines)
        where = f"第{lines}行" if lines else "—"
        pages = sorted({w.page for w in f.where if w.page is not None})  # read from a PDF
        if pages:
            where += f"（第{'、'.join(str(p) for p in pages)}页）"
        cells = [w for w in f.where if w.sheet]
        if cells:
            where = "、".join(f"{w.sheet}!{w.cell}" for w in cells)
        if f.suggested is not None:
            # One wrong figure: named once, the identities it breaks listed under it.
            line = f.follows_from.line if f.follows_from is not None else None
            body.append(f"{_SEV_ZH[f.severity]}\t{f.rule}\t{f'第{line}行' if line else where}\t{f.diagnosis}")
        under = "　└ " if f.follows_from is not None else ""
        body.append(f"{under}{_SEV_ZH[f.severity]}\t{f.rule}\t{where}\t{f.message}")
    if s["info"] and not show_info:
        body.append(f"（另有尾差/信息 {s['info']} 条，加 --all 显示）")
    return "\n".join(head + body) + "\n"
