"""One LibreOffice kept listening for the session (xltools/workbook/engine/office.py): it recalculates
and prints as a soffice started for the file does, and it is started once."""
from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from xltools.workbook.engine import libreoffice_engine, office, store


def _book(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表"
    ws["A1"], ws["A2"], ws["A3"] = 1271.905, 99.05, "=ROUND(A1,2)+A2"
    ws["B1"] = '=IF(A3>1370,"超","否")'
    ws["B2"] = "=SUMPRODUCT((A1:A2>100)*A1:A2)"
    wb.save(path)
    return path


def test_the_listening_office_recalculates_as_a_fresh_soffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = _book(tmp_path / "book.xlsx")
    store(src, {"表": {"A3": 1.0, "B1": "否", "B2": 0.0}})  # stale cached values: recalculated on load
    (tmp_path / "kept").mkdir()
    (tmp_path / "fresh").mkdir()
    kept = libreoffice_engine.convert([src], tmp_path / "kept")[0]
    running = office.current()
    assert running is not None, "no listening LibreOffice: is python3-uno installed (make test installs it)?"
    again = libreoffice_engine.convert([src], tmp_path / "kept")[0]
    assert office.current() is running  # the same soffice for the second file
    monkeypatch.setattr(office, "_current", None)  # as outside the session: one soffice for the call
    fresh = libreoffice_engine.convert([src], tmp_path / "fresh")[0]
    got = [openpyxl.load_workbook(p, data_only=True)["表"] for p in (kept, again, fresh)]
    for ws in got:
        assert ws["A3"].value == pytest.approx(1370.96)  # ROUND(1271.905, 2) is 1271.91 in Calc
        assert ws["B1"].value == "超"
        assert ws["B2"].value == pytest.approx(1271.905)


def test_the_listening_office_prints_with_export_options(tmp_path: Path) -> None:
    """A PDF through the bridge, with export options given in soffice's JSON form: the book
    prints on two pages, and on one when the options ask for page 1 only."""
    pdfplumber = pytest.importorskip("pdfplumber")
    src = _book(tmp_path / "book.xlsx")
    wb = openpyxl.load_workbook(src)
    wb["表"]["A150"] = "第二页"
    wb.save(src)
    (tmp_path / "all").mkdir()
    whole = libreoffice_engine.convert([src], tmp_path / "all", "pdf")[0]
    options = '{"PageRange":{"type":"string","value":"1"}}'
    first = libreoffice_engine.convert([src], tmp_path, "pdf:calc_pdf_Export:" + options)[0]
    with pdfplumber.open(whole) as doc:
        assert len(doc.pages) == 2 and "第二页" in (doc.pages[1].extract_text() or "")
    with pdfplumber.open(first) as doc:
        text = doc.pages[0].extract_text() or ""
        assert len(doc.pages) == 1
    assert "1370.96" in text.replace(",", "") and "超" in text
