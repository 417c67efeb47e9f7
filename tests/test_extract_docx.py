"""The Word file reads as its extracted text does.

Each seed is laid out again as a .docx (tests/docgen.py: the 13 tables as bordered Word tables
with merged headers, the narrative, the 绩效 tables, a diagonal WordArt watermark in the
header, page breaks); checking the .docx gives the seed's unit, year, every table total and
every error and warning, with the same values, citing lines that print the same content.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

import docgen
from conftest import SEED_PATHS
from xltools.cli.main import main
from xltools.read import extract_file
from xltools.rules.reading import read_document, read_text
from xltools.read.docx_text import extract_docx
from xltools.evaluation.report import table_total

T1_TOTALS = {"000": 1271.91, "001": 3340.11, "003": 8530.8}
# Errors and warnings of each seed (its README lists them): the .docx must give each one.
SEED_ERRORS = {"000": 1, "001": 7, "003": 0}
SEED_WARNINGS = {"000": 4, "001": 16, "003": 3}


@pytest.fixture(scope="module")
def docx_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("docx")
    return {k: docgen.seed_to_docx(p.read_text("utf-8"), root / f"{k}.docx") for k, p in SEED_PATHS.items()}


@pytest.mark.parametrize("seed", sorted(SEED_PATHS))
def test_docx_checks_as_its_text(seed: str, docx_files: dict[str, Path]) -> None:
    text = SEED_PATHS[seed].read_text("utf-8")
    base = docgen.signature(read_text(text, seed), text.split("\n"))
    extracted = extract_file(docx_files[seed])
    doc = read_document(docx_files[seed])
    got = docgen.signature(doc, extracted.lines)
    assert docgen.differences(base, got) == []
    assert table_total(doc, 1) == T1_TOTALS[seed]
    severities = [f for f in got["findings"].elements()]  # type: ignore[attr-defined]
    assert sum(f[1] == "error" for f in severities) == SEED_ERRORS[seed]
    assert sum(f[1] == "warning" for f in severities) == SEED_WARNINGS[seed]
    assert doc.pages == ()  # a Word file is not laid out: no page numbers to cite


def test_docx_is_laid_out_as_the_family_prints(docx_files: dict[str, Path]) -> None:
    """The test material itself: bordered tables with merged headers, rows that do not split,
    a landscape section for the 13 tables, page breaks, and the watermark as Word makes it
    (a WordArt text path, rotated, in the header of every section)."""
    with zipfile.ZipFile(docx_files["001"]) as z:
        body = z.read("word/document.xml").decode()
        headers = [z.read(n).decode() for n in z.namelist() if n.startswith("word/header")]
    assert body.count("<w:tbl>") >= 13 + 31  # the 13 tables, then one per 绩效 table
    assert "<w:gridSpan " in body and '<w:vMerge w:val="restart"/>' in body and "<w:vMerge/>" in body
    assert '<w:tblBorders><w:top w:val="single"' in body and "<w:cantSplit/>" in body
    assert 'w:orient="landscape"' in body and "<w:pageBreakBefore/>" in body
    assert headers and all("rotation:315" in h and f'string="{docgen.WATERMARK}"' in h for h in headers)
    assert "仅供内部审核" not in body  # the seed's watermark lines became the header's watermark


def test_merged_cells_read_once(docx_files: dict[str, Path]) -> None:
    lines = extract_docx(docx_files["000"].read_bytes(), "000").lines
    # 表1: 收入 spans two columns, 支出 four; 表2: 上年结转 spans two header rows.
    assert "收入\t\t支出\t\t\t" in lines
    i = lines.index("项目\t\t本年收入\t\t\t\t\t\t上年结转")
    assert lines[i + 1] == "科目编码\t科目名称\t合计\t一般公共预算\t政府性基金\t国有资本经营预算\t财政专户管理资金\t单位资金\t"
    assert not any("仅供内部审核" in ln for ln in lines)


def test_docx_made_by_word_api(tmp_path: Path) -> None:
    """Merges made through python-docx's own API (as another tool would write them): a cell
    spanning columns and one spanning rows are each read once, nested paragraphs joined."""
    from docx import Document

    d = Document()
    d.add_heading("2026年预算支出总表", level=2)
    t = d.add_table(rows=3, cols=4)
    t.cell(0, 0).merge(t.cell(0, 1)).text = "项目"
    t.cell(0, 2).merge(t.cell(0, 3)).text = "2026年预算数"
    t.cell(1, 0).text, t.cell(1, 1).text, t.cell(1, 2).text = "科目编码", "科目名称", "合计"
    t.cell(1, 3).merge(t.cell(2, 3)).text = "项目支出"
    t.cell(2, 0).text, t.cell(2, 1).text, t.cell(2, 2).text = "201", "一般公共服务", "1.00"
    t.cell(2, 1).add_paragraph("支出")
    d.add_paragraph("注：本表无数据")
    path = tmp_path / "api.docx"
    d.save(str(path))
    assert extract_docx(path.read_bytes(), "api").lines == (
        "2026年预算支出总表", "项目\t\t2026年预算数\t", "科目编码\t科目名称\t合计\t项目支出",
        "201\t一般公共服务支出\t1.00\t", "注：本表无数据")


def test_check_and_extract_a_docx_from_the_command_line(docx_files: dict[str, Path], tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(docx_files["000"])]) == 1  # the seed's error: 上年结转 "占0%"
    out = capsys.readouterr().out
    assert "错误\tN-SHARE" in out and "页）" not in out
    txt = tmp_path / "000.txt"
    assert main(["extract", str(docx_files["000"]), "-o", str(txt)]) == 0
    assert txt.read_text("utf-8").split("\n")[:-1] == list(extract_file(docx_files["000"]).lines)
    assert main(["extract", str(docx_files["000"]), "-o", str(txt)]) == 2  # not overwritten without --force


def test_excel_import_reads_a_docx(docx_files: dict[str, Path]) -> None:
    """The 导入 button's reader (the path VBA's file dialog passes), and its file filter."""
    from xltools.excel.actions import read_source

    doc = read_source(path=str(docx_files["003"]))
    assert table_total(doc, 1) == T1_TOTALS["003"] and table_total(doc, 12) == 5691.94
    bas = (Path(__file__).resolve().parent.parent / "macros" / "xltools.bas").read_text("ascii")
    assert "*.pdf;*.docx;*.txt" in bas


def test_audit_collects_pdf_and_docx(tmp_path: Path) -> None:
    from xltools.cli.audit import collect

    for name in ("a.txt", "b.pdf", "c.docx", "~$c.docx", "d.xlsx", "e.doc"):
        (tmp_path / name).write_bytes(b"x")
    files, notes = collect([str(tmp_path)])
    assert [Path(f).name for f in files] == ["a.txt", "b.pdf", "c.docx"] and notes == []
