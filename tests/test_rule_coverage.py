"""No rule lacks a passing and a failing test, and every rule is fully declared."""
from __future__ import annotations

import importlib
from pathlib import Path

from xltools.rules import CATALOGUE

MODULES = sorted(p.stem for p in Path(__file__).parent.glob("test_*.py") if p.stem != "test_rule_coverage")


def _covered() -> dict[str, tuple[str, str, object]]:
    out: dict[str, tuple[str, str, object]] = {}
    for name in MODULES:
        mod = importlib.import_module(name)
        for rule_id, (ok, bad) in getattr(mod, "COVERED", {}).items():
            out[rule_id] = (ok, bad, mod)
    return out


def test_every_rule_is_declared_fully() -> None:
    for r in CATALOGUE:
        assert r.id and r.level in ("M", "A") and r.description, r
        assert any("\u4e00" <= ch <= "\u9fff" for ch in r.description), f"{r.id}: description not in Chinese"


def test_every_rule_has_a_passing_and_a_failing_case() -> None:
    covered = _covered()
    missing = [r.id for r in CATALOGUE if r.id not in covered]
    assert missing == []
    for rule_id, (ok, bad, mod) in covered.items():
        assert callable(getattr(mod, ok, None)), f"{rule_id}: {mod.__name__}.{ok} missing"
        assert callable(getattr(mod, bad, None)), f"{rule_id}: {mod.__name__}.{bad} missing"


def test_no_coverage_entry_names_an_unknown_rule() -> None:
    ids = {r.id for r in CATALOGUE}
    assert set(_covered()) <= ids
