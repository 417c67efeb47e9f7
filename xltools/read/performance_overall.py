"""The overall table (整体支出绩效目标申报表): its 年度预算情况 block, in 万元."""
from __future__ import annotations

from xltools.core.model import OverallTable, ReadNote
from xltools.read.performance_cells import LabelFn, filled, first_label, label_values
from xltools.read.text import Line

SOURCES: tuple[str, ...] = ("合计", "一般公共预算", "政府性基金预算", "国有资本经营预算", "社会保险基金预算",
                            "财政专户管理资金", "单位资金")
DIRECTIONS: tuple[str, ...] = ("合计", "基本支出", "项目支出")
_Q = r"^(?:其中:?)?"
LABELS = LabelFn((
    (r"^(?:合计|总计)$", "合计"),
    (_Q + r"一般公共预算", "source:一般公共预算"),
    (_Q + r"政府性基金", "source:政府性基金预算"),
    (_Q + r"国有资本", "source:国有资本经营预算"),
    (_Q + r"社会保险基金", "source:社会保险基金预算"),
    # "专项/单位资金" (the 部门 form) and "专户/单位资金" are the unit's own money.
    (_Q + r"(?:(?:专项|专户)/)?单位资金", "source:单位资金"),
    (_Q + r"(?:财政)?专户", "source:财政专户管理资金"),
    (_Q + r"基本支出", "direction:基本支出"),
    (_Q + r"项目支出", "direction:项目支出"),
))
# Rows after the budget block: its end (labels start with these words).
_AFTER = ("年度重点任务", "年度重点工作", "年度绩效目标", "年度绩效指标", "绩效指标", "年度主要任务", "一级指标")
# The 按资金来源 header may sit a line or two under a lone 年度预算情况 cell.
_HEADER_REACH = 3


def read_overall(block: list[Line]) -> tuple[OverallTable | None, list[ReadNote]]:
    title = block[0].no
    notes: list[ReadNote] = []
    start = next((k for k, ln in enumerate(block) if "按资金来源" in ln.text or "年度预算情况" in ln.text), None)
    if start is None:
        start = next((k for k, ln in enumerate(block) if any(f[0] == "合计" for f in label_values(filled(ln), LABELS))), None)
    if start is None:
        return None, [ReadNote("READ-UNPLACED", "整体支出绩效目标申报表中未找到年度预算情况，未能读取", title)]
    header = next((ln for ln in block[start : start + _HEADER_REACH] if "按资金来源" in ln.text), block[start])
    heads = {side: c.index for c in filled(header) for side, word in (("source", "按资金来源"), ("direction", "按资金方向"))
             if word in c.text}
    # Amounts are printed in 万元; a header in 元 is converted.
    scale = 1 / 10000 if any(c.text.endswith("(元)") for c in filled(header)) else 1.0
    by: dict[str, dict[str, float | None]] = {"source": {k: None for k in SOURCES},
                                              "direction": {k: None for k in DIRECTIONS}}
    lines: dict[str, int] = {}
    for ln in block[start:]:
        if ln.blank:
            continue
        if first_label(ln).startswith(_AFTER):
            break
        found = label_values(filled(ln), LABELS)
        totals = [f for f in found if f[0] == "合计"]
        for key, cell, value, readable in found:
            if key == "合计":
                side = _total_side(totals.index((key, cell, value, readable)), len(totals), cell.index, heads)
                slot = f"{side}:合计"
            else:
                slot = key
            if slot in lines:
                continue
            if not readable:
                notes.append(ReadNote("READ-UNPLACED", f"整体支出绩效目标申报表“{cell.text}”后不是金额", ln.no))
            side, part = slot.split(":")
            by[side][part] = round(value * scale, 2) if value is not None else None
            lines[slot] = ln.no
    if not lines:
        notes.append(ReadNote("READ-UNPLACED", "整体支出绩效目标申报表的年度预算情况未能读取", title))
    return OverallTable(title, by["source"], by["direction"], lines), notes


def _total_side(nth: int, of: int, index: int, heads: dict[str, int]) -> str:
    order = sorted(heads, key=heads.__getitem__) if len(heads) == 2 else ["source", "direction"]
    if of >= 2:
        return order[min(nth, 1)]
    if len(heads) == 2:
        return min(heads, key=lambda s: abs(index - heads[s]))
    return "source"
