"""Every printed amount of every table of seed 000, changed by 0.05 万元 in the text, makes
`check` report a new error: no amount is outside the rule catalogue's reach."""
from __future__ import annotations

import re

from conftest import SEED_PATHS

from xltools.check import check
from xltools.read import read_bytes
from xltools.read.regions import find_regions
from xltools.read.text import to_lines

AMOUNT = re.compile(r"^-?\d[\d,]*\.\d\d$")


def errors(text: str) -> set[tuple[str, str]]:
    doc = read_bytes(text.encode("utf-8"), "mutant.txt")
    return {(f.rule, f.message) for f in check(doc) if f.severity == "error"}


def test_every_table_amount_is_checked() -> None:
    text = SEED_PATHS["000"].read_text(encoding="utf-8")
    raw = text.split("\n")
    regions = find_regions(to_lines(text))
    base = errors(text)
    walked = 0
    silent: list[str] = []
    for n, (start, end) in sorted(regions.tables.items()):
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
    assert walked > 300
    assert silent == []
