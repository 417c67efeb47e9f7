"""What the suite keeps between runs (tests/built.py `kept`) is used only for the very inputs it
was computed from: the full model's reference values are keyed by every part of the workbook
but its timestamps, so a changed cell computes afresh."""
from __future__ import annotations

from pathlib import Path

import pytest

import built
from book_files import with_inputs, with_parts
from conftest import full_model_key


def test_kept_is_built_once_per_key_and_again_when_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(built, "KEPT", tmp_path / "kept")
    monkeypatch.delenv("XLT_TESTS_FRESH", raising=False)
    calls: list[str] = []

    def build(tag: str) -> dict[str, float]:
        calls.append(tag)
        return {"A1": 1.5}

    assert built.kept("x", "k1", lambda: build("first")) == {"A1": 1.5}
    assert built.kept("x", "k1", lambda: build("second")) == {"A1": 1.5}
    assert calls == ["first"]  # kept: not built again
    assert built.kept("x", "k2", lambda: build("other key")) == {"A1": 1.5} and calls[-1] == "other key"
    (tmp_path / "kept" / "x-k1.pickle").write_bytes(b"torn")
    built.kept("x", "k1", lambda: build("after a torn file"))
    monkeypatch.setenv("XLT_TESTS_FRESH", "1")
    built.kept("x", "k1", lambda: build("fresh"))
    assert calls == ["first", "other key", "after a torn file", "fresh"]


def test_the_full_models_key_follows_every_cell_but_not_the_timestamps(seed_workbooks: dict[str, Path],
                                                                       tmp_path: Path) -> None:
    book = seed_workbooks["000"]
    key = full_model_key(book)
    stamped = with_parts(book, tmp_path / "stamped.xlsx", lambda name, data: data.replace(
        b"<dcterms:modified", b"<!-- saved again --><dcterms:modified") if name == "docProps/core.xml" else data)
    assert full_model_key(stamped) == key
    # 表2's 一般公共预算 of 2010101 (行政运行): one input, one new key.
    changed = with_inputs(book, tmp_path / "changed.xlsx", {("表2 收入总表", "D9"): 6.01})
    assert full_model_key(changed) != key


def test_a_shipped_reference_is_used_only_under_its_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """tests/reference.py: the shipped value under the same key is used as is; another key computes
    afresh and ships that; a fresh run that does not reproduce the shipped value fails."""
    import reference

    monkeypatch.setattr(built, "KEPT", tmp_path / "kept")
    monkeypatch.setattr(reference, "KEPT", tmp_path / "kept")
    monkeypatch.setattr(reference, "SHIPPED", tmp_path / "shipped")
    monkeypatch.delenv("XLT_TESTS_FRESH", raising=False)
    calls: list[str] = []

    def build(tag: str, value: float) -> dict[str, dict[str, float]]:
        calls.append(tag)
        return {"S": {"A1": value}}

    assert reference.reference("r", "kept", "k1", lambda: build("first", 1.5)) == {"S": {"A1": 1.5}}
    assert reference.read_shipped("r") == ("k1", {"S": {"A1": 1.5}})
    shipped = reference.path_of("r").read_bytes()
    (tmp_path / "kept").rename(tmp_path / "kept-gone")  # nothing kept: only the shipped file answers
    assert reference.reference("r", "kept", "k1", lambda: build("not built", 9.0)) == {"S": {"A1": 1.5}}
    assert calls == ["first"]
    # Another key (a cell, the engine, a version changed): computed, and shipped in its place.
    assert reference.reference("r", "kept", "k2", lambda: build("second", 2.5)) == {"S": {"A1": 2.5}}
    assert calls == ["first", "second"] and reference.read_shipped("r") == ("k2", {"S": {"A1": 2.5}})
    reference.write_shipped("r", "k1", {"S": {"A1": 1.5}})
    assert reference.path_of("r").read_bytes() == shipped  # the same bytes for the same values: no diff in git
    # Fresh: computed again under the shipped key; a shipped value it does not reproduce fails.
    monkeypatch.setenv("XLT_TESTS_FRESH", "1")
    assert reference.reference("r", "kept", "k1", lambda: build("fresh", 1.5)) == {"S": {"A1": 1.5}}
    with pytest.raises(reference.StaleReference):
        reference.reference("r", "kept", "k1", lambda: build("fresh, other value", 1.25))
    assert calls == ["first", "second", "fresh", "fresh, other value"]
