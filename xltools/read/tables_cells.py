"""Cells of a table line: amounts, codes, names, and the lines that are not rows.

Everything here looks at one line at a time; the table readers decide what a row means.
"""
from __future__ import annotations

import re

from xltools.core.layouts import LAYOUTS
from xltools.core.model import Amount

# At most 15 digits before the point, as Excel keeps: 400 digits are not an amount (float overflows).
_AMOUNT = re.compile(r"^[-−]?(?:\d{1,3}(?:,\d{3}){1,4}|\d{1,15})(?:\.\d+)?$")
# A token split off a space-separated line only counts as an amount when it looks like
# money (decimals or thousands separators): "第 2 批" stays a name.
_MONEY = re.compile(r"^[-−]?(?:\d{1,3}(?:,\d{3}){1,4}(?:\.\d+)?|\d{1,15}\.\d+)$")
_CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
_DASH = frozenset({"-", "—", "－", "–", "/"})
BLANKS = _DASH  # printed for an empty amount
_SPACE = re.compile(r"[\s\u3000\u00a0]+")
_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
_CJK_GAP = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")
_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+[、.．,，]|[（(][一二三四五六七八九十\d]+[)）]|\d{1,2}[、.．]|[①②③④⑤⑥⑦⑧⑨⑩])\s*")
_YEAR = re.compile(r"^\d{4}\s*年?度?")
_META = re.compile(r"^(?:单位名称|部门名称|预算单位|编制单位|填报单位)\s*[:：]|^(?:金额)?单位\s*[:：]\s*(?:万元|元)")
_PAGE = re.compile(r"^(?:[-—–\s]*\d{1,3}[-—–\s]*|第\s*\d+\s*页.*|共\s*\d+\s*页.*)$")
_NOTE = re.compile(r"^(?:注\d*[:：.．、]|注\d+|(?:说明|备注)[:：])")
_EMPTY_NOTE = re.compile(r"(?:本表|此表|该表)?无数据|本表为空|无相关数据")

TOTAL_LABELS = frozenset({"合计", "总计", "部门合计", "单位合计"})

_HEADER_WORDS = {
    "项目", "项目名称", "科目编码", "科目名称", "收入科目编码", "支出科目编码", "功能分类科目编码", "科目",
    "合计", "小计", "总计", "金额", "收入", "支出", "本年收入", "本年支出", "栏次", "预算数",
    "部门预算支出经济科目名称", "政府预算支出经济科目名称", "经济科目名称", "单位名称", "部门名称",
    "基本支出", "项目支出", "人员经费", "公用经费", "当年预算安排", "上年结转安排", "上年结转",
    "财政拨款", "政府性基金", "政府性基金收入预算", "国有资本经营收入预算",
    "国有资本经营预算收入", "国有资本经营预算支出", "本年预算", "上年结转结余",
}
for _layout in LAYOUTS.values():
    for _side in _layout.sides:
        if _side.name:
            _HEADER_WORDS.add(_side.name)
        for _col in _layout.columns:
            _HEADER_WORDS.add(_col.header)
HEADER_WORDS = frozenset(_HEADER_WORDS)


def squash(s: str) -> str:
    """All whitespace removed: the form labels are compared in."""
    return _SPACE.sub("", s)


def norm_name(s: str) -> str:
    """A printed name with wrap spaces removed ("国有资本经营 预算支出" -> one word)."""
    s = _SPACE.sub(" ", s).strip()
    return _CJK_GAP.sub("", s)


def strip_ordinal(s: str) -> str:
    """"十二、城乡社区支出" -> "城乡社区支出"; "①公务用车购置费" -> "公务用车购置费"."""
    return _ORDINAL.sub("", s.strip(), count=1)


def norm_label(s: str) -> str:
    """A label for matching: no spaces, no ordinal prefix, full-width brackets."""
    t = squash(s).replace("(", "（").replace(")", "）")
    return _ORDINAL.sub("", t, count=1)


def is_amount(cell: str) -> bool:
    return bool(_AMOUNT.match(cell)) or cell in _DASH


def is_code(cell: str) -> bool:
    return bool(_CODE.match(cell))


def to_amount(cell: str) -> Amount:
    if not cell or cell in _DASH:
        return None
    return float(cell.replace(",", "").replace("−", "-"))


def is_total_label(cell: str) -> bool:
    return squash(cell) in TOTAL_LABELS


def is_text(cell: str) -> bool:
    return bool(cell) and not is_amount(cell)


def tokens(cells: tuple[str, ...]) -> tuple[list[str], bool]:
    """Cells with space-joined values split apart ("7.75 7.75", "2080506 名称 7.75").

    Returns the cells and whether any was split: a split row has lost its blank cells,
    so its values must be placed by arithmetic."""
    out: list[str] = []
    split = False
    for c in cells:
        parts = c.split()
        if len(parts) > 1 and any(_MONEY.match(p) for p in parts):
            split = True
            text: list[str] = []
            for i, p in enumerate(parts):
                if _MONEY.match(p) or (i == 0 and not out and is_code(p)):
                    if text:
                        out.append(" ".join(text))
                        text = []
                    out.append(p)
                else:
                    text.append(p)
            if text:
                out.append(" ".join(text))
        else:
            out.append(c)
    return out, split


def is_header_cell(cell: str) -> bool:
    t = squash(cell)
    if t in HEADER_WORDS:
        return True
    if "财政拨款" in t or t.endswith(("预算数", "科目编码", "科目名称")) or t.startswith(("项目（", "项目(")):
        return True
    rest = _YEAR.sub("", t)
    return rest != t and (rest == "" or rest in HEADER_WORDS or rest.endswith("合计"))


def _words(filled: tuple[str, ...]) -> list[str]:
    """Cells split at spaces too: a space-separated header line arrives as one cell."""
    return [w for c in filled for w in c.split()]


def is_column_numbers(filled: tuple[str, ...]) -> bool:
    """The 栏次 row: 1 2 3 … (possibly after a 栏次 label)."""
    nums = [c for c in _words(filled) if not is_header_cell(c)]
    if len(nums) < 3 or not all(c.isdigit() for c in nums):
        return False
    return [int(c) for c in nums] == list(range(int(nums[0]), int(nums[0]) + len(nums)))


def is_header(filled: tuple[str, ...], started: bool) -> bool:
    """A header line: no amounts, and header words (and years). Above the first row one
    known word is enough (header cells vary); below it, most cells must be header words
    (a header repeated after a page break). A lone 合计 is a row, not a header."""
    words = _words(filled)
    if not words or any(_AMOUNT.match(c) for c in words):
        return False
    if len(filled) == 1 and is_total_label(filled[0]):
        return False
    # A cell is one header word ("科目 名称" wrapped) or, space-separated, several.
    marks = [m for c in filled for m in ([True] if is_header_cell(c) else [is_header_cell(w) for w in c.split()])]
    known = sum(marks)
    return known > 0 if not started else 2 * known > len(marks)


def is_meta(filled: tuple[str, ...]) -> bool:
    """单位名称：… / 部门名称：… / 单位：万元 lines, and bare page numbers."""
    if any(_META.match(squash(c)) for c in filled):
        return True
    return len(filled) == 1 and bool(_PAGE.match(filled[0]))


def is_note(filled: tuple[str, ...]) -> bool:
    """注：… / 说明：… lines under a table (not a row named 注册费)."""
    return bool(filled) and bool(_NOTE.match(squash(filled[0])))


def says_empty(filled: tuple[str, ...]) -> bool:
    return bool(_EMPTY_NOTE.search(squash("".join(filled))))
