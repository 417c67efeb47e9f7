"""Texts of the seed family grown k times: the narrative (第三部分) repeated with varied figures,
and each 表12 project of the seed copied under a new name with a copy of its 绩效 table.

Used to show that reading and checking grow linearly with the input (test_linear_reading.py;
bench timings in the issue 25 report).
The figures and names are synthetic: the grown texts have findings of their own, which is fine;
only the amount of work is measured on them.
"""
from __future__ import annotations

import re
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
SEED = FIXTURES / "003_5ca8f1ce3fa7ccd0.txt"
# the seed whose 绩效 tables name some projects differently and whose names wrap
RENAMED = FIXTURES / "001_4c4beb285f788113.txt"

_NARRATIVE_START = re.compile(r"第三部分\s*\d{4}年度.*预算情况说明")
_NARRATIVE_END = re.compile(r"（项目绩效目标表公开情况见附件）")
_T12_START = re.compile(r"\d{4}年项目支出预算表（本年预算）")
_T13_START = re.compile(r"\d{4}年项目支出预算表（上年结转）")
_PERF_TITLE = "项目支出绩效目标表"
_STEP = 10000  # 万元 added to a project's amounts in each copy
_AMOUNT = re.compile(r"\d[\d,]*\.\d\d")
_INTEGER = re.compile(r"(?<![\d.,])\d[\d,]*(?![\d.,])")


def _shift(line: str, by: float) -> str:
    """Each two-decimal figure of the line raised by `by`."""
    def shift(m: re.Match[str]) -> str:
        return f"{float(m.group(0).replace(',', '')) + by:,.2f}"
    return _AMOUNT.sub(shift, line)


def _vary(line: str, k: int) -> str:
    """The k-th copy of a narrative line: its figures shifted, so copies do not repeat them."""
    return _shift(line, k * 1.01)


def _shift_yuan(line: str, by: int) -> str:
    """Each whole figure (元) of a 绩效 table's funding line raised by `by`."""
    return _INTEGER.sub(lambda m: f"{int(m.group(0).replace(',', '')) + by:,}", line)


def _last_index(lines: list[str], pattern: re.Pattern[str]) -> int:
    """The last line matching: the part itself, not its entry in the table of contents."""
    return max(i for i, line in enumerate(lines) if pattern.search(line) and "....." not in line)


def _perf_blocks(lines: list[str], start: int) -> list[list[str]]:
    """The 绩效 tables after `start`, each from its title line to the next title."""
    titles = [i for i in range(start, len(lines)) if lines[i].rstrip().endswith(_PERF_TITLE)]
    ends = titles[1:] + [len(lines)]
    return [lines[a:b] for a, b in zip(titles, ends)]


def _project_name(block: list[str]) -> str | None:
    for line in block:
        cells = [c for c in line.split("\t") if c.strip()]
        if cells and cells[0].strip() == "项目名称" and len(cells) > 1:
            return cells[1].strip()
    return None


def _copy_block(block: list[str], name: str, c: int) -> list[str]:
    """The c-th copy of a 绩效 table: its project renamed, its funding raised by c * _STEP
    万元 (as its 表12 row is), so each copy pairs with its own row."""
    out = []
    for line in block:
        if "项目名称" in line:
            line = line.replace(name, f"{name}（副本{c}）", 1)
        elif "资金总额" in line:
            line = _shift_yuan(line, c * _STEP * 10000)
        out.append(line)
    return out


def scaled_text(k: int, seed: Path = SEED) -> str:
    """The seed text with its narrative k times and each 表12 project (and each 绩效 table)
    k times. The copies of a project have their own amounts (raised by _STEP 万元 a copy, more
    than any seed project: no two copies share an amount), and every other copied 表12 row
    has its name wrapped onto two lines."""
    lines = seed.read_text(encoding="utf-8").split("\n")
    n_start = _last_index(lines, _NARRATIVE_START)
    n_end = _last_index(lines, _NARRATIVE_END)
    t12 = _last_index(lines, _T12_START)
    t13 = _last_index(lines, _T13_START)
    # 表12's project rows: after its total row (the unit's name) up to 表13's title.
    body = [i for i in range(t12, t13) if "\t" in lines[i]]
    header_end = next(i for i in body if lines[i].split("\t")[0].strip() == "1")
    total = next(i for i in body if i > header_end)
    project_rows = [i for i in body if i > total]
    # every 绩效 table, also those naming their project a little differently from 表12
    blocks = [b for b in _perf_blocks(lines, n_end) if _project_name(b)]

    out: list[str] = []
    for i, line in enumerate(lines[:n_end]):
        out.append(line)
        if i == project_rows[-1]:
            for c in range(1, k):
                for n, j in enumerate(project_rows):
                    name, _, rest = lines[j].partition("\t")
                    name = name.strip()
                    if n % 2 and len(name) >= 8:
                        # a long name wrapped, the amounts on its last piece: only the
                        # 绩效 table's name says which row the first piece belongs to
                        out.append(name[:len(name) // 2])
                        name = name[len(name) // 2:]
                    out.append(f"{name}（副本{c}）\t{_shift(rest, float(c * _STEP))}")
    for c in range(1, k):
        out.extend(_vary(line, c) for line in lines[n_start + 1:n_end])
    out.extend(lines[n_end:])
    for c in range(1, k):
        for b in blocks:
            title = _project_name(b)
            assert title is not None
            out.extend(_copy_block(b, title, c))
    return "\n".join(out)


def long_narrative(k: int, seed: Path = SEED) -> str:
    """The seed text with the first paragraph of its narrative's section 一 (amounts, a
    change, a growth rate) stated k times with varied figures: a long narrative in which
    every growth rate has to find its change and its amount."""
    lines = seed.read_text(encoding="utf-8").split("\n")
    start = _last_index(lines, _NARRATIVE_START)
    at = next(i for i in range(start + 1, len(lines)) if len(_AMOUNT.findall(lines[i])) > 3)
    extra = [_vary(lines[at], c) for c in range(1, k)]
    return "\n".join(lines[:at + 1] + extra + lines[at + 1:])
