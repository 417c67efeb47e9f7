"""The Excel side writes the workbook description itself (no temporary file): what the 导入
button leaves in the open workbook is what `xltools import` writes, aspect by aspect."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from excel_harness import SEED, empty_workbook
from excel_snapshot import apply_actions, opened, remote_book
from xltools.excel import buttons
from xltools.excel.transfer import as_written, frozen_range
from xltools.rules.reading import read_document
from xltools.workbook.book import build
from xltools.workbook.description import BookDescription, describe
from xltools.workbook.sheets import CHARTS, CHECKS, TABLE_SHEETS
from xltools.rules import CATALOGUE


def _press_import(path: Path, seed: str) -> tuple[openpyxl.Workbook, dict[str, Any]]:
    """The 导入文本 button on the workbook at `path`; its actions replayed in memory (on the load
    the button's snapshot was taken from)."""
    book, wb, _ = opened(path)
    msg = buttons.import_file(str(SEED[seed]), book=book)
    assert msg.startswith("已导入"), msg
    seen = apply_actions(wb, book.json()["actions"])
    return wb, seen


def _cli(seed: str) -> BookDescription:
    return describe(build(read_document(SEED[seed]), CATALOGUE).workbook)


@pytest.fixture(scope="module")
def pressed(tmp_path_factory: pytest.TempPathFactory) -> tuple[openpyxl.Workbook, BookDescription]:
    path = empty_workbook(tmp_path_factory.mktemp("transfer") / "book.xlsx")
    wb, seen = _press_import(path, "000")
    assert seen["selection"] == ("封面", "A1") and seen["active"] == "封面"  # where the officer starts
    return wb, describe(wb)


def test_the_button_writes_everything_it_carries_as_the_import_command_does(
        pressed: tuple[openpyxl.Workbook, BookDescription]) -> None:
    got, want = as_written(pressed[1]), as_written(_cli("000"))
    assert got.names == want.names
    for a, b in zip(got.sheets, want.sheets):
        assert a == b, f"{a.name} differs"
    # Compared in full, not emptied by as_written: every cell, and the rules one per area.
    assert sum(len(s.cells) for s in got.sheets) == sum(len(s.cells) for s in pressed[1].sheets) > 19_000
    assert len(got.sheet(CHECKS).conditionals) >= 2 and got.sheet(TABLE_SHEETS[1]).print.area == "I1:O39"


def test_borders_rules_charts_and_panes_reach_the_open_workbook(pressed: tuple[openpyxl.Workbook, BookDescription]) -> None:
    d = pressed[1]
    t2 = d.sheet(TABLE_SHEETS[2])
    # The 合计 of 表2 is boxed like the printed table.
    total = t2.cell("C7")
    assert total is not None and total.formula and (total.style.borders.left, total.style.borders.bottom) == ("thin", "thin")
    # A recomputed figure off its 原表数 turns red where an edit made the difference (a 类 of
    # one 款 that the document prints exactly: any difference), yellow where it is the
    # document's own 尾差 (表2's 合计 row, a cent off its 类: red only beyond its tolerance, 0.03,
    # or once an edit moves it).
    rules = {(cf.ranges, cf.fill) for cf in as_written(d).sheet(TABLE_SHEETS[2]).conditionals}
    assert (("C8",), "#FF9999") in rules and (("C8",), "#FFF2CC") in rules
    first = next(cf for cf in d.sheet(TABLE_SHEETS[2]).conditionals if cf.ranges[0] == "C8")
    assert first.formula == "ABS(ROUND(ROUND(M8,2)-ROUND(C8,2),2))>=0.0049" and first.stop
    total_rule = next(cf for cf in d.sheet(TABLE_SHEETS[2]).conditionals if cf.ranges[0] == "C6" and cf.stop)
    signed = "ROUND(ROUND(M6,2)-ROUND(C6,2),2)"  # printed − parts, as 校验's 差额: 1,172.86 − 1,172.85
    assert total_rule.formula == (f"OR(ABS({signed})>0.03+1E-9,AND(ABS({signed})>=0.0049,ABS({signed}-(0.01))>=0.0049,"
                                  f"ABS({signed})+1E-9>=0.01))")
    charts = d.sheet(CHARTS).charts
    assert [(c.kind, c.title, c.source, c.anchor) for c in charts[:2]] == [
        ("pie", "收入结构", "A5:B10", "D4"), ("pie", "支出结构（基本/项目）", "A14:B15", "D20")]
    assert [c.legend for c in charts] == [True, True, False, False]
    assert d.sheet(TABLE_SHEETS[12]).freeze == "B7" and d.sheet(CHECKS).freeze == "F4"
    assert d.sheet(TABLE_SHEETS[1]).print.area == "I1:O39"  # the 原表数 block, as printed
    links = d.sheet(CHECKS).links
    assert len(links) > 900 and links[0].location.startswith("'表1 收支总表'!")


def test_a_second_import_replaces_rules_validations_and_charts(tmp_path: Path,
                                                               pressed: tuple[openpyxl.Workbook, BookDescription]) -> None:
    path = tmp_path / "again.xlsx"
    pressed[0].save(path)
    wb, _ = _press_import(path, "001")
    got, want = as_written(describe(wb)), as_written(_cli("001"))
    assert got.names == want.names
    for a, b in zip(got.sheets, want.sheets):
        assert a == b, f"{a.name} differs"
    assert len(got.sheet(CHARTS).charts) == 4


def test_the_description_is_the_file() -> None:
    """describe(workbook in memory) == describe(the file it saves): tests may use either."""
    import io

    built = build(read_document(SEED["003"]), CATALOGUE).workbook
    buf = io.BytesIO()
    built.save(buf)
    loaded = describe(openpyxl.load_workbook(buf))
    assert loaded == describe(built)
    t1 = loaded.sheet(TABLE_SHEETS[1])
    total = t1.cell("A38")
    assert total is not None and total.value == "收入总计" and t1.cell("B38") is not None
    assert [c.title for c in loaded.sheet(CHARTS).charts][:1] == ["收入结构"] and t1.conditionals


@pytest.mark.parametrize("openpyxl_cell, frozen", [("C4", "A1:B3"), ("A4", "1:3"), ("C1", "A:B"), ("A1", None)])
def test_frozen_panes_as_excel_takes_them(openpyxl_cell: str, frozen: str | None) -> None:
    assert frozen_range(openpyxl_cell) == frozen


def test_document_text_that_looks_like_a_formula_stays_text_in_excel(tmp_path: Path) -> None:
    """The project name "=SUM(A1) 社区项目" and a 校验 text "=SUM(A1)" are typed with Excel's
    text prefix: the open workbook shows them as text, never computes them."""
    from test_workbook_formulas import RULES, small_document
    from xltools.excel.transfer import write_book

    path = empty_workbook(tmp_path / "text.xlsx")
    book = remote_book(path)
    write_book(book, describe(build(small_document(), RULES).workbook))
    wb = openpyxl.load_workbook(path)
    apply_actions(wb, book.json()["actions"])
    b5 = wb["绩效"]["B5"]
    assert b5.value == "=SUM(A1) 社区项目" and b5.data_type == "s"
    texts = [c for row in wb[CHECKS].iter_rows() for c in row if c.value == "=SUM(A1)"]
    assert texts and all(c.data_type == "s" for c in texts)


class _Recorder:
    """Desktop Excel's object model as far as the page setup uses it: what was set, in order."""

    def __init__(self, log: list[tuple[str, Any]]) -> None:
        object.__setattr__(self, "_log", log)

    def __setattr__(self, name: str, value: Any) -> None:
        self._log.append((name, value))


class _DesktopSheet:
    def __init__(self, engine: str) -> None:
        self.set: list[tuple[str, Any]] = []
        self.breaks: list[str] = []
        self.book = type("B", (), {"app": type("A", (), {"engine": type("E", (), {"name": engine})()})()})()
        sheet = self

        class Api:
            PageSetup = _Recorder(sheet.set)
            HPageBreaks = type("H", (), {"Add": staticmethod(lambda Before: sheet.breaks.append(Before))})()

            @staticmethod
            def Range(address: str) -> str:
                return address

        self.api = Api()


def test_desktop_excel_gets_the_page_setup_of_each_printed_table(monkeypatch: pytest.MonkeyPatch) -> None:
    """On Windows the button's import prints like `xltools import`'s file: 表1 of seed 000 in
    landscape, one page wide, its header rows on every page (the title and unit once), the
    sheet and page in the footer."""
    from xltools.excel import transfer
    from xltools.workbook.description import Print

    t1 = _cli("000").sheet(TABLE_SHEETS[1]).print
    monkeypatch.setattr(transfer.sys, "platform", "win32")
    desktop = _DesktopSheet("excel")
    transfer._page_setup(desktop, t1)
    assert desktop.set == [("Orientation", 2), ("Zoom", False), ("FitToPagesWide", 1), ("FitToPagesTall", False),
                           ("LeftMargin", 0.4 * 72), ("RightMargin", 0.4 * 72), ("PrintTitleRows", "$4:$5"),
                           ("CenterFooter", "&A\u3000第 &P 页，共 &N 页")]
    breaks = _DesktopSheet("excel")
    transfer._page_setup(breaks, Print(row_breaks=(40, 80)))
    assert breaks.set == [("Orientation", 1)] and breaks.breaks == ["A41", "A81"]
    remote = _DesktopSheet("remote")  # the remote engine: not carried, nothing set
    transfer._page_setup(remote, t1)
    assert remote.set == [] and remote.breaks == []
    monkeypatch.setattr(transfer.sys, "platform", "darwin")  # AppleScript's model: not this one
    mac = _DesktopSheet("excel")
    transfer._page_setup(mac, t1)
    assert mac.set == []


def test_the_snapshot_from_the_replays_load_is_the_data_only_snapshot(
        pressed_000: tuple[Path, str, list[str]], tmp_path: Path) -> None:
    """A press loads the workbook once, with formulas, and takes the cached results from a scan
    of the file (saved_values): the book the button sees is the one the workbook loaded with
    data_only gives, value for value and note for note. On a workbook the fast path
    recalculated, and on one saved by a script (no cached results: a formula cell with a link
    shows the link's target) with notes added. (LibreOffice's own files: test_saved_values.)"""
    from openpyxl.comments import Comment

    from excel_snapshot import snapshot, snapshot_loaded

    scripted = tmp_path / "scripted.xlsx"
    wb = openpyxl.load_workbook(pressed_000[0])
    wb["封面"]["A2"].comment = Comment("公式格的批注", "测试")
    wb[TABLE_SHEETS[1]]["A1"].comment = Comment("标题的批注", "测试")
    wb.save(scripted)
    got: dict[Path, dict[str, Any]] = {}
    for path in (pressed_000[0], scripted):
        got[path] = snapshot(path, "test-" + path.name)  # a version of its own: made here, not kept from a press
        assert got[path] == snapshot_loaded(path, "test-" + path.name), path.name
    cover = next(s for s in got[scripted]["sheets"] if s["name"] == "封面")
    assert cover["values"][1][0] == "'问题'!A1"  # no result saved: the link's target, as openpyxl shows it
    assert {"address": "$A$2"} in cover["notes"]
    t1 = next(s for s in got[pressed_000[0]]["sheets"] if s["name"] == TABLE_SHEETS[1])
    income = next(row for row in t1["values"] if row and row[0] == "收入总计")
    assert income[1] == pytest.approx(1271.91)  # a formula's cached result, from the scan


def test_a_ranges_lines_replay_as_excel_draws_them(tmp_path: Path) -> None:
    """Edges and inside lines sent for one range (the replay puts each cell's final sides on
    at once): the outline medium, the lines between cells thin, a later red edge replacing
    the left one; the cells outside the range untouched."""
    book, wb, _ = opened(empty_workbook(tmp_path / "lines.xlsx"))
    rng = book.sheets[0].range("B2:D4")
    rng.borders.set(["edge_left", "edge_right", "edge_top", "edge_bottom"], line_style="continuous", weight="medium")
    rng.borders.set(["inside_vertical", "inside_horizontal"], line_style="continuous")
    rng.borders.set(["edge_left"], line_style="dash", color="#FF0000")
    apply_actions(wb, book.json()["actions"])
    ws = wb.active

    def sides(address: str) -> tuple[str | None, ...]:
        b = ws[address].border
        return b.left.style, b.right.style, b.top.style, b.bottom.style

    assert sides("B2") == ("dashed", "thin", "medium", "thin") and ws["B3"].border.left.color.rgb == "00FF0000"
    assert sides("C3") == ("thin", "thin", "thin", "thin")
    assert sides("D4") == ("thin", "medium", "thin", "medium")
    assert sides("C2") == ("thin", "thin", "medium", "thin")
    assert sides("A1") == sides("E3") == (None, None, None, None)


def test_describing_a_workbook_leaves_its_cells_as_they_are() -> None:
    """A sheet's empty cells describe nothing and are not made on the way (iter_rows would
    fill the used rectangle with them)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "编码"
    ws["C30"] = 6.0
    ws["B10"].number_format = "@"
    d = describe(wb).sheets[0]
    assert [(c.address, c.value, c.style.number_format) for c in d.cells] == [
        ("A1", "编码", "General"), ("B10", None, "@"), ("C30", 6.0, "General")]
    assert sorted(ws._cells) == [(1, 1), (10, 2), (30, 3)]
