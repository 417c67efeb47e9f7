"""The 说明草稿 takes the document's own words (its paragraphs, reasons, 'none' sentences) from
the Document the reader made, never from the file on disk: the sheet is the same when the file
is gone after reading, and when the Document comes back from a workbook's hidden structure."""
from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

from conftest import SEED_PATHS
from xltools.core.model import Document
from xltools.rules import CATALOGUE
from xltools.rules.reading import read_document
from xltools.workbook import draft as D
from xltools.workbook.book import build
from xltools.workbook.sheets import DRAFT
from xltools.workbook.structure import from_json, to_json


def draft_cells(doc: Document) -> dict[str, Any]:
    ws = build(doc, CATALOGUE).workbook[DRAFT]
    return {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None}


def para_row(key: str) -> int:
    return next(p.row for p in D.layout() if p.para.key == key)


def test_the_draft_is_the_same_once_the_file_is_deleted(tmp_path: Path) -> None:
    copy = Path(shutil.copy(SEED_PATHS["000"], tmp_path / "000.txt"))
    doc = read_document(copy)
    present = draft_cells(doc)
    copy.unlink()
    gone = draft_cells(doc)
    assert gone == present
    # The document's own words are there: a paragraph (C), a reason and a 'none' sentence (F).
    assert "“三公”经费" in str(gone[f"C{para_row('七.1')}"])
    assert str(gone[f"C{para_row('八.1')}"]) == "本单位属于事业单位，不涉及机关运行经费"
    assert any(str(v).startswith("取自原文第") for k, v in gone.items() if k.startswith("G"))
    assert gone[f"F{para_row('八.1') + 2}"] == "本单位属于事业单位，不涉及机关运行经费"
    # "不涉及" states 机关运行经费 as 0: the figure is placed on those words.
    (zero,) = [f for f in doc.narrative.figures if f.subject == "机关运行经费"]
    start, end = doc.narrative.prose[8].spans[zero.key]
    assert (zero.value, zero.word, doc.narrative.prose[8].text[start:end]) == (0.0, "无", "不涉及")


def test_the_draft_is_the_same_from_the_workbooks_structure() -> None:
    doc = read_document(SEED_PATHS["001"])
    back = from_json(to_json(doc))
    assert back.narrative == doc.narrative
    assert draft_cells(back) == draft_cells(doc)


def test_each_figure_is_placed_where_it_is_printed() -> None:
    doc = read_document(SEED_PATHS["001"])
    prose = doc.narrative.prose
    assert doc.narrative.title.startswith("第三部分")
    numbers = words = 0
    for f in doc.narrative.figures:
        start, end = prose[f.section].spans[f.key]
        printed = prose[f.section].text[start:end]
        m = re.fullmatch(r"([\d,，.]+)\s*(万元|%|％|个)", printed)
        if m:
            numbers += 1
            assert float(re.sub("[,，]", "", m.group(1))) == abs(f.value), (f.key, printed)
        else:  # a figure taken from words ("持平", "无")
            words += 1
            assert f.value == 0 and printed == f.word, (f.key, printed)
    assert numbers == len(doc.narrative.figures) - words > 50
    # 七's heading, as printed, and the 第三部分 heading line.
    assert "三公" in prose[7].heading
