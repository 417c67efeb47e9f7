"""Metamorphic transforms: the same disclosure as another extractor or machine gives it.

Each transform takes the seed's text (as `str`, LF line ends) and a seeded `random.Random`,
and returns text, or bytes where the transform is about encoding. They change only what an
extractor changes: whitespace, noise lines, decorations, encodings, wrapping; never a figure.
"""
from __future__ import annotations

import random
import re
from typing import Callable

Transform = Callable[[str, random.Random], "str | bytes"]

_AMOUNT = re.compile(r"^-?\d{1,3}(?:\d{3})+\.\d{2}$")
_TABLE_LINE = re.compile(r"\t")


def _lines(text: str) -> list[str]:
    return text.split("\n")


def spaces(text: str, rng: random.Random) -> str:
    """Tabs become runs of 2–4 spaces; runs of empty cells collapse into one gap."""
    out = []
    for ln in _lines(text):
        if "\t" not in ln:
            out.append(ln)
            continue
        cells = [c.strip() for c in ln.split("\t")]
        filled = [c for c in cells if c]
        out.append("".join(c + (" " * rng.randint(2, 4) if i < len(filled) - 1 else "")
                           for i, c in enumerate(filled)))
    return "\n".join(out)


def ideographic(text: str, rng: random.Random) -> str:
    """Tabs become one U+3000 each, empty cells collapsed."""
    out = []
    for ln in _lines(text):
        if "\t" not in ln:
            out.append(ln)
            continue
        filled = [c.strip() for c in ln.split("\t") if c.strip()]
        out.append("\u3000".join(filled))
    return "\n".join(out)


def collapsed_tabs(text: str, rng: random.Random) -> str:
    """Tabs kept, but one tab between filled cells: the empty cells are lost."""
    out = []
    for ln in _lines(text):
        out.append("\t".join(c.strip() for c in ln.split("\t") if c.strip()) if "\t" in ln else ln)
    return "\n".join(out)


def crlf(text: str, rng: random.Random) -> bytes:
    return text.replace("\n", "\r\n").encode("utf-8")


def gb18030(text: str, rng: random.Random) -> bytes:
    return text.encode("gb18030")


def bom(text: str, rng: random.Random) -> bytes:
    return b"\xef\xbb\xbf" + text.encode("utf-8")


def _table_rows(lines: list[str]) -> list[int]:
    return [i for i, ln in enumerate(lines) if ln.count("\t") >= 2]


def watermarks(text: str, rng: random.Random) -> str:
    """Watermark lines removed, and new ones put between random table rows (the line count is
    kept, so findings keep their line numbers: a removed watermark leaves a blank line and an
    added one takes the place of a blank line)."""
    lines = _lines(text)
    for i, ln in enumerate(lines):
        if ln.strip() == "仅供内部审核":
            lines[i] = ""
    rows = _table_rows(lines)
    for i in rng.sample(rows, min(40, len(rows))):
        j = i + 1
        if j < len(lines) and not lines[j].strip():
            lines[j] = rng.choice(["仅供内部审核", "仅供内部", "供内部审核"])
    return "\n".join(lines)


def labels(text: str, rng: random.Random) -> str:
    """预算公开表N label lines removed where printed, and added (on a blank line before the
    title) where not."""
    from xltools.core.layouts import LAYOUTS

    lines = _lines(text)
    titles = {re.sub(r"\s+", "", l.title): n for n, l in LAYOUTS.items()}
    labelled: set[int] = set()
    for i, ln in enumerate(lines):
        if re.fullmatch(r"\s*(?:预算公开表|部门公开表)\s*\d{1,2}\s*", ln):
            labelled.update(range(i, i + 4))
            if rng.random() < 0.6:
                lines[i] = ""
    for i, ln in enumerate(lines):
        t = re.sub(r"^\d{4}年", "", re.sub(r"\s+", "", ln))
        for title, n in titles.items():
            if t == title and i >= 2 and i not in labelled and not lines[i - 1].strip() and not lines[i - 2].strip():
                lines[i - 2] = rng.choice(["预算公开表", "部门公开表"]) + str(n)
                break
    return "\n".join(lines)


def markdown(text: str, rng: random.Random) -> str:
    """Headings (part, section, table titles) wrapped in markdown ('# ' or '**…**'), and
    headings the extractor had wrapped in markdown unwrapped."""
    out = []
    for ln in _lines(text):
        s = ln.strip()
        if "\t" not in ln and re.match(r"^(#{1,6} |\*\*)", s):
            out.append(re.sub(r"^#{1,6} |\*\*", "", s))
        elif s and "\t" not in ln and len(s) <= 40 and re.match(r"^(第[一二三四]部分|[一二三四五六七八九十]+、|\d{4}年.*表$)", s):
            out.append(rng.choice(["# ", "## ", "**"]) + s + ("**" if rng.random() < 0.5 else ""))
        else:
            out.append(ln)
    return "\n".join(out)


def thousands(text: str, rng: random.Random) -> str:
    """Amounts of 1,000.00 and more printed with thousands separators in table cells."""
    def fmt(c: str) -> str:
        s = c.strip()
        if _AMOUNT.match(s):
            return f"{float(s):,.2f}"
        return c
    out = []
    for ln in _lines(text):
        out.append("\t".join(fmt(c) for c in ln.split("\t")) if "\t" in ln else ln)
    return "\n".join(out)


def strip_trailing(text: str, rng: random.Random) -> str:
    return "\n".join(ln.rstrip("\t ") for ln in _lines(text))


def wrap_names(text: str, rng: random.Random) -> str:
    """Long names (12 characters or more) of table rows wrapped onto the next line: the amounts
    stay on the first piece or go with the last, and a blank line may fall between the pieces.
    Lines are inserted, so line numbers shift: compare findings without their lines."""
    out: list[str] = []
    lines = _lines(text)
    stop = _part3(lines)
    for i, ln in enumerate(lines):
        cells = ln.split("\t")
        if len(cells) < 3 or i >= stop:
            out.append(ln)
            continue
        k = max(range(len(cells)), key=lambda i: len(cells[i].strip()))
        name = cells[k].strip()
        if len(name) < 12 or re.search(r"\d{3,}", name) or rng.random() < 0.5:
            out.append(ln)
            continue
        cut = rng.randint(6, len(name) - 4)
        head, tail = name[:cut], name[cut:]
        gap = [""] if rng.random() < 0.2 else []
        if rng.random() < 0.5:  # amounts on the first piece
            cells[k] = head
            out.append("\t".join(cells))
            out.extend(gap)
            out.append("\t" * k + tail)
        else:  # amounts on the last piece
            out.append("\t" * k + head)
            out.extend(gap)
            cells[k] = tail
            out.append("\t".join(cells))
    return "\n".join(out)


def _part3(lines: list[str]) -> int:
    """Index of the 第三部分 heading (not its contents line)."""
    for i, ln in enumerate(lines):
        bare = re.sub(r"</?b>|[#*\s]", "", ln)
        if bare.startswith("第三部分") and "\t" not in ln and "..." not in ln and i > 50:
            return i
    raise AssertionError("no 第三部分 in the text")


def page_breaks(text: str, rng: random.Random) -> str:
    """Page breaks at other rows: blank lines, a watermark and a page number between two rows
    of a table, and the row after the break one empty cell short (an empty amount cell
    lost), so that only arithmetic places its amounts. Lines are inserted."""
    lines = _lines(text)
    stop = _part3(lines)
    rows = [i for i in _table_rows(lines) if i < stop and i + 1 < stop and lines[i + 1].count("\t") >= 2]
    picks = set(rng.sample(rows, min(12, len(rows))))
    out: list[str] = []
    page = 3
    for i, ln in enumerate(lines):
        out.append(ln)
        if i in picks:
            page += 1
            out += ["", rng.choice(["仅供内部审核", "供内部审核"]), "", str(page), ""]
            nxt = lines[i + 1].split("\t")
            empties = [k for k, c in enumerate(nxt) if not c.strip() and k > 0 and any(x.strip() for x in nxt[k:])]
            if empties:
                del nxt[rng.choice(empties)]
                lines[i + 1] = "\t".join(nxt)
    return "\n".join(out)


def rewrap_prose(text: str, rng: random.Random) -> str:
    """The narrative's paragraphs broken at other places, as another page width gives them:
    a long line of prose split in two, sometimes inside a number. Lines are inserted."""
    lines = _lines(text)
    start = _part3(lines)
    out = lines[:start]
    for ln in lines[start:]:
        s = ln.strip()
        if "\t" in ln or len(s) < 30 or rng.random() < 0.5:
            out.append(ln)
            continue
        cut = rng.randint(10, len(s) - 10)
        out += [s[:cut], s[cut:]]
    return "\n".join(out)


def justify_prose(text: str, rng: random.Random) -> str:
    """The narrative as an extractor of justified text gives it: runs of 2–3 spaces between
    some characters of a prose line (never inside a number)."""
    lines = _lines(text)
    start = _part3(lines)
    out = lines[:start]
    for ln in lines[start:]:
        if "\t" in ln or len(ln.strip()) < 30 or ln.lstrip()[:1] in "#*<" or rng.random() < 0.5:
            out.append(ln)  # headings and markup come from the converter, not from justification
            continue
        s = ln.strip()
        spots = [i for i in range(1, len(s)) if not (s[i - 1].isdigit() or s[i - 1] == ".") or not (s[i].isdigit() or s[i] in ".%")]
        picks = set(rng.sample(spots, min(3, len(spots))))
        out.append("".join((" " * rng.randint(2, 3) if i in picks else "") + ch for i, ch in enumerate(s)))
    return "\n".join(out)


def wrap_project_names(text: str, rng: random.Random) -> str:
    """The 项目名称 cell of 绩效 tables wrapped: the rest of a long name on the next line, in
    the same column. Lines are inserted."""
    out: list[str] = []
    for ln in _lines(text):
        cells = ln.split("\t")
        i = next((k for k, c in enumerate(cells) if c.strip() == "项目名称"), None)
        j = next((k for k in range(i + 1, len(cells)) if cells[k].strip()), None) if i is not None else None
        if j is None or len(cells[j].strip()) < 12 or rng.random() < 0.5:
            out.append(ln)
            continue
        name = cells[j].strip()
        cut = rng.randint(6, len(name) - 4)
        cells[j] = name[:cut]
        out.append("\t".join(cells))
        out.append("\t" * j + name[cut:])
    return "\n".join(out)


def cut_after_13(text: str, rng: random.Random) -> str:
    lines = _lines(text)
    return "\n".join(lines[:_part3(lines)])


TRANSFORMS: dict[str, Transform] = {
    "spaces": spaces,
    "ideographic": ideographic,
    "collapsed_tabs": collapsed_tabs,
    "crlf": crlf,
    "gb18030": gb18030,
    "bom": bom,
    "watermarks": watermarks,
    "labels": labels,
    "markdown": markdown,
    "thousands": thousands,
    "strip_trailing": strip_trailing,
    "wrap_names": wrap_names,
    "page_breaks": page_breaks,
    "rewrap_prose": rewrap_prose,
    "wrap_project_names": wrap_project_names,
    "justify_prose": justify_prose,
    "cut_after_13": cut_after_13,
}
# Transforms that insert lines: findings are compared without line numbers.
SHIFTS_LINES = {"wrap_names", "page_breaks", "rewrap_prose", "wrap_project_names"}
