"""A disclosure scaled up: the read document of a seed with more 表12 projects (and their 绩效
tables) and more 项 rows under each 款 of 表2, 表3 and 表5, so the workbook built from it has
many times the seed's formula cells, with the same shapes of formula.

The added rows copy an existing row's amounts under new names and codes; totals printed in
the seed no longer tie out, which only adds 不符 rows to 校验 (more formulas, the same kinds).
"""
from __future__ import annotations

import dataclasses
from collections import defaultdict

from xltools.core.model import Document, Row, Table

ITEM_TABLES = (2, 3, 5)


def _more_items(table: Table, copies: int) -> Table:
    """Each 项 (7-digit code) gets `copies` siblings under its 款, with unused codes."""
    used: dict[str, set[str]] = defaultdict(set)
    for r in table.rows:
        if r.code and len(r.code) == 7:
            used[r.code[:5]].add(r.code[5:])
    rows: list[Row] = []
    for r in table.rows:
        rows.append(r)
        if not (r.code and len(r.code) == 7):
            continue
        free = [f"{n:02d}" for n in range(1, 100) if f"{n:02d}" not in used[r.code[:5]]]
        for k, suffix in enumerate(free[:copies]):
            used[r.code[:5]].add(suffix)
            code = r.code[:5] + suffix
            rows.append(dataclasses.replace(r, key=code, code=code, name=f"{r.name}（{k + 1}）"))
    return dataclasses.replace(table, rows=tuple(rows))


def _more_projects(doc: Document, copies: int) -> tuple[Table | None, tuple]:
    t12 = doc.table(12)
    if t12 is None:
        return None, doc.projects
    items = [r for r in t12.rows if r.kind == "item"]
    rows = list(t12.rows)
    projects = list(doc.projects)
    by_name = {p.name: p for p in doc.projects}
    n_row, n_proj = len(items), len(projects)
    for k in range(copies):
        for r in items:
            n_row += 1
            name = f"{r.name}（{k + 1}）"
            rows.append(dataclasses.replace(r, key=f"p{n_row}", name=name))
            if r.name in by_name:
                n_proj += 1
                projects.append(dataclasses.replace(by_name[r.name], key=f"j{n_proj}", name=name))
    return dataclasses.replace(t12, rows=tuple(rows)), tuple(projects)


def scale_document(doc: Document, items: int, projects: int) -> Document:
    """`items`, `projects`: how many copies of each 项 row and of each project to add."""
    tables = dict(doc.tables)
    for n in ITEM_TABLES:
        if tables.get(n) is not None:
            tables[n] = _more_items(tables[n], items)  # type: ignore[arg-type]
    t12, more = _more_projects(doc, projects)
    if t12 is not None:
        tables[12] = t12
    return dataclasses.replace(doc, tables=tables, projects=more)
