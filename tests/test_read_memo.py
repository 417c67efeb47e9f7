"""The reader's memos (`core.memo`) change nothing: a text read after others (its tables,
narrative and 绩效 tables taken from the memo where their lines were seen before) reads and
checks exactly as in a process that never read a text, and the memo is really used.

Each case reads a base text, then a variant of it (one figure moved, a unit renamed, names
wrapped), then forgets every memo and reads the variant again."""
from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from conftest import SEED_PATHS
from transforms import TRANSFORMS

from xltools.core.findings import Finding
from xltools.core.memo import Memo, forget_all
from xltools.evaluation.check import check
from xltools.read import Parsed, parse_text
from xltools.read.regions import find_regions
from xltools.read.text import to_lines
from xltools.rules.reading import settled

FORMS = Path(__file__).parent / "fixtures" / "forms"
SEED = SEED_PATHS["000"].read_text(encoding="utf-8")
TWO_UNITS = (FORMS / "dept_two_units.txt").read_text(encoding="utf-8")


def _swap(text: str, line: int, old: str, new: str) -> str:
    rows = text.split("\n")
    assert old in rows[line - 1], rows[line - 1]
    rows[line - 1] = rows[line - 1].replace(old, new, 1)
    return "\n".join(rows)


def _read(text: str) -> tuple[Parsed, list[Finding]]:
    parsed = parse_text(text, "variant.txt")
    return parsed, check(settled(parsed))


AMOUNT = re.compile(r"^\d[\d,]*\.\d\d$")
FIGURE = re.compile(r"(\d+\.\d\d)万元")


def _amount_in(text: str, span: tuple[int, int]) -> tuple[int, str]:
    """The first line of a span printing an amount (as a cell, or in a sentence), and it."""
    rows = text.split("\n")
    for no in range(span[0], span[1]):
        cells = [c.strip() for c in rows[no - 1].split("\t")]
        hit = next((c for c in cells if AMOUNT.match(c)), None) or next(iter(FIGURE.findall(rows[no - 1])), None)
        if hit is not None:
            return no, hit
    raise AssertionError(f"no amount in lines {span}")


def _moved(text: str, span: tuple[int, int]) -> str:
    no, amount = _amount_in(text, span)
    return _swap(text, no, amount, f"{float(amount.replace(',', '')) + 0.05:.2f}")


def _cases() -> dict[str, tuple[str, str, int]]:
    """name -> (base text, variant, a table the variant leaves alone)."""
    regions = find_regions(to_lines(SEED))
    assert regions.narrative is not None
    first = regions.perf_tables[1]
    assert first.kind == "project"
    project = next(no for no in range(first.start, first.end) if "实施期资金总额" in SEED.split("\n")[no - 1])
    wrapped = str(TRANSFORMS["wrap_names"](SEED, random.Random(1)))
    # 表12's second unit subtotal off by 0.10: its sums no longer say which rows are units, the
    # unit names printed elsewhere (表11, the 绩效 tables' 实施单位) do
    broken = TWO_UNITS.replace("某某市水利工程管理站\t35.10\t35.10", "某某市水利工程管理站\t35.20\t35.20")
    t12 = find_regions(to_lines(broken)).tables
    renamed = "\n".join(row if t12[12][0] <= no < t12[13][1] else row.replace("管理站", "管理所")
                         for no, row in enumerate(broken.split("\n"), start=1))
    return {
        "a 表2 amount moved": (SEED, _moved(SEED, regions.tables[2]), 5),
        "a narrative figure moved": (SEED, _moved(SEED, regions.narrative), 3),
        "a project's amount moved": (SEED, _swap(SEED, project, "308,384", "308,394"), 12),
        # a unit renamed everywhere but in 表12/13, whose lines are the same: they are read
        # again under the new names, and 表12 then reads the unit's row as a project
        "a unit renamed outside 表12/13": (broken, renamed, 2),
        # wrapped names are settled across tables: such tables are never taken from the memo
        "names wrapped, then a figure moved": (wrapped, _moved(wrapped, find_regions(to_lines(wrapped)).tables[3]), 1),
    }


CASES = _cases()


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_variant_reads_as_in_a_fresh_process(name: str) -> None:
    base_text, variant, untouched = CASES[name]
    assert variant != base_text
    forget_all()
    base, _ = _read(base_text)
    warm, warm_found = _read(variant)
    # the memo served the table the variant leaves alone
    assert warm.document.tables[untouched] is base.document.tables[untouched]
    forget_all()
    cold, cold_found = _read(variant)
    assert warm.document == cold.document
    assert warm.open == cold.open
    assert warm_found == cold_found
    assert warm.document != base.document  # the variant was read as a variant


def test_the_unit_names_printed_elsewhere_decide_a_memo_of_table_12() -> None:
    """表12's lines are the same in both texts, and its reading is not."""
    base_text, variant, _ = CASES["a unit renamed outside 表12/13"]
    forget_all()
    kinds = [[r.kind for r in _read(text)[0].document.tables[12].rows] for text in (base_text, variant)]  # type: ignore[union-attr]
    assert kinds == [["total", "subtotal", "item", "item", "subtotal", "item", "item", "item"],
                     ["total"] + ["item"] * 7]


def test_a_moved_table_figure_is_read_and_found() -> None:
    """The table a figure moved in is read again: an error names the moved figure on its line."""
    base_text, variant, _ = CASES["a 表2 amount moved"]
    no, amount = _amount_in(variant, find_regions(to_lines(variant)).tables[2])
    forget_all()
    _, base_found = _read(base_text)
    _, found = _read(variant)
    new = [f for f in found if f not in base_found and f.severity == "error"]
    assert any(f.rule == "T2-ROW" and f.actual == float(amount) and any(w.line == no for w in f.where) for f in new), new


def test_a_memo_keeps_the_last_ones() -> None:
    memo: Memo[int, str] = Memo(2)
    made: list[int] = []

    def make(k: int) -> str:
        made.append(k)
        return str(k)

    assert [memo.get(k, lambda k=k: make(k)) for k in (1, 2, 1, 3, 2, 1)] == ["1", "2", "1", "3", "2", "1"]
    # 1 was used again before 3 came, so 2 went; then 2 came back and 1 went
    assert made == [1, 2, 3, 2, 1] and len(memo) == 2
