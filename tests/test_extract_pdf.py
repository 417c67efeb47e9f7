"""The PDF reads as its extracted text does, and its findings name their pages.

Each seed's .docx (tests/docgen.py) is printed to PDF by LibreOffice, with the watermark on
every page as rotated light-grey text (and LibreOffice's outline drawing of the header's
WordArt), page numbers in the footer, the 13 tables landscape and long tables broken over
pages. Checking the PDF gives the seed's totals and every error and warning with the same
values, citing lines that print the same content; each cited line carries its page.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Callable

import pytest

import docgen
from conftest import SEED_PATHS
from xltools.evaluation.check import check, evaluate
from xltools.cli.main import main
from xltools.read import Extracted, extract_file
from xltools.rules.reading import read_document, read_text
from xltools.core.model import Document
from xltools.read.pdf_text import _slanted
from xltools.evaluation.report import table_total, to_json, to_text

T1_TOTALS = {"000": 1271.91, "001": 3340.11, "003": 8530.8}


@pytest.mark.parametrize("seed", sorted(SEED_PATHS))
def test_pdf_checks_as_its_text(seed: str, read: Callable[[str], tuple[Extracted, Document]]) -> None:
    text = SEED_PATHS[seed].read_text("utf-8")
    base = docgen.signature(read_text(text, seed), text.split("\n"))
    extracted, doc = read(seed)
    assert docgen.differences(base, docgen.signature(doc, extracted.lines)) == []
    assert table_total(doc, 1) == T1_TOTALS[seed]  # type: ignore[arg-type]


@pytest.mark.parametrize("seed", sorted(SEED_PATHS))
def test_every_cited_line_names_its_page(seed: str, built: dict[str, tuple[Path, Path]],
                                         read: Callable[[str], tuple[Extracted, Document]]) -> None:
    import pdfplumber

    extracted, doc = read(seed)
    with pdfplumber.open(built[seed][1]) as pdf:
        n_pages = len(pdf.pages)
    pages = doc.pages  # type: ignore[attr-defined]
    assert len(pages) == len(extracted.lines) and list(pages) == sorted(pages)
    assert pages[0] == 1 and pages[-1] == n_pages and extracted.scanned == ()
    # A page break is one blank line, and only a page break is.
    breaks = [i for i, ln in enumerate(extracted.lines) if ln == ""]
    assert len(breaks) == n_pages - 1 and all(pages[i + 1] == pages[i] + 1 for i in breaks)
    cited = [w for f in check(doc) for w in f.where if w.line is not None]  # type: ignore[arg-type]
    assert cited and all(w.page == pages[w.line - 1] for w in cited)


def test_pages_in_the_reports(read: Callable[[str], tuple[Extracted, Document]]) -> None:
    """000: the 上年结转 share is stated on the page of 第三部分, its figures on 表1's page."""
    extracted, doc = read("000")
    findings, coverage = evaluate(doc)  # type: ignore[arg-type]
    share = next(f for f in findings if f.rule == "N-SHARE")
    t1 = next(w.page for w in share.where if "收入总计" in extracted.lines[w.line - 1])
    said = next(w.page for w in share.where if "上年结转" in extracted.lines[w.line - 1]
                and "占" in extracted.lines[w.line - 1])
    assert t1 is not None and said is not None and t1 < said
    lines = "、".join(str(x) for x in share.lines)
    pages = "、".join(str(p) for p in sorted({w.page for w in share.where}))  # type: ignore[type-var]
    assert f"错误\tN-SHARE\t第{lines}行（第{pages}页）\t" in to_text(doc, findings, coverage=coverage)  # type: ignore[arg-type]


def test_watermark_and_page_numbers_left_out(built: dict[str, tuple[Path, Path]],
                                             read: Callable[[str], tuple[Extracted, Document]]) -> None:
    import pdfplumber

    for key in SEED_PATHS:
        with pdfplumber.open(built[key][1]) as pdf:
            n = len(pdf.pages)
            slanted = [sum(_slanted(c) for c in pdf.pages[i].chars) for i in (0, n // 2, n - 1)]
        assert slanted == [len(docgen.WATERMARK)] * 3, key  # printed as text, first page to last
    for key in SEED_PATHS:
        extracted, _ = read(key)
        assert not any(w in ln for ln in extracted.lines for w in ("仅供内部", "内部审核")), key
        # 表12/13 print a column-number row (1\t2\t3…): a row of a table, not a page number.
        assert not any(re.fullmatch(r"[— \d]+", ln) and ln.strip() for ln in extracted.lines), key


def test_light_watermark_left_out_by_geometry_not_words(built: dict[str, tuple[Path, Path]]) -> None:
    """A light text box in the header prints 仅供内部审核 level on every page; the body prints
    the same words once, in black. The one is left out, the other kept."""
    import pdfplumber

    pdf_path = built[docgen.SAMPLE][1]
    with pdfplumber.open(pdf_path) as pdf:
        light = [sum(c["text"] == "仅" and not _slanted(c) and c["non_stroking_color"][0] > 0.7 for c in p.chars)
                 for p in pdf.pages]
    assert light == [1, 1, 1]
    lines = extract_file(pdf_path).lines
    assert lines.count(docgen.WATERMARK) == 1 and lines[0] == docgen.WATERMARK
    assert lines.count("合计\t30.00\t10.00\t20.00") == 3 and lines.count("") == 2


def test_pdfminer_parses_with_its_own_parser_once_the_reader_is_done(built: dict[str, tuple[Path, Path]]) -> None:
    """The reader's parser stands in for pdfminer's only while it reads: whatever reads a PDF
    in the same process afterwards (an Excel session's other libraries, the tests' pdfplumber
    read-backs, which must not share the reader's code) parses with pdfminer's own."""
    import pdfminer.pdfinterp as pdfinterp

    from xltools.read import pdf_text

    own = pdfinterp.PDFContentParser if pdfinterp.PDFContentParser is not pdf_text._content_parser else pdf_text._FORMS.real
    lines = extract_file(built[docgen.SAMPLE][1]).lines
    assert lines.count(docgen.WATERMARK) == 1  # read, with the reader's parser bound meanwhile
    assert pdfinterp.PDFContentParser is own and own.__module__ == "pdfminer.pdfinterp"


def test_command_line_reads_the_pdf(built: dict[str, tuple[Path, Path]], read: Callable[[str], tuple[Extracted, Document]],
                                    tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`xltools extract` writes the lines a check of the PDF cites: checking the written text
    cites the same line numbers; the JSON gives each line its page. The command reads the PDF
    itself, as a user runs it (the session's reading is the one it is compared with)."""
    pdf = built["000"][1]
    out = tmp_path / "000.txt"
    assert main(["extract", str(pdf), "-o", str(out)]) == 0
    extracted, doc = read("000")
    assert out.read_text("utf-8") == extracted.text
    assert f"：{len(extracted.lines)} 行，{doc.pages[-1]} 页" in capsys.readouterr().out  # type: ignore[attr-defined]
    from_text = [(f.rule, f.lines) for f in check(read_document(out))]
    assert from_text == [(f.rule, f.lines) for f in check(doc)]  # type: ignore[arg-type]
    findings, coverage = evaluate(doc)  # type: ignore[arg-type]
    report = json.loads(json.dumps(to_json(doc, findings, coverage), ensure_ascii=False))  # type: ignore[arg-type]
    where = [w for f in report["findings"] for w in f["where"] if "line" in w]
    assert where and all(w["page"] == doc.pages[w["line"] - 1] for w in where)  # type: ignore[attr-defined]
    assert report["tables"]["1"]["total"] == 1271.91
