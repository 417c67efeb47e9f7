"""cross rules."""
from __future__ import annotations

from .core import Rule

RULES: tuple[Rule, ...] = ()
