"""Labels of the narrative: which canonical subject a printed label names, per section.

Labels are matched at their right end (the words just before the number), because the
start of a sentence carries the unit's own name, which may contain any word.
"""
from __future__ import annotations

import difflib
import re

from xltools.core.layouts import CLASS_NAMES, FUND_TYPES

# (pattern on the label's right end, subject)
_SOURCE_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"一般公共预算(?:财政)?(?:拨款)?(?:收入)?(?:资金)?", "一般公共预算"),
    (r"政府性基金(?:预算)?(?:拨款)?(?:收入)?(?:资金)?", "政府性基金预算"),
    (r"国有资本经营(?:预算)?(?:拨款)?(?:收入)?(?:资金)?", "国有资本经营预算"),
    (r"财政专户(?:管理)?(?:资金)?(?:收入)?", "财政专户管理资金"),
    (r"单位资金(?:收入)?", "单位资金"),
)

# A "*" subject applies only to the first amount of its section (the sentence's head):
# "…预算收入1,271.91万元，主要包括…" names the total with a bare word.
_S1 = (
    (r"本年(?:单位)?(?:预算)?收入(?:合计)?$", "本年收入"),
    (r"(?:本年|当年)(?:单位)?(?:预算安排|(?:预算)?支出(?:合计)?)$", "本年支出"),
    (r"收入(?:预算)?(?:总计|合计|总额)$", "收入总计"),
    (r"支出(?:预算)?(?:总计|合计|总额)$", "支出总计"),
    (r"上年结转(?:收入|资金|安排)?$", "上年结转"),
    (r"收入(?:预算)?$", "收入总计"),
    (r"支出(?:预算)?$", "支出总计"),
)
_S2 = tuple((p + "$", "收入:" + s) for p, s in _SOURCE_PATTERNS) + (
    (r"上年结转(?:收入|资金)?$", "上年结转"),
    (r"本年(?:预算)?收入(?:合计)?$", "本年收入"),
    (r"收入(?:预算)?(?:总计|合计|总额)$", "收入总计"),
    (r"收入(?:预算)?$", "*收入总计"),
)
_S3 = (
    (r"基本支出(?:预算)?$", "支出:基本支出"),
    (r"项目支出(?:预算)?$", "支出:项目支出"),
    (r"支出(?:预算)?(?:总计|合计|总额)$", "支出:合计"),
    (r"支出(?:预算)?$", "*支出:合计"),
)
_S4 = (
    (r"(?:总预算|收支(?:预算)?(?:总计|合计|总额)|收入总计)$", "财政拨款:收入总计"),
    (r"(?:当年|本年)(?:财政)?拨款(?:收入)?$|本年收入(?:合计)?$", "财政拨款:本年收入"),
    (r"上年(?:财政拨款)?结转(?:收入|资金)?$", "财政拨款:上年结转"),
) + tuple((p + "$", "财政拨款:" + s) for p, s in _SOURCE_PATTERNS if s in FUND_TYPES) + (
    (r"(?:财政拨款|收支|收入)(?:预算)?$", "*财政拨款:收入总计"),
)
_S5 = ((r"(?:一般公共预算|当年|本年)\S*支出(?:预算|规模)?$", "一般公共预算:当年支出"),)
_S6 = (
    (r"人员经费$", "基本支出:人员经费"),
    (r"公用经费$", "基本支出:公用经费"),
    (r"基本支出(?:预算)?$", "一般公共预算:基本支出"),
)
# 三公 items: searched anywhere in the label, most specific first.
_SANGONG = (
    (r"购置及运行", "三公:公务用车购置及运行费"),
    (r"运行(?:维护)?费", "三公:公务用车运行维护费"),
    (r"购置费", "三公:公务用车购置费"),
    (r"接待", "三公:公务接待费"),
    (r"出国", "三公:因公出国（境）费"),
    (r"三公|合计|总额", "三公:合计"),
)
_S9 = (
    (r"货物(?:类)?(?:采购)?(?:预算)?(?:资金|金额)?$", "政府采购:货物"),
    (r"工程(?:类)?(?:采购)?(?:预算)?(?:资金|金额)?$", "政府采购:工程"),
    (r"服务(?:类)?(?:采购)?(?:预算)?(?:资金|金额)?$", "政府采购:服务"),
    (r"(?:总额|总计|合计|预算|金额)$", "政府采购:总额"),
)
BY_SECTION: dict[int, tuple[tuple[str, str], ...]] = {1: _S1, 2: _S2, 3: _S3, 4: _S4, 5: _S5, 6: _S6, 9: _S9}
# Sections whose year-on-year change belongs to the sentence's head amount, not the last one.
HEADS: dict[int, frozenset[str]] = {1: frozenset({"收入总计", "支出总计"})}

_TRAIL = re.compile(r"(?:为|是|约|共计|达到?|[：:\s])+$")


def tidy(label: str) -> str:
    s = re.sub(r"\s+", "", label)
    s = s.replace("(", "（").replace(")", "）")
    return _TRAIL.sub("", s)


def subject_for(section: int, label: str, head: str | None = None, first: bool = True) -> str | None:
    s = tidy(label)
    if section == 7:
        for pat, subj in _SANGONG:
            if re.search(pat, s):
                return subj
        return None
    if section == 8:
        return "机关运行经费" if "机关运行经费" in s or "运行经费" in s else None
    for pat, subj in BY_SECTION.get(section, ()):
        if subj.startswith("*"):
            if not first:
                continue
            subj = subj[1:]
        if re.search(pat, s):
            if section == 1 and subj == "上年结转" and head == "支出总计":
                return "支出:上年结转"
            return subj
    return None


_CLASS_BY_NAME = {name: code for code, name in CLASS_NAMES.items()}
_LEAD = re.compile(r"^(?:其中|主要|用于|包括|以下方面|分别|为|是)+")


def class_label(label: str) -> str:
    """The 类 name a list item quotes, without list words around it."""
    return _LEAD.sub("", tidy(label))


def resolve_class(name: str) -> str:
    """The 类 code a quoted name means: exact, or one clearly closest name (a typo)."""
    if name in _CLASS_BY_NAME:
        return _CLASS_BY_NAME[name]
    scored = sorted(((difflib.SequenceMatcher(None, name, n).ratio(), c) for n, c in _CLASS_BY_NAME.items()),
                    reverse=True)
    if scored and scored[0][0] >= 0.7 and (len(scored) == 1 or scored[0][0] - scored[1][0] >= 0.1):
        return scored[0][1]
    return ""


def looks_like_class(name: str) -> bool:
    return bool(name) and len(name) <= 16 and (name.endswith("支出") or name.endswith("费") or name in _CLASS_BY_NAME)
