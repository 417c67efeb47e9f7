"""Reading a PDF faster gives the same text: pages shared by several processes, and forms
(the WordArt drawn on every page) parsed once, give the very lines and pages one process
parsing everything gives (xltools/read/pdf_text.py)."""
from __future__ import annotations

from pathlib import Path

import pytest

import docgen
from conftest import SEED_PATHS, SeedReader
from xltools.read import Extracted, pdf_layout, pdf_text
from xltools.rules.reading import read_text


@pytest.fixture(scope="module")
def pdf_000() -> bytes:
    try:
        return docgen.build(dict(SEED_PATHS))["000"][1].read_bytes()
    except Exception as exc:  # Writer missing: soffice starts but converts nothing
        pytest.fail(f"LibreOffice could not convert .docx to PDF ({exc})", pytrace=False)


def _alone(data: bytes, monkeypatch: pytest.MonkeyPatch, forms_kept: int) -> Extracted:
    with monkeypatch.context() as m:
        m.setattr(pdf_text, "_processes", lambda pages: (1, ""))
        m.setattr(pdf_text, "FORM_TOKENS_KEPT", forms_kept)
        # Every form run afresh: none drawn again from an earlier page (read/pdf_layout.py's
        # `_Drawn`, which test_pdf_content checks against pdfplumber and the session's
        # reading of 000, compared below, uses), so that each form's content is parsed or replayed.
        m.setattr(pdf_layout, "DRAWN_KEPT", 0)
        return pdf_text.extract_pdf(data, "000.pdf")


def _counting_replays(m: pytest.MonkeyPatch) -> list[int]:
    """The size of each form replayed from here on (pdf_text._Replay made)."""
    replays: list[int] = []
    real = pdf_text._Replay.__init__

    def counting(self: pdf_text._Replay, items: tuple[object, ...]) -> None:
        replays.append(len(items))
        real(self, items)

    m.setattr(pdf_text._Replay, "__init__", counting)
    return replays


@pytest.fixture(scope="module")
def alone_000(pdf_000: bytes) -> tuple[Extracted, list[int]]:
    """000 read by one process, every form parsed afresh (what both tests compare with, read
    once), and the forms it replayed meanwhile."""
    with pytest.MonkeyPatch.context() as m:
        replays = _counting_replays(m)
        return _alone(pdf_000, m, 0), replays


def test_pages_shared_by_two_processes_read_as_one_process_reads_them(
        alone_000: tuple[Extracted, list[int]], read: SeedReader) -> None:
    alone = alone_000[0]  # one process, every form parsed afresh
    # The session's reading of 000 (conftest.py): its pages shared by two processes, forms kept.
    both, _ = read("000")
    assert read.shared_pages("000") == [45]  # the children's pages came back: no fallback to reading alone
    assert both == alone
    assert len(alone.lines) > 900 and alone.pages[-1] == 45 and alone.lines.count("") == 44
    doc = read_text("\n".join(both.lines), "000.pdf")
    assert doc.table(1) is not None and doc.unit  # the document reads as before


def test_forms_parsed_once_give_the_same_text(pdf_000: bytes, alone_000: tuple[Extracted, list[int]],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    replays = _counting_replays(monkeypatch)
    kept = _alone(pdf_000, monkeypatch, pdf_text.FORM_TOKENS_KEPT)
    # The header's WordArt (thousands of tokens) on each of the 45 pages: parsed once per
    # content, replayed on the other pages.
    assert len(replays) >= 40 and sum(n > 1000 for n in replays) >= 40
    # Every form parsed afresh (read once for the module, its replays counted as it was read).
    alone, replayed = alone_000
    assert alone == kept and replayed == []
    assert pdf_text._FORMS.parsed == {}  # kept for one PDF only
