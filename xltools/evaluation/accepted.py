"""Explanations kept: which findings a reviewer accepted, why and by whom.

They live in a small TOML file beside the document (`预算公开.accepted.toml` for
`预算公开.pdf`), one `[[accepted]]` table per finding, keyed by the finding's stable key
(`finding_keys`), so that an explanation survives a re-typeset or corrected draft:

    [[accepted]]
    key = "P-MISSING:表12/2026年长聘工会经费/合计"
    reason = "工会经费未达到编制绩效目标的金额标准"
    by = "王芳"
    at = "2026-03-02 10:15"
    finding = "表12“2026年长聘工会经费”（第405行）（0.51 万元）没有绩效目标表"

`finding` is the finding's line when it was accepted, for the person who reads the file (and
so that `check` can say when the figures have changed since). The file is written by hand
here (a few quoted strings need no library) and read with `tomllib`; the workbook's 问题
sheet gives the same records from its 说明 column.

What an acceptance does to `check`'s exit code (`exit_code`): by default only errors fail,
and an accepted error still fails: an error is a broken identity, an explanation does not
make the document publishable. With `--strict` the review must be complete: every error and
every warning is either fixed or explained, and then an explained one no longer fails.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from xltools.core.findings import Finding
from xltools.files.safe_write import write_atomically
from xltools.read.errors import ReadError

SUFFIX = ".accepted.toml"
_HEADER = ("# xltools 说明记录：已说明的问题（xltools accept 写入，也可以手工编辑）\n"
           "# explanations of findings, written by `xltools accept` (may be edited by hand)\n")
_FIELDS = ("key", "reason", "by", "at", "finding")
_TABLE = re.compile(r"^[ \t]*\[\[[ \t]*accepted[ \t]*\]\]", re.M)
_LINE = re.compile(r"at line (\d+)")


@dataclass(frozen=True)
class Acceptance:
    key: str
    reason: str
    by: str = ""
    at: str = ""  # when it was recorded: "2026-03-02 10:15"
    finding: str = ""  # the finding's message when it was accepted
    origin: str = ""  # where it was read: "预算公开.accepted.toml:12", "问题!N7"

    def as_dict(self) -> dict[str, object]:
        return {"key": self.key, "reason": self.reason, "by": self.by, "at": self.at, "finding": self.finding,
                "origin": self.origin}

    def said(self) -> str:
        """"理由（王芳，2026-03-02 10:15）": the reason and who gave it, for a report line."""
        who = "，".join(x for x in (self.by, self.at) if x)
        return self.reason + (f"（{who}）" if who else "")


@dataclass(frozen=True)
class Review:
    """The acceptances matched to a check's findings: those whose finding is there (by key)
    and the stale ones, whose finding is gone (fixed, or its figures no longer compared)."""

    accepted: Mapping[str, Acceptance]
    stale: tuple[Acceptance, ...] = ()

    def of(self, f: Finding) -> Acceptance | None:
        return self.accepted.get(f.key) if f.key else None


NO_REVIEW = Review({})


def accepted_path(document: str | Path) -> Path:
    """`预算公开.pdf` → `预算公开.accepted.toml`, beside it."""
    p = Path(document)
    return p.with_name(p.stem + SUFFIX)


def _bad(path: Path, line: int | None, zh: str, en: str) -> ReadError:
    return ReadError(str(path), line, f"说明记录文件格式有误：{zh}", f"the explanations file is malformed: {en}")


def parse(text: str, path: Path) -> list[Acceptance]:
    """The acceptances a file's text holds; a malformed one is a ReadError naming its line."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = _LINE.search(str(exc))
        raise _bad(path, int(m.group(1)) if m else None, f"不是有效的 TOML（{exc}）", f"not valid TOML ({exc})") from exc
    entries = data.get("accepted", [])
    starts = [text.count("\n", 0, m.start()) + 1 for m in _TABLE.finditer(text)]
    if not isinstance(entries, list):
        raise _bad(path, starts[0] if starts else None, "“accepted” 应为 [[accepted]] 表的列表",
                   "“accepted” must be a list of [[accepted]] tables")
    out: list[Acceptance] = []
    for i, entry in enumerate(entries):
        line = starts[i] if i < len(starts) else None
        if not isinstance(entry, dict):
            raise _bad(path, line, "每条说明应为一个 [[accepted]] 表", "each explanation must be an [[accepted]] table")
        for name in ("key", "reason"):
            if not isinstance(entry.get(name), str) or not entry[name].strip():
                raise _bad(path, line, f"第 {i + 1} 条说明缺少“{name}”（须为非空文字）",
                           f"explanation {i + 1} lacks “{name}” (a non-empty string)")
        for name in ("by", "at", "finding"):
            if name in entry and not isinstance(entry[name], str):
                raise _bad(path, line, f"第 {i + 1} 条说明的“{name}”应为文字（加引号）",
                           f"“{name}” of explanation {i + 1} must be a string (quoted)")
        out.append(Acceptance(entry["key"].strip(), entry["reason"].strip(), entry.get("by", ""), entry.get("at", ""),
                              entry.get("finding", ""), f"{path.name}:{line}" if line else path.name))
    return out


def load(path: Path) -> list[Acceptance]:
    """The acceptances in `path`; none when there is no such file."""
    if not path.is_file():
        return []
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[:exc.start].count(b"\n") + 1
        raise _bad(path, line, "不是 UTF-8 编码的文字", "not UTF-8 text") from exc
    return parse(text, path)


def _quoted(s: str) -> str:
    """A TOML basic string: backslash, quote and control characters escaped."""
    out = ['"']
    for ch in s:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def dumps(entries: Iterable[Acceptance]) -> str:
    """The file's text: one [[accepted]] table per entry, in the order given, empty fields left out."""
    parts = [_HEADER]
    for a in entries:
        lines = ["[[accepted]]"]
        for name in _FIELDS:
            value = getattr(a, name)
            if value or name in ("key", "reason"):
                lines.append(f"{name} = {_quoted(value)}")
        parts.append("\n".join(lines) + "\n")
    return "\n".join(parts)


def save(path: Path, entries: Sequence[Acceptance]) -> Path:
    """Written whole or not at all; the previous version is kept as `.bak`."""
    text = dumps(entries)

    def write(tmp: Path) -> None:
        tmp.write_bytes(text.encode("utf-8"))

    return write_atomically(path, write)


def record(entries: Sequence[Acceptance], new: Acceptance) -> list[Acceptance]:
    """`entries` with `new`: in place of an earlier explanation of the same finding, else last."""
    out = [new if a.key == new.key else a for a in entries]
    return out if any(a.key == new.key for a in entries) else out + [new]


def merged(*sources: Iterable[Acceptance]) -> list[Acceptance]:
    """Acceptances from several places, one per key: a later source's wins (the workbook's
    说明 column over the file beside it: it is what the officer typed last)."""
    by_key: dict[str, Acceptance] = {}
    for source in sources:
        for a in source:
            by_key.pop(a.key, None)
            by_key[a.key] = a
    return list(by_key.values())


def review(findings: Sequence[Finding], acceptances: Iterable[Acceptance]) -> Review:
    """Match acceptances to findings by key; an acceptance no finding has is stale. Only an
    error or a warning is explained: a 尾差 needs no explanation, and its acceptance (kept
    if the file has one) is neither shown nor stale while the 尾差 is there."""
    present = {f.key: f for f in findings if f.key}
    accepted: dict[str, Acceptance] = {}
    stale: list[Acceptance] = []
    for a in acceptances:
        f = present.get(a.key)
        if f is None:
            stale.append(a)
        elif f.severity in ("error", "warning"):
            accepted[a.key] = a
    return Review(accepted, tuple(stale))


def open_findings(findings: Sequence[Finding], rv: Review) -> list[Finding]:
    """The findings no acceptance explains."""
    return [f for f in findings if rv.of(f) is None]


def exit_code(findings: Sequence[Finding], rv: Review = NO_REVIEW, *, strict: bool = False) -> int:
    """1 when the check fails. Default: any error, explained or not. `strict`: any error or
    warning not explained."""
    if not strict:
        return 1 if any(f.severity == "error" for f in findings) else 0
    return 1 if any(f.severity in ("error", "warning") and rv.of(f) is None for f in findings) else 0


def changed_since(f: Finding, a: Acceptance) -> bool:
    """The finding's line is not what it was when explained: its figures changed."""
    return bool(a.finding) and _no_lines(a.finding) != _no_lines(f.message)


def _no_lines(message: str) -> str:
    # A finding's line numbers move with the draft; its figures are what the explanation was about.
    return re.sub(r"第\d+行", "", message)


def with_origin(entries: Iterable[Acceptance], origin: str) -> list[Acceptance]:
    return [replace(a, origin=origin) for a in entries]
