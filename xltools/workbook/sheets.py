"""Sheet names and the styles every sheet shares."""
from __future__ import annotations

import re
from typing import Iterator, Mapping

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from xltools.core.layouts import LAYOUTS
from xltools.workbook.draft import SHEET as DRAFT_SHEET


class _TableSheets(Mapping[int, str]):
    """Table number → its sheet's name, as each layout declares it (`Layout.sheet`): a view,
    so a table declared later has its sheet too."""

    def __getitem__(self, n: int) -> str:
        return LAYOUTS[n].sheet

    def __iter__(self) -> Iterator[int]:
        return iter(LAYOUTS)

    def __len__(self) -> int:
        return len(LAYOUTS)


TABLE_SHEETS: Mapping[int, str] = _TableSheets()
# Short Chinese names: Excel allows 31 characters and forbids []:*?/\ in sheet names.
COVER = "封面"
NARRATIVE = "情况说明"
DRAFT = DRAFT_SHEET  # the 第三部分 drafted from the live figures (draft_sheet.py; named in draft.py)
PERFORMANCE = "绩效"
CHECKS = "校验"
CODES = "代码"
CHARTS = "图表"
PROBLEMS = "问题"

_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def valid_sheet_name(name: str) -> str:
    if len(name) > 31 or _FORBIDDEN.search(name) or not name:
        raise ValueError(f"worksheet name must be 1..31 chars without []:*?/\\: {name!r}")
    return name


def quoted(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


FONT = "Noto Sans CJK SC"
TITLE_FONT = Font(name=FONT, size=14, bold=True)
HEADER_FONT = Font(name=FONT, size=10, bold=True)
BODY_FONT = Font(name=FONT, size=10)
BOLD_FONT = Font(name=FONT, size=10, bold=True)
NOTE_FONT = Font(name=FONT, size=9, color="666666")
LINK_FONT = Font(name=FONT, size=10, color="0563C1", underline="single")
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
ORIG_FILL = PatternFill("solid", fgColor="F2F2F2")
INPUT_FILL = PatternFill("solid", fgColor="FFFFFF")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=False)
RIGHT = Alignment(horizontal="right", vertical="center")
WRAP = Alignment(horizontal="left", vertical="top", wrap_text=True)
AMOUNT_FORMAT = "#,##0.00"
# Derived cells hide zeros the way the printed tables leave a blank.
DERIVED_FORMAT = '#,##0.00;-#,##0.00;""'
TEXT_FORMAT = "@"
FLAG_FILL = PatternFill("solid", fgColor="FF9999", bgColor="FF9999")
TAIL_FILL = PatternFill("solid", fgColor="FFF2CC", bgColor="FFF2CC")
PASS_FILL = PatternFill("solid", fgColor="E2EFDA", bgColor="E2EFDA")
WARN_FILL = PatternFill("solid", fgColor="FFE699", bgColor="FFE699")
COUNT_FORMAT = "0"
RED_FONT = Font(name=FONT, size=11, bold=True, color="C00000")
# The marks a printed figure carries when its recomputation differs: they survive a
# black-and-white printer, where the fill colour does not.
TAIL_MARK, FAIL_MARK = "△", "▲"


def decimals_format(decimals: int, *, percent: bool = False) -> str:
    """A number at the document's decimals: 7.8 printed as "7.8%" keeps one decimal. Shares
    and growth are stored as percent numbers (7.8, not 0.078), so the % is a literal."""
    body = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return body + '"%"' if percent else body
