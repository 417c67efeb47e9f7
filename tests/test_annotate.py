"""`xltools check X.pdf --annotate OUT.pdf`: each finding a highlight on the figures it compares.

The seeds are printed to PDF as tests/docgen.py does (LibreOffice). Each seed's PDF is annotated;
the annotations are read back with pypdf and compared with the characters pdfplumber finds on
the same page of the output: every finding has a highlight on each page it cites, in its
colour, its note the finding's line; each highlight covers whole characters, the numbers the
finding compares among them. Hand-checked cases pin which of two equal numbers is marked (表1
收入总计 1271.91, not 支出总计 1271.91; the fifth 占0% of a paragraph; a 绩效 table's 年度 column,
not its 实施期 column), and a seed with one figure changed gets that figure marked red.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any, Callable

import pytest

import docgen
from built import once
from conftest import SEED_PATHS
from xltools.cli.annotate import UNLOCATED, WHOLE, write_annotated
from xltools.cli.annotate_pdf import RED, YELLOW
from xltools.cli.annotate_parts import pdf_rect
from xltools.cli.main import main
from xltools.core.findings import Finding, FollowsFrom, Where
from xltools.core.model import Document
from xltools.evaluation.check import evaluate
from xltools.read import Extracted
from xltools.read.extracted import join_pieces
from xltools.read.pdf_text import _slanted
from xltools.read.positions import join_boxed

Rect = tuple[float, float, float, float]  # left, bottom, right, top in the page's user space
_NUM = re.compile(r"^-?\d[\d,]*(?:\.\d+)?%?$")


@pytest.fixture(scope="module")
def annotated(built: dict[str, tuple[Path, Path]], read: Callable[[str], tuple[Extracted, Document]],
              tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], tuple[Path, list[Finding]]]:
    """Seed → its annotated copy and the findings it marks (errors and warnings): written once
    for the run, by whichever worker asks first (tests/built.py; this module's tests are shared
    out between the workers, and each wrote every copy it read)."""
    def of(key: str) -> tuple[Path, list[Finding]]:
        def build(folder: Path) -> tuple[Path, list[Finding]]:
            extracted, doc = read(key)
            findings, coverage = evaluate(doc)
            out = folder / f"{key}_审核意见.pdf"
            write_annotated(built[key][1], out, doc, extracted, findings, coverage, show_info=False)
            return out, [f for f in findings if f.severity != "info"]
        got: tuple[Path, list[Finding]] = once(tmp_path_factory, f"annotated-{key}", build)
        return got
    return of


# -- Reading the output back ------------------------------------------------------------------

class Output:
    """An annotated PDF read back: its highlights by original page, and pdfplumber's chars."""

    def __init__(self, path: Path, original: Path) -> None:
        from pypdf import PdfReader

        self.path = path
        reader = PdfReader(path)
        self.front = len(reader.pages) - len(PdfReader(original).pages)
        self.pages = reader.pages
        self.highlights: list[dict[str, Any]] = []
        for k, page in enumerate(reader.pages[self.front:], start=1):
            for a in page.get("/Annots", []):
                a = a.get_object()
                if a["/Subtype"] != "/Highlight":
                    continue
                q = [float(v) for v in a["/QuadPoints"]]
                quads = [(min(q[i], q[i + 2]), min(q[i + 5], q[i + 1]), max(q[i], q[i + 2]), max(q[i + 1], q[i + 5]))
                         for i in range(0, len(q), 8)]
                self.highlights.append({"page": k, "quads": quads, "colour": tuple(float(c) for c in a["/C"]),
                                        "note": str(a["/Contents"]), "popup": "/Popup" in a,
                                        "rect": [float(v) for v in a["/Rect"]]})
        self._chars: dict[int, list[dict[str, Any]]] = {}
        self._plumbed: Any = None

    def chars(self, page: int) -> list[dict[str, Any]]:
        """pdfplumber's characters of an original page (as printed in the output), each with
        its rectangle in user space."""
        if page not in self._chars:
            # The file parsed once for all the pages asked for (opening it again for each page
            # cost more than reading the page).
            if self._plumbed is None:
                import io

                import pdfplumber

                self._plumbed = pdfplumber.open(io.BytesIO(self.path.read_bytes()))
            p = self._plumbed.pages[self.front + page - 1]
            assert p.rotation == 0 and p.mediabox[0] == 0 and p.mediabox[1] == 0
            self._chars[page] = [dict(c, rect=(c["x0"], p.height - c["bottom"], c["x1"], p.height - c["top"]))
                                 for c in p.chars if not c["text"].isspace() and not _slanted(c)]
            p.close()  # its parsed objects: only the characters above are kept
        return self._chars[page]

    def of(self, f: Finding) -> list[dict[str, Any]]:
        return [h for h in self.highlights if h["note"].split("\n")[1:2] == [f.message]
                and h["note"].startswith(f"{_SEV[f.severity]} {f.rule} ")]


_SEV = {"error": "错误", "warning": "提示"}
_READ_BACK: dict[tuple[Path, Path], Output] = {}


def read_back(path: Path, original: Path) -> Output:
    """`Output(path, original)`, read once per module for a file every test reads as it was
    written (the seeds' annotated copies): its pages' characters are parsed once, not per test."""
    if (path, original) not in _READ_BACK:
        _READ_BACK[(path, original)] = Output(path, original)
    return _READ_BACK[(path, original)]


def _inside(rect: Rect, quad: Rect) -> bool:
    cx, cy = (rect[0] + rect[2]) / 2, (rect[1] + rect[3]) / 2
    return quad[0] <= cx <= quad[2] and quad[1] <= cy <= quad[3]


def _under(chars: list[dict[str, Any]], quad: Rect) -> list[dict[str, Any]]:
    return [c for c in chars if _inside(c["rect"], quad)]


def _runs(chars: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Characters in runs as printed: the same row, no gap wider than half a character, a
    number apart from the words beside it (a right-aligned amount touches the next cell)."""
    rows: list[list[dict[str, Any]]] = []
    for c in sorted(chars, key=lambda c: (round(c["top"]), c["x0"])):
        if rows and abs(rows[-1][-1]["top"] - c["top"]) < 2 and c["x0"] - rows[-1][-1]["x1"] < 0.5 * c["size"] \
                and _numeric(c["text"]) == _numeric(rows[-1][-1]["text"]):
            rows[-1].append(c)
        else:
            rows.append([c])
    return rows


def _numeric(ch: str) -> bool:
    return ch in "0123456789.,%-"


def _text(run: list[dict[str, Any]]) -> str:
    return "".join(c["text"] for c in run)


def _value(s: str) -> float:
    return float(s.rstrip("%").replace(",", ""))


def _covered(out: Output, f: Finding) -> list[str]:
    """The texts the finding's highlights cover, run by run."""
    texts = []
    for h in out.of(f):
        for q in h["quads"]:
            for run in _runs(_under(out.chars(h["page"]), q)):
                texts.append(_text(run))
    return texts


def _printed_sides(f: Finding) -> list[float]:
    """The numbers a finding's message shows for a side that is one printed cell (not a sum,
    not a computed rate): `A 3,050.67 ≠ B 2,974.95（差 75.72）` → both; in 元 or 万元 as printed."""
    if " ≠ " not in f.message:
        return []
    lhs, _, rhs = f.message.partition(" ≠ ")
    out: list[float] = []
    for side in (lhs, re.split(r"（(?=差|超|\d)", rhs)[0]):
        if "+" in side or "Σ" in side or "%" in side:
            continue
        numbers = re.findall(r"-?\d[\d,]*(?:\.\d+)?", side)
        if numbers:
            out.append(_value(numbers[-1]))
    return out


# -- Every finding of every seed ------------------------------------------------------------

@pytest.mark.parametrize("seed", sorted(SEED_PATHS))
def test_every_finding_marked_on_its_pages(seed: str, built: dict[str, tuple[Path, Path]],
                                          annotated: Callable[[str], tuple[Path, list[Finding]]]) -> None:
    path, findings = annotated(seed)
    out = read_back(path, built[seed][1])
    assert out.front >= 1 and findings
    assert len(out.highlights) == sum(len({w.page for w in f.where if w.page}) for f in findings)
    for f in findings:
        marks = out.of(f)
        cited = {w.page for w in f.where if w.page is not None}
        # One highlight on each page the finding cites, and none elsewhere.
        assert sorted(h["page"] for h in marks) == sorted(cited), (f.rule, f.message)
        for h in marks:
            assert h["colour"] == pytest.approx(RED if f.severity == "error" else YELLOW)
            assert h["popup"] and f.message in h["note"]
            lines = "、".join(str(x) for x in f.lines)
            assert h["note"].startswith(f"{_SEV[f.severity]} {f.rule} 第{lines}行（第")
            if f.suggested is not None:
                assert f.diagnosis in h["note"]
            chars = out.chars(h["page"])
            for q in h["quads"]:
                under = _under(chars, q)
                assert under, (f.rule, h["page"], q)
                # Whole characters only: none cut by the quad's edge.
                assert all(q[0] - 1 <= c["rect"][0] and c["rect"][2] <= q[2] + 1 for c in under)
        # The numbers it compares are among the figures it marks.
        covered = [_value(t) for t in _covered(out, f) if _NUM.match(t)]
        for v in _printed_sides(f):
            assert any(abs(c - v) < 0.005 for c in covered), (f.rule, f.message, v, covered)
        if f.rule in ("N-SHARE", "N-GROWTH"):
            assert any(t.endswith("%") and _value(t) == abs(float(f.actual)) for t in _covered(out, f))  # type: ignore[arg-type]


# -- Which of equal numbers ---------------------------------------------------------------

def _find(out: Output, page: int, context: str, target: str, nth: int = 0) -> list[dict[str, Any]]:
    """The characters of `target` where the page prints `context` (target inside it), by
    pdfplumber's reading of the page: the n-th such place."""
    chars = [c for c in out.chars(page)]
    text = "".join(c["text"] for c in chars)
    at = [m.start() for m in re.finditer(re.escape(context), text)][nth]
    k = at + context.index(target)
    return chars[k:k + len(target)]


def _row(out: Output, page: int, label: str, number: str) -> list[list[dict[str, Any]]]:
    """Runs reading `number` on the printed row that starts with `label`, left to right."""
    runs = _runs(out.chars(page))
    head = next(r for r in runs if _text(r).startswith(label))
    top = head[0]["top"]
    return sorted((r for r in runs if abs(r[0]["top"] - top) < 2 and _text(r) == number), key=lambda r: r[0]["x0"])


def _marked(out: Output, f: Finding, page: int, chars: list[dict[str, Any]]) -> bool:
    quads = [q for h in out.of(f) if h["page"] == page for q in h["quads"]]
    return bool(chars) and all(any(_inside(c["rect"], q) for q in quads) for c in chars)


def test_000_share_marks_its_own_zero_and_the_income_total(built: dict[str, tuple[Path, Path]],
                                                          annotated: Callable[[str], tuple[Path, list[Finding]]]) -> None:
    """说明二 prints 占0% five times; the finding is about the last (上年结转). 表1's 收入总计 row
    prints 1271.91 twice (收入总计, 支出总计): the share's base is the first."""
    path, findings = annotated("000")
    out = read_back(path, built["000"][1])
    share = next(f for f in findings if f.rule == "N-SHARE")
    said = next(w.page for w in share.where if w.page is not None and w.page > 20)
    zeros = [_find(out, said, "占0%", "0%", k) for k in range(5)]
    assert [_marked(out, share, said, z) for z in zeros] == [False, False, False, False, True]
    assert _find(out, said, "上年结转99.05万元，占0%", "0%") == zeros[4]
    t1 = min(w.page for w in share.where if w.page is not None)
    income, spent = _row(out, t1, "收入总计", "1271.91")
    assert _marked(out, share, t1, income) and not _marked(out, share, t1, spent)
    (carried,) = _row(out, t1, "上年结转", "99.05")
    assert _marked(out, share, t1, carried)


def test_001_project_sums_mark_their_own_column(built: dict[str, tuple[Path, Path]],
                                               annotated: Callable[[str], tuple[Path, list[Finding]]]) -> None:
    """A 绩效 table prints 实施期 and 年度 side by side with the same numbers: the 年度 sum is
    marked in the 年度 column, the 实施期 sum in the 实施期 column."""
    path, findings = annotated("001")
    out = read_back(path, built["001"][1])
    annual = next(f for f in findings if f.rule == "P-ANNUAL-SUM")
    period = next(f for f in findings if f.rule == "P-PERIOD-SUM" and f.lines == annual.lines)
    page = max(w.page for w in annual.where if w.page is not None)
    for number in ("28,300", "13,200", "15,600"):
        runs = [r for r in _runs(out.chars(page)) if _text(r) == number]
        first, second = sorted(runs, key=lambda r: r[0]["x0"])  # 实施期, 年度: one printed row
        assert abs(first[0]["top"] - second[0]["top"]) < 2
        assert _marked(out, annual, page, second) and not _marked(out, annual, page, first), number
        assert _marked(out, period, page, first) and not _marked(out, period, page, second), number
    growth = next(f for f in findings if f.rule == "N-GROWTH")
    said = max(w.page for w in growth.where if w.page is not None)
    assert _marked(out, growth, said, _find(out, said, "增长20%", "20%"))
    assert _marked(out, growth, said, _find(out, said, "增加48.83万元", "48.83"))


def test_front_page_lists_the_findings_with_links(built: dict[str, tuple[Path, Path]],
                                                  annotated: Callable[[str], tuple[Path, list[Finding]]],
                                                  tmp_path: Path) -> None:
    import pdfplumber
    import pypdfium2
    from pypdf import PdfReader

    path, findings = annotated("001")
    out = read_back(path, built["001"][1])
    with pdfplumber.open(path) as pdf:
        front = "".join(p.extract_text() or "" for p in pdf.pages[:out.front]).replace("\n", "")
    assert "审核意见" in front and UNLOCATED not in front
    for k, f in enumerate(findings, start=1):
        assert f"{k}. {_SEV[f.severity]} {f.rule}" in front
    reader = PdfReader(path)
    targets = []
    for page in reader.pages[:out.front]:
        for a in page.get("/Annots", []):
            a = a.get_object()
            if a["/Subtype"] == "/Link":
                targets.append(reader.get_page_number(a["/Dest"][0].get_object()) - out.front + 1)
    cited = sorted({w.page for f in findings for w in f.where if w.page is not None})
    assert sorted(set(targets)) == cited
    # pdfium (Chrome's reader) sees the same text on the front page.
    doc = pypdfium2.PdfDocument(str(path))
    assert "1. 错误 N-GROWTH" in doc[0].get_textpage().get_text_range().replace("\r\n", "")
    # The font is a subset of a Chinese font of this computer, embedded: poppler draws the page
    # (a font it would have to supply itself, it leaves blank without its language data).
    font = reader.pages[0]["/Resources"]["/Font"]["/F1"].get_object()["/DescendantFonts"][0].get_object()
    descriptor = font["/FontDescriptor"].get_object()
    assert "/FontFile3" in descriptor or "/FontFile2" in descriptor
    assert _ink(_poppler(path, 1, tmp_path)) > 0.01


def _poppler(path: Path, page: int, folder: Path) -> Path:
    """Page `page` (1-based) of `path` drawn by poppler's pdftoppm at 72 dpi."""
    stem = folder / f"poppler{page}"
    subprocess.run(["pdftoppm", "-r", "72", "-f", str(page), "-l", str(page), "-png", str(path), str(stem)],
                   check=True, timeout=120, capture_output=True)
    (png,) = folder.glob(f"poppler{page}*.png")
    return png


def _ink(png: Path) -> float:
    """The share of a page image that is drawn on (darker than light grey)."""
    from PIL import Image

    img = Image.open(png).convert("L")
    return sum(1 for v in img.tobytes() if v < 160) / (img.width * img.height)


def test_front_page_without_a_font_to_embed(built: dict[str, tuple[Path, Path]],
                                            read: Callable[[str], tuple[Extracted, Document]],
                                            tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No Chinese font on the computer: the front page names the standard STSong-Light, which
    readers supply themselves; its text still reads back."""
    import pdfplumber
    from pypdf import PdfReader

    from xltools.cli import annotate_font

    monkeypatch.setattr(annotate_font, "font_files", lambda: iter(()))
    extracted, doc = read("000")
    findings, coverage = evaluate(doc)
    out = tmp_path / "审核意见.pdf"
    write_annotated(built["000"][1], out, doc, extracted, findings, coverage, show_info=False)
    font = PdfReader(out).pages[0]["/Resources"]["/Font"]["/F1"].get_object()
    assert font["/BaseFont"] == "/STSong-Light-UniGB-UCS2-H" and font["/Encoding"] == "/UniGB-UCS2-H"
    with pdfplumber.open(out) as pdf:
        text = (pdf.pages[0].extract_text() or "").replace("\n", "")
    share = next(f for f in findings if f.rule == "N-SHARE")
    assert "审核意见" in text and f"1. 错误 N-SHARE" in text and share.message in text


def test_highlight_drawn_by_readers(built: dict[str, tuple[Path, Path]],
                                    annotated: Callable[[str], tuple[Path, list[Finding]]], tmp_path: Path) -> None:
    """pdfium and poppler draw the highlight red over the figure, where the original is white."""
    import pypdfium2
    from PIL import Image

    path, findings = annotated("000")
    out = read_back(path, built["000"][1])
    share = next(f for f in findings if f.rule == "N-SHARE")
    h = min(out.of(share), key=lambda h: h["page"])
    scale = 2.0
    q = max(h["quads"], key=lambda q: q[2] - q[0])

    def reddish(img: Any, height: float) -> float:
        box = (int(q[0] * scale), int((height - q[3]) * scale), int(q[2] * scale), int((height - q[1]) * scale))
        raw = img.convert("RGB").crop(box).tobytes()
        px = [tuple(raw[i:i + 3]) for i in range(0, len(raw), 3)]
        return sum(1 for r, g, b in px if r > 180 and r - g > 40 and r - b > 40) / len(px)

    height = float(out.pages[out.front + h["page"] - 1].mediabox.top)
    marked = pypdfium2.PdfDocument(str(path))[out.front + h["page"] - 1].render(scale=scale, draw_annots=True).to_pil()
    plain = pypdfium2.PdfDocument(str(built["000"][1]))[h["page"] - 1].render(scale=scale).to_pil()
    assert reddish(marked, height) > 0.3 and reddish(plain, height) == 0
    n = out.front + h["page"]
    subprocess.run(["pdftoppm", "-r", "144", "-f", str(n), "-l", str(n), "-png", str(path), str(tmp_path / "p")],
                   check=True, timeout=120)
    (png,) = tmp_path.glob("p*.png")
    assert reddish(Image.open(png), height) > 0.3


def test_libreoffice_opens_the_annotated_copy(annotated: Callable[[str], tuple[Path, list[Finding]]],
                                              tmp_path: Path) -> None:
    """LibreOffice (Draw's PDF import) opens it and draws its first page: the list of findings,
    the error's line in red."""
    from PIL import Image

    from xltools.workbook.engine.libreoffice_engine import convert

    path, _ = annotated("000")
    (png,) = convert([path], tmp_path, "png:draw_png_Export")
    img = Image.open(png).convert("RGB")
    raw = img.tobytes()
    red = sum(1 for i in range(0, len(raw), 3) if raw[i] > 150 and raw[i] - raw[i + 1] > 60 and raw[i] - raw[i + 2] > 60)
    dark = sum(1 for i in range(0, len(raw), 3) if max(raw[i:i + 3]) < 100)
    assert img.width > 500 and red > 200 and dark > 2000, (img.size, red, dark)


# -- One figure changed -------------------------------------------------------------------

def test_a_changed_figure_is_marked_red(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """000 with 表3 2080505's 合计 printed 15.15 (its parts say 15.51): the three identities it
    breaks are marked red on that very figure, the note saying 疑为 15.15 … 应为 15.51. (Its
    first ten pages only, 表1 to 表3: enough for the three, and quick to print and read.)"""
    text = SEED_PATHS["000"].read_text("utf-8").split("\n")
    k = next(i for i, ln in enumerate(text) if ln.startswith("2080505\t") and ln.count("\t") == 4)
    assert text[k] == "2080505\t机关事业单位基本养老保险缴费支出\t15.51\t15.51\t"
    text[k] = "2080505\t机关事业单位基本养老保险缴费支出\t15.15\t15.51\t"
    docx = docgen.seed_to_docx("\n".join(text), tmp_path / "changed.docx")
    (pdf,) = docgen.to_pdf([docx], tmp_path, pages="1-10")
    out_path = tmp_path / "changed_审核意见.pdf"
    assert main(["check", str(pdf), "--json", "--annotate", str(out_path)]) == 1
    said = capsys.readouterr()
    report = json.loads(said.out)
    # The tables after page 10 are missing: errors of the whole document, listed as such in front.
    whole = [f for f in report["findings"] if f["severity"] != "info" and not any("line" in w for w in f["where"])]
    assert whole and UNLOCATED not in said.err
    import pdfplumber

    with pdfplumber.open(out_path) as front:
        listed = "".join((pg.extract_text() or "") for pg in front.pages[:Output(out_path, pdf).front]).replace("\n", "")
    assert listed.count(WHOLE) == len(whole) and UNLOCATED not in listed
    findings = [_finding(f) for f in report["findings"] if f["severity"] == "error"]
    out = Output(out_path, pdf)
    broken = [f for f in findings if f.rule in ("T3-ROW", "X-T3-T2", "T3-HIER")]
    assert sorted(f.rule for f in broken) == ["T3-HIER", "T3-ROW", "X-T3-T2"]
    lead = next(f for f in broken if f.suggested is not None)
    assert lead.suggested == 15.51 and lead.follows_from is not None
    page = next(w.page for w in lead.where if w.line == lead.follows_from.line)
    assert page is not None
    (figure,) = _row(out, page, "2080505", "15.15")
    for f in broken:
        assert _marked(out, f, page, figure), f.rule
        assert all(h["colour"] == pytest.approx(RED) for h in out.of(f))
    note = next(h["note"] for h in out.of(lead) if h["page"] == page)
    assert "疑为 15.15" in note and "应为 15.51" in note
    # 表3 合计 against 表2: its 基本支出 (15.51, right) is no part of it, and is not marked.
    across = next(f for f in broken if f.rule == "X-T3-T2")
    (parts,) = _row(out, page, "2080505", "15.51")
    assert not _marked(out, across, page, parts) and _marked(out, lead, page, parts)


def _finding(d: dict[str, Any]) -> Finding:
    """A finding back from `check --json`."""
    ff = d.get("follows_from")
    return Finding(d["rule"], d["severity"], d["message"], d["expected"], d["actual"], d["diff"],
                   tuple(Where(line=w.get("line"), table=w.get("table"), page=w.get("page")) for w in d["where"]),
                   suggested=d.get("suggested"), diagnosis=d.get("diagnosis", ""),
                   follows_from=FollowsFrom(ff["figure"], ff["line"], ff["printed"], ff["suggested"]) if ff else None)


# -- Paths --------------------------------------------------------------------------------

def test_paths_refused_before_reading(built: dict[str, tuple[Path, Path]], tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    pdf = tmp_path / "预算公开.pdf"
    shutil.copyfile(built["000"][1], pdf)
    before = pdf.read_bytes()
    text = tmp_path / "预算公开.txt"
    shutil.copyfile(SEED_PATHS["000"], text)
    cases = [
        ([str(text), "--annotate", str(tmp_path / "a.pdf")], "--annotate 只适用于 PDF", "预算公开.txt"),
        ([str(pdf), "--annotate", str(pdf)], "不能写到原 PDF 上", "预算公开.pdf"),
        ([str(pdf), "--annotate", str(tmp_path / "审核意见.docx")], "扩展名应为 .pdf", "审核意见.docx"),
        ([str(tmp_path / "无.pdf"), "--annotate", str(tmp_path / "b.pdf")], "文件不存在", "无.pdf"),
    ]
    (tmp_path / "目录.pdf").mkdir()
    cases.append(([str(pdf), "--annotate", str(tmp_path / "目录.pdf")], "不是普通文件", "目录.pdf"))
    for args, zh, name in cases:
        assert main(["check", *args]) == 2, args
        err = capsys.readouterr().err
        assert zh in err and name in err and "Traceback" not in err, err
        assert len(err.strip().split("\n")) == 2  # Chinese, then English
    assert pdf.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["目录.pdf", "预算公开.pdf", "预算公开.txt"]


def test_an_earlier_copy_is_kept(built: dict[str, tuple[Path, Path]], read: Callable[[str], tuple[Extracted, Document]],
                                 tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    extracted, doc = read("000")
    findings, coverage = evaluate(doc)
    out = tmp_path / "审核意见.pdf"
    out.write_bytes(b"%PDF-1.4 an earlier copy")
    assert write_annotated(built["000"][1], out, doc, extracted, findings, coverage, show_info=True) == len(findings)
    assert (tmp_path / "审核意见.pdf.bak").read_bytes() == b"%PDF-1.4 an earlier copy"
    err = capsys.readouterr().err
    assert "原文件已备份为" in err and f"标注 {len(findings)} 条" in err
    # With 尾差 shown, they are marked too (blue): every one of them found on the page.
    assert UNLOCATED not in err


# -- The positions the reader keeps ---------------------------------------------------------

def test_positions_are_those_of_the_characters(built: dict[str, tuple[Path, Path]],
                                               read: Callable[[str], tuple[Extracted, Document]]) -> None:
    """Each extracted line has one box per character (None for a space or tab put in), and a
    box holds that very character on the line's page, as pdfplumber reads it."""
    import pdfplumber

    extracted, _ = read("000")
    positions = extracted.positions
    assert positions is not None and len(positions.lines) == len(extracted.lines)
    assert all(len(b) == len(t) for t, b in zip(extracted.lines, positions.lines))
    for t, boxes in zip(extracted.lines, positions.lines):
        assert all((b is None) == (ch in " \t") for ch, b in zip(t, boxes)) or not boxes
    checked = 0
    with pdfplumber.open(built["000"][1]) as pdf:
        # 表1's second page (a table) and 第三部分 (paragraphs): every character of their lines.
        for line in (n for n in range(1, len(extracted.lines) + 1) if extracted.pages[n - 1] in (6, 23)):
            page = pdf.pages[extracted.pages[line - 1] - 1]
            for ch, box in zip(extracted.lines[line - 1], positions.of(line)):
                if box is None:
                    continue
                x0, top, x1, bottom = box
                assert any(c["text"] == ch and abs(c["x0"] - x0) < 0.01 and abs(c["top"] - top) < 0.01
                           for c in page.chars), (line, ch)
                checked += 1
    assert checked > 500


@pytest.mark.parametrize("pieces", [
    ["12", "34"],
    ["  Total ", "budget", ""],
    ["2026年", "预算 ", "A", "1.5", " b c "],
])
def test_boxes_follow_the_joined_text(pieces: list[str]) -> None:
    """join_boxed joins as join_pieces does, each character keeping its own box."""
    boxed = [(t, tuple((float(p), float(c), 0.0, 0.0) for c in range(len(t)))) for p, t in enumerate(pieces)]
    text, boxes = join_boxed(boxed)
    assert text == join_pieces(pieces) and len(boxes) == len(text)
    for ch, box in zip(text, boxes):
        if box is None:
            assert ch == " "  # put in between two Latin words
        else:
            assert pieces[int(box[0])][int(box[1])] == ch


def test_rotated_and_moved_pages_map_to_the_same_place(built: dict[str, tuple[Path, Path]], tmp_path: Path) -> None:
    """pdfplumber measures a rotated page upright and from its media box's corner: mapped back,
    a character lands where the unrotated page prints it."""
    import pdfplumber
    from pypdf import PdfReader, PdfWriter

    src = PdfReader(built["000"][1])
    writer = PdfWriter()
    for rot in (0, 90, 180, 270):
        writer.add_page(src.pages[0])
        writer.pages[-1].rotate(rot)
    writer.add_page(src.pages[0])
    moved = writer.pages[-1]
    w, h = float(moved.mediabox.right), float(moved.mediabox.top)
    moved.mediabox.lower_left = (-30, -40)
    moved.mediabox.upper_right = (w + 10, h + 20)
    path = tmp_path / "turned.pdf"
    with open(path, "wb") as handle:
        writer.write(handle)
    turned = PdfReader(path)
    with pdfplumber.open(path) as pdf:
        first = pdf.pages[0].chars[:40]
        upright = [pdf_rect(turned.pages[0], (c["x0"], c["top"], c["x1"], c["bottom"])) for c in first]
        for k in range(1, 5):
            chars = pdf.pages[k].chars[:40]
            assert [c["text"] for c in chars] == [c["text"] for c in first]
            got = [pdf_rect(turned.pages[k], (c["x0"], c["top"], c["x1"], c["bottom"])) for c in chars]
            assert got == [pytest.approx(r, abs=0.01) for r in upright], k
