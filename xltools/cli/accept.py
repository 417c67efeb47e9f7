"""`xltools accept`: record why a finding is not a problem, and the explanations `check` reads.

The record is kept beside the document (`evaluation.accepted`); for a workbook, the reasons
typed into its 问题 sheet count too (`workbook.problems.read_explanations`).
"""
from __future__ import annotations

import argparse
import difflib
import getpass
import sys
from datetime import datetime
from pathlib import Path
from typing import Sequence

from xltools.core.findings import Finding
from xltools.core.verdicts import SEVERITY_WORDS
from xltools.evaluation.accepted import Acceptance, Review, accepted_path, load, merged, record, review, save

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


class UnknownKey(Exception):
    """The key names no finding of the document: said in both languages, exit 2."""

    def __init__(self, path: Path, key: str, near: Sequence[str]) -> None:
        hint_zh = ("；相近的编号：" + "、".join(near)) if near else ""
        hint_en = ("; close ones: " + ", ".join(near)) if near else ""
        self.filename = str(path)
        self.zh = (f"没有编号为 {key} 的问题（编号见 xltools check 每行最后的 [ ] 内，或 --json 的 key）"
                   f"{hint_zh}，未记录")
        self.en = f"no finding has the key {key} (see the [ ] at the end of each line of xltools check){hint_en}; nothing recorded"
        super().__init__(self.en)


def findings_of(path: Path) -> tuple[list[Finding], list[Acceptance]]:
    """The document's findings as `check` gives them, and the explanations a workbook's 问题
    sheet holds (none for a text, a PDF or a .docx)."""
    from xltools.evaluation.check import evaluate

    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        from xltools.evaluation.judged import as_left
        from xltools.workbook.book_check import workbook_values
        from xltools.workbook.problems import read_explanations

        values = workbook_values(path)
        source, live = as_left(values)
        findings, _ = evaluate(values.doc, source=source, live=live)
        return findings, read_explanations(values.grids, str(path))
    from xltools.rules.reading import read_document

    return evaluate(read_document(path))[0], []


def review_of(path: Path, findings: Sequence[Finding], in_sheet: Sequence[Acceptance] = ()) -> Review:
    """The explanations of `path`'s findings: the file beside it, then a workbook's 问题 sheet."""
    return review(findings, merged(load(accepted_path(path)), in_sheet))


def run_accept(args: argparse.Namespace) -> int:
    path = Path(args.path)
    reason = " ".join(args.reason.split()) if args.reason else ""
    if not reason:
        print(f"{path}：说明理由不能为空（--reason \"…\"） / {path}: the reason must not be empty (--reason \"…\")",
              file=sys.stderr)
        return 2
    findings, _ = findings_of(path)
    keyed = {f.key: f for f in findings if f.key}
    f = keyed.get(args.key.strip())
    if f is None:
        raise UnknownKey(path, args.key, difflib.get_close_matches(args.key, list(keyed), n=3, cutoff=0.6))
    if f.severity not in ("error", "warning"):
        print(f"{path}：{f.key} 是尾差/信息，不需要说明，未记录 / {path}: {f.key} is a rounding difference or a "
              f"note, which needs no explanation; nothing recorded", file=sys.stderr)
        return 2
    target = accepted_path(path)
    entries = load(target)  # a malformed file is refused here, before anything is written
    by = args.by if args.by is not None else _user()
    new = Acceptance(f.key, reason, by, datetime.now().strftime("%Y-%m-%d %H:%M"), f.message)
    replaced = any(a.key == f.key for a in entries)
    save(target, record(entries, new))
    kind = SEVERITY_WORDS[f.severity]
    verb = "已更新说明" if replaced else "已记录说明"
    print(f"{verb}（{kind}）{f.key} → {target}")
    if f.severity == "error":
        print("注意：这是错误（必须成立的关系不成立）。已说明的错误仍使 check 的退出码为 1，"
              "只有加 --strict 时才视为已处理 / note: this is an error; check still exits 1 for it "
              "unless --strict is given", file=sys.stderr)
    return 0


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name on this system (a service account, a container)
        return ""
