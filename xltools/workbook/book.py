"""Assemble the workbook: plan → addresses → sheets, in a fixed order."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from xltools.workbook.fast_styles import new_workbook
from xltools.workbook.openpyxl_internals import quick_row_dimensions

from xltools.core.collector import collector_paused
from xltools.core.model import Document
from xltools.rules.core import Instance, Rule, rule_instances
from xltools.workbook import structure
from xltools.workbook.address import AddressMap, grid_for
from xltools.workbook.checksheet import CheckRow, write_checks
from xltools.workbook.cover import write_charts, write_codes, write_cover
from xltools.workbook.draft_sheet import write_draft
from xltools.workbook.statements import place_narrative, place_performance, write_narrative, write_performance
from xltools.evaluation.judged import LiveDocument, live_for
from xltools.evaluation.plan import live_values, plan_document
from xltools.workbook.problems import write_problems
from xltools.workbook.sheets import CHARTS, CHECKS, CODES, COVER, DRAFT, NARRATIVE, PERFORMANCE, PROBLEMS, TABLE_SHEETS, valid_sheet_name
from xltools.workbook.tables import write_table


@dataclass
class Built:
    workbook: Workbook
    addresses: AddressMap
    checks: list[CheckRow]


def build(doc: Document, rules: Iterable[Rule] = ()) -> Built:
    with collector_paused():  # every object made here lives on in the workbook
        return _build(doc, rules)


def _build(doc: Document, rules: Iterable[Rule]) -> Built:
    plans = plan_document(doc)
    grids = {n: grid_for(p) for n, p in plans.items()}
    amap = AddressMap(plans, grids)
    place_narrative(doc, amap)
    place_performance(doc, amap)
    instances: list[tuple[Rule, Instance]] = list(rule_instances(rules, doc))
    live = live_values(doc, plans)

    wb = new_workbook()
    cover = wb.active
    assert isinstance(cover, Worksheet)  # a new workbook starts with one worksheet, the active one
    cover.title = COVER
    # 问题 right after the cover: what needs attention is the first thing opened and printed.
    names = [PROBLEMS] + [TABLE_SHEETS[n] for n in sorted(plans)] + [NARRATIVE, DRAFT, PERFORMANCE, CHECKS, CHARTS,
                                                                    CODES]
    sheets = {name: wb.create_sheet(valid_sheet_name(name)) for name in names}
    for ws in [cover, *sheets.values()]:
        quick_row_dimensions(ws)
    judging = live_for(doc, plans)
    imported = LiveDocument(doc, judging)
    for n, plan in sorted(plans.items()):
        write_table(sheets[TABLE_SHEETS[n]], doc, plan, grids[n], amap, live, judging, imported)
    write_narrative(sheets[NARRATIVE], doc, amap, instances, judging.offset(None))
    write_draft(sheets[DRAFT], doc, amap, instances, judging, live)
    write_performance(sheets[PERFORMANCE], doc, amap, instances)
    checks, last = write_checks(sheets[CHECKS], doc, amap, instances, judging)
    write_problems(sheets[PROBLEMS], sheets[CHECKS], doc, checks, judging)
    write_charts(sheets[CHARTS], doc, plans, amap, judging.offsets)
    write_codes(sheets[CODES], plans)
    structure.write(wb.create_sheet(structure.SHEET), doc)
    write_cover(cover, wb, doc, last)
    return Built(wb, amap, checks)
