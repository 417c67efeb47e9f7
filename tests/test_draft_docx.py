"""The drafted 第三部分 as a Word document: `xltools draft BOOK.xlsx -o 情况说明.docx` and the
生成说明 button write the 说明草稿 sheet's paragraphs, as a recalculation of the workbook gives
them, with the section headings; LibreOffice opens the file; and the family's own reader reads
the drafted text back to the very figures of the tables, with no narrative finding left."""
from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import docx
import pytest

from built import once
from conftest import SEED_PATHS
from excel_harness import press
from xltools.workbook import draft as D
from xltools.cli.draft_file import sheet_grid
from xltools.evaluation.check import check
from xltools.cli.main import main
from xltools.workbook.engine.libreoffice_engine import convert
from xltools.excel import buttons
from xltools.core.model import Document
from xltools.rules.reading import read_text

HEADINGS = ["一、单位预算收支数据变动情况及原因", "二、收入预算情况说明", "三、支出预算情况说明", "四、财政拨款收支预算总体情况说明",
            "五、一般公共预算支出情况说明", "六、一般公共预算基本支出情况说明", "七、“三公”经费增减变动原因说明",
            "八、机关运行经费增减变动原因说明", "九、政府采购情况", "十、绩效管理情况"]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def written(seed_workbooks: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Seed → the .docx `xltools draft` writes from its (not recalculated) imported workbook;
    each written once for the run, by whichever worker asks first (tests/built.py), and each on
    its own: a worker that needs one seed's file does not wait while the other writes the other's."""
    def build(seed: str, d: Path) -> Path:
        book = Path(shutil.copy(seed_workbooks[seed], d / f"{seed}.xlsx"))
        before = _digest(book)
        assert main(["draft", str(book), "-o", str(d / f"{seed}.docx")]) == 0
        assert _digest(book) == before  # a copy was recalculated, not the user's file
        return d / f"{seed}.docx"

    class Written(dict[str, Path]):
        def __missing__(self, seed: str) -> Path:
            self[seed] = once(tmp_path_factory, f"draft-docx-{seed}", lambda d: build(seed, d))
            return self[seed]
    return Written()


def test_the_document_has_the_title_the_ten_headings_and_the_sheets_paragraphs(
        written: dict[str, Path], seed_books: dict[tuple[str, str], Path]) -> None:
    document = docx.Document(str(written["003"]))
    paras = [(p.style.name, p.text) for p in document.paragraphs]
    assert paras[0] == ("Heading 1", "第三部分 2026年度单位预算情况说明")
    assert [t for s, t in paras if s == "Heading 2"] == HEADINGS
    assert [t for s, t in paras if s == "Heading 3"] == ["（一）一般公共预算当年支出规模变化情况", "（二）一般公共预算当年支出结构情况",
                                                         "1、整体绩效目标", "2、项目绩效目标"]
    # The same words as the sheet holds after a recalculation (here: the session's fast path).
    sheet = D.paragraphs(sheet_grid(seed_books[("003", "formulas")]))
    assert [p.text for p in sheet] == [t for _, t in paras]
    body = [p for p in document.paragraphs if p.style.name == "Normal"]
    assert body[0].paragraph_format.first_line_indent is not None
    assert body[0].runs[0].font.size.pt == 16


def test_libreoffice_opens_it(written: dict[str, Path], tmp_path: Path) -> None:
    pdfs = convert([written["001"], written["003"]], tmp_path, "pdf")
    flat = ["".join(subprocess.run(["pdftotext", str(p), "-"], capture_output=True, text=True, check=True).stdout.split())
            for p in pdfs]
    assert "第三部分2024年度单位预算情况说明" in flat[0] and "十、绩效管理情况" in flat[0]
    assert "比2023年预算增加48.83万元，增长512%" in flat[0]
    assert "第三部分2026年度单位预算情况说明" in flat[1] and "十、绩效管理情况" in flat[1]


def test_the_command_refuses_to_overwrite_and_keeps_a_backup(written: dict[str, Path], seed_workbooks: dict[str, Path],
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    out = written["001"]
    assert main(["draft", str(seed_workbooks["001"]), "-o", str(out), "--engine", "none"]) == 2
    assert "文件已存在" in capsys.readouterr().err
    # Never recalculated and asked not to: the sentences hold no values, and it says so.
    assert main(["draft", str(seed_workbooks["001"]), "-o", str(out), "--engine", "none", "--force"]) == 2
    assert "未重新计算" in capsys.readouterr().err
    assert not out.with_name(out.name + ".bak").exists()


def test_a_workbook_without_a_draft_is_told(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import openpyxl

    book = tmp_path / "plain.xlsx"
    openpyxl.Workbook().save(book)
    assert main(["draft", str(book), "-o", str(tmp_path / "x.docx"), "--engine", "none"]) == 2
    assert "说明草稿" in capsys.readouterr().err and not (tmp_path / "x.docx").exists()


def test_the_sheet_is_read_alone_as_the_whole_workbook_gives_it_and_a_damaged_one_is_told(
        seed_workbooks: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`sheet_grid` parses only the 说明草稿 sheet (read-only mode): the same rows, value for value,
    as loading every sheet; a sheet whose XML is cut short is a bilingual error, exit 2."""
    import zipfile

    import openpyxl

    from xltools.workbook.engine.cache import sheet_parts

    book = seed_workbooks["001"]
    whole = openpyxl.load_workbook(book, data_only=True)[D.SHEET]
    rows = sheet_grid(book)
    assert rows == [list(r) for r in whole.iter_rows(values_only=True)] and len(rows) > 300
    damaged = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(book) as z, zipfile.ZipFile(damaged, "w") as out:
        part = sheet_parts(z)[D.SHEET]
        for info in z.infolist():
            data = z.read(info.filename)
            out.writestr(info, data[:len(data) // 2] if info.filename == part else data)
    assert main(["draft", str(damaged), "-o", str(tmp_path / "x.docx"), "--engine", "none"]) == 2
    err = capsys.readouterr().err
    assert "Excel 工作簿已损坏" in err and "damaged" in err and str(damaged) in err and "Traceback" not in err
    assert not (tmp_path / "x.docx").exists()


def test_the_button_writes_the_open_workbooks_draft(seed_books: dict[tuple[str, str], Path], tmp_path: Path) -> None:
    book = Path(shutil.copy(seed_books[("000", "formulas")], tmp_path / "000.xlsx"))
    out = tmp_path / "情况说明.docx"
    msg, _ = press(book, buttons.draft, str(out), calc=False)
    assert msg.startswith(f"已生成 {out}") and out.exists()
    texts = [p.text for p in docx.Document(str(out)).paragraphs]
    assert "本单位无“三公”经费预算。" in texts
    assert "上年结转99.05万元，占7.79%。" in "".join(texts)
    msg, _ = press(book, buttons.draft, calc=False)
    assert msg.startswith("未选择文件")


def _with_drafted_narrative(seed: str, paras: list[D.Paragraph], doc: Document) -> str:
    """The seed's text with its 第三部分 replaced by the draft (the 附件 notes kept)."""
    lines = SEED_PATHS[seed].read_text(encoding="utf-8").split("\n")
    first = doc.narrative.line
    assert first is not None
    last = max(span[1] for span in doc.narrative.sections.values())
    kept = [ln for ln in lines[first - 1:last] if "见附件" in ln]
    drafted = [x for p in paras for x in (p.text, "")]
    return "\n".join(lines[:first - 1] + drafted + kept + lines[last:])


@pytest.mark.parametrize("seed", sorted(SEED_PATHS))
def test_the_reader_reads_the_draft_back_and_finds_nothing_to_correct(
        seed: str, seed_books: dict[tuple[str, str], Path], docs: dict[str, Document], tmp_path: Path) -> None:
    paras = D.paragraphs(sheet_grid(seed_books[(seed, "formulas")]))
    text = _with_drafted_narrative(seed, paras, docs[seed])
    source = tmp_path / f"{seed}.txt"
    source.write_text(text, encoding="utf-8")
    doc = read_text(text, str(source))
    assert len(doc.narrative.figures) >= len(docs[seed].narrative.figures) - 4
    narrative = [f for f in check(doc) if f.rule.startswith("N-") and f.severity != "info"]
    assert narrative == []
