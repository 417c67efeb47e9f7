"""Hostile files and faults (issue 25): every probe class on a small generated file, just past
the limit it tests. Each command is run as a user runs it (a subprocess) and must end with
exit 2 and one bilingual line naming the file and the limit: no traceback, nothing left
behind, and its peak memory (the child's own: VmHWM) under `limits.MEMORY_MB`."""
from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Callable, Iterator

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import docgen
from book_files import with_parts, with_shared_strings
from conftest import SEED_PATHS
from hostile_xml import KINDS, with_dtd
from xltools.core import limits
from xltools.cli.audit import Task, audit_one, collect
from xltools.cli.main import main
from xltools.files.folder_lock import FolderLock
from xltools.files.tempfiles import PREFIX

SEED = SEED_PATHS["000"]
TEXT = SEED.read_text("utf-8")
PROJECT = "2026基层党建经费(区级)"  # a 绩效 project of seed 000, printed once
UNIT = "阳泉高新技术产业开发区大连街管理服务中心"
POSIX = os.name == "posix"


@dataclass
class Run:
    code: int
    out: str
    err: str
    peak_mb: float


def xltools(*args: str | Path, cwd: Path, timeout: float = 120) -> Run:
    """The command line as a user runs it, in the module's child process (see `_Commands`),
    and its own peak resident memory."""
    return _COMMANDS.run([str(a) for a in args], cwd, timeout)


def batch(*commands: list[str | Path], cwd: Path, timeout: float = 120) -> list[Run]:
    return [xltools(*c, cwd=cwd, timeout=timeout) for c in commands]


# One child process runs the module's commands, each as `python -m xltools.cli.main` runs it
# (`main`, its exit code, its stdout and stderr), so that the interpreter starts and the
# package's modules load once for the module (0.3-0.6 s a command otherwise). Each command's
# peak is its own: the child's high-water mark (VmHWM) is begun afresh before it (clear_refs 5)
# at the resident size then, which holds whatever the earlier commands loaded: a measure at
# least as large as a fresh process's. wait4's ru_maxrss would not do: it keeps the forking
# parent's resident size from before exec, and a test worker holding the session's workbooks
# is larger than any limit.
_SERVER = r"""
import contextlib, ctypes, ctypes.util, gc, io, json, os, sys, traceback
from xltools.cli.main import main

libc = ctypes.CDLL(ctypes.util.find_library("c"))

def peak_kb():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))

replies = os.fdopen(int(sys.argv[1]), "w", encoding="utf-8")
for line in sys.stdin:
    cwd, argv = json.loads(line)
    os.chdir(cwd)
    gc.collect()
    libc.malloc_trim(0)  # what the earlier commands freed goes back to the system, not into this one's peak
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 2
        except BaseException:
            traceback.print_exc()
            code = -1
    replies.write(json.dumps([code, out.getvalue(), err.getvalue(), peak_kb()]) + "\n")
    replies.flush()
"""


class _Commands:
    """The child that runs the commands, started at the first and ended with the module (or
    killed when a command overruns its time: the next command starts another)."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen[bytes] | None = None
        self.replies: int = -1
        self.log: IO[bytes] | None = None

    def run(self, argv: list[str], cwd: Path, timeout: float) -> Run:
        self.send(argv, cwd)
        return self.receive(argv, timeout)

    def send(self, argv: list[str], cwd: Path) -> int:
        """Starts `argv` in the child; returns the child's process id."""
        if self.proc is None:
            read, write = os.pipe()
            self.log = tempfile.NamedTemporaryFile()
            self.proc = subprocess.Popen([sys.executable, "-c", _SERVER, str(write)], stdin=subprocess.PIPE,
                                         stdout=self.log, stderr=self.log, pass_fds=(write,))
            os.close(write)
            self.replies = read
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write((json.dumps([str(cwd), argv]) + "\n").encode("utf-8"))
            self.proc.stdin.flush()
        except BrokenPipeError:
            pass  # the child died: said by `receive`, as the reply that never comes
        return self.proc.pid

    def receive(self, argv: list[str], timeout: float) -> Run:
        """What the command `send` started gave."""
        import select

        reply, deadline = b"", time.monotonic() + timeout
        while not reply.endswith(b"\n"):  # a bounded wait: a hang fails the test instead of stalling the suite
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.replies], [], [], left)[0]:
                self.close(kill=True)
                pytest.fail(f"{' '.join(argv)[:200]} still running after {timeout} s")
            chunk = os.read(self.replies, 1 << 20)
            if not chunk:  # the child died: what it said is in its log
                assert self.log is not None
                said = Path(self.log.name).read_text("utf-8", "replace")
                self.close()
                pytest.fail(f"{' '.join(argv)[:200]}: the commands' process ended: {said[-2000:]}")
            reply += chunk
        code, out, err, peak_kb = json.loads(reply)
        return Run(code, out, err, peak_kb / 1024)

    def close(self, kill: bool = False) -> None:
        """Ends the child: by closing its input, which ends its loop, or killed (an overrun)."""
        if self.proc is None:
            return
        assert self.proc.stdin is not None and self.log is not None
        if kill:
            self.proc.kill()
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=30)
        except (subprocess.TimeoutExpired, OSError):
            self.proc.kill()
            self.proc.wait()
        os.close(self.replies)
        self.log.close()
        self.proc = None


_COMMANDS = _Commands()


@pytest.fixture(scope="module", autouse=True)
def _commands_process() -> Iterator[None]:
    yield
    _COMMANDS.close()


def refused(run: Run, name: str | Path, zh: str, en: str) -> None:
    """Exit 2, no traceback, one message in Chinese and English naming the file and the reason."""
    assert run.code == 2, (run.code, run.err)
    assert "Traceback" not in run.err and "Traceback" not in run.out, run.err
    assert str(name) in run.err, run.err
    assert zh in run.err and en in run.err, run.err
    assert run.peak_mb < limits.MEMORY_MB, run.peak_mb


def untouched(folder: Path, before: dict[str, bytes]) -> None:
    """The folder holds exactly the files it held, with the same bytes: no temporary file, no
    half-written output, no backup that was not asked for."""
    now = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and not p.is_symlink()}
    assert now == before, sorted(set(now) ^ set(before))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and not p.is_symlink()}


def zip_with(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


@pytest.fixture(scope="module")
def book(seed_workbooks: dict[str, Path]) -> Path:
    """Seed 000 imported (no recalculation), as the session shares it: an xltools workbook to
    damage (read-only: the tests write what they make of it in their own folders)."""
    return seed_workbooks["000"]


def _with_sheet_xml(src: Path, out: Path, edit: Callable[[str], str], part: str = "xl/worksheets/sheet3.xml") -> Path:
    with zipfile.ZipFile(src) as z:
        members = {i.filename: z.read(i.filename) for i in z.infolist()}
    members[part] = edit(members[part].decode("utf-8")).encode("utf-8")
    out.write_bytes(zip_with(members))
    return out


# -- Size limits, checked before the work ----------------------------------------------------

def test_text_over_the_size_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(TEXT.encode("utf-8") * (limits.TEXT_BYTES.value // len(TEXT.encode("utf-8")) + 1))
    refused(xltools("check", big, cwd=tmp_path), "big.txt", "超过上限：文本大小不超过 20,971,520 字节",
            "over the limit: the text's size is at most 20,971,520 bytes")


def test_text_over_the_line_limit(tmp_path: Path) -> None:
    many = tmp_path / "many.txt"
    many.write_bytes(TEXT.encode("utf-8") + b"\n" * limits.TEXT_LINES.value)
    refused(xltools("import", many, "-o", tmp_path / "m.xlsx", cwd=tmp_path), "many.txt",
            "文本行数不超过 200,000 行", "the number of text lines is at most 200,000 lines")
    assert not (tmp_path / "m.xlsx").exists()


def test_a_line_longer_than_a_cell_is_named(tmp_path: Path) -> None:
    long = tmp_path / "long.txt"
    lines = TEXT.replace(PROJECT, PROJECT + "甲" * 33_000).split("\n")
    no = next(i for i, ln in enumerate(lines, start=1) if "甲" * 100 in ln)
    long.write_text("\n".join(lines), encoding="utf-8")
    before = snapshot(tmp_path)
    run = xltools("import", long, "-o", tmp_path / "l.xlsx", cwd=tmp_path)
    refused(run, f"long.txt:{no}", "一行（一个单元格）的字符数不超过 32,767 个字符（本文件 33,",
            "one line (one cell) is at most 32,767 characters")
    untouched(tmp_path, before)


@pytest.mark.skipif(not POSIX, reason="FIFOs and /dev/zero are POSIX")
@pytest.mark.parametrize("command", ["check", "extract", "import"])
def test_a_fifo_or_a_device_is_refused_up_front(tmp_path: Path, command: str) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    extra = ["-o", str(tmp_path / "x.xlsx")] if command == "import" else []
    runs = batch([command, fifo, *extra], [command, "/dev/zero", *extra], cwd=tmp_path, timeout=60)
    for path, run in zip((fifo, "/dev/zero"), runs):
        refused(run, path, "不是普通文件（是设备、管道或套接字）", "not a regular file (a device, a pipe or a socket)")


def test_docx_bomb_is_refused_on_its_declared_size(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.docx"
    size = limits.ZIP_MEMBER_BYTES.value + 1
    bomb.write_bytes(zip_with({"[Content_Types].xml": b"<Types/>", "word/document.xml": b" " * size}))
    assert bomb.stat().st_size < 200_000  # small on disk, over the limit inflated
    refused(xltools("check", bomb, cwd=tmp_path), "bomb.docx", "word/document.xml：超过上限：压缩包中单个部件解压后的大小",
            "word/document.xml: over the limit: one part of the zip container, inflated, is at most 33,554,432 bytes")


def test_docx_grid_span_of_a_billion_is_read_within_bounds(tmp_path: Path) -> None:
    from docx import Document

    d = Document()
    table = d.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "收入"
    table.cell(0, 1).text = "支出"
    src = tmp_path / "src.docx"
    d.save(str(src))
    with zipfile.ZipFile(src) as z:
        members = {i.filename: z.read(i.filename) for i in z.infolist()}
    xml = members["word/document.xml"].decode("utf-8")
    members["word/document.xml"] = xml.replace("<w:tcPr>", '<w:tcPr><w:gridSpan w:val="1000000000"/>', 1) \
        .replace("<w:tr>", '<w:tr><w:trPr><w:gridBefore w:val="999999999"/></w:trPr>', 1).encode("utf-8")
    span = tmp_path / "span.docx"
    span.write_bytes(zip_with(members))
    # Read (63 columns at most, as Word lays out): not a disclosure, said as such.
    refused(xltools("check", span, cwd=tmp_path), "span.docx", "未找到任何预算公开表", "no budget disclosure table found")


def _lzw_spaces(at_least: int) -> bytes:
    """An LZW stream (PDF's, early change) of at least `at_least` spaces: after a space, each
    code names the string one longer than the last, so 4,000 codes give 8 MB."""
    bits: list[str] = []
    made, width = 0, 9
    while made < at_least:
        bits.append(format(256, f"0{width}b"))  # clear the table, at the width in force
        width, table = 9, 258
        bits.append(format(32, "09b"))  # a space
        made += 1
        while table < 4000 and made < at_least:
            bits.append(format(table, f"0{width}b"))  # the last string and its first byte
            made += table - 256  # code 258 is two spaces, 259 three, …
            table += 1
            width = {511: 10, 1023: 11, 2047: 12}.get(table, width)
    bits.append(format(257, f"0{width}b"))  # end of data
    text = "".join(bits)
    text += "0" * (-len(text) % 8)
    return int(text, 2).to_bytes(len(text) // 8, "big")


def _flate_pdf(inflated: int, lzw: bool = False) -> bytes:
    """A one-page PDF whose content stream inflates to `inflated` bytes of spaces (by Flate,
    or by LZW)."""
    import zlib

    content = _lzw_spaces(inflated) if lzw else zlib.compress(b" " * inflated, 9)
    decode = "/LZWDecode" if lzw else "/FlateDecode"
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            f"<< /Length {len(content)} /Filter {decode} >>\nstream\n".encode() + content + b"\nendstream"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def test_pdf_flate_bomb_is_refused_at_the_stream_limit(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.pdf"
    bomb.write_bytes(_flate_pdf(limits.PDF_STREAM_BYTES.value + 1024))
    refused(xltools("check", bomb, cwd=tmp_path), "bomb.pdf", "PDF 中单个数据流解压后的大小不超过 67,108,864 字节",
            "one PDF stream, inflated, is at most 67,108,864 bytes")


def test_pdf_lzw_bomb_is_refused_at_the_stream_limit(tmp_path: Path) -> None:
    from pdfminer.lzw import lzwdecode

    spaces = lzwdecode(_lzw_spaces(20_000_000))  # the stream is what it says, over several tables
    assert len(spaces) >= 20_000_000 and spaces.strip(b" ") == b""
    bomb = tmp_path / "lzw.pdf"
    bomb.write_bytes(_flate_pdf(limits.PDF_STREAM_BYTES.value + 1024, lzw=True))
    assert bomb.stat().st_size < 200_000
    refused(xltools("check", bomb, cwd=tmp_path), "lzw.pdf", "PDF 中单个数据流解压后的大小不超过 67,108,864 字节",
            "one PDF stream, inflated, is at most 67,108,864 bytes")


def test_pdf_over_the_page_limit(tmp_path: Path) -> None:
    pdf = tmp_path / "pages.pdf"
    pdf.write_bytes(docgen.minimal_pdf([docgen.PageSpec(("x",))] * (limits.PDF_PAGES.value + 1)))
    refused(xltools("extract", pdf, "-o", tmp_path / "pages.txt", cwd=tmp_path), "pages.pdf",
            "PDF 页数不超过 500 页", "the number of PDF pages is at most 500 pages")
    assert not (tmp_path / "pages.txt").exists()


# -- Workbooks: zip parts, rows, merged ranges, cell text, numbers ------------------------------

def test_xlsx_bombs_for_check_and_recalc(tmp_path: Path, book: Path) -> None:
    bomb = _with_sheet_xml(book, tmp_path / "bomb.xlsx", lambda x: x + " " * (limits.ZIP_MEMBER_BYTES.value + 1))
    rows = _with_sheet_xml(book, tmp_path / "rows.xlsx", lambda x: x.replace(
        "</sheetData>", f'<row r="{limits.SHEET_ROWS.value + 1}"><c r="A{limits.SHEET_ROWS.value + 1}"><v>1</v></c></row></sheetData>'))
    merged = _with_sheet_xml(book, tmp_path / "merged.xlsx", lambda x: x.replace(
        "</sheetData>", '</sheetData><mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>', 1)
        if "<mergeCells" not in x else x.replace("<mergeCell ", '<mergeCell ref="A1:XFD1048576"/><mergeCell ', 1))
    before = snapshot(tmp_path)
    runs = iter(batch(*[[command, path] for command in ("check", "recalc") for path in (bomb, rows, merged)],
                      cwd=tmp_path))
    for _ in ("check", "recalc"):
        refused(next(runs), "bomb.xlsx", "超过上限：压缩包中单个部件解压后的大小",
                "over the limit: one part of the zip container, inflated, is at most 33,554,432 bytes")
        refused(next(runs), "rows.xlsx", "sheet3.xml：超过上限：工作表行数不超过 100,000 行",
                "a worksheet's rows are at most 100,000 rows")
        refused(next(runs), "merged.xlsx", "sheet3.xml：超过上限：工作表行数",
                "over the limit: a worksheet's rows are at most 100,000 rows (this file: 1,048,576 rows)")
    untouched(tmp_path, before)


def test_xlsx_parts_with_a_dtd_are_refused_by_check_and_recalc(tmp_path: Path, book: Path) -> None:
    """A billion laughs, an entity reading /etc/passwd, and the laughs declared in UTF-16, in a
    sheet, the shared strings and workbook.xml: each reader refuses the part on defusedxml's
    verdict (openpyxl, which `check` loads through, wraps it in a ValueError), nothing is
    expanded (the peak memory stays under the limit) and no file is changed."""
    shared = with_shared_strings(book, tmp_path / "shared.xlsx")
    cases: list[tuple[Path, str]] = []
    for part, tag in (("xl/worksheets/sheet3.xml", "sheet"), ("xl/sharedStrings.xml", "strings"),
                      ("xl/workbook.xml", "workbook")):
        for kind in KINDS:
            change: Callable[[str, bytes], bytes] = \
                lambda name, data, part=part, kind=kind: with_dtd(data, kind) if name == part else data
            cases.append((with_parts(shared, tmp_path / f"{tag}-{kind}.xlsx", change), part))
    before = snapshot(tmp_path)
    runs = iter(batch(*[[command, path] for path, _ in cases for command in ("check", "recalc")], cwd=tmp_path))
    for path, part in cases:
        for command in ("check", "recalc"):
            why = "ValueError" if command == "check" and part != "xl/workbook.xml" else "EntitiesForbidden"
            refused(next(runs), path.name, f"不是可读取的 Excel 工作簿（{why}）", f"not a readable Excel workbook ({why})")
    # recalc keeps its backup before it reads the sheets (a refused file is kept as it was)
    backups = {f"{path.name}.bak": before[path.name] for path, part in cases if part != "xl/workbook.xml"}
    untouched(tmp_path, {**before, **backups})


def test_workbook_with_an_infinite_number(tmp_path: Path, book: Path) -> None:
    inf = _with_sheet_xml(book, tmp_path / "inf.xlsx", lambda x: x.replace("<v>1172.86</v>", "<v>1e400</v>", 1))
    sheet = zipfile.ZipFile(inf).read("xl/worksheets/sheet3.xml").decode("utf-8")
    held = re.search(r'<c r="([A-Z]+[0-9]+)"[^>]*><v>1e400</v>', sheet)
    assert held is not None
    run = xltools("check", inf, "--json", cwd=tmp_path)
    refused(run, "inf.xlsx", "不是有限的数（inf）", "is not a finite number (inf)")
    assert f"!{held.group(1)} 不是有限的数" in run.err  # the cell that holds it, not a total it reaches
    assert run.out == ""  # no JSON with a bare Infinity


def test_400_digit_amounts_are_not_amounts_and_json_stays_json(tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    huge.write_text(TEXT.replace("1172.86", "9" * 400, 1), encoding="utf-8")
    run = xltools("check", huge, "--json", cwd=tmp_path)
    assert run.code == 1 and "Traceback" not in run.err, run.err
    found = json.loads(run.out)  # strict: NaN or Infinity would not parse as JSON text
    assert json.dumps(found, allow_nan=False)
    # The 400 digits are named as a cell the reader could not place, not computed with.
    assert any(f["rule"].startswith("READ-") and "9" * 50 in f["message"] for f in found["findings"])


# -- Control characters ---------------------------------------------------------------------------

def test_control_characters_are_dropped_and_said(tmp_path: Path) -> None:
    dirty = tmp_path / "dirty.txt"
    lines = TEXT.split("\n")
    unit_line = next(i for i, ln in enumerate(lines) if UNIT in ln and "单位名称" in ln)
    lines[unit_line] = lines[unit_line].replace(UNIT, UNIT[:4] + "\x0b" + UNIT[4:] + "\x0c\x1b")
    dirty.write_text("\n".join(lines), encoding="utf-8")
    out = tmp_path / "dirty.xlsx"
    imported, checked, audited = batch(["import", dirty, "-o", out, "--no-recalc"], ["check", dirty, "--json"],
                                       ["audit", dirty, "-o", tmp_path / "sum.xlsx", "-j", "1"], cwd=tmp_path)
    assert imported.code == 0 and "Traceback" not in imported.err, imported.err
    # Every text cell (and formula) as openpyxl reads them; read-only: the same values as a whole load.
    read = openpyxl.load_workbook(out, read_only=True)
    cells = [v for ws in read.worksheets for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str)]
    read.close()
    assert any(UNIT in v for v in cells)
    assert not any(re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", v) for v in cells)
    found = json.loads(checked.out)["findings"]
    note = next(f for f in found if f["rule"] == "READ-CONTROL")
    assert f"第{unit_line + 1}行" in note["message"] and "\\x0b、\\x0c、\\x1b" in note["message"]
    # audit, which wrote its summary after all the work, now writes it.
    assert audited.code == 1 and (tmp_path / "sum.xlsx").exists(), audited.err
    assert audited.peak_mb < limits.MEMORY_MB


# -- Outputs --------------------------------------------------------------------------------------

def test_outputs_checked_before_the_work(tmp_path: Path) -> None:
    target = tmp_path / "target.xlsx"
    target.write_bytes(b"the user's own file")
    link = tmp_path / "link.xlsx"
    link.symlink_to(target)
    before = snapshot(tmp_path)
    symlink, parent, device = batch(["import", SEED, "-o", link, "--force"], ["import", SEED, "-o", target / "x.xlsx"],
                                    ["import", SEED, "-o", "/dev/null", "--force"], cwd=tmp_path)
    refused(symlink, "link.xlsx", "输出路径是符号链接", "the output path is a symbolic link")
    refused(parent, "target.xlsx/x.xlsx", "是文件，不是文件夹", "is a file, not a folder")
    if POSIX:
        refused(device, "/dev/null", "不是普通文件", "not a regular file")
        assert Path("/dev/null").is_char_device()
    untouched(tmp_path, before)
    assert link.is_symlink() and target.read_bytes() == b"the user's own file"


def test_recalc_refuses_a_workbook_xltools_did_not_make(tmp_path: Path, book: Path) -> None:
    other = tmp_path / "other.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"], wb.active["A2"] = 2, "=A1*3"
    wb.save(other)
    before = snapshot(tmp_path)
    plain, forced = batch(["recalc", other], ["recalc", other, "--force"], cwd=tmp_path)
    refused(plain, "other.xlsx", "不是 xltools 生成的工作簿", "not a workbook xltools made")
    assert forced.code == 0, forced.err
    assert (tmp_path / "other.xlsx.bak").read_bytes() == before["other.xlsx"]
    assert openpyxl.load_workbook(other, data_only=True).active["A2"].value == 6


def test_stale_temporary_files_are_swept_and_sigterm_cleans_up(tmp_path: Path) -> None:
    out = tmp_path / "w.xlsx"
    dead = tmp_path / f"{PREFIX}999999999-abc.xlsx"  # a process id no system hands out
    dead.write_bytes(b"left by a killed run")
    mine = tmp_path / f"{PREFIX}{os.getpid()}-def.xlsx"  # a live process's: not touched
    mine.write_bytes(b"being written")
    assert main(["import", str(SEED), "-o", str(out), "--no-recalc"]) == 0
    assert not dead.exists() and mine.exists()
    mine.unlink()
    before = snapshot(tmp_path)
    if POSIX:
        # Terminated while recalculating: the command ends as `main` ends on SIGTERM (exit 143,
        # its `finally` clauses run), and the workbook and its folder stay as they were.
        argv = ["import", str(SEED), "-o", str(out), "--force"]
        pid = _COMMANDS.send(argv, tmp_path)
        deadline = time.monotonic() + 60
        while not any(f.name.startswith(PREFIX) for f in tmp_path.iterdir()) and time.monotonic() < deadline:
            time.sleep(0.01)
        os.kill(pid, signal.SIGTERM)
        run = _COMMANDS.receive(argv, timeout=60)
        _COMMANDS.close()  # a user's process ends there: the next command starts in a fresh one
        assert run.code == 128 + signal.SIGTERM and "Traceback" not in run.err, (run.code, run.err)
        untouched(tmp_path, before)


def test_an_encoding_error_names_the_line_and_byte_of_the_first_bad_byte(tmp_path: Path) -> None:
    lines = TEXT.encode("utf-8").split(b"\n")
    at = next(i for i in range(299, len(lines)) if len(lines[i]) > 20)  # not line 11, where GB18030 stops
    head = lines[at].decode("utf-8")[:3].encode("utf-8")  # three characters, whole
    lines[at] = head + b"\xff" + lines[at][len(head):]
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\n".join(lines))
    col = len(head) + 1
    gbk = TEXT.encode("gbk").split(b"\n")
    gbk[40] = gbk[40] + b"\xff"
    (tmp_path / "bad_gbk.txt").write_bytes(b"\n".join(gbk))
    utf, gb = batch(["check", bad], ["check", tmp_path / "bad_gbk.txt"], cwd=tmp_path)
    refused(utf, f"bad.txt:{at + 1}：", f"本行第 {col} 个字节 0xFF 不成字", f"byte {col} of the line, 0xFF")
    refused(gb, "bad_gbk.txt:41：", f"本行第 {len(gbk[40])} 个字节 0xFF", f"byte {len(gbk[40])} of the line, 0xFF")


# -- Audit ------------------------------------------------------------------------------------

def test_audit_lock_keeps_two_runs_apart(tmp_path: Path) -> None:
    out = tmp_path / "sum.xlsx"
    with FolderLock(out):  # another audit (this process) is writing this summary
        run = xltools("audit", SEED, "-o", out, "-j", "1", cwd=tmp_path)
    refused(run, "sum.xlsx", "另一个 xltools 审核", "another xltools audit")
    assert not out.exists() and not (tmp_path / "sum_报告").exists()  # nor its reports folder
    assert main(["audit", str(SEED), "-o", str(out), "-j", "1"]) == 1  # released: the next run goes ahead
    assert out.exists()
    assert not [p for p in tmp_path.rglob("*lock*")]


@pytest.mark.skipif(not POSIX, reason="FIFOs and symlink loops are POSIX")
def test_every_entry_of_an_audit_folder_has_its_row(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_bytes(SEED.read_bytes())
    (folder / "odd\x0bname\n.txt").write_bytes(SEED.read_bytes())
    os.mkfifo(folder / "pipe.txt")
    (folder / "loop.txt").symlink_to(folder / "loop.txt")
    (folder / "gone.pdf").symlink_to(folder / "nowhere.pdf")
    files, _ = collect([str(folder)])
    assert sorted(Path(f).name for f in files) == sorted(["good.txt", "odd\x0bname\n.txt", "pipe.txt", "loop.txt", "gone.pdf"])
    run = xltools("audit", folder, "-o", tmp_path / "sum.xlsx", "-j", "1", cwd=tmp_path)
    assert run.code == 1 and "Traceback" not in run.err, run.err
    rows = list(openpyxl.load_workbook(tmp_path / "sum.xlsx")["汇总"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == 5
    verdicts = sorted(r[4] for r in rows)
    assert verdicts.count("无法读取") == 3 and verdicts.count("有错误") == 2, verdicts
    assert any(str(r[0]).endswith("odd\\x0bname\n.txt") for r in rows)  # the control character shown escaped
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", str(rows))


def test_audit_time_budget_makes_a_row() -> None:
    res = audit_one(Task(str(SEED), seconds=0.001))
    assert res.verdict == "无法读取" and res.unreadable is not None
    assert "每份文件的审核时间不超过" in res.unreadable and "the time to audit one file is at most" in res.unreadable


# -- Property: corrupted real files, random bytes, malformed numbers ------------------------------

_DOCX_CACHE: dict[str, bytes] = {}


def _docx_bytes() -> bytes:
    if "seed" not in _DOCX_CACHE:
        with tempfile.TemporaryDirectory() as d:
            path = docgen.seed_to_docx(TEXT, Path(d) / "s.docx", wordart=False)
            _DOCX_CACHE["seed"] = path.read_bytes()
    return _DOCX_CACHE["seed"]


_PDF = docgen.minimal_pdf([docgen.PageSpec(("2026 budget", "1172.86 855.84"))] * 2)
_NUMBERS = st.sampled_from(["9" * 400, "1e400", "NaN", "-Infinity", "１２３．４", "0x1F", "1,2,3,4,5,6.7", "-0", ".5",
                            "99999999999999999.99", "1" * 16 + ".0"])


def _damage(data: bytes, how: str, where: float, junk: bytes) -> bytes:
    at = int(where * len(data))
    if how == "truncate":
        return data[:at]
    if how == "flip":
        return data[:at] + junk + data[at + len(junk):]
    return data[:at] + junk + data[at:]


@settings(max_examples=24, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(kind=st.sampled_from(["text", "xlsx", "pdf", "docx", "bytes", "number"]),
       how=st.sampled_from(["truncate", "flip", "insert"]), where=st.floats(0, 1),
       junk=st.binary(min_size=1, max_size=64), number=_NUMBERS)
def test_damaged_files_never_give_a_traceback(tmp_path_factory: pytest.TempPathFactory, book: Path,
                                              capsys: pytest.CaptureFixture[str], kind: str, how: str,
                                              where: float, junk: bytes, number: str) -> None:
    folder = tmp_path_factory.mktemp("prop")
    if kind == "text":
        data, name = _damage(SEED.read_bytes(), how, where, junk), "t.txt"
    elif kind == "xlsx":
        data, name = _damage(book.read_bytes(), how, where, junk), "b.xlsx"
    elif kind == "pdf":
        data, name = _damage(_PDF, how, where, junk), "p.pdf"
    elif kind == "docx":
        data, name = _damage(_docx_bytes(), how, where, junk), "d.docx"
    elif kind == "number":
        data, name = TEXT.replace("1172.86", number).replace("855.84", number, 1).encode("utf-8"), "n.txt"
    else:
        data, name = junk * 50, "r.bin"
    path = folder / name
    path.write_bytes(data)
    commands = [["check", str(path), "--json"]]
    if kind in ("text", "number", "docx"):
        commands.append(["extract", str(path), "-o", str(folder / "x.txt")])
    if kind == "xlsx":
        commands.append(["recalc", str(path)])
    for cmd in commands:
        code = main(cmd)
        out, err = capsys.readouterr()
        assert code in (0, 1, 2), (cmd, code, err)
        assert "Traceback" not in err, err
        if cmd[0] == "check" and code in (0, 1):
            json.loads(out)  # valid JSON, no bare NaN or Infinity
        if code == 2:
            assert re.search("[\u4e00-\u9fff]", err) and re.search("[a-z]{3}", err), err
    assert not [p for p in folder.iterdir() if p.name.startswith(PREFIX)]
