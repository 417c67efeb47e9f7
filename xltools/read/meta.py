"""The document's identity: unit name, 部门 or 单位, year."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from xltools.core.model import DocKind
from xltools.read.regions import Regions
from xltools.read.text import Line

_NAME = re.compile(r"^(单位名称|部门名称)[:：]\s*(.+)$")
_YEAR = re.compile(r"(20\d\d)\s*年度?\s*(部门|单位)预算")


@dataclass(frozen=True)
class Meta:
    unit: str
    kind: DocKind
    year: int | None


def read_meta(lines: list[Line], regions: Regions) -> Meta:
    names: Counter[str] = Counter()
    label_kinds: Counter[str] = Counter()
    for ln in lines:
        m = _NAME.match(ln.text.replace("\t", "").strip())
        if m:
            label_kinds[m.group(1)] += 1
            names[m.group(2).strip()] += 1
    years: Counter[int] = Counter()
    kinds: Counter[str] = Counter()
    for ln in lines[:200]:
        for y, k in _YEAR.findall(ln.text.replace(" ", "")):
            years[int(y)] += 1
            kinds[k] += 1
    unit = names.most_common(1)[0][0] if names else ""
    if kinds:
        kind: DocKind = "部门" if kinds.most_common(1)[0][0] == "部门" else "单位"
    else:
        kind = "部门" if label_kinds and label_kinds.most_common(1)[0][0] == "部门名称" else "单位"
    year = years.most_common(1)[0][0] if years else None
    return Meta(unit, kind, year)
