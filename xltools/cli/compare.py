"""`xltools compare 初稿 二稿`: what changed between two drafts, in text (`compare_text`), JSON,
or a workbook (`compare_book`).

Exit code: 0 when the second draft has no new error, 1 when it has one (an error the first
draft did not have as an error: a finding new in the second draft, or a warning there become an
error), 2 when a file cannot be read. Errors that remain from the first draft do not count:
the question is whether the revision made anything worse; `check` answers whether it passes.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from xltools.cli.compare_text import to_json, to_text
from xltools.evaluation.changes import Comparison


def run(args: argparse.Namespace) -> int:
    from xltools.evaluation.changes import compare_documents
    from xltools.rules.reading import read_document

    out = Path(args.output) if args.output else None
    # Refused before reading: nothing to wait for when the answer is no.
    if out is not None and out.exists() and not args.force:
        print(f"{out}: 文件已存在，未覆盖（加 --force 覆盖，原文件保留为 .bak） / "
              f"file exists, not overwritten (use --force; the old file is kept as .bak)", file=sys.stderr)
        return 2
    comparison = compare_documents(read_document(args.old), read_document(args.new))
    if out is not None:
        from xltools.cli.compare_book import write_book  # openpyxl only when a workbook is asked for

        write_book(comparison, out)
    if args.json:
        json.dump(to_json(comparison), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(to_text(comparison))
        if out is not None:
            print(f"\n变化已写入 {out}")
    return exit_code(comparison)


def exit_code(c: Comparison) -> int:
    return 1 if c.new_errors else 0
