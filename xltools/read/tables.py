"""The 13 tables: rows, codes, amounts per column, placed by arithmetic where a page
break left a row a cell short."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Iterable

from xltools.core.memo import Memo
from xltools.core.layouts import CLASS_NAMES, LAYOUTS, adds_into, code_level, column_keys
from xltools.core.model import ReadNote, RowKind, Table
from xltools.read.regions import Regions, label_number
from xltools.read.tables_cells import is_amount, is_code, is_column_numbers, is_header, is_meta, is_note, is_text, is_total_label, norm_label, norm_name, says_empty, squash, tokens
from xltools.read.tables_place import Draft, Identity, Values, placement_notes, place
from xltools.read.tables_resolve import resolve, ties
from xltools.read.tables_sides import SideState, join_pieces, read_coded_sides, read_summary
from xltools.read.tables_units import by_names_and_sums
from xltools.read.tables_wrap import Wrap, apply as apply_wraps, is_piece, name_key, notes as wrap_notes, settle_by_names, settle_locally
from xltools.read.text import Line, LinesKey, lines_key


def _identity(n: int) -> Identity | None:
    """Each row's own sum, as the layout declares it (`Layout.column_sums`)."""
    if len(LAYOUTS[n].sides) == 2:
        return None  # two-sided tables carry theirs per side (tables_sides)
    return LAYOUTS[n].row_sum(0)


@dataclass
class _Reader:
    """Collects the rows of one table, line by line."""

    number: int
    notes: list[ReadNote]
    drafts: list[Draft] = field(default_factory=list)
    count: int = 0
    current_class: str | None = None
    split: bool = False  # the current line came space-separated: its blank cells are lost

    def __post_init__(self) -> None:
        n = self.number
        self.columns = column_keys(n)
        self.identity = _identity(n)
        self.sides = SideState(n)
        reader = LINE_READERS[LAYOUTS[n].kind.name]
        self.read: Callable[[int, list[str]], list[Draft] | None] = lambda line, cells: reader(self, line, cells)

    def _summary(self, line: int, cells: list[str]) -> list[Draft] | None:
        return read_summary(self.number, self.sides, line, cells, self.notes)

    def _coded_sides(self, line: int, cells: list[str]) -> list[Draft] | None:
        return read_coded_sides(self.number, line, cells, self.notes)

    def _place(self, cells: list[str]) -> tuple[Values, list[Values], list[str]]:
        return place(cells, self.columns, self.identity)

    # 表2/3/5/7/8: [科目编码, 科目名称, amounts…]; 合计 in either label column.
    def _coded(self, line: int, cells: list[str]) -> list[Draft] | None:
        first = next((i for i, c in enumerate(cells) if c), None)
        if first is None:
            return None
        c0 = cells[first]
        if is_code(c0):
            pos = first + 1
            name_parts: list[str] = []
            if pos < len(cells) and not is_amount(cells[pos]):
                name_parts.append(cells[pos])
                pos += 1
                while pos < len(cells) and is_text(cells[pos]):
                    name_parts.append(cells[pos])
                    pos += 1
            printed, cands, extra = self._place(cells[pos:])
            level = code_level(c0)
            kind: RowKind = "class" if level == 1 else "item"
            return [Draft(c0, norm_name(" ".join(name_parts)), line, self.columns, printed, cands, c0,
                          kind, level, extra=extra)]
        if is_total_label(c0) and first <= 1:
            pos = first + 1
            if first == 0 and pos < len(cells) and not cells[pos]:
                pos += 1  # the empty 科目名称 cell
            printed, cands, extra = self._place(cells[pos:])
            return [Draft("合计", norm_name(c0), line, self.columns, printed, cands, None, "total", 0, extra=extra)]
        return None

    # 表6: [部门预算经济科目, 政府预算经济科目, 合计, 人员经费, 公用经费].
    def _economic(self, line: int, cells: list[str]) -> list[Draft] | None:
        first = next((i for i, c in enumerate(cells) if c), None)
        if first is None:
            return None
        if is_total_label(cells[first]) and first <= 1:
            pos = 2 if (first == 1 or (len(cells) > 1 and not cells[1])) else first + 1
            printed, cands, extra = self._place(cells[pos:])
            return [Draft("合计", "合计", line, self.columns, printed, cands, None, "total", 0, extra=extra)]
        if first != 0 or not is_text(cells[0]):
            return None
        if self.split and (len(cells) < 2 or is_amount(cells[1])) and " " in cells[0].strip():
            # "基本工资 工资福利支出 56.11 56.11": the two names were one space apart
            head, _, tail = cells[0].strip().rpartition(" ")
            cells = [head, tail] + cells[1:]
        pos = 1
        second: list[str] = []
        if pos < len(cells) and not is_amount(cells[pos]):
            if cells[pos]:
                second.append(cells[pos])
            pos += 1
            while pos < len(cells) and is_text(cells[pos]):
                second.append(cells[pos])
                pos += 1
        printed, cands, extra = self._place(cells[pos:])
        self.count += 1
        key = f"p{self.count}"
        if not second:
            self.current_class = key
            return [Draft(key, norm_name(cells[0]), line, self.columns, printed, cands, None, "class", 1, extra=extra)]
        return [Draft(key, norm_name(cells[0]), line, self.columns, printed, cands, None, "item", 2,
                      self.current_class, norm_name(" ".join(second)), extra=extra)]

    # 表10/11/12/13: [name, amounts…].
    def _named(self, cells: list[str]) -> tuple[str, Values, list[Values], list[str]] | None:
        first = next((i for i, c in enumerate(cells) if c), None)
        if first is None or not is_text(cells[first]):
            return None
        pos = first + 1
        parts = [cells[first]]
        while pos < len(cells) and is_text(cells[pos]):
            parts.append(cells[pos])
            pos += 1
        return norm_name(" ".join(parts)), *self._place(cells[pos:])

    # 表10: the layout's fixed rows, by their labels.
    def _fixed(self, line: int, cells: list[str]) -> list[Draft] | None:
        named = self._named(cells)
        if named is None:
            return None
        name, printed, cands, extra = named
        n = self.number
        key = fixed_key(n, name)
        if key is None:
            return None
        fixed: RowKind = "total" if key == LAYOUTS[n].total_key else "fixed"
        return [Draft(key, name, line, self.columns, printed, cands, None, fixed, 0 if fixed == "total" else 1,
                      extra=extra)]

    # 表11: 部门合计, then one row per unit.
    def _unit(self, line: int, cells: list[str]) -> list[Draft] | None:
        named = self._named(cells)
        if named is None:
            return None
        name, printed, cands, extra = named
        total = LAYOUTS[self.number].total_key
        if is_total_label(name) and all(d.key != total for d in self.drafts):
            return [Draft(total, name, line, self.columns, printed, cands, None, "total", 0, extra=extra)]
        self.count += 1
        return [Draft(f"u{self.count}", name, line, self.columns, printed, cands, None, "item", 1, total,
                      extra=extra)]

    # 表12/13: keys and parents are settled in `_units` once all rows are in.
    def _project(self, line: int, cells: list[str]) -> list[Draft] | None:
        named = self._named(cells)
        if named is None:
            return None
        name, printed, cands, extra = named
        key = "总计" if not self.drafts else f"r{len(self.drafts)}"
        return [Draft(key, name, line, self.columns, printed, cands, None, "total" if key == "总计" else "item", 0,
                      extra=extra)]


# The line reader of each kind of table (`table_kinds`), by the kind's name.
LINE_READERS: dict[str, Callable[[_Reader, int, list[str]], list[Draft] | None]] = {
    "coded": _Reader._coded, "coded_sides": _Reader._coded_sides, "summary": _Reader._summary,
    "economic": _Reader._economic, "fixed": _Reader._fixed, "units": _Reader._unit, "projects": _Reader._project,
}


def fixed_key(n: int, label: str) -> str | None:
    """The fixed row of table `n` a printed label names (its printed label or its key, any
    total label for its total row, a shorter wording the layout lists, `Layout.aliases`);
    None when it names none."""
    lay = LAYOUTS[n]
    rows = lay.sides[0].fixed_rows
    t = norm_label(label)
    exact = {norm_label(printed): key for key, printed in rows} | {norm_label(key): key for key, _ in rows}
    if t in exact:
        return exact[t]
    if is_total_label(t):
        return lay.total_key
    keys = {key for key, _ in rows}
    for word, key in lay.aliases:
        if key in keys and word in t:
            return key
    return None


def _parents(n: int, drafts: list[Draft]) -> dict[str, str]:
    """The row each row adds into, for placing by sums: the layout's declaration, which the
    sum rules follow too."""
    return adds_into(n, drafts)


def _units(n: int, drafts: list[Draft], notes: list[ReadNote], units: Iterable[str] = ()) -> None:
    """表12/13: name units and projects, nest them under 总计 by their names and their sums
    (`tables_units.by_names_and_sums`): `units` are the unit names the document prints
    elsewhere; the grand total's own name is the department's."""
    if not drafts or drafts[0].key != "总计":
        return
    total, rest = drafts[0], drafts[1:]
    chosen = by_names_and_sums([d.name for d in rest], [d.values for d in rest], total.values,
                               [total.name, *units])
    found = chosen[0] if chosen is not None else None
    if chosen is not None and chosen[1]:
        notes.append(ReadNote("READ-PLACEMENT", f"表{n}各行金额不能逐级汇总到总计，单位小计行按名称判断", total.line, n))
    if found is None:
        # Nothing ties out: the rows that repeat the grand total's name are its units.
        found = []
        unit = -1
        for i, d in enumerate(rest):
            if squash(d.name) == squash(total.name):
                found.append((i, -1, True))
                unit = i
            else:
                found.append((i, unit, False))
        if rest:
            notes.append(ReadNote("READ-PLACEMENT", f"表{n}各行金额不能逐级汇总到总计，单位小计行按名称判断",
                                  total.line, n))
    keys: dict[int, str] = {-1: "总计"}
    levels: dict[int, int] = {-1: 0}
    units_seen = projects = 0
    for i, parent, is_unit in sorted(found):
        d = rest[i]
        if is_unit:
            units_seen += 1
            d.key, d.kind = f"u{units_seen}", "subtotal"
        else:
            projects += 1
            d.key, d.kind = f"p{projects}", "item"
        keys[i] = d.key
        d.parent = keys[parent]
        d.level = levels[parent] + 1
        levels[i] = d.level


_UNIT_LINE = re.compile(r"^(?:单位名称|部门名称)[:：]\s*(.+)$")


def printed_units(lines: Iterable[Line]) -> list[str]:
    """The names the 单位名称 / 部门名称 lines print above the tables."""
    out: dict[str, None] = {}
    for ln in lines:
        if "名称" not in ln.text:  # both labels end so: most lines need no match
            continue
        m = _UNIT_LINE.match(ln.text.replace("\t", "").strip())
        if m:
            out.setdefault(m.group(1).strip(), None)
    return list(out)


def _skip(ln: Line, filled: tuple[str, ...], started: bool) -> bool:
    """Lines inside a table span that are not rows: labels, 单位名称/单位：万元, headers,
    the 栏次 row, page numbers, markdown rules."""
    return _not_a_row(filled, started, label_number(ln) is not None)


# What a line's cells say alone: asked of every line of every table, and the same lines
# (headers, 栏次 rows, units) come back table after table and text after text.
@lru_cache(maxsize=1 << 14)
def _not_a_row(filled: tuple[str, ...], started: bool, label: bool) -> bool:
    numbers = [c for c in filled if is_amount(c)]
    if numbers:  # only the 栏次 row and a page number carry numbers without being rows
        if not all(c.isdigit() for c in numbers):
            return False
        return is_column_numbers(filled) or (len(filled) == 1 and is_meta(filled))
    if label or is_meta(filled):
        return True
    if all(set(c) <= set("|:-— ") for c in filled):
        return True
    return is_header(filled, started) or is_column_numbers(filled)


@dataclass
class _Parsed:
    """One table as read line by line, before its wrapped names and placements are settled."""

    number: int
    title: str
    start: int
    label_line: int | None
    drafts: list[Draft]
    wraps: list[Wrap]
    notes: list[ReadNote]
    empty_mark: bool


def _parse_table(n: int, lines: list[Line], span: tuple[int, int], label_line: int | None) -> _Parsed:
    start, end = span
    title_ln = lines[start - 1]
    title = title_ln.filled[0] if title_ln.filled else title_ln.text
    notes: list[ReadNote] = []
    reader = _Reader(n, notes)
    empty_mark = False
    seen: dict[str, Draft] = {}
    wraps: list[Wrap] = []
    pending: list[Wrap] = []
    gap = False
    body: list[tuple[Line, list[str], bool]] = []  # (line, its cells, split)
    started = False  # a row has been seen: a header line below it must be mostly header words
    for ln in lines[start:end - 1]:
        if ln.blank:
            continue
        filled = ln.filled
        if is_note(filled) or (len(filled) == 1 and says_empty(filled)):
            empty_mark = empty_mark or says_empty(filled)
            continue
        cells, split = tokens(ln.cells)
        if _skip(ln, tuple(c for c in cells if c), started):
            continue
        body.append((ln, cells, split))
        started = started or any(is_amount(c) or is_code(c) or is_total_label(c) for c in cells if c)
    if LAYOUTS[n].kind.joins_label_pieces:
        by_no = {ln.no: (ln, split) for ln, _, split in body}
        kept, joined = join_pieces([(ln.no, cells) for ln, cells, _ in body], LAYOUTS[n])
        body = [(by_no[no][0], cells, by_no[no][1]) for no, cells in kept]
        notes.extend(ReadNote("READ-PLACEMENT", f"表{n}第{no}行“{piece}”是相邻一行名称的续行，已合并为“{whole}”",
                              no, n) for no, piece, whole in joined)
    last_no = start
    for ln, cells, reader.split in body:
        gap = any(lines[i - 1].blank for i in range(last_no + 1, ln.no))
        last_no = ln.no
        # Above the first row a piece can only be the head of 表12/13's grand-total row (named
        # after the department); elsewhere it would be an unrecognised header.
        if LAYOUTS[n].wraps and (reader.drafts or LAYOUTS[n].kind.nests_units) and is_piece([c for c in cells if c]):
            w = Wrap(n, norm_name(next(c for c in cells if c)), ln.no, reader.drafts[-1] if reader.drafts else None,
                     None, gap)
            if pending:
                pending[-1].gap_after = gap
            pending.append(w)
            wraps.append(w)
            continue
        rows = reader.read(ln.no, cells)
        if rows is None:
            notes.append(ReadNote("READ-UNPLACED", f"表{n}第{ln.no}行既不是表头也不是数据行：{squash(ln.text)[:40]}",
                                  ln.no, n))
            continue
        for d in rows:
            prev = seen.get(d.key)
            if prev is None:
                seen[d.key] = d
                reader.drafts.append(d)
                for w in pending:
                    w.next = d
                if pending:
                    pending[-1].gap_after = gap
                pending = []
                continue
            label = f"{d.code} {d.name}" if d.code else d.name
            same = "金额相同" if prev.printed == d.printed else "金额不同，保留第一次出现的一行"
            notes.append(ReadNote("READ-DUPLICATE", f"表{n}“{label}”重复出现（第{prev.line}行与第{d.line}行，{same}）",
                                  d.line, n))
    for w in [w for w in wraps if w.prev is None and w.next is None]:
        # A lone name with no row around it is a row: an empty 表13 prints its department.
        wraps.remove(w)
        reader.drafts.extend(reader.read(w.line, [w.text]) or [])
    for w in wraps:
        settle_locally(w)
    return _Parsed(n, title, start, label_line, reader.drafts, wraps, notes, empty_mark)


def _table(p: _Parsed) -> Table:
    rows = tuple(d.row() for d in p.drafts)
    empty = p.empty_mark or all(v is None for r in rows for v in r.amounts.values())
    return Table(p.number, p.title, p.start, empty, rows, p.label_line)


_VARIANTS = 4
_SINGLE = 24


def _variants(p: _Parsed, parent_of: dict[str, str]) -> list[tuple[Table, frozenset[str]]]:
    """The table under other placements of its open rows (those whose own arithmetic
    allowed more than one): whole-table ones, which move one column's amounts to another in
    every open row, or put every open row in the same column pattern, as an extraction that
    lost blank cells does to a whole table; and each open row alone in each of its other
    placements."""
    open_rows = [d for d in p.drafts if len(d.cands) > 1]
    if not open_rows:
        return []
    def pattern(v: tuple[object, ...]) -> tuple[bool, ...]:
        return tuple(x is not None for x in v)
    patterns: list[tuple[bool, ...]] = []
    for d in open_rows:
        for c in d.cands:
            if c is not d.values and pattern(c) != pattern(d.values) and pattern(c) not in patterns:
                patterns.append(pattern(c))
    chosen = [d.choice for d in open_rows]
    out = []
    for src, dst in _moves(open_rows):
        # One column's amounts all belong in another (the extraction lost the blanks between).
        for d in open_rows:
            d.choice = _moved_choice(d, src, dst)
        moved = frozenset(d.key for d, i in zip(open_rows, chosen) if d.choice != i)
        if moved:
            out.append((_table(p), moved))
        for d, i in zip(open_rows, chosen):
            d.choice = i
    for pat in patterns[:_VARIANTS]:
        for d in open_rows:
            d.choice = next((i for i, c in enumerate(d.cands) if pattern(c) == pat), d.choice)
        moved = frozenset(d.key for d, i in zip(open_rows, chosen) if d.choice != i)
        if moved:
            out.append((_table(p), moved))
        for d, i in zip(open_rows, chosen):
            d.choice = i
    if len(open_rows) > 1:
        for d, i in ties(p.drafts, parent_of)[:_SINGLE]:
            keep, d.choice = d.choice, i
            out.append((_table(p), frozenset({d.key})))
            d.choice = keep
    return out


_MOVES = 12


def _moved_choice(d: Draft, src: int, dst: int) -> int:
    """The placement of `d` with its amount in column `src` moved to `dst`, all else kept."""
    now = d.values
    if now[src] is None:
        return d.choice
    want = tuple(None if c == src else now[src] if c == dst else v for c, v in enumerate(now))
    return next((i for i, c in enumerate(d.cands) if c == want), d.choice)


def _moves(open_rows: list[Draft]) -> list[tuple[int, int]]:
    """(from, to) columns some open row could move an amount between, most common first."""
    seen: dict[tuple[int, int], int] = {}
    for d in open_rows:
        now = d.values
        for c in d.cands:
            diff = [k for k, (a, b) in enumerate(zip(now, c)) if a != b]
            if len(diff) == 2 and (now[diff[0]] is None) != (now[diff[1]] is None):
                src = diff[0] if now[diff[0]] is not None else diff[1]
                dst = diff[1] if src == diff[0] else diff[0]
                seen[(src, dst)] = seen.get((src, dst), 0) + 1
    return sorted(seen, key=lambda m: -seen[m])[:_MOVES]


def _finish(p: _Parsed, units: Iterable[str] = ()) -> tuple[Table, list[tuple[Table, frozenset[str]]]]:
    n, drafts = p.number, p.drafts
    if LAYOUTS[n].kind.nests_units:
        _units(n, drafts, p.notes, units)
    parent_of = _parents(n, drafts)
    resolve(drafts, parent_of)
    p.notes.extend(placement_notes(drafts, n))
    p.notes.extend(wrap_notes(p.wraps))
    return _table(p), _variants(p, parent_of)


Variants = dict[int, list[tuple[Table, frozenset[str]]]]  # table -> (variant, keys of the rows it moves)


@dataclass(frozen=True)
class _Done:
    """A table read to the end where its own lines decided it alone: no piece of a wrapped
    name, which the names other tables print settle. 表12/13 also rest on the unit names the
    document prints elsewhere (`known`)."""

    table: Table
    variants: tuple[tuple[Table, frozenset[str]], ...]
    notes: tuple[ReadNote, ...]
    known: tuple[str, ...]

    def codes(self) -> Iterable[tuple[str, str]]:
        """The (code, name) of its coded rows: what `_names_printed` takes of a table read so."""
        return ((r.code, r.name) for r in self.table.rows if r.code)


_Key = tuple[int, int | None, tuple[int, int], LinesKey]  # table, its 预算公开表N line, its span, its lines
# A table's lines decide it (with `known`): a text read again, or one figure of it moved,
# reads again only the tables whose lines changed. The last twenty-odd documents' tables.
_DONE: Memo[_Key, _Done] = Memo(256)


def _names_printed(parsed: Iterable[_Parsed], done: Iterable[_Done], extra: Iterable[str]) -> tuple[dict[str, set[str]], set[str]]:
    """Names printed whole: by code (rows no piece touches, the official 类 names), and
    names alone (the 绩效 tables' project names, the 表10 labels)."""
    by_code: dict[str, set[str]] = {code: {name_key(name)} for code, name in CLASS_NAMES.items()}
    for p in parsed:
        touched = {id(w.prev) for w in p.wraps} | {id(w.next) for w in p.wraps}
        for d in p.drafts:
            if d.code and id(d) not in touched:
                by_code.setdefault(d.code, set()).add(name_key(d.name))
    for t in done:
        for code, name in t.codes():
            by_code.setdefault(code, set()).add(name_key(name))
    names = {name_key(x) for x in extra}
    return by_code, names


def read_tables(lines: list[Line], regions: Regions, names: Iterable[str] = (),
                units: Iterable[str] = ()) -> tuple[dict[int, Table | None], list[ReadNote], Variants]:
    """`names`: names the document prints elsewhere (the 绩效 tables' project names), which
    settle which row a wrapped piece of a name belongs to; `units`: the unit names it prints
    elsewhere (the 绩效 tables' 实施单位), which with 表11's units and the 单位名称 lines tell
    表12/13's unit subtotal rows from projects. Returns the tables, the notes,
    and for each table whose placement its own arithmetic left open, the other placements
    (for `tables_across` to settle by the tables that restate its figures)."""
    parsed: dict[int, _Parsed] = {}
    done: dict[int, _Done] = {}
    keys: dict[int, _Key] = {}
    notes: list[ReadNote] = []
    for n, layout in LAYOUTS.items():
        span = regions.tables.get(n)
        if span is None:
            continue
        label = regions.labels.get(n)
        keys[n] = key = (n, label, span, lines_key(lines[span[0] - 1:span[1] - 1]))
        found = _DONE.find(key)
        if found is not None:
            done[n] = found
        else:
            parsed[n] = _parse_table(n, lines, span, label)
    if any(p.wraps for p in parsed.values()):
        by_code, whole = _names_printed(parsed.values(), done.values(), names)
        settle_by_names([w for part in parsed.values() for w in part.wraps], by_code, whole)
        for part in parsed.values():
            apply_wraps(part.wraps, part.drafts)
    tables: dict[int, Table | None] = {}
    variants: Variants = {}
    t11 = parsed.get(11)
    names11 = [d.name for d in t11.drafts if d.key != "部门合计"] if t11 is not None else \
        [r.name for r in done[11].table.rows if r.key != "部门合计"] if 11 in done else []
    known = (*units, *printed_units(lines), *names11)
    for n, layout in LAYOUTS.items():
        if n not in keys:
            tables[n] = None
            notes.append(ReadNote("READ-MISSING-TABLE", f"未找到表{n}“{layout.title}”", None, n))
            continue
        nests = layout.kind.nests_units
        t = done.get(n)
        if t is None or (nests and t.known != known):
            # Read here, or read before under other unit names: read its lines again (the
            # same lines hold no wrapped piece now either).
            p = parsed.get(n) or _parse_table(n, lines, regions.tables[n], regions.labels.get(n))
            table, others = _finish(p, known)
            t = _Done(table, tuple(others), tuple(p.notes), known if nests else ())
            if not p.wraps:
                _DONE.keep(keys[n], t)
        tables[n] = t.table
        if t.variants:
            variants[n] = list(t.variants)
        notes.extend(t.notes)
    return tables, notes, variants
