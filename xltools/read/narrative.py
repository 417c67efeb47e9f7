"""The narrative (第三部分): every figure it states, with its section and line."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from xltools.core.memo import Memo
from xltools.core.model import Figure, FigureKind, Narrative, Prose
from xltools.core.narrative_subjects import changing_sections, class_family, said_none
from xltools.read.narrative_labels import class_label, heads_in, looks_like_class, resolve_class, subject_for, tidy
from xltools.read.narrative_stream import NUMBER, Piece, Stream, find_sections, narrative_end, parse_number, section_stream, unit_of
from xltools.read.regions import Regions
from xltools.read.text import Line, LinesKey, lines_key

_DELIM = re.compile(r"[，,；;。：:、]")
_SENTENCE = re.compile(r"[。；;]")
# The words a narrative states a change with.
CHANGE_WORDS = ("增加", "减少", "增长", "下降", "降低", "上升", "增幅", "降幅", "增长率", "下降率", "压减", "缩减", "减幅")
_CHANGE = re.compile("(" + "|".join(CHANGE_WORDS) + ")[了为约]?$")
_DOWN = ("减少", "下降", "降低", "降幅", "下降率", "压减", "缩减", "减幅")
_SAME = re.compile(r"相同|持平|不变|无变化")
_LIST = re.compile(r"用于|支出(?:主要)?(?:包括|有|为)|主要支出")
_NONE = re.compile(r"不涉及|(?<!增)无(?!变化)|没有|未安排")
# The base of a change stated inline: "比2025年预算A万元减少X万元" (A is last year's
# amount, not a figure of its own), "较上年的A万元", "上年预算数为A万元".
_BASE = re.compile(r"(?:(?:比|较|与|同)(?:上一?年|去年|\d{4}年)度?(?:年初)?(?:预算|决算|执行)?数?(?:相比)?的?"
                   r"|上一?年度?(?:年初)?(?:预算|决算)?数?)[（(]?$")
# "2025年预算A万元": a bare year names the base only when it is the year before the budget's.
_YEAR_BASE = re.compile(r"(?:^|[^\d])(\d{4})年度?(?:年初)?(?:预算|决算)数?$")
# "上年无此项", "上年为0": a zero base, from which no growth rate may be stated.
_ZERO_BASE = re.compile(r"上一?年度?(?:预算)?数?(?:为0(?![\d.])|为零|无此项|无该项|无此支出|未安排|没有安排|无预算)")
# A reason clause ("主要原因是…") explains a change; the numbers in it restate nothing.
REASON = re.compile(r"原因(?:主要)?(?:是|为|在于|：|:)|主要由于|由于")
# "占本年收入的92.21%": the base a share names, if any.
_SHARE_OF = re.compile(r"占(?:比)?(.*?)(?:的)?(?:比重|比例|份额)?$")
_YEAR = re.compile(r"(\d{4})\s*年")
# A 三公 item's own label, whole: the start of the item's statement (a reason mentions items
# in passing: "压减接待批次约0.50万元").
_ITEM_LABEL = re.compile(r"^(?:其中|另外|此外)?(?:因公出国（境）|公务接待|公务用车购置及运行(?:维护)?|公务用车购置"
                         r"|公务用车运行(?:维护)?)(?:费用?|经费)(?:预算)?(?:数)?$")


@dataclass
class _Scan:
    section: int
    stream: Stream
    figures: list[tuple[Figure, tuple[Piece, ...]]] = field(default_factory=list)
    classes: list[tuple[str, str, int]] = field(default_factory=list)
    head: str | None = None
    last: Figure | None = None
    listing: bool = False
    phase: str = "整体"
    category: str | None = None
    counts_in_sentence: int = 0
    overall_counts: int = 0
    year: int | None = None  # the budget year (the 第三部分 heading's)
    reason: bool = False  # inside a "主要原因是…" clause
    number_end: int = 0  # where the number being read ends, with its unit
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)  # figure key -> where it is printed

    def add(self, kind: FigureKind, subject: str, value: float, decimals: int, at: int,
            pieces: tuple[Piece, ...] = (), word: str | None = None, end: int | None = None) -> Figure:
        line, _ = self.stream.where(at)
        key = f"s{self.section}.f{len(self.figures) + 1}"
        f = Figure(key, self.section, kind, subject, value, decimals, line, _snippet(self.stream.text, at), word)
        self.figures.append((f, pieces))
        # A printed number spans its digits and unit; a figure taken from words ("持平"), its word.
        self.spans[key] = (at, end if end is not None else self.number_end if pieces else at + len(word or ""))
        if kind == "amount":
            self.last = f
        return f

    def since_last_amount(self, subject: str, kind: str) -> bool:
        """Whether a figure of `kind` and `subject` was stated after the last amount."""
        for g, _ in reversed(self.figures):
            if g is self.last:
                return False
            if g.kind == kind and g.subject == subject:
                return True
        return False


# How far around a figure its sentence is looked for: a longer sentence is cut to 60
# characters either side anyway, so the text beyond never changes the snippet (and scanning
# the whole stream for every figure was quadratic in a long narrative).
_REACH = 200


def _snippet(text: str, at: int) -> str:
    floor = max(0, at - _REACH)
    starts = [m.end() for m in _SENTENCE.finditer(text, floor, at)]
    lo = starts[-1] if starts else floor
    m = _SENTENCE.search(text, at, at + _REACH)
    hi = m.end() if m else min(len(text), at + _REACH + 1)
    s = text[lo:hi]
    if len(s) > 120:
        rel = at - lo
        s = s[max(0, rel - 60):rel + 60]
    return s


def _clause(gap: str) -> str:
    parts = _DELIM.split(gap)
    return parts[-1] if parts else gap


def _performance(sc: _Scan, gap: str, clause: str, unit: str) -> str:
    marks = list(re.finditer(r"纳入|公开", gap))
    if marks:
        phase = "纳入" if marks[-1].group() == "纳入" else "公开"
        if phase != sc.phase:
            sc.phase, sc.category = phase, None
    cats = list(re.finditer(r"其他运转类|特定目标类", gap))
    if cats and sc.phase != "整体":
        sc.category = cats[-1].group()
    if sc.phase == "整体":
        if unit == "个":
            sc.overall_counts += 1
            return "绩效:整体:单位数" if sc.overall_counts == 1 else "绩效:整体:编报单位数"
        t = tidy(clause)
        if t.endswith("基本支出"):
            return "绩效:整体:基本支出"
        if t.endswith("项目支出"):
            return "绩效:整体:项目支出"
        return "绩效:整体:编报金额" if sc.counts_in_sentence else "绩效:整体:合计"
    base = f"绩效:{sc.phase}" + (f":{sc.category}" if sc.category else "")
    if unit in ("%", "％"):
        return f"绩效:{sc.phase}:占比"
    return base + (":个数" if unit == "个" else ":金额")


def _same_as_last_year(sc: _Scan, gap: str, gap_start: int) -> None:
    """"与上年预算数相同": a change of zero for the amount just stated, in a section whose subjects
    state their changes (those with a change wording)."""
    if sc.last is None or sc.section not in changing_sections():
        return
    first = _SENTENCE.split(gap, 1)[0]
    m = _SAME.search(first)
    if m is None:
        return
    # The figures since the last amount, from the end: a search from the start (by equality)
    # for every gap was quadratic in a long narrative.
    after = []
    for f, _ in reversed(sc.figures):
        if f is sc.last:
            break
        after.append(f)
    if not any(f.kind == "change" for f in after):
        sc.add("change", _change_target(sc, "change") or sc.last.subject, 0.0, 2, gap_start + m.start(),
               word=m.group())


def _zero_base(sc: _Scan, gap: str, gap_start: int) -> None:
    """"上年无此项" / "上年为0": the statement just made has a zero base."""
    if sc.last is None or sc.section == 10:
        return
    m = _ZERO_BASE.search(_SENTENCE.split(gap, 1)[0])
    if m is None:
        return
    target = _change_target(sc, "base") or sc.last.subject
    if not sc.since_last_amount(target, "base"):
        sc.add("base", target, 0.0, 2, gap_start + m.start(), word=m.group())


def _is_base(sc: _Scan, clause: str) -> bool:
    t = tidy(clause)
    if _BASE.search(t):
        return True
    m = _YEAR_BASE.search(t)
    return bool(m and sc.year and int(m.group(1)) == sc.year - 1)


def _reason_state(sc: _Scan, gap: str) -> None:
    """Enter a reason clause at "主要原因是", leave it at the end of the sentence."""
    ends = [m.end() for m in _SENTENCE.finditer(gap)]
    reasons = [m.end() for m in REASON.finditer(gap)]
    if reasons and (not ends or reasons[-1] > ends[-1]):
        sc.reason = True
    elif ends:
        sc.reason = False


def _ends_reason(sc: _Scan, clause: str, unit: str) -> bool:
    """In section 七 the items follow each other with a comma, a reason in between: an
    amount of a named 三公 item starts the next statement."""
    if sc.section != 7 or unit in ("%", "％", "个"):
        return False
    return bool(_ITEM_LABEL.match(tidy(clause)))


def _scan_section(sc: _Scan) -> None:
    text = sc.stream.text
    prev_end = 0
    for m in NUMBER.finditer(text):
        gap = text[prev_end:m.start()]
        _same_as_last_year(sc, gap, prev_end)
        _zero_base(sc, gap, prev_end)
        if _SENTENCE.search(gap):
            sc.listing = False
            sc.counts_in_sentence = 0
        if class_family(sc.section) is not None and _LIST.search(gap):
            sc.listing = True
        clause = _clause(gap)
        raw, unit = m.group(1), unit_of(m.group(2))
        value, decimals = parse_number(raw)
        pieces = sc.stream.pieces(m.start(1), m.end(1))
        at = m.start(1)
        prev_end = sc.number_end = m.end()
        if sc.section != 10:
            _reason_state(sc, gap)
            if sc.reason:
                if not _ends_reason(sc, clause, unit):
                    continue
                sc.reason = False
        if unit == "亿元":
            value, decimals = value * 10000, decimals - 4
        elif unit == "元":
            value, decimals = value / 10000, decimals + 4
        if sc.section == 10:
            subj = _performance(sc, gap, clause, unit)
            kind: FigureKind = "count" if unit == "个" else ("share" if unit in ("%", "％") else "amount")
            if unit == "个":
                sc.counts_in_sentence += 1
            sc.add(kind, subj, value, decimals, at, pieces)
            continue
        t = tidy(clause)
        cm = _CHANGE.search(t)
        if cm:
            word = cm.group(1)
            sign = -1.0 if word in _DOWN else 1.0
            kind = "growth" if unit in ("%", "％") else "change"
            target = _change_target(sc, kind)
            sc.add(kind, target or f"其他:{t[-12:]}", sign * value, decimals, at, pieces, word)
            continue
        if unit in ("%", "％"):
            target = sc.last.subject if sc.last else f"其他:{t[-12:]}"
            sc.add("share", target, value, decimals, at, pieces, _share_of(t))
            continue
        if unit != "个" and sc.last is not None and _is_base(sc, clause):
            target = _change_target(sc, "base") or sc.last.subject
            sc.add("base", target, value, decimals, at, pieces, "上年")
            continue
        if unit == "个":
            sc.add("count", f"其他:{t[-12:]}", value, decimals, at, pieces)
            continue
        subj = _amount_subject(sc, clause, at)
        sc.add("amount", subj, value, decimals, at, pieces)
        if subj in heads_in(sc.section):
            sc.head = subj
    _same_as_last_year(sc, text[prev_end:], prev_end)
    _zero_base(sc, text[prev_end:], prev_end)
    zero = said_none(sc.section)
    if zero is not None and not any(f.kind == "amount" for f, _ in sc.figures):
        m2 = _NONE.search(text)
        if m2:
            sc.add("amount", zero, 0.0, 2, m2.start(), word="无", end=m2.end())


def _share_of(label: str) -> str | None:
    """The base a share names ("占本年收入的" → 本年收入), or None for a bare "占"."""
    at = label.rfind("占")
    if at < 0:
        return None
    m = _SHARE_OF.match(label, at)
    return (m.group(1) or None) if m else None


def _change_target(sc: _Scan, kind: str) -> str | None:
    if kind == "growth" and sc.figures and sc.figures[-1][0].kind in ("change", "base"):
        return sc.figures[-1][0].subject
    if sc.head and heads_in(sc.section):
        return sc.head
    return sc.last.subject if sc.last else None


def _amount_subject(sc: _Scan, clause: str, at: int) -> str:
    family = class_family(sc.section)
    if family is not None:
        name = class_label(clause)
        if looks_like_class(name) and (sc.listing or (resolve_class(name) and subject_for(sc.section, clause) is None)):
            code = resolve_class(name)
            line, _ = sc.stream.where(at)
            sc.classes.append((code, name, line))
            return family.prefix + (code or name)
    first = not any(f.kind == "amount" for f, _ in sc.figures)
    subj = subject_for(sc.section, clause, sc.head, first)
    return subj or f"其他:{tidy(clause)[-12:]}"


def scan_narrative(lines: list[Line], regions: Regions) -> tuple[Narrative, dict[str, tuple[Piece, ...]]]:
    """The narrative, and for each figure the places its number is printed (for edits)."""
    assert regions.narrative is not None
    first, end = regions.narrative
    # The narrative ends at a 绩效 attachment's first row even when no title announces it.
    end = narrative_end(lines, first, end)
    sections = find_sections(lines, first, end)
    ym = _YEAR.search(lines[first - 1].text) if first <= len(lines) else None
    year = int(ym.group(1)) if ym else None
    figures: list[Figure] = []
    pieces: dict[str, tuple[Piece, ...]] = {}
    classes: list[tuple[str, str, int]] = []
    prose: dict[int, Prose] = {}
    for n, (start, last) in sections.items():
        sc = _Scan(n, section_stream(lines, start + 1, last), year=year)
        _scan_section(sc)
        for f, p in sc.figures:
            figures.append(f)
            pieces[f.key] = p
        classes.extend(sc.classes)
        prose[n] = Prose(lines[start - 1].text.strip(), sc.stream.text, sc.stream.offsets, sc.spans)
    title = lines[first - 1].text.strip() if first <= len(lines) else ""
    return Narrative(first, tuple(figures), sections, tuple(classes), title, prose), pieces


# The narrative's lines decide it (`scan_narrative` reads no line outside its span): a text
# read again, or with a table figure moved, reads its 第三部分 once.
_READ: Memo[tuple[tuple[int, int], int, LinesKey], Narrative] = Memo(64)


def read_narrative(lines: list[Line], regions: Regions) -> Narrative:
    assert regions.narrative is not None
    first, end = regions.narrative
    key = (regions.narrative, len(lines), lines_key(lines[first - 1:end - 1]))
    return _READ.get(key, lambda: scan_narrative(lines, regions)[0])
