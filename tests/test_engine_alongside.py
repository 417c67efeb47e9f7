"""The child that computes a workbook's values while it is saved, forked before the workbook
is built (`warm_up`): it computes what this process would have, it is the one used, and a book
it cannot be sent (an error value among the constants) or a save that never comes leaves no
child behind and the values the same."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from xltools.workbook.engine import alongside, save_recalculated, warm_up
from xltools.workbook.engine.formulas_engine import compute_detailed

pytestmark = pytest.mark.skipif(not alongside._two_cores(), reason="the child runs only on Linux with two cores")


def _workbook(error: bool) -> openpyxl.Workbook:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    for r in range(1, 41):
        ws[f"A{r}"] = r * 1.5
        ws[f"B{r}"] = f"=ROUND(A{r}*2,2)+IF(A{r}>10,1,0)"
        ws[f"C{r}"] = f"=C{r - 1}+B{r}" if r > 1 else "=B1"
    ws["D1"] = '=LOOKUP(30,A1:A40,C1:C40)&"件"'
    ws["D2"] = "#N/A" if error else "文字"  # openpyxl stores "#N/A" as an error value
    ws["D3"] = "=ISNUMBER(D2)"
    return wb


def _used(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    pids: list[int] = []
    real = alongside._finish

    def finish(save, book, path, mine, proc):  # type: ignore[no-untyped-def]
        pids.append(proc.pid)
        return real(save, book, path, mine, proc)

    monkeypatch.setattr(alongside, "_finish", finish)
    return pids


@pytest.mark.parametrize("error", [False, True])
def test_the_warmed_child_computes_what_this_process_would(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           error: bool) -> None:
    pids = _used(monkeypatch)
    warm_up("formulas")
    assert alongside._warm is not None
    warmed = alongside._warm.proc
    path = tmp_path / "b.xlsx"
    how = save_recalculated(_workbook(error), path)
    assert how.startswith("formulas fast path")
    assert alongside._warm is None and not warmed.is_alive()
    # the warmed child did the work, unless the book holds an error value (then one forked at the save)
    assert (pids == [warmed.pid]) is (not error) and len(pids) == 1
    here = compute_detailed(path).values["S"]
    got = openpyxl.load_workbook(path, data_only=True)["S"]
    assert {a1: got[a1].value for a1 in here} == here
    assert here["C40"] == pytest.approx(sum(round(r * 1.5 * 2, 2) + (r * 1.5 > 10) for r in range(1, 41)))
    assert here["D1"] == f"{here['C20']:g}件" == "644件"  # 30 is A20's 1.5 × 20; Excel's text of 644.0
    assert here["D3"] is False


def test_a_warmed_child_not_used_goes(tmp_path: Path) -> None:
    warm_up("formulas")
    first = alongside._warm
    assert first is not None
    warm_up("formulas")  # a second import before the first saved: the first child goes
    assert not first.proc.is_alive()
    second = alongside._warm
    assert second is not None
    save_recalculated(_workbook(False), tmp_path / "c.xlsx", engine="formulas-full")  # saved another way
    assert alongside._warm is None and not second.proc.is_alive()
