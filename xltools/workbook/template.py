"""The blank workbook: every sheet laid out like the printed tables, no document in it.

Fixed rows (the 30 类 of 表1/表4, 表10's rows) are there, their totals already formulas,
derived from the rule catalogue as for an imported document; coded tables hold only their
合计 row. No 校验 rows: they are written for a document's own rows at import.
"""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from xltools.core.layouts import CLASS_NAMES, LAYOUTS
from xltools.core.model import Document, Narrative, Row, Table
from xltools.workbook.book import build
from xltools.files.safe_write import write_atomically
from xltools.workbook.engine import save_recalculated


def _blank_rows(n: int) -> tuple[Row, ...]:
    """The rows every printed table has, with no amounts: its fixed rows and its total.
    The rule catalogue then states the same identities over them as over a document, and
    those give the template its live formulas."""
    layout = LAYOUTS[n]
    rows: list[Row] = []
    for side in layout.sides:
        blank = {c.key: None for c in side.columns}
        for key, label in side.fixed_rows:
            is_class = key in CLASS_NAMES
            rows.append(Row(key, CLASS_NAMES.get(key, label), blank, 0, code=key if is_class else None,
                            kind="class" if is_class else "fixed", level=1 if is_class else 0))
    prefix = layout.kind.side_prefix  # each side under its own total row
    totals = [prefix + "合计", "合计"] if prefix else [layout.total_key]
    for key in totals:
        if all(r.key != key for r in rows):
            side = layout.sides[0] if (prefix and key.startswith(prefix)) or len(layout.sides) == 1 else layout.sides[-1]
            rows.insert(0, Row(key, "合计" if key != "总计" else "总计", {c.key: None for c in side.columns}, 0, kind="total"))
    return tuple(rows)


def blank_document() -> Document:
    tables = {n: Table(n, "", 0, False, _blank_rows(n)) for n in LAYOUTS}
    return Document(source="", unit="", kind="单位", year=None, currency="万元", tables=tables,
                    narrative=Narrative(None))


def build_template() -> Workbook:
    wb = build(blank_document()).workbook
    wb.properties.creator = "xltools"
    return wb


def write_template(path: str | Path) -> Path:
    """The template with its formulas' values (all zero, as the blank cells give), so that a
    viewer that does not recalculate shows 0.00 rather than blanks, and `check` reads it."""
    wb = build_template()

    def write(tmp: Path) -> None:
        save_recalculated(wb, tmp, "formulas")

    # Atomically, and an existing file kept as .bak (as `import` does).
    return write_atomically(Path(path), write)
