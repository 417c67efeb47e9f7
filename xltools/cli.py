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

from .check import check, evaluate
from .read import ReadError, read_document
from .report import to_json, to_text

SAMPLE = Path(__file__).parent / "samples" / "000_3cbdfbba338dedd0.txt"


def _check(args: argparse.Namespace) -> int:
    path = Path(args.path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from .evaluation import live_of
        from .workbook_check import workbook_values

        # The workbook as it is now: rows as the user left them, every figure live.
        values = workbook_values(path)
        findings, coverage = evaluate(values.doc, source=values, live=live_of(values.doc))
        doc = replace(values.doc, source=str(path))
    else:
        doc = read_document(path)
        findings, coverage = evaluate(doc)
    if args.json:
        json.dump(to_json(doc, findings, coverage), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(to_text(doc, findings, show_info=args.all, coverage=coverage))
    return 1 if any(f.severity == "error" for f in findings) else 0


def _demo(args: argparse.Namespace) -> int:
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
        from .render.fill import import_document
    except ImportError:
        import_document = None  # type: ignore[assignment]
    if import_document is not None:
        import_document(doc, out / "demo.xlsx", overwrite=True)
        made.append("demo.xlsx")
    print(f"\n示例输出已写入 {out}/：{'、'.join(made)}")
    return 0


def _template(args: argparse.Namespace) -> int:
    from .render.template import write_template

    write_template(Path(args.output))
    print(f"模板已写入 {args.output}")
    return 0


def _import(args: argparse.Namespace) -> int:
    from .progress import BUILD, READ, RECALC, SAVE, Stages
    from .render.fill import import_document
    from .safe_write import backup_paths

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
    from .read import extract_file
    from .safe_write import write_atomically

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
    from .audit import Task, collect, run, unique_outputs
    from .audit_book import SummaryBook

    # With --json the lines are the product; the workbook only when asked for by name.
    out = Path(args.output) if args.output else (None if args.json else Path("审核汇总.xlsx"))
    if out is not None and out.exists() and not args.force:
        print(f"{out}: 文件已存在，未覆盖（加 --force 覆盖，原文件会备份为 .bak） / "
              f"file exists, not overwritten (use --force; the old file is kept as .bak)", file=sys.stderr)
        return 2
    reports = Path(args.reports) if args.reports else (out.with_name(out.stem + "_报告") if out else None)
    workbooks = Path(args.workbooks) if args.workbooks else None
    files, notes = collect(args.paths, exclude=[p for p in (reports, workbooks) if p is not None])
    for note in notes:
        print(note, file=sys.stderr)
    if not files:
        print("没有可审核的文件 / nothing to audit", file=sys.stderr)
        return 2
    for folder in (reports, workbooks):
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
    report_paths = unique_outputs(files, reports, ".txt") if reports else [None] * len(files)
    book_paths = unique_outputs(files, workbooks, ".xlsx") if workbooks else [None] * len(files)
    tasks = [Task(f, str(r) if r else None, str(b) if b else None, args.json)
             for f, r, b in zip(files, report_paths, book_paths)]
    book = SummaryBook(out) if out is not None else None
    tally = {"有错误": 0, "有提示": 0, "通过": 0, "无法读取": 0}
    for res in run(tasks, workers=args.jobs):
        if args.json and res.json_line is not None:
            sys.stdout.write(res.json_line + "\n")
            sys.stdout.flush()
        if book is not None:
            book.add(res)
        tally[res.verdict] += 1
    if book is not None:
        book.save(overwrite=args.force)
    made = (f"；汇总 {out}" if out else "") + (f"，报告在 {reports}{os.sep}" if reports else "") + \
        (f"，工作簿在 {workbooks}{os.sep}（未重新计算）" if workbooks else "")
    print(f"已审核 {len(files)} 份：有错误 {tally['有错误']} 份，有提示 {tally['有提示']} 份，"
          f"通过 {tally['通过']} 份，无法读取 {tally['无法读取']} 份{made}",
          file=sys.stderr if args.json else sys.stdout)
    if tally["无法读取"] == len(files):
        return 2
    # An unreadable draft cannot pass review either: it counts as one with an error.
    return 1 if tally["有错误"] or tally["无法读取"] else 0


def _recalc(args: argparse.Namespace) -> int:
    from .engine import recalc
    from .progress import RECALC, SAVE, Stages

    if args.engine == "libreoffice":
        from .doctor import soffice_message

        missing = soffice_message()
        if missing:
            print(missing, file=sys.stderr)
            return 2
    with Stages([RECALC, SAVE]) as progress:
        path = recalc(Path(args.path), engine=args.engine, progress=progress)
    print(f"已重新计算 {args.path}（{args.engine}）")
    if args.verbose:
        print(f"引擎路径 / engine path: {path}")
    return 0


def _draft(args: argparse.Namespace) -> int:
    """The 第三部分 drafted in the workbook (说明草稿), as a Word document to paste into the
    disclosure, with the values a recalculation of the workbook gives."""
    from .draft import NotDrafted, draft_book
    from .engine import Engine
    from .safe_write import backup_paths

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
    from .doctor import run_doctor

    code, text = run_doctor()
    print(text)
    return code


def _rules(args: argparse.Namespace) -> int:
    """The catalogue: a finding names only its cells and numbers, its rule's text is here."""
    from .coverage import FAMILY_ZH
    from .rules import CATALOGUE

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
    p = argparse.ArgumentParser(prog="xltools", description="预算公开文本的读取、校验与工作簿工具")
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("check", help="校验一份预算公开文本（或 xltools 工作簿）")
    c.add_argument("path")
    c.add_argument("--json", action="store_true", help="以 JSON 输出")
    c.add_argument("--all", action="store_true", help="也显示尾差/信息")
    c.set_defaults(func=_check)
    d = sub.add_parser("demo", help="用随包附带的示例文本运行一次，输出到目录")
    d.add_argument("dir", nargs="?", default="demo")
    d.set_defaults(func=_demo)
    t = sub.add_parser("template", help="生成空白模板工作簿")
    t.add_argument("-o", "--output", required=True)
    t.set_defaults(func=_template)
    i = sub.add_parser("import", help="把预算公开文本导入模板，生成工作簿")
    i.add_argument("path")
    i.add_argument("-o", "--output", required=True)
    i.add_argument("--force", action="store_true",
                   help="覆盖已有文件（原文件备份为 .bak，更早的备份依次为 .bak1…，最多保留 5 份）")
    i.add_argument("--no-recalc", action="store_true", help="不重新计算缓存值")
    i.set_defaults(func=_import)
    e = sub.add_parser("extract", help="把 PDF 或 Word 文件（.docx）转成 xltools 读取的文本（校验结果所引的行号即此文本的行号）",
                       description="写出 xltools 从 PDF、.docx 或文本文件读到的文本：表格每行一行、单元格以制表符分隔，"
                                   "分页处为空行，水印和页码已去除。不给 -o 时输出到标准输出。")
    e.add_argument("path")
    e.add_argument("-o", "--output", help="写到此文件（UTF-8）；不给或为 - 时输出到标准输出")
    e.add_argument("--force", action="store_true", help="覆盖已有文件（原文件备份为 .bak）")
    e.set_defaults(func=_extract)
    r = sub.add_parser("recalc", help="无界面重新计算工作簿并保存数值")
    r.add_argument("path")
    r.add_argument("--engine", choices=("formulas", "libreoffice"), default="formulas")
    r.add_argument("--verbose", action="store_true", help="说明实际运行的计算路径（快速路径或 formulas 完整模型）")
    r.set_defaults(func=_recalc)
    a = sub.add_parser("audit", help="批量审核多份预算公开文本，生成汇总工作簿",
                       description="逐份校验（多进程并行），写出汇总工作簿（汇总、全部问题）和每份的报告。"
                                   "退出码：0 全部无错误；1 有错误或有文件无法读取；2 没有一份能读取。")
    a.add_argument("paths", nargs="+", metavar="PATH", help="文件、文件夹（其中的 .txt、.pdf、.docx，含子文件夹）或通配符")
    a.add_argument("-o", "--output", help="汇总工作簿（默认 审核汇总.xlsx；用 --json 时只在给出 -o 时写）")
    a.add_argument("--reports", metavar="DIR", help="每份的报告（.txt）写到此文件夹（默认：汇总旁的 <汇总名>_报告/）")
    a.add_argument("--workbooks", metavar="DIR",
                   help="同时把每份导入为工作簿，写到此文件夹；为了速度不重新计算（Excel 打开时会计算，"
                        "或用 xltools recalc --engine libreoffice）")
    a.add_argument("--json", action="store_true", help="每份一行 JSON（check --json 的格式，另加 file）输出到标准输出")
    a.add_argument("--force", action="store_true", help="覆盖已有的汇总（先备份为 .bak）")
    a.add_argument("-j", "--jobs", type=int, default=None, help="并行进程数（默认：CPU 核数）")
    a.set_defaults(func=_audit)
    dr = sub.add_parser("draft", help="把工作簿“说明草稿”表生成的第三部分（预算情况说明）写成 Word 文档",
                        description="先在工作簿的副本上重新计算（不改动原工作簿），再把“说明草稿”表各段的数值写成 .docx："
                                    "标题、一至十各部分标题和段落，可直接粘贴到预算公开文件。")
    dr.add_argument("path", help="xltools 工作簿（.xlsx）")
    dr.add_argument("-o", "--output", required=True, help="要写出的 Word 文件（.docx）")
    dr.add_argument("--engine", choices=("formulas", "libreoffice", "none"), default="formulas",
                    help="重新计算所用的引擎（none：用工作簿中已保存的数值，例如在 Excel 中改过并保存后）")
    dr.add_argument("--force", action="store_true", help="覆盖已有文件（原文件备份为 .bak）")
    dr.set_defaults(func=_draft)
    ru = sub.add_parser("rules", help="列出全部校验规则（编号、级别、类别、说明）")
    ru.add_argument("--json", action="store_true", help="以 JSON 输出")
    ru.set_defaults(func=_rules)
    doc = sub.add_parser("doctor", help="检查安装：Windows 指南（docs/WINDOWS.md）要求的每一项，不通过的给出修复命令",
                         description="逐项检查 docs/WINDOWS.md 要求的安装条件，显示 通过 / 未通过 / 不适用，"
                                     "未通过的给出修复方法。退出码：0 必需项全部通过；1 有必需项未通过。")
    doc.set_defaults(func=_doctor)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.func(args))
    except ReadError as exc:
        where = f"{exc.source}:{exc.line}" if exc.line is not None else exc.source
        print(f"无法读取 {where}：{exc.zh}\ncannot read {where}: {exc.en}", file=sys.stderr)
        return 2
    except FileExistsError as exc:
        print(f"{exc.filename}: 文件已存在，未覆盖 / file exists, not overwritten", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader of our output (`| head`) stopped reading: nothing is wrong with any file.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # Python's own flush at exit must not fail too
        return 0
    except OSError as exc:
        print(f"{exc.filename or ''}: 无法读写文件（{exc.strerror}） / cannot read or write the file ({exc.strerror})",
              file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
