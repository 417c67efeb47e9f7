"""The same disclosure as another extractor or machine gives it reads and checks the same.

Each seed is transformed (tests/transforms.py) the way other extractors, machines and
editors change extracted text; the transformed text must give the untransformed seed's
unit, kind and year, every table total, and every error and warning with its rule,
severity, both values and (where no line was inserted) its lines.
"""
from __future__ import annotations

import random
from functools import lru_cache
from typing import Any

import pytest

from meta_compare import signature
from transforms import SHIFTS_LINES, TRANSFORMS
from xltools.rules.reading import read_bytes
from xltools.rules.reading import read_text

from conftest import SEED_PATHS

RANDOM = {"spaces", "watermarks", "labels", "markdown", "wrap_names", "page_breaks", "rewrap_prose",
          "wrap_project_names", "justify_prose"}
CASES = [(seed, name, r) for seed in sorted(SEED_PATHS) for name in TRANSFORMS
         for r in ((1, 2) if name in RANDOM else (0,))]


def _options(name: str) -> dict[str, Any]:
    opts: dict[str, Any] = {"lines": name not in SHIFTS_LINES}
    if name == "cut_after_13":
        opts["families"] = ("T", "X")  # the narrative and the 绩效 tables were cut off
    return opts


@lru_cache(maxsize=None)
def _text(seed: str) -> str:
    return SEED_PATHS[seed].read_text("utf-8")


@lru_cache(maxsize=None)
def _base(seed: str, name: str) -> dict[str, Any]:
    return signature(read_text(_text(seed), seed), **_options(name))


def _read(out: str | bytes, seed: str) -> Any:
    return read_bytes(out, seed) if isinstance(out, bytes) else read_text(out, seed)


def _diff(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    out = []
    if a["meta"] != b["meta"]:
        out.append(f"meta {a['meta']} -> {b['meta']}")
    out += [f"表{n} total {a['totals'][n]} -> {b['totals'][n]}" for n in a["totals"] if a["totals"][n] != b["totals"][n]]
    out += [f"lost {k}" for k in a["findings"] - b["findings"]]
    out += [f"new {k}" for k in b["findings"] - a["findings"]]
    return out


@pytest.mark.parametrize("seed,name,rng", CASES, ids=[f"{s}-{n}-{r}" for s, n, r in CASES])
def test_transformed_seed_reads_the_same(seed: str, name: str, rng: int) -> None:
    base = _base(seed, name)
    # The untransformed seed reads (its review findings are pinned in test_seed_findings): an
    # equality of two empty readings would prove nothing.
    assert all(base["totals"][n] is not None for n in (1, 2, 3, 5, 6))
    assert base["findings"] or name == "cut_after_13"  # 000 and 001 have no table finding
    out = TRANSFORMS[name](_text(seed), random.Random(rng))
    got = signature(_read(out, seed), **_options(name))
    assert _diff(base, got) == []


def test_transforms_change_the_text() -> None:
    """Each transform really changes each seed (else the test above proves nothing)."""
    for seed in SEED_PATHS:
        text = _text(seed)
        for name, t in TRANSFORMS.items():
            out = t(text, random.Random(1))
            assert (out.decode("utf-8", "replace") if isinstance(out, bytes) else out) != text or name in ("crlf", "bom"), name


def test_several_transforms_at_once() -> None:
    """Spaces, wrapped names, moved watermarks, thousands separators and CRLF together."""
    for seed in sorted(SEED_PATHS):
        text = _text(seed)
        rng = random.Random(3)
        for name in ("thousands", "watermarks", "wrap_names", "spaces", "markdown"):
            text = TRANSFORMS[name](text, rng)  # type: ignore[assignment]
        got = signature(_read(TRANSFORMS["crlf"](text, rng), seed), lines=False)
        assert _diff(_base(seed, "wrap_names"), got) == [], seed
