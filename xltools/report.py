"""Findings to text for people (Chinese) and to the JSON other tools read."""
from __future__ import annotations

from collections import Counter
from typing import Any

from .coverage import Coverage, summary_lines
from .findings import Finding
from .layouts import LAYOUTS
from .model import Document

_SEV_ZH = {"error": "错误", "warning": "提示", "info": "尾差/信息"}


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
        **({"coverage": coverage.as_dict()} if coverage is not None else {}),
    }


def to_text(doc: Document, findings: list[Finding], *, show_info: bool = False,
            coverage: Coverage | None = None) -> str:
    s = summary(findings)
    head = [
        f"文件：{doc.source}",
        f"单位：{doc.unit or '（未识别）'}　类型：{doc.kind}　年度：{doc.year or '（未识别）'}",
        f"读到 {sum(1 for n in range(1, 14) if doc.table(n) is not None)}/13 张表，"
        f"叙述数字 {len(doc.narrative.figures)} 个，绩效目标表 {len(doc.projects)} 张",
        f"结论：错误 {s['error']} 条，提示 {s['warning']} 条，尾差/信息 {s['info']} 条"
        + ("　——　未发现错误" if s["error"] == 0 else ""),
        *(summary_lines(coverage) if coverage is not None else ()),
        "",
    ]
    body = []
    for f in findings:
        if f.severity == "info" and not show_info:
            continue
        lines = "、".join(str(x) for x in f.lines)
        where = f"第{lines}行" if lines else "—"
        cells = [w for w in f.where if w.sheet]
        if cells:
            where = "、".join(f"{w.sheet}!{w.cell}" for w in cells)
        body.append(f"{_SEV_ZH[f.severity]}\t{f.rule}\t{where}\t{f.message}")
    if s["info"] and not show_info:
        body.append(f"（另有尾差/信息 {s['info']} 条，加 --all 显示）")
    return "\n".join(head + body) + "\n"
