"""Audit many disclosures at once: find the files, check each in a worker process, yield
one small result per document (the Document itself never leaves its worker)."""
from __future__ import annotations

import glob
import json
import os
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from xltools.core import limits
from xltools.core.findings import Finding
from xltools.core.layouts import LAYOUTS
from xltools.core.verdicts import HAS_ERRORS, HAS_WARNINGS, PASSED, UNREADABLE
from xltools.core.model import Document
from xltools.cli.accept import review_of
from xltools.files.folder_lock import FolderLock
from xltools.read import ReadError
from xltools.rules.reading import read_document
from xltools.read.bounded import visible
from xltools.core.time_budget import OverBudget, time_budget

# How many findings the summary row quotes; the rest are in the report and in 全部问题.
FIRST_FINDINGS = 3
# What a folder contributes: extracted text, the PDF itself, the Word file it was printed from.
SUFFIXES = (".txt", ".pdf", ".docx")


@dataclass(frozen=True)
class Task:
    """One document to audit and where its by-products go (paths decided by the parent,
    so that names are unique across the batch)."""

    path: str
    report: str | None = None
    workbook: str | None = None
    want_json: bool = False
    seconds: float | None = limits.AUDIT_SECONDS.value  # the time budget of this document
    # `--previous`: the same-named draft of the last round ("" when it has none), and where
    # the comparison with it goes; None when no previous round was given.
    previous: str | None = None
    compare: str | None = None


@dataclass
class Result:
    """What the parent keeps of one document: counts and messages, a few kB at most."""

    file: str
    unit: str | None = None
    kind: str | None = None
    year: int | None = None
    tables_read: int | None = None
    error: int | None = None
    warning: int | None = None
    info: int | None = None
    # (rule, severity, message, lines) in the order `evaluate` sorts them: errors first.
    findings: list[tuple[str, str, str, tuple[int, ...]]] = field(default_factory=list)
    unchecked: str = ""  # "36 项未能核对：未找到第三部分、…", empty when all was checked
    unreadable: str | None = None  # the bilingual message when the file could not be read
    report: str | None = None
    workbook: str | None = None
    workbook_error: str | None = None
    json_line: str | None = None
    changes: str | None = None  # against the previous round's draft: one cell of the summary
    compare: str | None = None  # the comparison's text file
    new_errors: int | None = None

    @property
    def worst(self) -> tuple[int, int, int, int]:
        """Sort key, worst first: unreadable (cannot even be reviewed), then errors, warnings, 尾差."""
        if self.unreadable is not None:
            return (0, 0, 0, 0)
        return (1, -(self.error or 0), -(self.warning or 0), -(self.info or 0))

    @property
    def verdict(self) -> str:
        if self.unreadable is not None:
            return UNREADABLE
        if self.error:
            return HAS_ERRORS
        if self.warning:
            return HAS_WARNINGS
        return PASSED


def read_error_text(exc: ReadError) -> str:
    where = visible(f"{exc.source}:{exc.line}" if exc.line is not None else exc.source)
    return f"无法读取 {where}：{exc.zh} / cannot read {where}: {exc.en}"


def collect(paths: Sequence[str], exclude: Iterable[Path] = ()) -> tuple[list[str], list[str]]:
    """Files to audit (sorted, each once) and notes for the user about paths that gave none.

    A file named explicitly is taken whatever its extension (a PDF renamed .txt, or a .text,
    still gets its row); a folder contributes its .txt, .pdf and .docx files, recursively,
    skipping hidden entries, Word's lock files (~$name.docx) and the output folders (else a
    second run would audit the first run's reports)."""
    skip = [p.resolve() for p in exclude]
    found: dict[Path, str] = {}
    notes: list[str] = []

    def add(p: Path) -> None:
        try:
            key = p.resolve()
        except (OSError, RuntimeError):  # a symlink loop: still an entry, read as what it is
            key = p.absolute()
        found.setdefault(key, str(p))

    def under_skipped(p: Path) -> bool:
        try:
            r = p.resolve()
        except (OSError, RuntimeError):
            return False
        return any(r == s or s in r.parents for s in skip)

    for arg in paths:
        p = Path(arg)
        # The shell expands globs on POSIX; cmd.exe does not, so expand here too.
        pattern = not p.exists() and any(ch in arg for ch in "*?[")
        matches = [Path(m) for m in sorted(glob.glob(arg, recursive=True))] if pattern else [p]
        if not matches:
            notes.append(f"{arg}：没有匹配的文件 / no file matches")
            continue
        for m in matches:
            if m.is_dir():
                entries = _folder_entries(m, under_skipped)
                if not entries:
                    notes.append(f"{m}：文件夹中没有 .txt、.pdf 或 .docx 文件 / no .txt, .pdf or .docx file in this folder")
                for f in entries:
                    add(f)
            elif m.exists() or m.is_symlink():
                add(m)
            else:
                notes.append(f"{m}：文件不存在 / file not found")
    return sorted(found.values(), key=_natural), notes


def _folder_entries(top: Path, skipped: Callable[[Path], bool]) -> list[Path]:
    """What a folder contributes: every entry named .txt, .pdf or .docx whatever it is (a
    FIFO, a broken link, a link loop: the reader refuses it, and its row says why), and every
    subfolder that cannot be opened (its row says so). Hidden entries, Word's lock files and
    the output folders are left out; links to folders are not followed (no loops)."""
    out: list[Path] = []

    def unreadable(err: OSError) -> None:
        if err.filename is not None:
            out.append(Path(err.filename))

    for folder, dirs, files in os.walk(top, onerror=unreadable):
        base = Path(folder)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not skipped(base / d))
        for name in sorted(files):
            f = base / name
            if name.startswith((".", "~$")) or Path(name).suffix.lower() not in SUFFIXES or skipped(f):
                continue
            out.append(f)
    return out


def _natural(s: str) -> tuple[object, ...]:
    """Sort key: draft2 before draft10, as a file manager lists them."""
    return tuple(int(t) if t.isdigit() else t for t in re.split(r"(\d+)", s))


def unique_outputs(files: Sequence[str], folder: Path, suffix: str) -> list[Path]:
    """`<stem><suffix>` in `folder` per file; a stem seen before (same name in two folders)
    gets `_2`, `_3`, … in input order, so every document keeps its own file."""
    used: set[str] = set()
    out: list[Path] = []
    for f in files:
        stem = Path(f).stem or "document"
        name, n = stem, 1
        while name.casefold() in used:  # casefold: Windows and macOS file names ignore case
            n += 1
            name = f"{stem}_{n}"
        used.add(name.casefold())
        out.append(folder / f"{name}{suffix}")
    return out


def audit_one(task: Task) -> Result:
    """Read and check one document; never raises, a failure is the row's message."""
    from xltools.evaluation.check import evaluate
    from xltools.evaluation.coverage import unchecked_text
    from xltools.evaluation.report import to_json, to_text

    res = Result(file=task.path, report=task.report)
    if os.path.isdir(task.path):  # a subfolder the walk could not open
        return _unreadable(res, task, _folder_text(task.path))
    stage = ("读取", "reading")
    try:
        # One document may not hold up the batch: past its budget, its row says so.
        with time_budget(task.seconds):
            doc = read_document(task.path)
            stage = ("校验", "checking")
            findings, coverage = evaluate(doc)
            # The explanations recorded beside the document count as `check` counts them.
            explained = review_of(Path(task.path), findings)
    except ReadError as exc:
        return _unreadable(res, task, read_error_text(exc))
    except OverBudget:
        zh, en = limits.AUDIT_SECONDS.says()
        return _unreadable(res, task, f"无法读取 {visible(task.path)}：{zh}，已跳过 / "
                                      f"cannot read {visible(task.path)}: {en}; skipped")
    except Exception as exc:  # a bug on odd input must not stop the batch (MemoryError, RecursionError too)
        what = visible(f"{type(exc).__name__}: {exc}")[:300]
        return _unreadable(res, task, f"{stage[0]}时出现内部错误（{what}） / internal error while {stage[1]} ({what})")
    res.unit, res.kind, res.year = doc.unit, doc.kind, doc.year
    res.tables_read = sum(1 for n in LAYOUTS if doc.table(n) is not None)
    res.error = sum(f.severity == "error" and explained.of(f) is None for f in findings)
    res.warning = sum(f.severity == "warning" and explained.of(f) is None for f in findings)
    res.info = sum(f.severity == "info" for f in findings)
    res.findings = [(f.rule, f.severity, f.message, f.lines) for f in findings]
    res.unchecked = unchecked_text(coverage)
    compared = _against_previous(task, res, doc, findings) if task.previous is not None else None
    if task.want_json:
        extra = {} if compared is None else {"compare": compared}
        res.json_line = json.dumps({"file": visible(task.path), **to_json(doc, findings, coverage, review=explained), **extra},
                                   ensure_ascii=False)
    _write_text(task.report, to_text(doc, findings, show_info=True, coverage=coverage, review=explained))
    if task.workbook is not None:
        try:
            from xltools.workbook.import_file import import_document

            # With its values (the fast path, about a second): a workbook opened by a viewer
            # that does not recalculate, or checked again, shows figures, never blanks.
            import_document(doc, Path(task.workbook), overwrite=True)
            res.workbook = task.workbook
        except Exception as exc:  # the check's counts stay those of `check`; the cell says why
            res.workbook_error = f"未生成（{type(exc).__name__}: {exc}） / not written"
    return res


def _against_previous(task: Task, res: Result, doc: Document, findings: list[Finding]) -> dict[str, object]:
    """The comparison with the previous round's draft: the row's cell, the compare file, and
    what the JSON line carries (the counts); a previous draft that cannot be read is said so."""
    from xltools.cli.compare_text import counts_text, to_text as compare_text
    from xltools.evaluation.changes import compare
    from xltools.evaluation.check import check

    if not task.previous:
        res.changes = "上一轮没有同名的一稿"
        return {"previous": None, "note": res.changes}
    shown = visible(task.previous)
    try:
        with time_budget(task.seconds):
            old = read_document(task.previous)
            old_findings = check(old)
    except ReadError as exc:
        res.changes = f"上一稿{read_error_text(exc)}"
    except OverBudget:
        zh, en = limits.AUDIT_SECONDS.says()
        res.changes = f"上一稿 {shown}：{zh}，未比较 / previous draft {shown}: {en}; not compared"
    except Exception as exc:  # the row of this draft stands whatever the previous one holds
        what = visible(f"{type(exc).__name__}: {exc}")[:300]
        res.changes = f"上一稿 {shown} 读取时出现内部错误（{what}） / internal error reading the previous draft ({what})"
    else:
        c = compare(old, old_findings, doc, findings)
        res.changes, res.new_errors = counts_text(c), len(c.new_errors)
        if task.compare is not None:
            _write_text(task.compare, compare_text(c))
            res.compare = task.compare
        return {"previous": shown, "summary": c.counts()}
    return {"previous": shown, "note": res.changes}


def previous_drafts(files: Sequence[str], folder: str) -> list[str]:
    """For each file, the draft of the previous round with the same name (without extension)
    in `folder` and its subfolders, "" where there is none; the same extension is preferred
    when the previous round has a name twice (a .pdf and its extracted .txt)."""
    found, _ = collect([folder])
    by_stem: dict[str, list[str]] = {}
    for f in found:
        by_stem.setdefault(Path(f).stem.casefold(), []).append(f)
    out: list[str] = []
    for f in files:
        same = by_stem.get(Path(f).stem.casefold(), [])
        suffix = Path(f).suffix.casefold()
        out.append(next((p for p in same if Path(p).suffix.casefold() == suffix), same[0] if same else ""))
    return out


def _folder_text(path: str) -> str:
    shown = visible(path)
    try:
        os.scandir(path).close()
        reason = ("这是一个文件夹", "this is a folder")
    except OSError as exc:
        reason = (f"文件夹无法打开（{exc.strerror}）", f"the folder cannot be opened ({exc.strerror})")
    return f"无法读取 {shown}：{reason[0]} / cannot read {shown}: {reason[1]}"


def _unreadable(res: Result, task: Task, message: str) -> Result:
    res.unreadable = message
    if task.want_json:
        shown = visible(task.path)
        res.json_line = json.dumps({"file": shown, "source": shown, "unreadable": message}, ensure_ascii=False)
    _write_text(task.report, message + "\n")
    return res


def _write_text(path: str | None, text: str) -> None:
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")


def run(tasks: Sequence[Task], *, workers: int | None = None, progress: bool | None = None) -> Iterator[Result]:
    """Results in the order of `tasks`, computed on `workers` processes (default: all cores).
    The progress bar goes to stderr, and only to a terminal (nothing when piped)."""
    from xltools.core.progress import counter

    workers = max(1, workers or os.cpu_count() or 1)
    # Two audits writing the same report folders would mix their reports: one at a time.
    folders = {Path(p).parent for t in tasks for p in (t.report, t.workbook) if p is not None}
    lock = FolderLock(*folders).acquire()
    bar = counter(len(tasks), "审核", "份", enabled=progress)
    try:
        if workers == 1 or len(tasks) <= 1:
            for t in tasks:
                yield audit_one(t)
                bar.update()
            return
        # Chunks amortise the pickling round trip, small enough to keep every core busy to the end.
        chunk = max(1, min(16, len(tasks) // (workers * 8)))
        # Windows refuses more than 61 workers.
        with ProcessPoolExecutor(max_workers=min(workers, len(tasks), 61)) as pool:
            for r in pool.map(audit_one, tasks, chunksize=chunk):
                yield r
                bar.update()
    finally:
        bar.close()
        lock.release()
