"""The 预算公开 ribbon tab: its buttons, declared once.

The VBA module (macros/xltools.bas), the ribbon part (macros/customUI14.xml), the install
script and the guides' button lists are all written from this list (`ribbon_files`), and
tests/test_ribbon_list.py fails when any of them drifts from it. A button's name, tooltip,
macro and Python function are therefore written here and nowhere else.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

TAB_ID = "xltoolsTab"
TAB_LABEL = "预算公开"
# The Python module every macro calls through xlwings' RunPython.
BUTTONS_MODULE = "xltools.excel.buttons"
# The 生成说明 save dialog's suggested file name.
DRAFT_FILE = "情况说明.docx"
# The file kinds the 导入文本 open dialog offers: (what the officer sees, the pattern).
IMPORT_KINDS: tuple[tuple[str, str], ...] = (
    ("Disclosure (*.pdf;*.docx;*.txt)", "*.pdf;*.docx;*.txt"),
    ("PDF (*.pdf)", "*.pdf"),
    ("Word (*.docx)", "*.docx"),
    ("Text (*.txt)", "*.txt"),
    ("All files (*.*)", "*.*"),
)


@dataclass(frozen=True)
class Group:
    id: str
    label: str


IMPORT = Group("xltoolsImport", "导入")
CHECK = Group("xltoolsCheck", "校验")
DRAFT = Group("xltoolsDraft", "说明")
HELP = Group("xltoolsHelp", "帮助")
GROUPS: tuple[Group, ...] = (IMPORT, CHECK, DRAFT, HELP)


@dataclass(frozen=True)
class Button:
    id: str
    label: str  # what the officer reads on the ribbon
    group: Group
    image: str  # a built-in Office icon (imageMso): no picture file to ship
    tip: str  # the screentip, Chinese
    en: str  # the same in English: the VBA comment and the guides' English text
    function: str  # the function of BUTTONS_MODULE the macro runs
    # "open": the macro asks for a file to read first; "save": for the file to write.
    dialog: Literal["", "open", "save"] = ""

    @property
    def macro(self) -> str:
        """The macro Alt+F8 lists: XltImportFile for import_file."""
        return "Xlt" + "".join(part.capitalize() for part in self.function.split("_"))

    @property
    def ribbon_macro(self) -> str:
        """The ribbon's callback (it takes the pressed control), which calls `macro`."""
        return self.macro + "Ribbon"


BUTTONS: tuple[Button, ...] = (
    Button("xltImportFile", "导入文本", IMPORT, "FileOpen",
           "选择预算公开的 PDF、Word（.docx）或文本（.txt）文件，导入到本工作簿并校验",
           "Import: pick the disclosure as a PDF, a Word file (.docx) or the text extracted from it",
           "import_file", "open"),
    Button("xltImportPasted", "导入粘贴的文本", IMPORT, "Paste",
           "导入粘贴在“导入”工作表 A1 起的文本（第一次点击时新建该表）",
           "Import pasted text: the lines pasted into the import sheet (the first press creates it)",
           "import_pasted"),
    Button("xltRecompute", "重新计算", CHECK, "CalculateNow",
           "增删行后重建公式并刷新校验结果",
           "Recompute: rebuild formulas after rows were added or removed, refresh the verdicts",
           "recompute"),
    Button("xltFlag", "标记问题", CHECK, "HighlightCellsRulesMenu",
           "给不符和提示的单元格上色并加批注，选中第一个",
           "Flag: colour and annotate the cells of every failed check, select the first",
           "flag"),
    Button("xltClearFlags", "清除标记", CHECK, "ClearFormats",
           "清除“标记问题”添加的颜色和批注",
           "Clear flags: remove the colours and notes that Flag added",
           "clear_flags"),
    Button("xltDraft", "生成说明", DRAFT, "ExportWord",
           "把“说明草稿”表生成的第三部分（预算情况说明）写成 Word 文档",
           "Draft: write the drafted part three (the draft sheet's paragraphs, as Excel computed them) "
           "to a Word file",
           "draft", "save"),
    Button("xltDoctor", "检查安装", HELP, "Help",
           "检查 Python、xltools、xlwings 加载项和 Excel 设置是否就绪（与 xltools doctor 相同）",
           "Check installation: the xltools doctor report in a dialog",
           "doctor"),
)

CHINESE_COUNT = {1: "一", 2: "两", 3: "三", 4: "四", 5: "五", 6: "六", 7: "七", 8: "八", 9: "九", 10: "十"}


def button(label: str) -> Button:
    """The button of that label (a KeyError names a label that is not on the ribbon)."""
    for b in BUTTONS:
        if b.label == label:
            return b
    raise KeyError(label)
