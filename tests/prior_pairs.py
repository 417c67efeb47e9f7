"""Pairs for the prior-year rules: a seed (this year) and last year's disclosure derived from it.

`derive_prior` rewrites a seed into a coherent previous year: every 上年 figure the seed's
narrative implies (this year's figure − the stated change, or the base it states inline) becomes
last year's printed figure, and the money moves along whole chains of cells so that the derived
document still ties out (a 项 code through its 款, 类 and 合计 in 表2/3/5, 表1 and 表4 on both
sides, a 表12 project and its 绩效 table, a 表13 project for the carry-over; 表10 and 表11 row by
row); its narrative restates the new figures, its own changes keep their growth rates, and every
year printed moves back one. The targets are computed here from the seed's figures and the
tables, independently of the rules under test; `derive_prior` asserts that each landed.

A cell is edited at its position in the tab-separated line (the seeds print one cell per tab);
a token that is not where the reader placed the value stops the derivation with an assertion,
never a silent misedit.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from xltools.core.layouts import LAYOUTS
from xltools.core.model import Document, Figure, Table
from xltools.core.references import TableCell
from xltools.rules.common import money
from xltools.rules.narrative_map import cells_for, share_base
from xltools.rules.reading import read_text

Cell = tuple[int, str, str]  # (table, row key, column)


@dataclass(frozen=True)
class Target:
    subject: str
    value: float  # last year's amount, as this year's narrative implies it
    line: int  # this year's line that states it


def _table_value(doc: Document, cells: tuple[TableCell, ...]) -> float | None:
    total = 0.0
    for c in cells:
        t = doc.table(c.table)
        row = t.row(c.row) if t is not None else None
        if row is None:
            return None
        total += row.get(c.column) or 0.0
    return round(total, 2)


def _current(doc: Document, f: Figure) -> float | None:
    cells = cells_for(f.subject)
    value = _table_value(doc, cells) if cells else None
    if value is not None:
        return value
    before = [g for g in doc.narrative.figures if g.section == f.section and g.subject == f.subject
              and g.kind == "amount" and doc.narrative.figures.index(g) < doc.narrative.figures.index(f)]
    return before[-1].value if before else None


def targets(doc: Document) -> list[Target]:
    """Each 上年 figure the narrative implies: this year's figure − the change, or the base."""
    figs = doc.narrative.figures
    out: list[Target] = []
    bases = {(f.section, f.subject) for f in figs if f.kind == "base"}
    for f in figs:
        if f.section == 10 or f.subject.startswith("其他:"):
            continue
        if f.kind == "base":
            out.append(Target(f.subject, f.value, f.line))
        elif f.kind == "change" and (f.section, f.subject) not in bases:
            current = _current(doc, f)
            assert current is not None, f
            out.append(Target(f.subject, round(current - f.value, 2), f.line))
    return out


# --- chains of cells that move together -------------------------------------------------------

def _ancestors(code: str) -> list[str]:
    return [code[:n] for n in (7, 5, 3) if len(code) >= n] + ["合计"]


def _project_chain(t: Table, key: str) -> list[str]:
    keys, row = [], t.row(key)
    while row is not None:
        keys.append(row.key)
        row = t.row(row.parent) if row.parent else None
    if "总计" not in keys:
        keys.append("总计")
    return keys


def _largest(t: Table, column: str, kinds: tuple[str, ...], code_len: int | None = None) -> str:
    rows = [r for r in t.rows if r.kind in kinds and (code_len is None or (r.code and len(r.code) == code_len))]
    return max(rows, key=lambda r: r.get(column) or 0.0).key


def current_chain(doc: Document, a: float, project: str, source: str = "一般公共预算") -> dict[Cell, float]:
    """This year's project money of `source` moved by `a`: a 项 code of its own table (表5, or
    表8 with 表7's income for 政府性基金预算) and a 表12 project."""
    own = 5 if source == "一般公共预算" else 8
    t, t12 = doc.table(own), doc.table(12)
    assert t is not None and t12 is not None
    code = _largest(t, "项目支出", ("item",), 7)
    out: dict[Cell, float] = defaultdict(float)
    for key in _ancestors(code):
        for n, cols in ((own, ("合计", "项目支出")), (2, ("合计", source)), (3, ("合计", "项目支出"))):
            for c in cols:
                out[(n, key, c)] += a
    t7 = doc.table(7)
    if own == 8 and t7 is not None and not t7.empty:
        for key in _ancestors(_largest(t7, "金额", ("item",), 7)):
            out[(7, key, "金额")] += a
    for n, first, grant, row in ((1, "合计", "当年预算安排", source), (4, "小计", source, source)):
        for key in (row, "本年收入合计", "收入总计"):
            out[(n, key, "金额")] += a
        for key in (code[:3], "本年支出合计", "支出总计"):
            out[(n, key, first)] += a
            out[(n, key, grant)] += a
    for key in _project_chain(t12, project):
        for c in ("合计", source):
            out[(12, key, c)] += a
    return out


def carry_chain(doc: Document, b: float) -> dict[Cell, float]:
    """The 一般公共预算 carry-over moved by `b`: a 表13 project and a code's 上年结转."""
    t2, t13 = doc.table(2), doc.table(13)
    assert t2 is not None and t13 is not None
    code = _largest(t2, "上年结转", ("item",), 7)
    project = _largest(t13, "一般公共预算", ("item",))
    out: dict[Cell, float] = defaultdict(float)
    for key in _ancestors(code):
        out[(2, key, "上年结转")] += b
        for c in ("合计", "项目支出"):
            out[(3, key, c)] += b
    for key in ("上年结转", "收入总计"):
        out[(1, key, "金额")] += b
    for key in ("上年财政拨款结转", "结转:一般公共预算", "收入总计"):
        out[(4, key, "金额")] += b
    for n, first, grant in ((1, "合计", "上年结转安排"), (4, "小计", "一般公共预算")):
        for key in (code[:3], "本年支出合计", "支出总计"):
            out[(n, key, first)] += b
            out[(n, key, grant)] += b
    for key in _project_chain(t13, project):
        for c in ("合计", "一般公共预算"):
            out[(13, key, c)] += b
    return out


def rows_to(doc: Document, n: int, values: dict[str, float]) -> dict[Cell, float]:
    """表10/表11 rows set to last year's amounts (all 一般公共预算 money, as in the seeds)."""
    t = doc.table(n)
    assert t is not None
    out: dict[Cell, float] = {}
    for key, value in values.items():
        row = t.row(key)
        assert row is not None, (n, key)
        now = row.get("合计") or 0.0
        assert abs(now - (row.get("一般公共预算") or 0.0)) < 0.005, (n, key)
        for c in ("合计", "一般公共预算"):
            out[(n, key, c)] = round(value - now, 2)
    return out


# --- writing the edits into the text ------------------------------------------------------------

_NUM = re.compile(r"^-?[\d,]*\.?\d+$")


def _parse(token: str) -> float | None:
    token = token.strip()
    return float(token.replace(",", "")) if token and _NUM.match(token) else None


def _position(n: int, key: str, column: str, cells: list[str]) -> int:
    lay = LAYOUTS[n]
    if len(lay.sides) == 2:
        income = {k for k, _ in lay.sides[0].fixed_rows}
        if key in income and column == "金额":
            return 1
        cols = [c.key for c in lay.sides[1].columns]
    else:
        cols = [c.key for c in lay.columns]
    return len(cells) - len(cols) + cols.index(column)


def _format(old: str, value: float) -> str:
    decimals = len(old.split(".")[1]) if "." in old else 2
    return money(value, max(decimals, 2)) if "," in old else f"{value:.{max(decimals, 2)}f}"


def _numeric_cells(doc: Document, n: int, line: int, cells: list[str]) -> dict[tuple[str, str], int]:
    """(row key, column) → the index of its cell on the line: the printed amounts in order
    against the values the reader placed, in column order (a row a page break left one
    cell short is then still edited at the right cell). Empty when they do not pair up."""
    t = doc.table(n)
    assert t is not None
    lay = LAYOUTS[n]
    rows = [r for r in t.rows if r.line == line]
    if len(lay.sides) == 2:
        income = {k for k, _ in lay.sides[0].fixed_rows}
        rows.sort(key=lambda r: r.key not in income)
    codes = {r.code for r in rows if r.code}
    wanted = [(r.key, c) for r in rows for c, v in r.amounts.items() if v is not None]
    found = [i for i, c in enumerate(cells) if _parse(c) is not None and c.strip() not in codes]
    if len(found) != len(wanted):
        return {}
    return dict(zip(wanted, found))


def edit_cells(text: str, doc: Document, deltas: dict[Cell, float]) -> str:
    lines = text.split("\n")
    by_line: dict[tuple[int, int], list[tuple[str, str, float]]] = defaultdict(list)
    for (n, key, column), delta in sorted(deltas.items()):
        if abs(delta) < 0.005:
            continue
        t = doc.table(n)
        row = t.row(key) if t is not None else None
        assert row is not None, (n, key)
        by_line[(n, row.line)].append((key, column, delta))
    for (n, line), edits in by_line.items():
        cells = lines[line - 1].split("\t")
        placed = _numeric_cells(doc, n, line, cells)
        t = doc.table(n)
        assert t is not None
        for key, column, delta in edits:
            row = t.row(key)
            assert row is not None
            old = row.get(column)
            at = placed.get((key, column), _position(n, key, column, cells))
            assert _parse(cells[at]) == old or (old is None and not cells[at].strip()), (n, key, column, cells)
            new = round((old or 0.0) + delta, 2)
            assert new > -0.005, (n, key, column, new)
            cells[at] = _format(cells[at] or "0.00", new)
        lines[line - 1] = "\t".join(cells)
    return "\n".join(lines)


def _token_re(token: str, percent: bool) -> re.Pattern[str]:
    return re.compile(r"(?<![\d.,])" + re.escape(token) + (r"(?=\s*[%％])" if percent else r"(?!\.?\d)(?!\s*[%％])"))


def _printed(line: str, f: Figure, percent: bool) -> str:
    value = abs(f.value) if f.kind in ("change", "growth") else f.value
    for token in (money(value, max(f.decimals, 0)), f"{value:.{max(f.decimals, 0)}f}"):
        if _token_re(token, percent).search(line):
            return token
    raise AssertionError(f"figure {f.key} {f.value} not printed on its line: {line}")


def edit_figures(text: str, doc: Document, new: dict[str, float]) -> str:
    """Narrative figures by key to their new values, each at its printed token: the figures
    that print one token on a line are its occurrences in order (the narrative is read in
    order), so that a "0" among several is edited where it stands."""
    lines = text.split("\n")
    by_line: dict[int, list[Figure]] = defaultdict(list)
    for f in doc.narrative.figures:
        by_line[f.line].append(f)
    for line_no, figs in by_line.items():
        if not any(f.key in new and abs(new[f.key] - f.value) > 1e-9 for f in figs):
            continue
        line = lines[line_no - 1]
        groups: dict[tuple[str, bool], list[Figure]] = defaultdict(list)
        for f in figs:
            percent = f.kind in ("share", "growth")
            if f.value == 0 and f.word in ("相同", "持平", "不变", "无变化", "无"):
                continue  # said in words ("与上年预算数相同"), no number printed
            groups[(_printed(line, f, percent), percent)].append(f)
        spans: list[tuple[int, int, str]] = []
        for (token, percent), same in groups.items():
            hits = list(_token_re(token, percent).finditer(line))
            assert len(hits) == len(same), (line_no, token, line)
            for f, m in zip(same, hits):
                if f.key not in new or abs(new[f.key] - f.value) < 1e-9:
                    continue
                decimals = max(f.decimals, 2) if f.value == 0 and not percent else max(f.decimals, 0)
                value = abs(new[f.key]) if f.kind in ("change", "growth") else new[f.key]
                shown = money(value, decimals) if "," in token else f"{value:.{decimals}f}"
                spans.append((m.start(), m.end(), shown))
        for start, end, shown in sorted(spans, reverse=True):
            line = line[:start] + shown + line[end:]
        lines[line_no - 1] = line
    return "\n".join(lines)


def _name(text: str) -> str:
    """A name as an identity: spaces dropped, brackets in one width."""
    return "".join(text.split()).replace("(", "（").replace(")", "）")


def edit_project_table(text: str, doc: Document, project: str, delta_wan: float) -> str:
    """The 绩效 table of a 表12 project (by name) moved with it: its 年度 and 实施期 totals and
    their largest part, in 元."""
    t12 = doc.table(12)
    assert t12 is not None
    row = t12.row(project)
    assert row is not None
    tables = [p for p in doc.projects if _name(p.name) == _name(row.name)]
    if not tables:
        return text
    lines = text.split("\n")
    p = tables[0]
    delta = round(delta_wan * 10000)
    for period, amounts in (("annual", p.annual), ("period", p.period)):
        part = max((k for k in amounts if k != "总额"), key=lambda k: amounts.get(k) or 0.0)
        for what in ("总额", part):
            old = amounts.get(what)
            assert old is not None
            at = p.lines[f"{period}:{what}"] - 1
            cells = lines[at].split("\t")
            hits = [i for i, c in enumerate(cells) if _parse(c) == old]
            assert hits, (p.name, what, lines[at])
            # 实施期 and 年度 print side by side: the left pair is 实施期, the right 年度.
            i = hits[0] if period == "period" else hits[-1]
            cells[i] = money(old + delta, 0) if "," in cells[i] else f"{old + delta:.0f}"
            lines[at] = "\t".join(cells)
    return "\n".join(lines)


_YEARS = re.compile(r"(?<![\d.,])(20[0-4]\d)(?![\d.,])")


def shift_years(text: str, year: int) -> str:
    """Every year up to this one printed one earlier: 2026 → 2025, "比2025年" → "比2024年"."""
    return _YEARS.sub(lambda m: str(int(m.group(1)) - 1) if year - 4 <= int(m.group(1)) <= year else m.group(1), text)


# --- the narrative restating the derived tables --------------------------------------------------

def _cell_value(doc: Document, cell: TableCell, deltas: dict[Cell, float]) -> float:
    t = doc.table(cell.table)
    row = t.row(cell.row) if t is not None else None
    base = (row.get(cell.column) or 0.0) if row is not None else 0.0
    return base + deltas.get((cell.table, cell.row, cell.column), 0.0)


def _sum(doc: Document, cells: tuple[TableCell, ...], deltas: dict[Cell, float]) -> float:
    return round(sum(_cell_value(doc, c, deltas) for c in cells), 2)


def new_figures(doc: Document, deltas: dict[Cell, float], category_delta: float) -> dict[str, float]:
    figs = doc.narrative.figures
    empty: dict[Cell, float] = {}
    out: dict[str, float] = {}
    # Amounts restating a cell; the 绩效 amounts restating 表12 and 表5.
    perf = {"绩效:纳入:金额": (TableCell(12, "总计", "合计"),), "绩效:公开:金额": (TableCell(12, "总计", "合计"),),
            "绩效:整体:合计": (TableCell(5, "合计", "合计"),), "绩效:整体:项目支出": (TableCell(5, "合计", "项目支出"),)}
    category = None
    for f in figs:
        if f.kind != "amount":
            continue
        cells = cells_for(f.subject) or perf.get(f.subject, ())
        if cells and all(doc.table(c.table) is not None for c in cells):
            before, after = _sum(doc, cells, empty), _sum(doc, cells, deltas)
            if abs(before - f.value) < 0.05 and abs(after - before) > 0.001:
                out[f.key] = round(f.value + after - before, 2)
        if f.subject.startswith(("绩效:纳入:", "绩效:公开:")) and f.subject.endswith("类:金额") and category_delta:
            cat = f.subject.split(":")[2]
            if category is None and f.value + category_delta >= 0:
                category = cat
            if cat == category:
                out[f.key] = round(f.value + category_delta, 2)
    # A change stated with a growth rate keeps the rate: scaled with its subject's amount.
    # One without (the 三公 items, whose changes add up) keeps its amount.
    rated = {(f.section, f.subject) for f in figs if f.kind == "growth"}
    for f in figs:
        if f.kind not in ("change", "base") or (f.section, f.subject) not in rated or f.subject.startswith("其他:"):
            continue
        cells = cells_for(f.subject)
        if not cells or any(doc.table(c.table) is None for c in cells):
            continue
        before, after = _sum(doc, cells, empty), _sum(doc, cells, deltas)
        if before and abs(after - before) > 0.001:
            out[f.key] = round(f.value * after / before, 2)
    # Shares the seed printed right are recomputed; a wrong one stays as wrong as it was.
    amounts = {f.subject: f for f in figs if f.kind == "amount"}
    for f in figs:
        if f.kind == "share" and f.subject == "绩效:公开:占比":
            said, whole = amounts.get("绩效:公开:金额"), amounts.get("绩效:纳入:金额")
            if said and whole and whole.value and round(said.value / whole.value * 100, f.decimals) == f.value:
                p1, w1 = out.get(said.key, said.value), out.get(whole.key, whole.value)
                out[f.key] = round(p1 / w1 * 100, f.decimals)
            continue
        if f.kind != "share":
            continue
        base = share_base(f.subject, f.word)
        part = cells_for(f.subject)
        if not base or not part or any(doc.table(c.table) is None for c in base + part):
            continue
        b0, b1 = _sum(doc, base, empty), _sum(doc, base, deltas)
        p0, p1 = _sum(doc, part, empty), _sum(doc, part, deltas)
        if not b0 or not b1:
            continue
        if round(p0 / b0 * 100, f.decimals) == round(f.value, f.decimals) and (b1 != b0 or p1 != p0):
            out[f.key] = round(p1 / b1 * 100, f.decimals)
    return out


def derive_prior(text: str, source: str = "上年.txt") -> str:
    """Last year's disclosure, as this year's (`text`) narrative says it was."""
    doc = read_text(text, source)
    assert doc.year is not None
    goals = targets(doc)
    by_subject: dict[str, float] = {}
    for g in goals:
        assert abs(by_subject.get(g.subject, g.value) - g.value) < 0.005, g
        by_subject[g.subject] = g.value
    deltas: dict[Cell, float] = defaultdict(float)
    t1, t5 = doc.table(1), doc.table(5)
    a = b = 0.0
    if "一般公共预算:当年支出" in by_subject and t5 is not None:
        a = round(by_subject["一般公共预算:当年支出"] - (_table_value(doc, cells_for("一般公共预算:当年支出")) or 0.0), 2)
    total = by_subject.get("收入总计", by_subject.get("支出总计"))
    if total is not None and t1 is not None:
        b = round(total - (_table_value(doc, cells_for("收入总计")) or 0.0) - a, 2)
    t12 = doc.table(12)
    moved: list[tuple[str, float]] = []  # (表12 project key, 万元) whose 绩效 table moves with it
    for amount, source in ((a, "一般公共预算"), (0.0, "政府性基金预算")):
        if source == "政府性基金预算":
            carry = _table_value(doc, cells_for("上年结转")) or 0.0
            if carry + b >= 0:
                break  # the rest of the total is carry-over money
            amount, b = b, 0.0  # more than the carry-over holds: the fund money moved instead
        if not amount or t12 is None:
            continue
        # A project with no 绩效 table at all, else one whose table has its name (edited with
        # it); never one matched to a table by amount only (a name the seed misprints).
        named = {_name(p.name) for p in doc.projects}
        by_amount = {round((p.annual.get("总额") or 0.0) / 10000, 2) for p in doc.projects}
        items = [r for r in t12.rows if r.kind == "item" and (r.get(source) or 0.0) > 0
                 and (r.get(source) or 0.0) + amount >= 0]
        plain = [r for r in items if _name(r.name) not in named and r.get("合计") not in by_amount]
        items = plain or [r for r in items if _name(r.name) in named]
        assert items, (source, amount)
        project = max(items, key=lambda r: r.get(source) or 0.0).key
        moved.append((project, amount))
        for cell, d in current_chain(doc, amount, project, source).items():
            deltas[cell] += d
    if b:
        for cell, d in carry_chain(doc, b).items():
            deltas[cell] += d
    sangong = {s[3:]: v for s, v in by_subject.items() if s.startswith("三公:")}
    if sangong:
        rows = {k: v for k, v in sangong.items() if k != "合计"}
        t10 = doc.table(10)
        assert t10 is not None
        now = {r.key: r.get("合计") or 0.0 for r in t10.rows}
        car = {k: rows.get(k, now[k]) for k in ("公务用车购置费", "公务用车运行维护费")}
        rows["公务用车购置及运行费"] = round(sum(car.values()), 2) if any(k in rows for k in car) else rows.get(
            "公务用车购置及运行费", now["公务用车购置及运行费"])
        whole = {k: rows.get(k, now[k]) for k in ("因公出国（境）费", "公务接待费", "公务用车购置及运行费")}
        rows["合计"] = round(sum(whole.values()), 2)
        if "合计" in sangong:
            assert abs(rows["合计"] - sangong["合计"]) < 0.005, (rows, sangong)
        deltas.update(rows_to(doc, 10, rows))
    if "机关运行经费" in by_subject:
        t11 = doc.table(11)
        assert t11 is not None
        units = [r for r in t11.rows if r.kind == "item"]
        assert len(units) == 1, "a 表11 of one unit"
        value = by_subject["机关运行经费"]
        deltas.update(rows_to(doc, 11, {"部门合计": value, units[0].key: value}))
    category = round(deltas.get((12, "总计", "合计"), 0.0), 2)
    figures = new_figures(doc, deltas, category)
    out = edit_cells(text, doc, deltas)
    out = edit_figures(out, doc, figures)
    for project, amount in moved:
        out = edit_project_table(out, doc, project, amount)
    out = shift_years(out, doc.year)
    # Each target landed where the rules will look for it.
    prior = read_text(out, source)
    assert prior.year == doc.year - 1
    for g in goals:
        cells = cells_for(g.subject)
        got = _table_value(prior, cells) if cells and all(prior.table(c.table) for c in cells) else None
        if got is None:
            got = next(f.value for f in prior.narrative.figures if f.subject == g.subject and f.kind == "amount")
        assert abs(got - g.value) < 0.005, (g, got)
    return out


def replace_on_line(text: str, line: int, old: str, new: str) -> str:
    """One planted edit: `old` (once on the 1-based `line`) becomes `new`."""
    lines = text.split("\n")
    assert lines[line - 1].count(old) == 1, (line, old, lines[line - 1])
    lines[line - 1] = lines[line - 1].replace(old, new)
    return "\n".join(lines)
