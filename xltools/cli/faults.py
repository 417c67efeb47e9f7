"""What the command line says when a command fails: one bilingual line naming the file, exit 2,
never a traceback (unless asked for with --debug, for a bug report)."""
from __future__ import annotations

import argparse
import errno
import os
import signal
import sys
import traceback
from contextlib import contextmanager
from typing import Iterator, Sequence

from pathlib import Path

from xltools.read.bounded import visible
from xltools.read.errors import ReadError
from xltools.files.safe_write import OutputRefused, check_output

DEBUG = "--debug"


def debug_flag(argv: Sequence[str] | None) -> tuple[list[str], bool]:
    """`argv` without --debug (accepted anywhere on the line), and whether it was there."""
    args = list(sys.argv[1:] if argv is None else argv)
    return [a for a in args if a != DEBUG], DEBUG in args


def subject(args: argparse.Namespace | None) -> str:
    """The file a command works on, for a message that has no file of its own."""
    if args is None:
        return "xltools"
    drafts = [p for p in (getattr(args, "old", None), getattr(args, "new", None)) if p]  # `compare`
    if drafts:
        return "、".join(map(str, drafts))
    for name in ("path", "output", "dir"):
        value = getattr(args, name, None)
        if value:
            return str(value)
    paths = getattr(args, "paths", None)
    return "、".join(map(str, paths)) if paths else "xltools"


def outputs(args: argparse.Namespace) -> list[Path]:
    """The files a command will write, as its arguments name them."""
    command = getattr(args, "command", None)
    out: list[Path] = []
    output = getattr(args, "output", None)
    if command == "recalc":  # rewritten in place
        out.append(Path(args.path))
    elif command == "audit":
        if output or not getattr(args, "json", False):
            out.append(Path(output or "审核汇总.xlsx"))
    elif output and output != "-":
        out.append(Path(output))
    return out


def preflight(args: argparse.Namespace) -> None:
    """Check every output path before the work starts (raises OutputRefused)."""
    for path in outputs(args):
        check_output(path)


@contextmanager
def terminate_as_exit() -> Iterator[None]:
    """SIGTERM (a killed batch job, a closed terminal) ends the command as an exception would,
    so that the `finally` clauses remove temporary files; SIGKILL leaves them to the next run
    (see safe_write.sweep)."""
    previous = None
    try:
        previous = signal.signal(signal.SIGTERM, _terminated)
    except (ValueError, OSError, AttributeError):  # not the main thread, or no SIGTERM
        previous = None
    try:
        yield
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _terminated(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def report(exc: BaseException, args: argparse.Namespace | None, debug: bool) -> int:
    """Print what went wrong (Chinese, then English) and return the exit code."""
    where = visible(subject(args))
    if isinstance(exc, ReadError):
        at = visible(f"{exc.source}:{exc.line}" if exc.line is not None else exc.source)
        _say(f"无法读取 {at}：{exc.zh}\ncannot read {at}: {exc.en}")
    elif isinstance(exc, OutputRefused) or (isinstance(getattr(exc, "zh", None), str)
                                             and isinstance(getattr(exc, "en", None), str)):
        # A refusal that says itself in both languages: an output that cannot be written, a
        # folder another audit holds.
        name = visible(str(getattr(exc, "filename", None) or where))
        _say(f"{name}：{getattr(exc, 'zh')}\n{name}: {getattr(exc, 'en')}")
    elif isinstance(exc, FileExistsError):
        name = visible(str(exc.filename or where))
        _say(f"{name}: 文件已存在，未覆盖 / file exists, not overwritten")
    elif isinstance(exc, BrokenPipeError):
        # The reader of our output (`| head`) stopped reading: nothing is wrong with any file.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # Python's own flush at exit must not fail too
        return 0
    elif isinstance(exc, OSError):
        name = visible(str(exc.filename or where))
        if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
            _say(f"{name}: 磁盘空间不足，未写入（原文件未改动） / no space left on the disk: not written "
                 f"(the existing file is unchanged)")
        else:
            reason = exc.strerror or type(exc).__name__
            _say(f"{name}: 无法读写文件（{reason}） / cannot read or write the file ({reason})")
    elif isinstance(exc, KeyboardInterrupt):
        _say(f"{where}: 已中断（未完成的文件已删除） / interrupted (unfinished files were removed)")
        return 130
    elif isinstance(exc, MemoryError):
        _say(f"{where}: 内存不足，无法处理此文件 / not enough memory to process this file")
    elif isinstance(exc, RecursionError):
        _say(f"{where}: 文件结构嵌套过深，无法处理 / the file is nested too deeply to be processed")
    else:
        detail = visible(f"{type(exc).__name__}: {exc}")[:300]
        _say(f"{where}: 处理时出现内部错误（{detail}），请加 --debug 重新运行并报告 / "
             f"internal error while processing ({detail}); run again with --debug and report it")
    if debug:
        traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)
    return 2


def _say(text: str) -> None:
    try:
        print(text, file=sys.stderr)
    except (OSError, ValueError):  # stderr closed: the exit code still tells
        pass
