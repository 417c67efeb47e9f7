"""The open workbook's cells back into a `Document`: the stored structure (hidden sheet
`_结构`) for what the text said, the table sheets for the rows as the user left them.

Rows are matched to the stored ones by (code, name) in order; a row the user added gets a
key from its code (coded tables) or its position, and hangs under the nearest row above
it that holds other rows. Input cells are read from the sheet; a derived cell's printed
figure is its 原表数, as the workbook keeps it.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from ..layouts import LAYOUTS, T9_INCOME_PREFIX
from ..model import Amount, Document, Row, Table
from ..render import structure
from ..render.address import grid_for
from ..render.plan import place, plan_document
from ..render.sheets import TABLE_SHEETS
from .messages import UserError

Grid = list[list[Any]]
Positions = dict[tuple[int, str], int]  # (table, row key) → 1-based sheet row


@dataclass
class ReadBack:
    doc: Document
    positions: Positions = field(default_factory=dict)


def stored_document(values: dict[str, Grid]) -> Document:
    grid = values.get(structure.SHEET)
    if not grid:
        raise UserError("这不是 xltools 导入过的工作簿（缺少隐藏表 _结构），请先导入文本",
                        "not an xltools workbook with a document (hidden sheet _结构 missing): import a text first")
    return structure.from_json("".join(str(r[0] or "") for r in grid if r))


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


def _level(code: str) -> int:
    return {3: 1, 5: 2, 7: 3}.get(len(code), 1)


def _read_table(n: int, grid: Grid, base: Table | None, positions: Positions) -> Table | None:
    plan = place(n, base)
    g = grid_for(plan)
    base_rows = list(base.rows) if base else []
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
            coded = len(side.label_cols) == 2 and n != 6
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
                prefix = T9_INCOME_PREFIX if n == 9 and side_i == 0 else ""
                key = prefix + code if code else f"x{side_i}_{r}"
                if key in used:
                    continue
                used.add(key)
                kind = "item"
                row = Row(key, name, {}, 0, code=code or None, kind=kind,
                          level=_level(code) if code else 2, parent=None if code else last_parent,
                          second_name=labels[1] if n == 6 and len(labels) > 1 else None)
            if row.kind != "item" and row.kind != "total":
                last_parent = row.key
            elif n in (6, 11) and row.kind == "class":
                last_parent = row.key
            positions[(n, row.key)] = r
            orig = {k: _amount(_cell(grid, r, g.orig_cols[k])) for k in side.amount_cols if k in g.orig_cols}
            rows.append(dataclasses.replace(row, amounts={**amounts, **{f"原:{k}": v for k, v in orig.items()}}))
    if base is None and not rows:
        return None
    has = any(v is not None for row in rows for k, v in row.amounts.items() if not k.startswith("原:"))
    return Table(n, base.title if base else "", base.line if base else 0,
                 bool(base.empty if base else True) and not has, tuple(rows), base.label_line if base else None)


def _settle(doc: Document) -> Document:
    """Derived cells keep the figure the text printed (their 原表数); inputs are as typed."""
    plans = plan_document(doc)
    derived = {k for p in plans.values() for k in p.derived}
    tables: dict[int, Table | None] = {}
    for n, t in doc.tables.items():
        if t is None:
            tables[n] = None
            continue
        rows = []
        for row in t.rows:
            amounts: dict[str, Amount] = {}
            for k, v in row.amounts.items():
                if k.startswith("原:"):
                    continue
                amounts[k] = row.amounts.get(f"原:{k}") if (n, row.key, k) in derived else v
            rows.append(dataclasses.replace(row, amounts=amounts))
        tables[n] = dataclasses.replace(t, rows=tuple(rows))
    return dataclasses.replace(doc, tables=tables)


def read_back(values: dict[str, Grid]) -> ReadBack:
    base = stored_document(values)
    positions: Positions = {}
    tables: dict[int, Table | None] = {}
    for n in LAYOUTS:
        grid = values.get(TABLE_SHEETS[n])
        tables[n] = _read_table(n, grid, base.table(n), positions) if grid is not None else base.table(n)
    return ReadBack(_settle(dataclasses.replace(base, tables=tables)), positions)
