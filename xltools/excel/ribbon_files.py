"""The files written from the button list (`ribbon.BUTTONS`): the ribbon part, the VBA module,
the guides' button lists, and the ribbon written into a macro workbook.

`python -m xltools.excel.ribbon_files [REPO]` rewrites macros/customUI14.xml, macros/xltools.bas
and the marked button blocks of the guides in docs/; tests/test_ribbon_list.py fails when any
of them is not what this module writes.
"""
from __future__ import annotations

import re
import sys
import zipfile
from pathlib import Path
from typing import Callable, Sequence
from xml.sax.saxutils import quoteattr

from xltools.files.safe_write import write_atomically
from xltools.excel.ribbon import BUTTONS, BUTTONS_MODULE, CHINESE_COUNT, DRAFT_FILE, GROUPS, IMPORT_KINDS, TAB_ID, TAB_LABEL, Button

CUSTOMUI_NS = "http://schemas.microsoft.com/office/2009/07/customui"
# The relationship Office 2010 and later read a customUI14 part by (the RibbonX editor writes the same).
CUSTOMUI_REL = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
CUSTOMUI_PART = "customUI/customUI14.xml"
GENERATOR = "python -m xltools.excel.ribbon_files"


# -- the ribbon part -------------------------------------------------------------------------------

def customui_xml() -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             f"<!-- The {TAB_LABEL} ribbon tab, written by `{GENERATOR}` from xltools/excel/ribbon.py: "
             "edit the list there. Each onAction names a macro of macros/xltools.bas. -->",
             f'<customUI xmlns="{CUSTOMUI_NS}">',
             "  <ribbon>",
             "    <tabs>",
             f'      <tab id="{TAB_ID}" label={quoteattr(TAB_LABEL)}>']
    for g in GROUPS:
        lines.append(f"        <group id={quoteattr(g.id)} label={quoteattr(g.label)}>")
        for b in BUTTONS:
            if b.group == g:
                lines.append(f'          <button id={quoteattr(b.id)} label={quoteattr(b.label)} size="large" '
                             f"imageMso={quoteattr(b.image)}")
                lines.append(f"                  screentip={quoteattr(b.tip)} onAction={quoteattr(b.ribbon_macro)}/>")
        lines.append("        </group>")
    lines += ["      </tab>", "    </tabs>", "  </ribbon>", "</customUI>", ""]
    return "\n".join(lines)


# -- the VBA module ----------------------------------------------------------------------------------

def _chrw(text: str) -> str:
    """A VBA expression for `text` in an ASCII module: Excel reads a .bas file in the system's
    code page, so a Chinese literal would arrive garbled on some machines."""
    parts: list[str] = []
    plain = ""
    for ch in text:
        if ord(ch) < 128:
            plain += ch
            continue
        if plain:
            parts.append(f'"{plain}"')
            plain = ""
        parts.append(f"ChrW(&H{ord(ch):X})")
    if plain:
        parts.append(f'"{plain}"')
    return " & ".join(parts)


def _call(b: Button, arg: str = "") -> str:
    return f'    RunPython "import {BUTTONS_MODULE} as b; b.{b.function}({arg})"'


def _macro(b: Button) -> list[str]:
    head = [f"' {b.en}.", f"Public Sub {b.macro}()"]
    if b.dialog == "open":
        kinds = ",".join(f"{label},{pattern}" for label, pattern in IMPORT_KINDS)
        body = ["    Dim path As Variant",
                f'    path = Application.GetOpenFilename("{kinds}", 1, "xltools")',
                "    If VarType(path) = vbBoolean Then Exit Sub",
                "    ' Windows file names cannot hold a double quote, so a raw string literal is safe.",
                _call(b, 'r""" & path & """')]
    elif b.dialog == "save":
        body = ["    Dim path As Variant",
                "    Dim initial As String",
                "    ' The suggested name beside this workbook, spelled with ChrW because this module is ASCII.",
                f"    initial = {_chrw(DRAFT_FILE)}",
                "    If Len(ActiveWorkbook.Path) > 0 Then initial = ActiveWorkbook.Path & Application.PathSeparator & initial",
                '    path = Application.GetSaveAsFilename(initial, "Word (*.docx),*.docx", 1, "xltools")',
                "    If VarType(path) = vbBoolean Then Exit Sub",
                _call(b, 'r""" & path & """')]
    else:
        body = [_call(b)]
    return head + body + ["End Sub", ""]


def vba_module() -> str:
    lines = ['Attribute VB_Name = "xltools"',
             f"' xltools: the {len(BUTTONS)} macros behind the ribbon tab (customUI14.xml); each runs a Python function of",
             f"' {BUTTONS_MODULE} through the xlwings add-in (RunPython), which shows its own short message.",
             f"' Written by `{GENERATOR}` from xltools/excel/ribbon.py: edit the list there, not this file.",
             "Option Explicit", "",
             "' Ribbon callbacks (customUI14.xml onAction) take the pressed control."]
    for b in BUTTONS:
        lines += [f"Public Sub {b.ribbon_macro}(control As IRibbonControl)", f"    {b.macro}", "End Sub", ""]
    for b in BUTTONS:
        lines += _macro(b)
    # VBA's editor imports CRLF files; written as bytes so Windows and Linux produce the same file.
    return "\r\n".join(lines).rstrip("\r\n") + "\r\n"


# -- the guides' button lists ----------------------------------------------------------------------

def count_zh() -> str:
    return CHINESE_COUNT.get(len(BUTTONS), str(len(BUTTONS)))


def guide_table() -> str:
    """For docs/用户指南.md and docs/WINDOWS.md: every button, what it does, its Alt+F8 macro."""
    rows = [f"“{TAB_LABEL}”选项卡共有 **{count_zh()}个按钮**（{len(BUTTONS)} buttons）。没有选项卡时，按 `Alt+F8`，"
            "选中表中的宏名，点“执行”，效果与按钮相同。", "",
            "| 组 | 按钮 | 作用 | 宏名（Alt+F8） |", "|---|---|---|---|"]
    for b in BUTTONS:
        rows.append(f"| {b.group.label} | **{b.label}** | {b.tip} | `{b.macro}` |")
    return "\n".join(rows)


def guide_list_en() -> str:
    return (f"The {TAB_LABEL} tab has {len(BUTTONS)} buttons; without the tab, `Alt+F8` runs the same macros: "
            + "; ".join(f"{b.label} `{b.macro}` ({b.en.split(':')[0].lower()})" for b in BUTTONS) + ".")


BLOCKS: dict[str, Callable[[], str]] = {"buttons": guide_table, "buttons-en": guide_list_en}
BLOCK = re.compile(r"(<!-- BEGIN (?P<name>[\w-]+)[^>]*-->\n)(?P<body>.*?)(<!-- END (?P=name) -->)", re.S)


def fill_blocks(text: str) -> str:
    """`text` with each marked block (`<!-- BEGIN buttons -->` … `<!-- END buttons -->`) rewritten."""
    def one(m: re.Match[str]) -> str:
        make = BLOCKS.get(m.group("name"))
        return m.group(0) if make is None else m.group(1) + make() + "\n" + m.group(4)

    return BLOCK.sub(one, text)


# -- the ribbon written into a workbook ---------------------------------------------------------------

def _with_relationship(rels: str) -> str:
    rels = re.sub(r'<Relationship [^>]*Type="' + re.escape(CUSTOMUI_REL) + r'"[^>]*/>', "", rels)
    ids = {int(n) for n in re.findall(r'Id="rId(\d+)"', rels)}
    rid = f"rId{max(ids, default=0) + 1}"
    rel = f'<Relationship Id="{rid}" Type="{CUSTOMUI_REL}" Target="{CUSTOMUI_PART}"/>'
    return rels.replace("</Relationships>", rel + "</Relationships>")


def _with_xml_default(types: str) -> str:
    """[Content_Types].xml with a content type for .xml parts (Excel's own files have one)."""
    if re.search(r'<Default [^>]*Extension="xml"', types):
        return types
    m = re.search(r"<Types\b[^>]*>", types)
    if m is None:
        raise ValueError("[Content_Types].xml has no <Types> element")
    return types[:m.end()] + '<Default Extension="xml" ContentType="application/xml"/>' + types[m.end():]


def add_ribbon(path: Path, xml: str | None = None) -> Path:
    """Write the ribbon part into the macro workbook (or add-in) at `path`, as the Office RibbonX
    Editor would: the part itself, its relationship from the package root, and an xml content
    type. An existing ribbon part is replaced. Written atomically; the file it replaces is kept
    as `<name>.bak`."""
    xml = xml if xml is not None else customui_xml()
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            parts = {i.filename: z.read(i.filename) for i in infos}
    except zipfile.BadZipFile as exc:
        raise ValueError(f"{path}：不是 Excel 工作簿（.xlsm/.xlam） / {path}: not an Excel workbook") from exc
    if "_rels/.rels" not in parts or "[Content_Types].xml" not in parts:
        raise ValueError(f"{path}：不是 Excel 工作簿（缺少 _rels/.rels） / {path}: not an Excel workbook")
    parts["_rels/.rels"] = _with_relationship(parts["_rels/.rels"].decode("utf-8")).encode("utf-8")
    parts["[Content_Types].xml"] = _with_xml_default(parts["[Content_Types].xml"].decode("utf-8")).encode("utf-8")
    parts[CUSTOMUI_PART] = xml.encode("utf-8")
    # [Content_Types].xml first, as Office writes it; the ribbon part last.
    order = [i.filename for i in infos if i.filename != CUSTOMUI_PART] + [CUSTOMUI_PART]

    def write(tmp: Path) -> None:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
            for name in order:
                out.writestr(name, parts[name])

    return write_atomically(path, write)


def ribbon_of(path: Path) -> str | None:
    """The ribbon part of a workbook file, None when it has none."""
    with zipfile.ZipFile(path) as z:
        rels = z.read("_rels/.rels").decode("utf-8")
        m = re.search(r'<Relationship [^>]*Type="' + re.escape(CUSTOMUI_REL) + r'"[^>]*Target="/?([^"]+)"', rels)
        if m is None:
            m = re.search(r'<Relationship [^>]*Target="/?([^"]+)"[^>]*Type="' + re.escape(CUSTOMUI_REL) + '"', rels)
        return z.read(m.group(1)).decode("utf-8") if m else None


# -- regenerating the repository's files ----------------------------------------------------------------

def generated(repo: Path) -> dict[Path, bytes]:
    """Each file of the repository written from the list, with the content it must have."""
    out = {repo / "macros" / "customUI14.xml": customui_xml().encode("utf-8"),
           repo / "macros" / "xltools.bas": vba_module().encode("ascii")}
    for guide in sorted((repo / "docs").glob("*.md")):
        text = guide.read_text(encoding="utf-8")
        if BLOCK.search(text):
            out[guide] = fill_blocks(text).encode("utf-8")
    return out


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    repo = Path(args[0]) if args else Path(__file__).resolve().parents[2]
    for path, data in generated(repo).items():
        if not path.is_file() or path.read_bytes() != data:
            path.write_bytes(data)
            print(f"已更新 / updated {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
