"""The rule catalogue: every identity of DOMAIN.md, declared once, by family."""
from __future__ import annotations

from . import cross, narrative, performance, tables
from .core import Rule

CATALOGUE: tuple[Rule, ...] = tables.RULES + cross.RULES + narrative.RULES + performance.RULES

_ids = [r.id for r in CATALOGUE]
assert len(_ids) == len(set(_ids)), "duplicate rule ids"

BY_ID: dict[str, Rule] = {r.id: r for r in CATALOGUE}
