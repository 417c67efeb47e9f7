"""Files that cannot be read say why, in Chinese and English, with exit code 2.

Every file is made here: a scan (an image-only PDF from Pillow), a PDF that needs a password
(encrypted by the standard security handler, tests/docgen.py), PDFs cut short or damaged,
Word files likewise, and files whose name promises what their content is not.
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

import docgen
from conftest import SEED_PATHS
from xltools.evaluation.check import check
from xltools.cli.main import main
from xltools.read import Extracted, ReadError
from xltools.rules.reading import read_document, read_extracted
from xltools.read.pdf_text import extract_pdf

TEXT = docgen.PageSpec(("Budget disclosure 2026", "Table 1 total 1271.91"))


def _refused(path: Path, capsys: pytest.CaptureFixture[str], *words: str) -> str:
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"无法读取 {path}：" in err and f"cannot read {path}: " in err
    for w in words:
        assert w in err, (w, err)
    return err


def test_scanned_pdf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from PIL import Image, ImageDraw

    page = Image.new("RGB", (620, 877), "white")
    draw = ImageDraw.Draw(page)
    draw.rectangle((60, 120, 560, 400), outline="black", width=2)
    draw.text((70, 130), "2026 budget table 1   1271.91", fill="black")
    path = tmp_path / "扫描件.pdf"
    page.save(path, "PDF", resolution=75)
    _refused(path, capsys, "没有文字层", "不做文字识别（OCR）", "no text layer", "no OCR")


def test_one_scanned_page_among_text_pages_is_named() -> None:
    data = docgen.minimal_pdf([TEXT, docgen.PageSpec(image=True), docgen.PageSpec(("page 3",))])
    got = extract_pdf(data, "x.pdf")
    assert got.scanned == (2,)
    assert got.lines == ("Budget disclosure 2026", "Table 1 total 1271.91", "", "", "page 3")
    assert got.pages == (1, 1, 1, 2, 3)
    # Read as a disclosure, the lost page is a warning the report shows.
    seed = SEED_PATHS["000"].read_text("utf-8").split("\n")
    doc = read_extracted(Extracted(tuple(seed), scanned=(7,)), "000.pdf")
    lost = [f for f in check(doc) if "第7页没有文字层" in f.message]
    assert len(lost) == 1 and lost[0].severity == "warning"


def test_password_protected_pdf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import pdfplumber

    data = docgen.minimal_pdf([TEXT], user_password="secret")
    with pdfplumber.open(io.BytesIO(data), password="secret") as pdf:  # truly encrypted, not damaged
        assert "1271.91" in pdf.pages[0].extract_text()
    path = tmp_path / "加密.pdf"
    path.write_bytes(data)
    _refused(path, capsys, "设有打开密码", "password-protected")


def test_truncated_pdf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = docgen.minimal_pdf([TEXT, TEXT])
    assert extract_pdf(data, "whole.pdf").lines[:2] == TEXT.text  # whole, it reads
    path = tmp_path / "截断.pdf"
    path.write_bytes(data[: len(data) * 2 // 3])
    _refused(path, capsys, "不完整", "incomplete")


def test_damaged_pdf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "损坏.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8 + b"\n%%EOF\n")
    _refused(path, capsys, "PDF 文件已损坏", "damaged")


def test_pdf_name_without_pdf_content(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "其实是文本.pdf"
    path.write_text("2026年预算收支总表\n", encoding="utf-8")
    _refused(path, capsys, "内容不是 PDF", "not a PDF")


def test_damaged_and_old_word_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from docx import Document

    good = tmp_path / "good.docx"
    d = Document()
    d.add_paragraph("2026年预算收支总表")
    d.save(str(good))
    cut = tmp_path / "截断.docx"
    cut.write_bytes(good.read_bytes()[:2000])
    _refused(cut, capsys, "已损坏或不完整", "damaged or incomplete")
    broken = tmp_path / "坏的.docx"
    with zipfile.ZipFile(good) as z, zipfile.ZipFile(broken, "w") as out:
        for name in z.namelist():
            out.writestr(name, b"<w:document" if name == "word/document.xml" else z.read(name))
    _refused(broken, capsys, "Word 文件（.docx）已损坏", "damaged")
    old = tmp_path / "旧版.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    _refused(old, capsys, "另存为 .docx", "old Word file (.doc)")
    empty = tmp_path / "空白.docx"
    Document().save(str(empty))
    _refused(empty, capsys, "没有文字", "holds no text")


def test_readable_word_file_that_is_no_disclosure(tmp_path: Path) -> None:
    from docx import Document

    path = tmp_path / "通知.docx"
    d = Document()
    d.add_paragraph("关于召开会议的通知")
    d.save(str(path))
    with pytest.raises(ReadError) as exc:
        read_document(path)
    assert "未找到任何预算公开表" in exc.value.zh and exc.value.source == str(path)


def test_audit_lists_an_unreadable_pdf_and_goes_on(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    drafts = tmp_path / "草稿"
    drafts.mkdir()
    (drafts / "加密.pdf").write_bytes(docgen.minimal_pdf([TEXT], user_password="secret"))
    (drafts / "000.txt").write_bytes(SEED_PATHS["000"].read_bytes())
    assert main(["audit", str(drafts), "--json", "-j", "1"]) == 1
    out = capsys.readouterr().out
    rows = [ln for ln in out.splitlines() if ln.startswith("{")]
    assert len(rows) == 2 and sum("设有打开密码" in r for r in rows) == 1
