"""Every printed amount of every table of seed 000, changed by 0.05 万元 in the text, makes
`check` report a new error: no amount is outside the rule catalogue's reach."""
from __future__ import annotations

import re

import pytest

from conftest import SEED_PATHS

from xltools.evaluation.check import check
from xltools.rules.reading import read_bytes
from xltools.read.regions import find_regions
from xltools.read.text import to_lines

AMOUNT = re.compile(r"^-?\d[\d,]*\.\d\d$")


def errors(text: str) -> set[tuple[str, str]]:
    doc = read_bytes(text.encode("utf-8"), "mutant.txt")
    return {(f.rule, f.message) for f in check(doc) if f.severity == "error"}


TEXT = SEED_PATHS["000"].read_text(encoding="utf-8")
REGIONS = find_regions(to_lines(TEXT)).tables


@pytest.fixture(scope="module")
def base() -> set[tuple[str, str]]:
    return errors(TEXT)


# One test a table, so that both cores share the walk (pytest-xdist).
@pytest.mark.parametrize("n", sorted(REGIONS))
def test_every_table_amount_is_checked(n: int, base: set[tuple[str, str]]) -> None:
    raw = TEXT.split("\n")
    start, end = REGIONS[n]
    walked = 0
    silent: list[str] = []
    for no in range(start, end):
        cells = raw[no - 1].split("\t")
        for i, c in enumerate(cells):
            if not AMOUNT.match(c.strip()):
                continue
            new = f"{float(c.replace(',', '')) + 0.05:.2f}"
            mutant = raw[:]
            mutant[no - 1] = "\t".join(cells[:i] + [new] + cells[i + 1:])
            walked += 1
            if not (errors("\n".join(mutant)) - base):
                silent.append(f"表{n} line {no} cell {i}: {c}")
    assert walked == AMOUNTS[n]
    assert silent == []


# The amounts each table of seed 000 prints (表7–11 are empty: their notes only): the walk
# reaches every one of them, 338 in all.
AMOUNTS = {1: 23, 2: 65, 3: 65, 4: 21, 5: 65, 6: 37, 7: 0, 8: 0, 9: 0, 10: 0, 11: 0, 12: 42, 13: 20}


def test_the_walk_covers_every_table() -> None:
    assert sorted(REGIONS) == list(range(1, 14)) and sum(AMOUNTS.values()) == 338
