"""Regenerate the pictures of docs/用户指南.md, README.md and docs/WORKBOOK.md from the current
code, so they cannot go stale:

    .venv/bin/python docs/make_pictures.py        # writes docs/guide/*.png and docs/print-*.png

Each picture is a real output of this checkout on the bundled disclosure (seed 000, the same
file `xltools demo` uses): the commands' screens as a terminal shows them, and the workbook,
the drafted 说明 and the audit summary as LibreOffice prints them (headless, to PDF, then
pdftoppm to PNG). Excel's own windows are not pictured: there is no Excel here.
Needs LibreOffice (soffice) and poppler-utils (pdftoppm, pdftotext).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl
from PIL import Image, ImageChops, ImageDraw, ImageFont

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from xltools.evaluation.plan import plan_document  # noqa: E402
from xltools.rules.reading import read_document  # noqa: E402
from xltools.workbook.address import AddressMap, grid_for  # noqa: E402
from xltools.workbook.sheets import TABLE_SHEETS  # noqa: E402

DOCS = Path(__file__).resolve().parent
OUT = DOCS / "guide"
REPO = DOCS.parent
SAMPLE = REPO / "xltools" / "samples" / "000_3cbdfbba338dedd0.txt"
XLTOOLS = [sys.executable, "-m", "xltools.cli.main"]
DPI = 100


def run(args: list[str], cwd: Path) -> str:
    r = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=600,
                       env={**os.environ, "PYTHONPATH": str(REPO)})
    if r.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(args)} exited {r.returncode}:\n{r.stderr}")
    return r.stdout


def soffice_pdf(path: Path, work: Path) -> Path:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("LibreOffice (soffice) is needed: sudo apt-get install libreoffice-calc-nogui libreoffice-writer-nogui")
    # A profile of its own: a user's running LibreOffice would otherwise take the job.
    profile = (work / "lo-profile").as_uri()
    subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(work), str(path)], check=True, capture_output=True, timeout=600)
    return work / (path.stem + ".pdf")


def trim(png: Path) -> None:
    """Cut the blank page around what was printed, keeping a small margin."""
    img = Image.open(png).convert("RGB")
    box = ImageChops.difference(img, Image.new("RGB", img.size, (255, 255, 255))).getbbox()
    if box:
        pad = 12
        img.crop((max(box[0] - pad, 0), max(box[1] - pad, 0), min(box[2] + pad, img.width),
                  min(box[3] + pad, img.height))).save(png)


def page_png(pdf: Path, page: int, name: str, crop_trim: bool = True, out: Path = OUT) -> Path:
    stem = out / name
    subprocess.run(["pdftoppm", "-png", "-r", str(DPI), "-f", str(page), "-l", str(page), "-singlefile",
                    str(pdf), str(stem)], check=True, timeout=300)
    png = stem.with_suffix(".png")
    if crop_trim:
        trim(png)
    return png


def sheet_page(pdf: Path, sheet: str) -> int:
    """The first page whose footer names `sheet` (every sheet prints its name, then 第 N 页)."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    for number, page in enumerate(text.split("\f"), start=1):
        lines = [ln.strip() for ln in page.splitlines() if ln.strip()]
        if lines and lines[-1].split()[0] == sheet:
            return number
    raise SystemExit(f"no page of {sheet} in {pdf}")


def _mono_font(size: int) -> ImageFont.FreeTypeFont:
    """A monospaced font with Chinese (Noto Sans Mono CJK), as a Chinese terminal shows."""
    found = subprocess.run(["fc-match", "-f", "%{file}:%{index}", "Noto Sans Mono CJK SC"], capture_output=True,
                           text=True).stdout
    path, _, index = found.rpartition(":")
    if not path:
        raise SystemExit("no font found: sudo apt-get install fonts-noto-cjk")
    return ImageFont.truetype(path, size, index=int(index or 0))


def terminal(command: str, output: str, name: str, max_lines: int = 40, width: int = 118) -> Path:
    """A terminal window showing `command` and what it printed (long lines wrapped, as a
    console of `width` columns wraps them)."""
    lines: list[str] = []
    for line in [f"> {command}", *output.rstrip("\n").replace("\t", "  ").splitlines()]:
        while True:
            cols, cut = 0, len(line)
            for i, ch in enumerate(line):
                cols += 2 if ord(ch) > 0x2E7F else 1
                if cols > width:
                    cut = i
                    break
            lines.append(line[:cut])
            line = line[cut:]
            if not line:
                break
    if len(lines) > max_lines:
        lines = lines[:max_lines] + [f"…（其余 {len(lines) - max_lines} 行略）"]
    font = _mono_font(13)
    cell_w, line_h = font.getlength("a"), 18
    img = Image.new("RGB", (int(cell_w * width) + 24, line_h * len(lines) + 20), (30, 30, 30))
    draw = ImageDraw.Draw(img)
    for n, line in enumerate(lines):
        x = 12.0
        for ch in line:
            draw.text((x, 10 + n * line_h), ch, font=font, fill=(232, 232, 232))
            x += cell_w * (2 if ord(ch) > 0x2E7F else 1)
    png = OUT / f"{name}.png"
    img.save(png)
    return png


def main() -> int:
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        text = work / "预算公开.txt"
        shutil.copyfile(SAMPLE, text)
        made: list[Path] = []

        # The commands, as the officer types them.
        made.append(terminal("xltools --version", run([*XLTOOLS, "--version"], work), "version"))
        made.append(terminal("xltools doctor", run([*XLTOOLS, "doctor"], work), "doctor"))
        made.append(terminal("xltools check 预算公开.txt", run([*XLTOOLS, "check", "预算公开.txt"], work), "check"))

        # The workbook, as imported and printed.
        run([*XLTOOLS, "import", "预算公开.txt", "-o", "预算公开.xlsx"], work)
        pdf = soffice_pdf(work / "预算公开.xlsx", work)
        made.append(page_png(pdf, sheet_page(pdf, "封面"), "cover"))
        made.append(page_png(pdf, sheet_page(pdf, "问题"), "problems"))
        made.append(page_png(pdf, sheet_page(pdf, TABLE_SHEETS[1].split()[0]), "table1"))
        # The printed pages the README and WORKBOOK.md show (docs/print-*.png).
        for sheet, name in (("封面", "print-cover"), ("问题", "print-problems"), (TABLE_SHEETS[1], "print-t1"),
                            (TABLE_SHEETS[3], "print-t3"), (TABLE_SHEETS[12], "print-t12"),
                            ("情况说明", "print-narrative"), ("绩效", "print-performance")):
            made.append(page_png(pdf, sheet_page(pdf, sheet.split()[0]), name, out=DOCS))
        # 校验 prints only when asked: a copy with it shown.
        shown = work / "校验.xlsx"
        wb = openpyxl.load_workbook(work / "预算公开.xlsx")
        wb["校验"].sheet_state = "visible"
        wb.save(shown)
        run([*XLTOOLS, "recalc", shown.name], work)  # openpyxl keeps no computed values
        checks = soffice_pdf(shown, work)
        made.append(page_png(checks, sheet_page(checks, "校验"), "print-checks", out=DOCS))

        # An edit and its verdicts: the first figure typed into 表2 (an input, not a formula)
        # raised by 10 万元, recalculated.
        edited = work / "改过.xlsx"
        shutil.copyfile(work / "预算公开.xlsx", edited)
        doc = read_document(str(text))
        plans = plan_document(doc)
        amap = AddressMap(plans, {n: grid_for(p) for n, p in plans.items()})
        derived = {k for p in plans.values() for k in p.derived}
        t2 = doc.table(2)
        assert t2 is not None
        key = next((2, r.key, c) for r in t2.rows for c, v in r.amounts.items() if v and (2, r.key, c) not in derived)
        place = amap.live_cell(key)
        assert place is not None
        wb = openpyxl.load_workbook(edited)
        cell = wb[place[0]][place[1]]
        print(f"edited {place[0]}!{place[1]} ({key[1]} {key[2]}) {cell.value} + 10")
        cell.value = round(float(cell.value) + 10, 2)
        wb.save(edited)
        run([*XLTOOLS, "recalc", edited.name], work)
        made.append(terminal(f"xltools check {edited.name}", run([*XLTOOLS, "check", edited.name], work),
                             "check-edited"))
        pdf = soffice_pdf(edited, work)
        made.append(page_png(pdf, sheet_page(pdf, "问题"), "problems-edited"))

        # The drafted 第三部分 as Word writes it.
        run([*XLTOOLS, "draft", "预算公开.xlsx", "-o", "情况说明.docx"], work)
        made.append(page_png(soffice_pdf(work / "情况说明.docx", work), 1, "draft"))

        # A reviewer's audit of a folder.
        folder = work / "草稿"
        folder.mkdir()
        for seed in sorted((REPO / "tests" / "fixtures").glob("*.txt")):
            shutil.copyfile(seed, folder / seed.name)
        out = run([*XLTOOLS, "audit", "草稿", "-o", "审核汇总.xlsx", "-j", "2"], work)
        made.append(terminal("xltools audit 草稿 -o 审核汇总.xlsx", out, "audit"))
        made.append(page_png(soffice_pdf(work / "审核汇总.xlsx", work), 1, "audit-summary"))
        for m in made:
            print(f"wrote {m.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
