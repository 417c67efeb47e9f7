"""What changed between two drafts, said in Chinese (like `check`'s report) and as JSON: for
`xltools compare` and for the comparison files of `audit --previous`."""
from __future__ import annotations

from xltools.core.findings import Finding
from xltools.core.verdicts import REPORT_WORDS
from xltools.evaluation.changes import Change, Comparison, FindingChange, Status
from xltools.rules.common import money, yuan

# A finding's severity as the comparison names it: as the text report does.
SEVERITY_ZH = REPORT_WORDS
KIND_ZH = {"changed": "改动", "added": "新增", "removed": "删除", "renamed": "改名"}
STATUS_ZH = {"fixed": "已改正", "new": "新增", "remaining": "仍有"}
SECTIONS: tuple[tuple[Status, str], ...] = (
    ("fixed", "二、已改正的问题（初稿有，二稿没有）"),
    ("new", "三、新增的问题（二稿有，初稿没有）"),
    ("remaining", "四、仍有的问题（两稿都有）"),
)


def amount(value: float | str | None, unit: str, decimals: int = 2) -> str:
    """A figure as the document prints it: 万元 with separators, 元 whole, % with its decimals."""
    if value is None:
        return "空"
    if isinstance(value, str):
        return value
    if unit == "元":
        return yuan(value)
    if unit == "%":
        return f"{money(value, decimals)}%"
    if unit == "个":
        return money(value, 0)
    return money(value, decimals)


def change_text(c: Change) -> str:
    """"0.24 → 0.34（+0.10）"; an added row by its new figure, a removed one by its old."""
    if c.kind == "added":
        return f"{c.column} {amount(c.new, c.unit, c.decimals)}"
    if c.kind == "removed":
        return f"{c.column} {amount(c.old, c.unit, c.decimals)}"
    old_decimals = c.decimals if c.old_decimals is None else c.old_decimals
    text = f"{amount(c.old, c.unit, old_decimals)} → {amount(c.new, c.unit, c.decimals)}"
    d = c.diff
    if d is not None and c.unit in ("万元", "元"):
        text += f"（{'+' if d > 0 else ''}{amount(d, c.unit, c.decimals)}）"
    return text


def lines_text(old: int | None, new: int | None) -> str:
    if old is not None and new is not None:
        return f"第{new}行" if old == new else f"初稿第{old}行，二稿第{new}行"
    if new is not None:
        return f"二稿第{new}行"
    if old is not None:
        return f"初稿第{old}行"
    return "—"


def where_text(f: Finding | None) -> str:
    """第126、127、445行（第12页）, as `check` says it."""
    if f is None or not f.lines:
        return ""
    text = f"第{'、'.join(str(x) for x in f.lines)}行"
    pages = sorted({w.page for w in f.where if w.page is not None})
    if pages:
        text += f"（第{'、'.join(str(p) for p in pages)}页）"
    return text


def finding_where(c: FindingChange) -> str:
    old, new = where_text(c.old), where_text(c.new)
    if c.status == "fixed":
        return f"初稿{old}" if old else "—"
    if c.status == "new":
        return f"二稿{new}" if new else "—"
    if old == new:
        return new or "—"
    return f"初稿{old or '—'}，二稿{new or '—'}"


def headline(c: Comparison) -> str:
    n = c.counts()
    errors = n["new_errors"]
    return "结论：二稿" + (f"新增错误 {errors} 条" if errors else "没有新增错误")


def summary_lines(c: Comparison) -> list[str]:
    n = c.counts()
    lines = [
        f"初稿：{c.old.source}　单位：{c.old.unit or '（未识别）'}　年度：{c.old.year or '（未识别）'}　"
        f"错误 {c.old.errors} 条，提示 {c.old.warnings} 条",
        f"二稿：{c.new.source}　单位：{c.new.unit or '（未识别）'}　年度：{c.new.year or '（未识别）'}　"
        f"错误 {c.new.errors} 条，提示 {c.new.warnings} 条",
    ]
    # The unit or the year changed: perhaps not two drafts of one disclosure at all.
    lines += [f"注意：{d.row}{'名称' if d.column == '名称' else ''}不同：{d.old} → {d.new}" for d in c.document]
    lines.append(f"数字：改动 {n['changed']} 处，新增行 {n['added']}，删除行 {n['removed']}，改名 {n['renamed']}")
    new_errors = f"（其中错误 {sum(x.severity == 'error' for x in c.status('new'))} 条）" if n["new"] else ""
    lines.append(f"问题：已改正 {n['fixed']} 条，新增 {n['new']} 条{new_errors}，仍有 {n['remaining']} 条")
    lines.append(headline(c))
    return lines


def to_text(c: Comparison) -> str:
    out = summary_lines(c) + [""]
    out.append("一、数字的变化（初稿 → 二稿）" if c.figures else "一、数字的变化：无")
    for ch in c.figures:
        kind = "" if ch.kind == "changed" else KIND_ZH[ch.kind] + "\t"
        column = "" if ch.kind in ("added", "removed") else ch.column + "\t"
        out.append(f"{ch.place}\t{kind}{ch.row}\t{column}{change_text(ch)}\t{lines_text(ch.old_line, ch.new_line)}")
    for status, title in SECTIONS:
        items = c.status(status)
        out.append("")
        out.append(title if items else title.split("（")[0] + "：无")
        for f in items:
            sev = SEVERITY_ZH[f.severity]
            if f.old is not None and f.new is not None and f.old.severity != f.new.severity:
                sev = f"{SEVERITY_ZH[f.old.severity]}→{sev}"
            out.append(f"{sev}\t{f.finding.rule}\t{finding_where(f)}\t{f.finding.message}")
    if c.matched_by == "message":
        out.append("")
        out.append("（有的问题没有编号，按规则和说明文字对应两稿的问题）")
    return "\n".join(out) + "\n"


def to_json(c: Comparison) -> dict[str, object]:
    return {**c.as_dict(), "headline": headline(c)}


def counts_text(c: Comparison) -> str:
    """One cell of the audit's summary: the figures changed and the findings fixed and new."""
    n = c.counts()
    figures = n["changed"] + n["added"] + n["removed"] + n["renamed"]
    text = f"数字变化 {figures} 处；问题已改正 {n['fixed']}、新增 {n['new']}、仍有 {n['remaining']}"
    if n["new_errors"]:
        text += f"（新增错误 {n['new_errors']}）"
    return "；".join([*(f"{d.row}不同" for d in c.document), text])
