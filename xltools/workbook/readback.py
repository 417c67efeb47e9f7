"""A workbook's cells back into a `Document` and a source of values: the one read-back
that `xltools check BOOK.xlsx` and every Excel button use. The stored structure (hidden
sheet `_结构`) gives what the text said, the table sheets the rows as the user left them.

Rows are matched to the stored ones by (code, name) in order; a row the user added gets a
key from its code (coded tables) or its position, and hangs under the nearest row above
it that holds other rows. Input cells are read from the sheet; a derived cell's printed
figure is its 原表数, as the workbook keeps it.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from xltools.core.findings import EDITED_PRINTED, Where
from xltools.core.layouts import LAYOUTS, code_level
from xltools.core.model import Amount, Document, ReadNote, Row, Table
from xltools.evaluation.plan import cell_key, derivations, place, plan_document
from xltools.read.errors import ReadError
from xltools.workbook import structure
from xltools.workbook.address import AddressMap, cell, grid_for
from xltools.workbook.statements import place_narrative, place_performance
from xltools.workbook.sheets import TABLE_SHEETS
from xltools.core.references import Ref, TableCell
from xltools.rules.resolve import DocumentValues

Grid = list[list[Any]]
Positions = dict[tuple[int, str], int]  # (table, row key) → 1-based sheet row


@dataclass
class ReadBack:
    doc: Document
    positions: Positions = field(default_factory=dict)


def stored_document(values: dict[str, Grid], source: str = "当前工作簿") -> Document:
    grid = values.get(structure.SHEET)
    if not grid:
        raise ReadError(source, None, f"不是 xltools 工作簿（没有隐藏表 {structure.SHEET}），请用 xltools import 或“导入”按钮生成",
                        f"not an xltools workbook (no hidden sheet {structure.SHEET}): make one with xltools import or the 导入 button")
    try:
        return structure.from_json("".join(str(r[0] or "") for r in grid if r))
    except (ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as exc:
        raise ReadError(source, None, f"{structure.SHEET} 工作表已损坏，无法还原表结构",
                        f"the {structure.SHEET} sheet is damaged: the table structure cannot be restored") from exc


def _cell(grid: Grid, row: int, col: int) -> Any:
    if row - 1 < len(grid) and col - 1 < len(grid[row - 1]):
        return grid[row - 1][col - 1]
    return None


def _amount(v: Any) -> Amount:
    if isinstance(v, bool) or v is None or v == "":
        return None
    if isinstance(v, (int, float)):
        return float(v)
    try:
        return float(str(v).replace(",", ""))
    except ValueError:
        return None


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


# A 原表数 the officer changed after import: the workbook's 校验 still measures 尾差 from the
# figure as imported, so `check BOOK.xlsx` says which figure and how to make them one again
# (EDITED_PRINTED).


def _edited(n: int, at: str, row: Row, column: str, was: Amount, now: Amount) -> ReadNote | None:
    if (was is None) == (now is None) and (was is None or abs((was or 0.0) - (now or 0.0)) < 0.0005):
        return None
    shown = [f"{v:,.2f}" if v is not None else "空" for v in (was, now)]
    return ReadNote(EDITED_PRINTED, f"{TABLE_SHEETS[n]}!{at}（{row.name}·{column}）的原表数已改：导入时 {shown[0]}，"
                                    f"现为 {shown[1]}。“校验”表仍按导入时的原表数计算，点“重新计算”后与本检查一致",
                    None, n)


def _read_table(n: int, grid: Grid, base: Table | None, positions: Positions,
                edits: list[ReadNote]) -> Table | None:
    plan = place(n, base)
    g = grid_for(plan)
    economic = LAYOUTS[n].kind.labels == "names"  # two label columns, neither a code
    rows: list[Row] = []
    used: set[str] = set()
    for side_i, (side, (_, placed)) in enumerate(zip(g.sides, plan.sides)):
        known = [p for p in placed]
        last_parent: str | None = None
        for r in range(g.first_row, len(grid) + 1):
            labels = [_text(_cell(grid, r, c)) for c in side.label_cols]
            amounts = {k: _amount(_cell(grid, r, c)) for k, c in side.amount_cols.items()}
            if not any(labels) and all(v is None for v in amounts.values()):
                continue
            coded = len(side.label_cols) == 2 and not economic
            code = labels[0] if coded else ""
            name = labels[-1] if coded else labels[0]
            match = next((p for p in known if p.key not in used and p.code == code and p.name == name), None)
            if match is None:
                match = next((p for p in known if p.key not in used and code and p.code == code), None)
            if match is not None:
                used.add(match.key)
                src = match.row
                key = match.key
                if src is None and all(not v for v in amounts.values()):
                    continue  # a fixed row the text lacks, still blank: keep it lacking
                row = src if src is not None else Row(key, match.name, {}, 0, code=match.code or None,
                                                      kind="total" if match.level == 0 else "item", level=match.level)
            else:
                prefix = LAYOUTS[n].kind.side_prefix if side_i == 0 else ""
                key = prefix + code if code else f"x{side_i}_{r}"
                if key in used:
                    continue
                used.add(key)
                row = Row(key, name, {}, 0, code=code or None, kind="item",
                          level=code_level(code) if code else 2, parent=None if code else last_parent,
                          second_name=labels[1] if economic and len(labels) > 1 else None)
            if row.kind != "item" and row.kind != "total":
                last_parent = row.key
            positions[(n, row.key)] = r
            orig = {k: _amount(_cell(grid, r, g.orig_cols[k])) for k in side.amount_cols if k in g.orig_cols}
            if match is not None and match.row is not None and match.row.line:
                for k, v in orig.items():
                    note = _edited(n, cell(g.orig_cols[k], r), match.row, k, match.row.get(k), v)
                    if note is not None:
                        edits.append(note)
            # Every 原表数 for now: `_settle` keeps those that differ from the cells.
            rows.append(dataclasses.replace(row, amounts=amounts, printed=orig))
    if base is None and not rows:
        return None
    has = any(v is not None for row in rows for v in row.amounts.values())
    return Table(n, base.title if base else "", base.line if base else 0,
                 bool(base.empty if base else True) and not has, tuple(rows), base.label_line if base else None)


def _settle(doc: Document) -> Document:
    """Derived cells keep the figure the text printed (their 原表数); inputs are as typed, with
    the figure the document printed beside them where the officer changed it (None for a row
    the officer added), so that a workbook built again from this document still tells the edit
    from the document's own 尾差. A table with no 原表数 at all (filled by hand) has no edits."""
    plans = plan_document(doc)
    derived = {k for p in plans.values() for k in p.derived}
    tables: dict[int, Table | None] = {}
    for n, t in doc.tables.items():
        if t is None:
            tables[n] = None
            continue
        imported = any(v is not None for row in t.rows for v in row.printed.values())
        rows = []
        for row in t.rows:
            amounts: dict[str, Amount] = dict(row.amounts)
            printed: dict[str, Amount] = {}
            for k, v in row.amounts.items():
                orig = row.printed.get(k)
                if TableCell(n, row.key, k) in derived:
                    amounts[k] = orig
                elif imported and orig != v:
                    printed[k] = orig
            rows.append(dataclasses.replace(row, amounts=amounts, printed=printed))
        tables[n] = dataclasses.replace(t, rows=tuple(rows))
    return dataclasses.replace(doc, tables=tables)


def read_back(values: dict[str, Grid], source: str = "当前工作簿") -> ReadBack:
    base = stored_document(values, source)
    positions: Positions = {}
    tables: dict[int, Table | None] = {}
    edits: list[ReadNote] = []
    for n in LAYOUTS:
        grid = values.get(TABLE_SHEETS[n])
        tables[n] = _read_table(n, grid, base.table(n), positions, edits) if grid is not None else base.table(n)
    kept = tuple(note for note in base.notes if note.rule != EDITED_PRINTED)  # said afresh at each read
    doc = dataclasses.replace(base, tables=tables, notes=kept + tuple(edits))
    return ReadBack(_settle(doc), positions)


class SheetValues:
    """The rules' source of values in a workbook: each figure as its cell holds it now
    (`value`), and as printed (`printed`: a derived cell's 原表数, or the cell itself where
    the officer filled the table by hand and there is none)."""

    def __init__(self, values: dict[str, Grid], source: str = "当前工作簿") -> None:
        back = read_back(values, source)
        self.doc = back.doc
        self.positions = back.positions
        self._grids = values
        plans = plan_document(self.doc)
        self._derived = derivations(plans)
        self._sheets = {n: grid_for(p) for n, p in plans.items()}
        amap = AddressMap(plans, self._sheets)
        place_narrative(self.doc, amap)
        place_performance(self.doc, amap)
        self._other = amap.other
        self._lines = DocumentValues(self.doc)

    @property
    def grids(self) -> dict[str, Grid]:
        """Every sheet's values as read: the 问题 sheet's typed explanations are read from here."""
        return self._grids

    def place(self, ref: Ref) -> tuple[str, str] | None:
        """The sheet and cell of the figure `ref` names, as the user left the sheet."""
        key = cell_key(ref)
        if key is None:
            return self._other.get(ref)
        row = self.positions.get((key.table, key.row))
        col = self._sheets[key.table].main_col(key.column)
        return (TABLE_SHEETS[key.table], cell(col, row)) if row and col else None

    def _at(self, place: tuple[str, str] | None) -> float | None:
        if place is None:
            return None
        grid = self._grids.get(place[0]) or []
        col, row = _split(place[1])
        return _amount(_cell(grid, row, col))

    def value(self, ref: Ref) -> float | None:
        return self._at(self.place(ref))

    def printed(self, ref: Ref) -> float | None:
        key = cell_key(ref)
        if key is not None and key in self._derived:
            row = self.positions.get((key.table, key.row))
            col = self._sheets[key.table].orig_cols.get(key.column)
            if row and col:
                orig = self._at((TABLE_SHEETS[key.table], cell(col, row)))
                if orig is not None:
                    return orig
        return self.value(ref)

    def original(self, key: TableCell) -> float | None:
        """A table cell's figure in the 原表数 block (input or derived alike): what the document
        printed before any edit; None where the block is empty (a row added, a template)."""
        row = self.positions.get((key[0], key[1]))
        col = self._sheets[key[0]].orig_cols.get(key[2]) if key[0] in self._sheets else None
        return self._at((TABLE_SHEETS[key[0]], cell(col, row))) if row and col else None

    def where(self, ref: Ref) -> Where | None:
        src = self._lines.where(ref)
        place = self.place(ref)
        line = src.line or None if src else None  # a row the user added has no source line
        table = src.table if src else None
        if place is None:
            return Where(line=line, table=table) if src else None
        return Where(line=line, table=table, sheet=place[0], cell=place[1])


def _split(a1: str) -> tuple[int, int]:
    from openpyxl.utils.cell import coordinate_from_string, column_index_from_string

    letters, row = coordinate_from_string(a1)
    return column_index_from_string(letters), row
