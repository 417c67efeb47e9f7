"""What lets a recalculation skip work without changing its answer: the store of compiled
templates (engine/template_store.py), reused by the next process, and the import path's cells
taken from the workbook in memory (engine/workbook_cells.py) instead of the saved file."""
from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from book_files import sheet_values
from xltools.workbook.engine import FastModel, program, recalc, template_store
from xltools.workbook.engine.cache import Values
from xltools.workbook.engine.workbook_cells import book_of
from xltools.workbook.engine.xlsx_cells import Book, read_book, unescape
from xltools.core.model import Document
from xltools.workbook.book import build
from xltools.rules import CATALOGUE

T2 = "表2 收入总表"


def _typed(values: Values) -> dict[tuple[str, str], tuple[type, object]]:
    return {(s, a): (type(v), v) for s, cells in values.items() for a, v in cells.items()}


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    compiled: list[str] = []
    real = program._compile

    def counting(template, placeholders, table):  # type: ignore[no-untyped-def]
        compiled.append(template)
        return real(template, placeholders, table)

    monkeypatch.setattr(program, "_compile", counting)
    return compiled


@dataclass(frozen=True)
class Fresh:
    """Seed 003's model compiled afresh into an empty store."""
    store: Path  # the store it filled (read-only: a test that changes it works on a copy)
    compiled: int  # templates compiled
    templates: int  # templates the model has
    stored: int  # files in the store right after
    programs: list[str]  # each program as the store writes it
    results: dict[tuple[str, str], tuple[type, object]]  # every formula cell's value, typed


@pytest.fixture(scope="module")
def fresh_003(seed_workbooks: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Fresh:
    """What both tests of the store compare with: the model compiled with nothing stored (once
    for the module: it is the cost of both)."""
    folder = tmp_path_factory.mktemp("store") / "cache"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(template_store.ENV, str(folder))
        compiled = _counting(mp)
        fresh = FastModel(read_book(seed_workbooks["003"]))
        stored = len(list(folder.rglob("*.json")))
        names = program._stored_names()[1]
        return Fresh(folder, len(compiled), fresh.templates, stored,
                     [template_store.dump(p, names) for p in fresh._program], _typed(fresh.calculate().results()))


def test_a_stored_program_is_the_one_compiling_gives_and_computes_the_same(
        fresh_003: Fresh, seed_workbooks: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    assert fresh_003.compiled == fresh_003.templates == fresh_003.stored
    monkeypatch.setenv(template_store.ENV, str(fresh_003.store))
    names = program._stored_names()[1]
    compiled = _counting(monkeypatch)
    again = FastModel(read_book(seed_workbooks["003"]))
    assert compiled == []  # every template from the store
    assert [template_store.dump(p, names) for p in again._program] == fresh_003.programs
    assert _typed(again.calculate().results()) == fresh_003.results
    assert again.value(T2, "D8") == pytest.approx(1978.16 + 639.03)  # 2010350 事业运行 and its siblings


def test_a_corrupt_or_foreign_store_is_compiled_over(fresh_003: Fresh, seed_workbooks: dict[str, Path],
                                                     tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Path(shutil.copytree(fresh_003.store, tmp_path / "cache"))
    monkeypatch.setenv(template_store.ENV, str(store))
    files = sorted(store.rglob("*.json"))
    files[0].write_text("{not json", encoding="utf-8")
    files[1].write_bytes(b"\xff\xfe\x00")
    stored = json.loads(files[2].read_text(encoding="utf-8"))
    stored["steps"][0][0] = "NO-SUCH-FUNCTION"  # a package without it: not run
    files[2].write_text(json.dumps(stored), encoding="utf-8")
    stored = json.loads(files[3].read_text(encoding="utf-8"))
    stored["template"] = "=1+1"  # another template under this name
    files[3].write_text(json.dumps(stored), encoding="utf-8")
    compiled = _counting(monkeypatch)
    model = FastModel(read_book(seed_workbooks["003"])).calculate()
    assert len(compiled) == 4
    assert _typed(model.results()) == fresh_003.results
    # and the bad files were replaced by good ones
    compiled.clear()
    FastModel(read_book(seed_workbooks["003"]))
    assert compiled == []


def test_the_store_turned_off_or_unwritable_changes_nothing(tmp_path: Path, seed_workbooks: dict[str, Path],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(template_store.ENV, "")
    path = tmp_path / "off.xlsx"
    path.write_bytes(seed_workbooks["000"].read_bytes())
    assert "formulas fast path" in recalc(path)
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv(template_store.ENV, str(blocked / "cache"))
    other = tmp_path / "blocked.xlsx"
    other.write_bytes(seed_workbooks["000"].read_bytes())
    assert "formulas fast path" in recalc(other)
    values = [sheet_values(p, T2)["D8"].value for p in (path, other)]
    assert values[0] == values[1] is not None and blocked.read_text() == "not a folder"


def _resolved(book: Book) -> dict[tuple[int, int, int], tuple[type, object]]:
    out = {c: (type(v), v) for c, v in book.constants.items()}
    out.update({c: (str, unescape(t)) for c, t in book.escaped.items()})
    return out


def _same_book(a: Book, b: Book) -> None:
    assert a.sheets == b.sheets
    assert list(a.formulas.items()) == list(b.formulas.items())
    assert _resolved(a) == _resolved(b)


def test_cells_from_memory_are_the_cells_read_back_from_the_saved_file(docs: dict[str, Document],
                                                                       tmp_path: Path) -> None:
    built = build(docs["003"], CATALOGUE)
    path = tmp_path / "003.xlsx"
    built.workbook.save(path)
    memory = book_of(built.workbook)
    _same_book(memory, read_book(path))
    assert len(memory.formulas) > 7000
    assert FastModel(memory).calculate().value(T2, "D8") == pytest.approx(1978.16 + 639.03)


def test_cells_from_memory_follow_what_openpyxl_writes(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    cells = {"A1": 5.0, "A2": 0.1 + 0.2, "A3": 1e20, "A4": 7, "A5": True, "A6": " 前后有空格 ", "A7": "行一\r\n行二",
             "A8": "#N/A", "A9": "", "A10": "a&b<c>\"'", "B1": "=SUM(A1:A4)", "B2": "==A1", "B3": "=A6&\"元\""}
    for ref, value in cells.items():
        ws[ref] = value
    ws["A8"].data_type = "e"
    wb.create_sheet("第二").append([1.5, "=S!A1*2"])
    path = tmp_path / "edge.xlsx"
    wb.save(path)
    memory = book_of(wb)
    _same_book(memory, read_book(path))
    assert memory.constants[(0, 1, 1)] == 5 and type(memory.constants[(0, 1, 1)]) is int  # "%.16g" writes 5
    assert memory.formulas[(0, 2, 2)] == "=A1"  # the reader drops the second "=" too


def test_values_computed_alongside_the_save_are_those_computed_after_it(
        docs: dict[str, Document], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import zipfile

    from xltools.workbook.engine import alongside
    from xltools.workbook.import_file import import_document

    computed_here: list[Path] = []
    real = alongside.compute_detailed

    def here(path, book):  # type: ignore[no-untyped-def]
        computed_here.append(path)
        return real(path, book)

    monkeypatch.setattr(alongside, "compute_detailed", here)
    files = {}
    for mode in (True, False):
        monkeypatch.setattr(alongside, "_two_cores", lambda: mode)
        files[mode] = import_document(docs["000"], tmp_path / f"{mode}.xlsx")
    assert len(computed_here) == 1  # the forked child computed the first, this process the second
    parts = [{n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}
             for z in (zipfile.ZipFile(files[True]), zipfile.ZipFile(files[False]))]
    assert parts[0] == parts[1]
    values = sheet_values(files[True], T2)
    assert values["C6"].value is not None and values["C6"].value > 0  # 表2's 收入总计, computed in the child
