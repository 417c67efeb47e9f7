"""A workbook whose formulas carry no computed values (saved by a script, `import
--no-recalc`, the audit's workbooks before) is computed before it is judged, or refused with
exit 2: never verdicts on blanks."""
from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from book_files import merge_over_content, with_parts
from xltools.cli.main import main
from xltools.workbook import book_check
from xltools.workbook.engine.cache import lacks_values


def _check_json(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, object]]:
    rc = main(["check", str(path), "--json", "--all"])
    out = json.loads(capsys.readouterr().out)
    out.pop("source", None)
    return rc, out


# What `check` gave for a seed's workbook as the fast path recalculated it (the session's, never
# changed): the reference two tests compare with, checked once.
_COMPUTED: dict[Path, tuple[int, dict[str, object]]] = {}


def _computed_json(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, object]]:
    if path not in _COMPUTED:
        _COMPUTED[path] = _check_json(path, capsys)
    return _COMPUTED[path]


@pytest.mark.parametrize("seed", ["000", "003"])
def test_a_workbook_without_values_is_checked_as_computed(seed: str, seed_workbooks: dict[str, Path],
                                                          seed_books: dict[tuple[str, str], Path],
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    bare, computed = seed_workbooks[seed], seed_books[(seed, "formulas")]
    assert lacks_values(bare) and not lacks_values(computed)
    rc_bare, bare_json = _check_json(bare, capsys)
    rc_computed, computed_json = _computed_json(computed, capsys)
    assert (rc_bare, bare_json) == (rc_computed, computed_json)
    # The seed's own figures, not blanks: 000's one error is its narrative's "占0%".
    summary = bare_json["summary"]
    assert isinstance(summary, dict)
    assert summary["error"] == {"000": 1, "003": 0}[seed]


def test_a_workbook_saved_by_a_script_keeps_its_verdicts(seed_books: dict[tuple[str, str], Path], tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """openpyxl drops every cached value on save: an officer's script that only fixes the
    unit's name leaves a workbook whose totals would all read as blank."""
    wb = openpyxl.load_workbook(seed_books[("000", "formulas")])
    wb.save(tmp_path / "scripted.xlsx")
    assert lacks_values(tmp_path / "scripted.xlsx")
    assert _check_json(tmp_path / "scripted.xlsx", capsys) == _computed_json(seed_books[("000", "formulas")], capsys)


def test_a_workbook_that_cannot_be_computed_is_refused(seed_workbooks: dict[str, Path], tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    def cannot(paths: list[Path], engine: str) -> list[object]:
        raise RuntimeError("no engine")

    monkeypatch.setattr(book_check, "compute", cannot)
    rc = main(["check", str(seed_workbooks["000"])])
    err = capsys.readouterr().err
    assert rc == 2
    assert "没有保存计算结果" in err and "carry no computed values" in err and "000.xlsx" in err


def test_the_template_and_the_audit_workbooks_carry_values(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["template", "-o", str(tmp_path / "t.xlsx")]) == 0
    assert not lacks_values(tmp_path / "t.xlsx")
    capsys.readouterr()
    rc, got = _check_json(tmp_path / "t.xlsx", capsys)
    assert rc == 0 and got["summary"] == {"error": 0, "warning": 0, "info": 0, "accepted": 0, "stale": 0}
    # Written again: the first kept as a backup, never overwritten in place.
    assert main(["template", "-o", str(tmp_path / "t.xlsx")]) == 0
    assert (tmp_path / "t.xlsx.bak").is_file()


def _loaded_whole(path: Path) -> dict[str, list[list[object]]]:
    """Every sheet's values as openpyxl gives them with the workbook loaded whole."""
    book = openpyxl.load_workbook(path, data_only=True)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}


def _lying_dimension(src: Path, dst: Path) -> Path:
    """`src` with every sheet claiming A1:A1 as its used range, as some writers leave it."""
    import re

    return with_parts(src, dst, lambda name, data: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:A1"', data)
                      if name.startswith("xl/worksheets/sheet") else data)


def test_the_cells_read_back_are_those_of_the_whole_workbook(seed_books: dict[tuple[str, str], Path],
                                                              tmp_path: Path) -> None:
    """`check BOOK.xlsx` parses the cells in read-only mode: every sheet's rows and values are
    those openpyxl gives for the workbook loaded whole, recalculated by either engine, and
    a file whose stated used range is wrong is read whole all the same."""
    wholes: dict[tuple[str, str], dict[str, list[list[object]]]] = {}
    for key in (("001", "formulas"), ("003", "libreoffice")):
        path = seed_books[key]
        whole = wholes[key] = _loaded_whole(path)
        assert book_check.read_grids(path) == whole, key
        # 表2's 合计 row, as recalculated: a figure, not a blank (sheet names as the workbook's).
        t2 = whole["表2 收入总表"]
        assert any(isinstance(v, float) and v > 0 for row in t2 for v in row)
    lying = _lying_dimension(seed_books[("001", "formulas")], tmp_path / "lying.xlsx")
    grids = book_check.read_grids(lying)
    assert grids == wholes[("001", "formulas")]  # the file it was made from, loaded whole above
    assert len(grids["表2 收入总表"][0]) > 1


def test_what_a_merge_hides_is_not_read(tmp_path: Path) -> None:
    """LibreOffice can keep the contents of the cells a merge hides: the officer sees only the
    first cell, and so does the read-back, as the workbook loaded whole shows it (the merge
    reaching past the last cell written counts too)."""
    merged = merge_over_content(tmp_path)
    grids = book_check.read_grids(merged)
    assert grids == _loaded_whole(merged)
    assert grids["表2 收入总表"] == [["合计", None, None], [None, None, None], [None, None, None]]
    assert book_check.sheet_rows(merged, "表2 收入总表") == grids["表2 收入总表"]
