"""The ribbon's buttons (macros/xltools.bas calls these through RunPython).

Each is a thin shell: read the caller's cells, run a pure action, write the result back,
tell the user in one short dialog. `book` is for tests and scripts; Excel passes nothing
and the workbook that pressed the button is used.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import xlwings as xw

from xltools.evaluation.check import check
from xltools.evaluation.judged import as_imported
from xltools.core.model import Document
from xltools.excel import actions
from xltools.excel.messages import UserError, short_message
from xltools.excel.transfer import book_values, write_book

TITLE = "xltools 预算公开"


def _tell(book: Any, text: str) -> None:
    try:
        book.app.alert(text, title=TITLE)
    except Exception:  # no dialog possible (no Excel UI): the message still reaches the log
        print(text)


def _button(work: Callable[[Any], str], book: Any = None) -> str:
    """Run one button: its summary, or a short message for any error, in a dialog; returns it."""
    target = None
    try:
        target = book if book is not None else xw.Book.caller()
        text = work(target)
    except Exception as exc:  # the boundary to Excel: a traceback never reaches the user
        text = "出错：" + short_message(exc)
    if target is not None:
        _tell(target, text)
    else:
        print(text)
    return text


def _summary(doc: Document, verb: str) -> str:
    # Counted as 校验 will count them once Excel recalculates: live (`evaluation`).
    source, live = as_imported(doc)
    fs = check(doc, source=source, live=live)
    e = sum(f.severity == "error" for f in fs)
    w = sum(f.severity == "warning" for f in fs)
    return f"{verb}：不符 {e} 条，提示 {w} 条（详见“校验”表） / {verb_en(verb)}: {e} errors, {w} warnings"


def verb_en(verb: str) -> str:
    return {"已导入": "imported", "已重新计算": "recomputed"}.get(verb, verb)


def _screen(book: Any, on: bool) -> None:
    try:
        book.app.screen_updating = on
    except Exception:  # some engines cannot switch it: only speed is lost
        pass


def _replace(book: Any, doc: Document, check_target: bool) -> None:
    values = book_values(book)
    if check_target:
        actions.check_target(values)
    description = actions.render_description(doc)  # everything that can fail runs before the book changes
    _screen(book, False)
    try:
        write_book(book, description, keep={actions.PASTE_SHEET})
    finally:
        _screen(book, True)


def import_file(path: str | None = None, book: Any = None) -> str:
    """导入文本: the file the user picked (VBA's file dialog passes its path): the disclosure's
    PDF, its Word file (.docx) or the text extracted from it, told apart by content."""

    def work(b: Any) -> str:
        if not path:
            return "未选择文件，未做任何改动 / no file chosen, nothing changed"
        doc = actions.read_source(path=path)
        _replace(b, doc, check_target=True)
        return _summary(doc, "已导入")

    return _button(work, book)


def import_pasted(book: Any = None) -> str:
    """导入粘贴的文本: the lines pasted into the 导入 sheet."""

    def work(b: Any) -> str:
        names = [s.name for s in b.sheets]
        if actions.PASTE_SHEET not in names:
            sheet = b.sheets.add(name=actions.PASTE_SHEET)
            sheet.range("A:Z").number_format = "@"
            return (f"已新建“{actions.PASTE_SHEET}”工作表：请把从 PDF 复制的文本粘贴到 A1，再点一次本按钮 / "
                    f"created the {actions.PASTE_SHEET} sheet: paste the text into A1 and press the button again")
        values = book_values(b, [actions.PASTE_SHEET])
        doc = actions.read_source(grid=values[actions.PASTE_SHEET])
        _replace(b, doc, check_target=True)
        return _summary(doc, "已导入")

    return _button(work, book)


def recompute(book: Any = None) -> str:
    """重新计算: rows added or removed by the user get their formulas; verdicts are rebuilt."""

    def work(b: Any) -> str:
        doc = actions.recompute_document(book_values(b))
        _replace(b, doc, check_target=False)
        return _summary(doc, "已重新计算")

    return _button(work, book)


def _clear(b: Any, values: dict[str, Any]) -> int:
    grid = values.get(actions.FLAG_SHEET) or []
    names = {s.name for s in b.sheets}
    n = 0
    for row in grid:
        if not row or not row[0] or row[0] not in names:
            continue
        rng = b.sheets[row[0]].range(row[1])
        rng.color = None
        if row[2] in (1, 1.0, "1") and rng.note is not None:
            rng.note.delete()
        n += 1
    if actions.FLAG_SHEET in names:
        b.sheets[actions.FLAG_SHEET].clear()
    return n


def flag(book: Any = None) -> str:
    """标记问题: colour every cell of a failed check, note why, select the first one."""

    def work(b: Any) -> str:
        values = book_values(b)
        _clear(b, values)
        flags, found = actions.flags_for(values)
        names = [s.name for s in b.sheets]
        if actions.FLAG_SHEET not in names:
            log = b.sheets.add(name=actions.FLAG_SHEET, after=b.sheets[len(b.sheets) - 1])
            log.visible = False
        else:
            log = b.sheets[actions.FLAG_SHEET]
        record: list[list[Any]] = []
        for f in flags:
            rng = b.sheets[f.sheet].range(f.address)
            rng.color = f.colour
            added = bool(f.note) and rng.note is None
            if added:
                rng.add_note(f.note)
            record.append([f.sheet, f.address, 1 if added else 0])
        if record:
            log.range("A1").value = record
            first = flags[0]
            b.sheets[first.sheet].activate()
            b.sheets[first.sheet].range(first.address).select()
        e = sum(x.severity == "error" for x in found)
        w = len(found) - e
        return f"已标记 {len(flags)} 个单元格：不符 {e} 条，提示 {w} 条 / flagged {len(flags)} cells: {e} errors, {w} warnings"

    return _button(work, book)


def clear_flags(book: Any = None) -> str:
    """清除标记: remove the colours and notes that 标记问题 added, nothing else."""

    def work(b: Any) -> str:
        n = _clear(b, book_values(b, [actions.FLAG_SHEET]))
        return f"已清除 {n} 个标记 / cleared {n} flags"

    return _button(work, book)


def draft(path: str | None = None, book: Any = None) -> str:
    """生成说明: the 第三部分 drafted in this workbook's 说明草稿 sheet, with the values Excel
    computed, written to the Word file the user named (VBA's save dialog passes its path)."""
    from xltools.workbook.draft import SHEET, NotDrafted, paragraphs, write_docx

    def work(b: Any) -> str:
        if not path:
            return "未选择文件，未做任何改动 / no file chosen, nothing changed"
        values = book_values(b, [SHEET])
        if SHEET not in values:
            raise UserError(f"本工作簿没有“{SHEET}”工作表：请先导入预算公开文本",
                            f"this workbook has no {SHEET} sheet: import a disclosure first")
        try:
            paras = paragraphs(values[SHEET])
        except NotDrafted as exc:
            raise UserError(str(exc), "the draft has no values: recalculate the workbook (F9)") from exc
        write_docx(paras, Path(path))
        body = sum(p.kind == "body" for p in paras)
        return f"已生成 {path}：{len(paras) - body} 个标题，{body} 段 / wrote {path}: {body} paragraphs"

    return _button(work, book)


def doctor(book: Any = None) -> str:
    """检查安装: the same report as `xltools doctor`, in a dialog."""
    from xltools.cli.doctor import run_doctor

    def work(b: Any) -> str:
        return run_doctor()[1]

    return _button(work, book)
