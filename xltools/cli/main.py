"""The `xltools` command line: main(argv) -> exit code."""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from dataclasses import replace
from pathlib import Path
from typing import Sequence

from xltools.core.verdicts import CONCLUSIONS, HAS_ERRORS, UNREADABLE
from xltools.cli.help import COMMANDS, MAIN, Parser, version_line

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "000_3cbdfbba338dedd0.txt"


def _check(args: argparse.Namespace) -> int:
    # Imported by the commands that use them: `recalc` need not load the reader and the rules.
    from xltools.evaluation.check import evaluate
    from xltools.rules.reading import read_document
    from xltools.evaluation.report import to_json, to_text

    from xltools.cli.accept import review_of
    from xltools.evaluation.accepted import exit_code

    path = Path(args.path)
    # --annotate: the paths refused before any reading; the PDF's characters kept to mark on.
    annotate = Path(args.annotate) if getattr(args, "annotate", None) else None
    extracted = None
    if annotate is not None:
        from xltools.cli.annotate import refuse_paths

        refuse_paths(path, annotate)
    # Last year's disclosure (--prior), any input the reader takes: its 上年 figures are compared.
    prior = read_document(args.prior) if getattr(args, "prior", None) else None
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from xltools.evaluation.judged import as_left
        from xltools.workbook.book_check import workbook_values
        from xltools.workbook.problems import read_explanations

        # The workbook as it is now: rows as the user left them, every figure live.
        values = workbook_values(path)
        source, live = as_left(values)
        findings, coverage = evaluate(values.doc, source=source, live=live, prior=prior)
        doc = replace(values.doc, source=str(path))
        explained = review_of(path, findings, read_explanations(values.grids, str(path)))
    else:
        if annotate is not None:
            from xltools.read import extract_file
            from xltools.rules.reading import read_extracted

            extracted = extract_file(path)
            doc = read_extracted(extracted, str(path))
        else:
            doc = read_document(path)
        findings, coverage = evaluate(doc, prior=prior)
        explained = review_of(path, findings)
    if args.json:
        json.dump(to_json(doc, findings, coverage, explained), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(to_text(doc, findings, show_info=args.all, coverage=coverage, review=explained))
    if annotate is not None and extracted is not None:
        from xltools.cli.annotate import write_annotated

        write_annotated(path, annotate, doc, extracted, findings, coverage, show_info=args.all)
    return exit_code(findings, explained, strict=args.strict)


def _accept(args: argparse.Namespace) -> int:
    from xltools.cli.accept import run_accept

    return run_accept(args)


def _demo(args: argparse.Namespace) -> int:
    from xltools.evaluation.check import evaluate
    from xltools.rules.reading import read_document
    from xltools.evaluation.report import to_json, to_text

    out = Path(args.dir)
    out.mkdir(parents=True, exist_ok=True)
    doc = read_document(SAMPLE)
    findings, coverage = evaluate(doc)
    (out / "check.txt").write_text(to_text(doc, findings, show_info=True, coverage=coverage), encoding="utf-8")
    (out / "check.json").write_text(json.dumps(to_json(doc, findings, coverage), ensure_ascii=False, indent=1),
                                    encoding="utf-8")
    shutil.copyfile(SAMPLE, out / SAMPLE.name)
    print(to_text(doc, findings, coverage=coverage), end="")
    made = ["check.txt", "check.json"]
    try:
        from xltools.workbook.import_file import import_document
    except ImportError:
        import_document = None  # type: ignore[assignment]
    if import_document is not None:
        import_document(doc, out / "demo.xlsx", overwrite=True)
        made.append("demo.xlsx")
    print(f"\n示例输出已写入 {out}/：{'、'.join(made)}")
    return 0


def _template(args: argparse.Namespace) -> int:
    from xltools.workbook.template import write_template

    write_template(Path(args.output))
    print(f"模板已写入 {args.output}")
    return 0


def _import(args: argparse.Namespace) -> int:
    from xltools.evaluation.check import check
    from xltools.core.progress import BUILD, READ, RECALC, SAVE, Stages
    from xltools.rules.reading import read_document
    from xltools.workbook.import_file import import_document
    from xltools.files.safe_write import backup_paths

    out = Path(args.output)
    # Refused before reading: nothing to wait for when the answer is no.
    if out.exists() and not args.force:
        print(f"{out}: 文件已存在，未覆盖（加 --force 覆盖；原文件保留为 .bak，更早的依次为 .bak1、.bak2…） / "
              f"file exists, not overwritten (use --force; the old file is kept as .bak, older ones as .bak1, "
              f".bak2…)", file=sys.stderr)
        return 2
    replaced = out.exists()
    stages = [READ, BUILD, SAVE] if args.no_recalc else [READ, BUILD, RECALC, SAVE]
    with Stages(stages) as progress:
        progress(READ)
        doc = read_document(args.path)
        import_document(doc, out, overwrite=args.force, recalc=None if args.no_recalc else "formulas",
                        progress=progress)
    if replaced:
        # stderr: stdout stays the one summary line that scripts read.
        print(f"原文件已备份为 {backup_paths(out)[0]} / the old file was kept as {backup_paths(out)[0]}",
              file=sys.stderr)
    findings = check(doc)
    s = sum(f.severity == "error" for f in findings), sum(f.severity == "warning" for f in findings)
    print(f"已导入 {out}：错误 {s[0]} 条，提示 {s[1]} 条")
    return 0


def _extract(args: argparse.Namespace) -> int:
    """The text the reader reads from a PDF, a .docx or a text file: the lines that findings
    cite, for users who want to see them and for bug reports."""
    from xltools.read import extract_file
    from xltools.files.safe_write import write_atomically

    extracted = extract_file(args.path)
    text = extracted.text
    if args.output is None or args.output == "-":
        sys.stdout.write(text)
        return 0
    out = Path(args.output)
    if out.exists() and not args.force:
        print(f"{out}: 文件已存在，未覆盖（加 --force 覆盖，原文件保留为 .bak） / "
              f"file exists, not overwritten (use --force; the old file is kept as .bak)", file=sys.stderr)
        return 2
    def write(tmp: Path) -> None:
        tmp.write_bytes(text.encode("utf-8"))

    write_atomically(out, write)
    pages = f"，{max(extracted.pages)} 页" if extracted.pages else ""
    print(f"已提取 {args.path} → {out}：{len(extracted.lines)} 行{pages}")
    for n in extracted.scanned:
        print(f"第{n}页没有文字层（扫描页），未提取 / page {n} has no text layer (scanned): not extracted", file=sys.stderr)
    return 0


def _audit(args: argparse.Namespace) -> int:
    from xltools.cli.audit import Task, collect, previous_drafts, run, unique_outputs
    from xltools.cli.audit_book import SummaryBook
    from xltools.files.folder_lock import Busy

    # With --json the lines are the product; the workbook only when asked for by name.
    out = Path(args.output) if args.output else (None if args.json else Path("审核汇总.xlsx"))
    if out is not None and out.exists() and not args.force:
        print(f"{out}: 文件已存在，未覆盖（加 --force 覆盖，原文件会备份为 .bak） / "
              f"file exists, not overwritten (use --force; the old file is kept as .bak)", file=sys.stderr)
        return 2
    reports = Path(args.reports) if args.reports else (out.with_name(out.stem + "_报告") if out else None)
    workbooks = Path(args.workbooks) if args.workbooks else None
    previous = Path(args.previous) if args.previous else None
    if previous is not None and not previous.is_dir():
        print(f"{previous}：上一轮的文件夹不存在或不是文件夹 / {previous}: the previous round's folder does not exist "
              f"or is not a folder", file=sys.stderr)
        return 2
    # A previous round kept inside this one's folder is not audited again.
    files, notes = collect(args.paths, exclude=[p for p in (reports, workbooks, previous) if p is not None])
    for note in notes:
        print(note, file=sys.stderr)
    if not files:
        print("没有可审核的文件 / nothing to audit", file=sys.stderr)
        return 2
    book = SummaryBook(out) if out is not None else None  # first: it locks the summary
    made_here = [f for f in (reports, workbooks) if f is not None and not f.exists()]
    for folder in (reports, workbooks):
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
    report_paths = unique_outputs(files, reports, ".txt") if reports else [None] * len(files)
    book_paths = unique_outputs(files, workbooks, ".xlsx") if workbooks else [None] * len(files)
    tasks = [Task(f, str(r) if r else None, str(b) if b else None, args.json)
             for f, r, b in zip(files, report_paths, book_paths)]
    if previous is not None:
        # Each comparison beside its report: <report>_变化.txt.
        tasks = [replace(t, previous=p, compare=str(Path(t.report).with_name(Path(t.report).stem + "_变化.txt"))
                         if t.report else None) for t, p in zip(tasks, previous_drafts(files, str(previous)))]
    tally = {c: 0 for c in CONCLUSIONS}
    worse = 0  # drafts with an error their previous round did not have
    try:
        for res in run(tasks, workers=args.jobs):
            if args.json and res.json_line is not None:
                sys.stdout.write(res.json_line + "\n")
                sys.stdout.flush()
            if book is not None:
                book.add(res)
            tally[res.verdict] += 1
            worse += bool(res.new_errors)
    except Busy:
        for folder in made_here:  # refused before any work: leave no folder of ours behind
            try:
                folder.rmdir()
            except OSError:
                pass
        raise
    if book is not None:
        book.save(overwrite=args.force)
    made = (f"；汇总 {out}" if out else "") + (f"，报告在 {reports}{os.sep}" if reports else "") + \
        (f"，工作簿在 {workbooks}{os.sep}" if workbooks else "")
    print(f"已审核 {len(files)} 份：有错误 {tally['有错误']} 份，有提示 {tally['有提示']} 份，"
          f"通过 {tally['通过']} 份，无法读取 {tally['无法读取']} 份"
          f"{f'；与上一稿比有新增错误 {worse} 份' if previous is not None else ''}{made}",
          file=sys.stderr if args.json else sys.stdout)
    if tally[UNREADABLE] == len(files):
        return 2
    # An unreadable draft cannot pass review either: it counts as one with an error.
    return 1 if tally[HAS_ERRORS] or tally[UNREADABLE] else 0


def _recalc(args: argparse.Namespace) -> int:
    from xltools.workbook.engine import recalc
    from xltools.core.progress import RECALC, SAVE, Stages

    if args.engine == "libreoffice":
        from xltools.cli.doctor import soffice_message

        missing = soffice_message()
        if missing:
            print(missing, file=sys.stderr)
            return 2
    from xltools.workbook.recalc_guard import guard_recalc

    # Rewritten in place: only a workbook xltools made (or --force), and backed up as import does.
    backup = guard_recalc(Path(args.path), force=args.force)
    with Stages([RECALC, SAVE]) as progress:
        path = recalc(Path(args.path), engine=args.engine, progress=progress)
    if backup is not None:
        print(f"原文件已备份为 {backup} / the old file was kept as {backup}", file=sys.stderr)
    print(f"已重新计算 {args.path}（{args.engine}）")
    if args.verbose:
        print(f"引擎路径 / engine path: {path}")
    return 0


def _draft(args: argparse.Namespace) -> int:
    """The 第三部分 drafted in the workbook (说明草稿), as a Word document to paste into the
    disclosure, with the values a recalculation of the workbook gives."""
    from xltools.workbook.draft import NotDrafted
    from xltools.cli.draft_file import draft_book
    from xltools.workbook.engine import Engine
    from xltools.files.safe_write import backup_paths

    out = Path(args.output)
    if out.exists() and not args.force:
        print(f"{out}: 文件已存在，未覆盖（加 --force 覆盖，原文件保留为 .bak） / "
              f"file exists, not overwritten (use --force; the old file is kept as .bak)", file=sys.stderr)
        return 2
    replaced = out.exists()
    engine: Engine | None = None if args.engine == "none" else args.engine
    try:
        paras = draft_book(Path(args.path), out, engine)
    except NotDrafted as exc:
        print(f"{args.path}：{exc} / {args.path}: the workbook has no drafted 说明草稿 (import it with this "
              f"version of xltools, or recalculate it)", file=sys.stderr)
        return 2
    if replaced:
        print(f"原文件已备份为 {backup_paths(out)[0]} / the old file was kept as {backup_paths(out)[0]}",
              file=sys.stderr)
    body = sum(p.kind == "body" for p in paras)
    print(f"已生成 {out}：{len(paras) - body} 个标题，{body} 段")
    return 0


def _doctor(args: argparse.Namespace) -> int:
    from xltools.cli.doctor import run_doctor

    code, text = run_doctor()
    print(text)
    return code


def _compare(args: argparse.Namespace) -> int:
    from xltools.cli.compare import run

    return run(args)


def _rules(args: argparse.Namespace) -> int:
    """The catalogue: a finding names only its cells and numbers, its rule's text is here."""
    from xltools.evaluation.coverage import FAMILY_ZH
    from xltools.rules import CATALOGUE

    if args.json:
        json.dump([{"id": r.id, "level": r.level, "family": r.family, "description": r.description}
                   for r in CATALOGUE], sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return 0
    for r in CATALOGUE:
        print(f"{r.id}\t{r.level}\t{FAMILY_ZH.get(r.family, r.family)}\t{r.description}")
    print(f"共 {len(CATALOGUE)} 条规则（M 必须成立，不成立为错误；A 通常成立，不成立为提示）")
    return 0


def parser() -> argparse.ArgumentParser:
    p = Parser(prog="xltools", **MAIN.parser_args())
    p.add_argument("-V", "--version", action="version", version=version_line(),
                   help="显示 xltools 的版本并退出 / show the version")
    sub = p.add_subparsers(dest="command", required=True, metavar="命令", help="下列命令之一 / one of these commands")
    c = sub.add_parser("check", **COMMANDS["check"].parser_args())
    c.add_argument("path", metavar="文件", help="预算公开的 .pdf、.docx、.txt，或 xltools 工作簿 .xlsx")
    c.add_argument("--json", action="store_true", help="以 JSON 输出（给其他程序用）")
    c.add_argument("--all", action="store_true", help="也显示尾差/信息")
    c.add_argument("--strict", action="store_true",
                   help="严格审核：每条错误和提示都须改正或已说明（xltools accept），否则退出码 1；"
                        "已说明的错误在此模式下视为已处理（不加时只看错误，已说明的错误仍算）")
    c.add_argument("--annotate", metavar="输出PDF",
                   help="另存一份标注过的 PDF（审核意见）：每条问题在所比较的数字上画红色（错误）或黄色（提示）"
                        "标记并附说明，前面加问题清单页；只适用于 PDF，原 PDF 不改动")
    c.add_argument("--prior", metavar="上年文件",
                   help="上年的预算公开（.pdf、.docx、.txt）：核对说明所述上年数（本年数 − 增减额）与上年公开是否一致")
    c.set_defaults(func=_check)
    ac = sub.add_parser("accept", **COMMANDS["accept"].parser_args())
    ac.add_argument("key", metavar="编号", help="问题的编号（check 每行最后 [ ] 内的文字，或 --json 的 key）")
    ac.add_argument("path", metavar="文件", help="该问题所在的预算公开（.pdf、.docx、.txt）或 xltools 工作簿（.xlsx）")
    ac.add_argument("--reason", required=True, metavar="理由", help="为什么这不是问题（必填）")
    ac.add_argument("--by", metavar="姓名", help="说明人（默认：本机登录名）")
    ac.set_defaults(func=_accept)
    d = sub.add_parser("demo", **COMMANDS["demo"].parser_args())
    d.add_argument("dir", nargs="?", default="demo", metavar="文件夹", help="输出文件夹（默认 demo）")
    d.set_defaults(func=_demo)
    t = sub.add_parser("template", **COMMANDS["template"].parser_args())
    t.add_argument("-o", "--output", required=True, metavar="文件", help="要写出的模板（.xlsx）")
    t.set_defaults(func=_template)
    i = sub.add_parser("import", **COMMANDS["import"].parser_args())
    i.add_argument("path", metavar="文件", help="预算公开的 .pdf、.docx 或 .txt")
    i.add_argument("-o", "--output", required=True, metavar="文件", help="要写出的工作簿（.xlsx）")
    i.add_argument("--force", action="store_true",
                   help="覆盖已有文件（原文件备份为 .bak，更早的备份依次为 .bak1…，最多保留 5 份）")
    i.add_argument("--no-recalc", action="store_true", help="不重新计算缓存值（更快；Excel 打开时会计算）")
    i.set_defaults(func=_import)
    e = sub.add_parser("extract", **COMMANDS["extract"].parser_args())
    e.add_argument("path", metavar="文件", help="预算公开的 .pdf、.docx 或 .txt")
    e.add_argument("-o", "--output", metavar="文件", help="写到此文件（UTF-8）；不给或为 - 时输出到屏幕")
    e.add_argument("--force", action="store_true", help="覆盖已有文件（原文件备份为 .bak）")
    e.set_defaults(func=_extract)
    r = sub.add_parser("recalc", **COMMANDS["recalc"].parser_args())
    r.add_argument("path", metavar="工作簿", help="要重新计算的工作簿（.xlsx），结果存回这个文件")
    r.add_argument("--engine", choices=("formulas", "libreoffice"), default="formulas",
                   help="计算引擎（默认 formulas，不需要其他软件；libreoffice 需要装有 LibreOffice）")
    r.add_argument("--verbose", action="store_true", help="说明实际运行的计算路径（快速路径或 formulas 完整模型）")
    r.add_argument("--force", action="store_true",
                   help="也重新计算不是 xltools 生成的工作簿（原文件先备份为 .bak，更早的依次为 .bak1…）")
    r.set_defaults(func=_recalc)
    a = sub.add_parser("audit", **COMMANDS["audit"].parser_args())
    a.add_argument("paths", nargs="+", metavar="文件或文件夹",
                   help="文件、文件夹（其中的 .txt、.pdf、.docx，含子文件夹）或通配符")
    a.add_argument("-o", "--output", metavar="文件", help="汇总工作簿（默认 审核汇总.xlsx；用 --json 时只在给出 -o 时写）")
    a.add_argument("--reports", metavar="文件夹", help="每份的报告（.txt）写到此文件夹（默认：汇总旁的 <汇总名>_报告/）")
    a.add_argument("--workbooks", metavar="文件夹",
                   help="同时把每份导入为工作簿，写到此文件夹；为了速度不重新计算（Excel 打开时会计算，"
                        "或用 xltools recalc --engine libreoffice）")
    a.add_argument("--json", action="store_true", help="每份一行 JSON（check --json 的格式，另加 file）输出到屏幕")
    a.add_argument("--force", action="store_true", help="覆盖已有的汇总（先备份为 .bak）")
    a.add_argument("-j", "--jobs", type=int, default=None, metavar="N", help="并行进程数（默认：CPU 核数）")
    a.add_argument("--previous", metavar="文件夹",
                   help="上一轮的文件夹：与其中同名（不计扩展名）的一稿比较，汇总加“与上一稿比”一栏，每份另写 _变化.txt")
    a.set_defaults(func=_audit)
    dr = sub.add_parser("draft", **COMMANDS["draft"].parser_args())
    dr.add_argument("path", metavar="工作簿", help="xltools 工作簿（.xlsx）")
    dr.add_argument("-o", "--output", required=True, metavar="文件", help="要写出的 Word 文件（.docx）")
    dr.add_argument("--engine", choices=("formulas", "libreoffice", "none"), default="formulas",
                    help="重新计算所用的引擎（none：用工作簿中已保存的数值，例如在 Excel 中改过并保存后）")
    dr.add_argument("--force", action="store_true", help="覆盖已有文件（原文件备份为 .bak）")
    dr.set_defaults(func=_draft)
    cm = sub.add_parser("compare", **COMMANDS["compare"].parser_args())
    cm.add_argument("old", metavar="初稿", help="前一稿：.pdf、.docx 或 .txt")
    cm.add_argument("new", metavar="二稿", help="后一稿：.pdf、.docx 或 .txt")
    cm.add_argument("--json", action="store_true", help="以 JSON 输出（给其他程序用）")
    cm.add_argument("--xlsx", dest="output", metavar="文件", help="同时把变化写成工作簿（.xlsx，“变化”“问题变化”两张表）")
    cm.add_argument("--force", action="store_true", help="覆盖已有的工作簿（原文件备份为 .bak）")
    cm.set_defaults(func=_compare)
    ru = sub.add_parser("rules", **COMMANDS["rules"].parser_args())
    ru.add_argument("--json", action="store_true", help="以 JSON 输出")
    ru.set_defaults(func=_rules)
    doc = sub.add_parser("doctor", **COMMANDS["doctor"].parser_args())
    doc.set_defaults(func=_doctor)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    from xltools.cli.faults import debug_flag, preflight, report, terminate_as_exit

    # --debug anywhere on the line: the traceback of a failure, for a bug report.
    words, debug = debug_flag(argv)
    args = parser().parse_args(words)
    with terminate_as_exit():
        try:
            preflight(args)  # an output that cannot be written is refused before any work
            return int(args.func(args))
        except (Exception, KeyboardInterrupt) as exc:  # every failure: one bilingual line, exit 2
            return report(exc, args, debug)


if __name__ == "__main__":
    sys.exit(main())
