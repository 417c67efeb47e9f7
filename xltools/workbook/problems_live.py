"""The live part of the 问题 sheet: the 不符 and 提示 that an edit made, listed by formulas.

The import's problems are fixed rows of 问题 (problems.py); an edit can make new ones. They are
listed here with formulas that Excel 2010 and later, WPS and LibreOffice all evaluate, as does
the fast path: no FILTER/SORT/XLOOKUP (Excel 365 only), no INDEX (its reference form is not
vetted for the fast path), only IF, LOOKUP and the comparison operators.

How: two hidden running counts in 校验, one of the 不符 and one of the 提示 that 问题's fixed rows
do not list, each row adding a millionth (STEP) so that they increase strictly. LOOKUP's binary
search then finds the k-th one: the last row whose count is at most k - 0.5 is the row just
above the k-th, and the result vector starts one row lower. 不符 are numbered first, then the
提示. Each listed row keeps the 校验 序号 it found in a hidden column, and every other cell
looks its column up by that 序号 (column A of 校验: 1, 2, 3, … ascending).

The finding's key sits in another hidden column of 校验, so a live row's 编号 is its finding's
key, as the fixed rows' are, and an explanation typed beside it reads back for that finding
(while the list stays as it was when it was typed).
"""
from __future__ import annotations

from dataclasses import dataclass

from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from xltools.core.verdicts import ADVISORY, MISMATCH
from xltools.workbook.cells import height_for, put_text
from xltools.workbook.fast_cells import cell_at
from xltools.workbook.openpyxl_internals import put_value
from xltools.workbook.checksheet import FIRST as CHECK_FIRST, VERDICT_COL, CheckRow, Col
from xltools.workbook.problems_columns import FROM_CHECKS_FIGURES, FROM_CHECKS_TEXT, PCol
from xltools.workbook.sheets import AMOUNT_FORMAT, BOX, CHECKS, NOTE_FONT, quoted

# At most this many rows for the problems an edit makes: beyond that the note above the list
# says how many more 校验 holds. Each row costs the fast path a recalculation of its lookups
# whenever a verdict moves, and an empty row still prints (blank) in LibreOffice.
CAP = 50
LIVE_ROW_HEIGHT = height_for(2, 10)
# Added to each row's count, so that a count column increases strictly: no two rows tie, and
# LOOKUP finds one row in every engine (with ties, a binary search may land on any of them).
# 1500 rows of 校验 add 0.0015: the totals are the counts rounded.
STEP = "0.000001"
# The helpers' numbers show nothing: LibreOffice prints a number in a hidden column as ###.
SILENT = ";;;"
# The running counts live on a hidden sheet of their own, not in hidden columns of 校验: an
# officer who unhides 校验 to print it would get a ### beside every row from LibreOffice.
INDEX_SHEET = "_问题索引"
SEQ_HEAD = "校验序号"
RANK_HEAD = "名次"
KEY_HEAD = "编号"
WRAP_TOP = Alignment(vertical="center", wrap_text=True)


@dataclass(frozen=True)
class Counts:
    """The index sheet's columns, row for row beside 校验's, and the row whose counts are the
    totals."""
    mismatch: str  # running count of the unlisted 不符
    advisory: str  # running count of the unlisted 提示
    key: str  # each row's finding key
    last: int  # the last rule row of 校验 (READ notes below it are never problems)
    sheet: str = INDEX_SHEET

    def total(self, col: str) -> str:
        return f"ROUND({quoted(self.sheet)}!${col}${self.last},0)"

    @property
    def unlisted(self) -> str:
        """How many 不符 and 提示 of 校验 the fixed rows of 问题 do not list, live."""
        return f"({self.total(self.mismatch)}+{self.total(self.advisory)})"


def number_checks(ws: Worksheet, checks: list[CheckRow], listed: set[int], keys: dict[int, str]) -> Counts | None:
    """Write the index sheet `ws` (hidden): row for row beside 校验's, the running counts of its
    不符 and 提示 and each row's finding key; `listed`: the 校验 rows that 问题 shows as fixed
    rows, never counted here. None when 校验 has no rule row."""
    if not checks:
        return None
    m, a, k = "A", "B", "C"
    head = CHECK_FIRST - 1
    ws[f"{m}{head}"] = 0  # the counts before the first row: LOOKUP's vectors start here
    ws[f"{a}{head}"] = 0
    put_text(ws, head, 3, KEY_HEAD)
    verdict = f"{quoted(CHECKS)}!{VERDICT_COL}"
    counted = tuple((column_index_from_string(col), col, word) for col, word in ((m, MISMATCH), (a, ADVISORY)))
    for row in checks:
        r = row.row
        for index, col, word in counted:
            step = STEP if r in listed else f'IF({verdict}{r}="{word}",1,0)+{STEP}'
            put_value(cell_at(ws, r, index), f"={col}{r - 1}+{step}")  # `ws[f"{col}{r}"] = …`
        put_text(ws, r, 3, keys[r])
    ws.sheet_state = "hidden"
    return Counts(m, a, k, max(row.row for row in checks), ws.title)


def _lookup(counts: Counts, seq: str, col: str, sheet: str = CHECKS) -> str:
    """Column `col` of `sheet` (校验, or the index beside it) at the 校验 row whose 序号 is in
    cell `seq`."""
    c, last = quoted(CHECKS), counts.last
    return f"LOOKUP({seq},{c}!$A${CHECK_FIRST}:$A${last},{quoted(sheet)}!${col}${CHECK_FIRST}:${col}${last})"


def _kth(counts: Counts, i: str) -> str:
    """The 校验 序号 of the unlisted problem whose rank (不符 first) is in cell `i`, or 0 when
    there are fewer (a number: the lookups of an empty row then stay on the fast path's
    numeric search)."""
    c, last = quoted(CHECKS), counts.last
    nm, na = counts.total(counts.mismatch), counts.total(counts.advisory)
    numbers = f"{c}!$A${CHECK_FIRST}:$A${last}"

    def find(col: str, k: str) -> str:
        return f"LOOKUP({k}-0.5,{quoted(counts.sheet)}!${col}${CHECK_FIRST - 1}:${col}${last - 1},{numbers})"

    return (f'=IF({i}<={nm},{find(counts.mismatch, str(i))},'
            f'IF({i}<={nm}+{na},{find(counts.advisory, f"{i}-{nm}")},0))')


# (问题 column, 校验 column): the columns a live row looks up. A text column appends ""
# so that an empty 校验 cell shows empty, not 0; a figure is looked up twice for the same reason.
TEXT_COLUMNS = FROM_CHECKS_TEXT
FIGURE_COLUMNS = FROM_CHECKS_FIGURES


def write_live_rows(ws: Worksheet, counts: Counts, start: int, rows: int, *, number_from: int,
                    check_col: int, key_col: int, seq_col: int, ncols: int) -> None:
    """`rows` formula rows from row `start`: the i-th shows the i-th unlisted problem of 校验.
    `number_from`: the 序号 shown before the first; `check_col`: where the 校验 序号 shows.
    Two hidden columns from `seq_col`: the 校验 序号 found, and the rank i as a number (every
    row's formulas are then the same template, compiled once by the fast path)."""
    seq_letter, rank_letter = get_column_letter(seq_col), get_column_letter(seq_col + 1)
    put_text(ws, start - 1, seq_col, SEQ_HEAD)
    put_text(ws, start - 1, seq_col + 1, RANK_HEAD)
    for i in range(1, rows + 1):
        r = start + i - 1
        seq = f"${seq_letter}{r}"
        none = f"{seq}=0"
        ws.cell(r, seq_col + 1).value = i
        ws.cell(r, seq_col).value = _kth(counts, f"${rank_letter}{r}")
        ws.cell(r, seq_col).number_format = ws.cell(r, seq_col + 1).number_format = SILENT
        ws.cell(r, PCol.NUMBER).value = f'=IF({none},"",${rank_letter}{r}+{number_from})'
        # The 不符 are ranked first: the verdict follows from the rank, with no lookup (a
        # lookup over 校验's verdicts would run again after every edit anywhere).
        ws.cell(r, PCol.VERDICT).value = (f'=IF({none},"",IF(${rank_letter}{r}<={counts.total(counts.mismatch)},'
                               f'"{MISMATCH}","{ADVISORY}"))')
        for col, src in TEXT_COLUMNS:
            ws.cell(r, col).value = f'=IF({none},"",{_lookup(counts, seq, get_column_letter(src))}&"")'
        ws.cell(r, key_col).value = f'=IF({none},"",{_lookup(counts, seq, counts.key, counts.sheet)}&"")'
        for col, src in FIGURE_COLUMNS:
            got = _lookup(counts, seq, get_column_letter(src))
            ws.cell(r, col).value = f'=IF({none},"",IF({got}&""="","",{got}))'
            ws.cell(r, col).number_format = AMOUNT_FORMAT
        ws.cell(r, check_col).value = f'=IF({none},"",{seq})'
        for c in range(1, ncols + 1):
            ws.cell(r, c).alignment = WRAP_TOP
        # Two lines: no viewer re-measures a row when a formula's text changes, and most rules'
        # descriptions and subjects take two lines in their columns (longer ones are cut).
        ws.row_dimensions[r].height = LIVE_ROW_HEIGHT
    ws.column_dimensions[seq_letter].hidden = True
    ws.column_dimensions[rank_letter].hidden = True
    if rows:
        # A border only where a row shows a problem: the empty rows stay blank on screen and paper.
        end = start + rows - 1
        ws.conditional_formatting.add(f"A{start}:{get_column_letter(ncols)}{end}",
                                      FormulaRule(formula=[f'${seq_letter}{start}>0'], border=BOX))


def heading(ws: Worksheet, row: int, ncols: int, printed: int | None = None) -> None:
    """The live list's heading; `printed`: how many of its rows print, where not all."""
    more = f"；打印时印出前 {printed} 条，其余见“校验”表" if printed is not None else ""
    put_text(ws, row, 1, f"编辑后出现的不符与提示（不符在前；随数据实时列出，更正后自动消失{more}）").font = NOTE_FONT
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
