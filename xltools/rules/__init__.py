"""The rule catalogue: every identity of DOMAIN.md, declared once, by family."""
from __future__ import annotations

from xltools.rules import cross, narrative, performance, prior, tables
from xltools.rules.core import Rule

# The prior-year rules read a second document (`prior.bind`); alone they yield nothing.
CATALOGUE: tuple[Rule, ...] = tables.RULES + cross.RULES + narrative.RULES + performance.RULES + prior.RULES

_ids = [r.id for r in CATALOGUE]
assert len(_ids) == len(set(_ids)), "duplicate rule ids"

BY_ID: dict[str, Rule] = {r.id: r for r in CATALOGUE}
