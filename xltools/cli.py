"""The `xltools` command line: main(argv) -> exit code."""
from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path
from typing import Sequence

from .check import check, evaluate
from .read import ReadError, read_document
from .report import to_json, to_text

SAMPLE = Path(__file__).parent / "samples" / "000_3cbdfbba338dedd0.txt"


def _check(args: argparse.Namespace) -> int:
    path = Path(args.path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from .render.workbook_check import check_workbook

        findings = check_workbook(path)
        doc = None
    else:
        doc = read_document(path)
        findings, coverage = evaluate(doc)
    if doc is None:
        errors = sum(f.severity == "error" for f in findings)
        for f in findings:
            if f.severity != "info" or args.all:
                print(f"{f.severity}\t{f.rule}\t{f.message}")
        print(f"错误 {errors} 条，提示 {sum(f.severity == 'warning' for f in findings)} 条")
        return 1 if errors else 0
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
    from .render.fill import import_document

    doc = read_document(args.path)
    out = Path(args.output)
    if out.exists() and not args.force:
        print(f"{out}: 文件已存在，未覆盖（加 --force 覆盖，原文件会备份为 .bak） / "
              f"file exists, not overwritten (use --force; the old file is kept as .bak)", file=sys.stderr)
        return 2
    import_document(doc, out, overwrite=args.force, recalc=None if args.no_recalc else "formulas")
    findings = check(doc)
    s = sum(f.severity == "error" for f in findings), sum(f.severity == "warning" for f in findings)
    print(f"已导入 {out}：错误 {s[0]} 条，提示 {s[1]} 条")
    return 0


def _recalc(args: argparse.Namespace) -> int:
    from .engine import recalc

    recalc(Path(args.path), engine=args.engine)
    print(f"已重新计算 {args.path}（{args.engine}）")
    return 0


def _doctor(args: argparse.Namespace) -> int:
    from .doctor import run_doctor

    code, text = run_doctor()
    print(text)
    return code


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
    i.add_argument("--force", action="store_true", help="覆盖已有文件（先备份为 .bak）")
    i.add_argument("--no-recalc", action="store_true", help="不重新计算缓存值")
    i.set_defaults(func=_import)
    r = sub.add_parser("recalc", help="无界面重新计算工作簿并保存数值")
    r.add_argument("path")
    r.add_argument("--engine", choices=("formulas", "libreoffice"), default="formulas")
    r.set_defaults(func=_recalc)
    doc = sub.add_parser("doctor", help="检查安装（Python、xlwings、加载项与模板版本）")
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
    except OSError as exc:
        print(f"{exc.filename or ''}: 无法读写文件（{exc.strerror}） / cannot read or write the file ({exc.strerror})",
              file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
