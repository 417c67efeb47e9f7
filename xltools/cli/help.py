"""What `xltools -h`, `xltools COMMAND -h` and `xltools --version` say: Chinese first, then
English, and for each command an example to copy. argparse's own words (usage, options,
its error messages) are given in Chinese too, since the officers who run it read Chinese.
"""
from __future__ import annotations

import argparse
import importlib.metadata as md
import platform
import sys
from dataclasses import dataclass
from typing import Any, NoReturn, Sequence

from xltools import __version__

USER_GUIDE = "docs/用户指南.md"


def version() -> str:
    """The installed package's version (its metadata); the source's when run uninstalled."""
    try:
        return md.version("xltools")
    except md.PackageNotFoundError:
        return __version__


def version_line() -> str:
    return f"xltools {version()}（Python {platform.python_version()}，{sys.executable}）"


@dataclass(frozen=True)
class Command:
    summary: str  # one line in `xltools -h`
    zh: str
    en: str
    examples: tuple[tuple[str, str], ...]  # (what to type, what it does)

    def parser_args(self) -> dict[str, Any]:
        """For `add_parser` (the summary is the line `xltools -h` shows for the command)."""
        text = {"description": f"{self.zh}\n\n{self.en}", "epilog": examples(self.examples)}
        return {"help": self.summary, **text} if self.summary else text


def examples(pairs: Sequence[tuple[str, str]]) -> str:
    # Wide characters take two columns in a terminal.
    def cols(s: str) -> int:
        return sum(2 if ord(c) > 0x2E7F else 1 for c in s)

    width = max(cols(cmd) for cmd, _ in pairs)
    lines = ["示例 / examples:"]
    lines += [f"  {cmd}{' ' * (width - cols(cmd) + 3)}# {what}" for cmd, what in pairs]
    return "\n".join(lines)


COMMANDS: dict[str, Command] = {
    "check": Command(
        "校验一份预算公开（PDF、Word、文本或 xltools 工作簿） / check one disclosure",
        "校验一份预算公开：13 张表的表内、表间、第三部分说明和绩效目标表是否一致，一条问题一行。\n"
        "输入可以是 PDF、Word（.docx）、从中提取的文本（.txt），或改过的 xltools 工作簿（.xlsx）。\n"
        "每行最后 [ ] 内是问题的编号（不随行号变化）；用 xltools accept 说明过的问题列在“已说明”下，\n"
        "说明记录在文件旁的 <文件名>.accepted.toml（工作簿还读“问题”表“说明”栏填写的原因）；\n"
        "对应的问题已不存在的说明列为“过期的说明”。\n"
        "退出码：0 没有错误；1 有错误（已说明的错误也算）；2 文件读不了（会说明哪个文件、哪一行）。\n"
        "加 --strict（严格审核）：每条错误和提示都须改正或已说明，否则退出码 1；已说明的错误和提示不再算。\n"
        "加 --annotate 审核意见.pdf（只适用于 PDF）：另存一份 PDF，每条问题标在它所比较的数字上（红色错误、\n"
        "黄色提示），点开标记看说明；前面加问题清单页，点页码跳到该页。原 PDF 不改动。\n"
        "加 --prior 上年的预算公开：说明中“比上年增加/减少 X 万元”推出的上年数（本年数 − 增减额，或直接写出的\n"
        "上年数）逐项与上年公开的表（或其说明）对照（规则 PY-*）；单位更名、重组或年度不相邻时只作提示并说明。",
        "Checks one disclosure (PDF, .docx, .txt, or an xltools workbook): one line per finding, its\n"
        "stable key last in [ ]. Findings explained with `xltools accept` (kept in <name>.accepted.toml\n"
        "beside the file; for a workbook also its 问题 sheet's 说明 column) are listed apart as 已说明;\n"
        "an explanation whose finding is gone is listed as stale (过期的说明).\n"
        "Exit code 0: no error; 1: an error (explained or not); 2: the file cannot be read.\n"
        "--strict: every error and warning must be fixed or explained, else 1; explained ones pass.\n"
        "--annotate OUT.pdf (a PDF input only): a copy of the PDF with each finding highlighted on the\n"
        "figures it compares (red errors, yellow warnings), its line as a note, and a list in front.\n"
        "--prior LAST_YEAR (any input the reader takes): each 上年 figure the narrative implies (this\n"
        "year's figure − the stated change, or stated inline) is compared with last year's disclosure.",
        (("xltools check 预算公开.pdf", "校验 PDF，一条问题一行"),
         ("xltools check 预算公开.xlsx", "校验改过的工作簿（按现在的数）"),
         ("xltools check 预算公开.pdf --all", "也列出尾差"),
         ("xltools check 预算公开.pdf --strict", "严格审核：未改正也未说明的错误、提示都不通过"),
         ("xltools check 预算公开.pdf --annotate 审核意见.pdf", "另存标注过的 PDF：问题标在页面的数字上"),
         ("xltools check 2026.pdf --prior 2025.pdf", "说明中的上年数与上年的预算公开对照"),
         ("xltools check 预算公开.pdf --json > 结果.json", "给其他程序用的 JSON"))),
    "demo": Command(
        "用随包附带的真实公开试一次 / a first run on the bundled disclosure",
        "用随包附带的一份真实预算公开运行一次校验，把报告（check.txt、check.json）、原文和生成的工作簿\n"
        "（demo.xlsx）写到给定的文件夹（默认 demo）。",
        "Checks the bundled real disclosure and writes the report, the text and its workbook to a folder.",
        (("xltools demo 示例", "结果写到“示例”文件夹"),)),
    "template": Command(
        "生成空白模板工作簿 / write the blank template",
        "生成空白的模板工作簿（13 张表、校验、封面等），可以手工填写。",
        "Writes the blank template workbook, to fill in by hand.",
        (("xltools template -o 模板.xlsx", "空白模板"),)),
    "import": Command(
        "把预算公开导入模板，生成可打印的工作簿 / build the workbook from a disclosure",
        "读取预算公开（PDF、Word 或文本），生成工作簿：每张表一个工作表，所有推算的数都是公式，\n"
        "“问题”“校验”表给出结论，打印设置（横向、适合页宽、标题行、页脚）已设好。\n"
        "已有同名文件时不覆盖，除非加 --force（原文件保留为 .bak）。",
        "Reads a disclosure and writes its workbook: live formulas, verdicts, page setup for printing.\n"
        "An existing file is kept unless --force (then it is kept as .bak).",
        (("xltools import 预算公开.pdf -o 预算公开.xlsx", "生成工作簿并计算"),
         ("xltools import 预算公开.pdf -o 预算公开.xlsx --force", "覆盖已有的，旧的保留为 .bak"))),
    "extract": Command(
        "把 PDF 或 Word 转成 xltools 读取的文本 / the text xltools reads",
        "写出 xltools 从 PDF、.docx 或文本文件读到的文本：表格每行一行、单元格以制表符分隔，\n"
        "分页处为空行，水印和页码已去除。校验结果所引的行号就是这个文本的行号。不给 -o 时输出到屏幕。",
        "Writes the text xltools reads from a PDF, .docx or text file (the lines findings cite).",
        (("xltools extract 预算公开.pdf -o 预算公开.txt", "写成文本文件"),
         ("xltools extract 预算公开.docx", "输出到屏幕"))),
    "recalc": Command(
        "不打开 Excel 重新计算工作簿并保存数值 / recalculate a workbook headlessly",
        "不打开 Excel，重新计算工作簿中的所有公式并把数值存进文件（例如改过数、又不想开 Excel 时）。",
        "Recalculates every formula of a workbook without Excel and stores the values.",
        (("xltools recalc 预算公开.xlsx", "默认引擎，几秒钟"),
         ("xltools recalc 预算公开.xlsx --engine libreoffice", "用 LibreOffice 计算"))),
    "audit": Command(
        "批量审核一个文件夹的公开，生成汇总工作簿 / audit many disclosures",
        "逐份校验（多进程并行），写出汇总工作簿（汇总、全部问题两张表）和每份的报告。\n"
        "退出码：0 全部无错误；1 有错误或有文件无法读取；2 没有一份能读取。",
        "Checks every file in parallel; writes a summary workbook and one report per file.\n"
        "Exit code 0: no errors; 1: an error or an unreadable file; 2: nothing readable.",
        (("xltools audit 草稿", "审核“草稿”文件夹（含子文件夹）的 .pdf、.docx、.txt"),
         ("xltools audit 草稿 -o 第一轮.xlsx", "汇总写到 第一轮.xlsx，报告在 第一轮_报告 文件夹"),
         ("xltools audit 二稿 --previous 初稿 -o 第二轮.xlsx", "与“初稿”文件夹中同名的一稿比较"))),
    "draft": Command(
        "把工作簿“说明草稿”表写成 Word 文档（第三部分） / write the drafted 第三部分 as .docx",
        "先在工作簿的副本上重新计算（不改动原工作簿），再把“说明草稿”表各段写成 Word 文档：\n"
        "标题、一至十各部分标题和段落，可直接粘贴到预算公开文件。",
        "Recalculates a copy of the workbook and writes its 说明草稿 sheet as a Word document.",
        (("xltools draft 预算公开.xlsx -o 情况说明.docx", "用重新计算的数"),
         ("xltools draft 预算公开.xlsx -o 情况说明.docx --engine none", "用 Excel 中保存的数"))),
    "accept": Command(
        "记录某条问题已核实无误的原因（已说明） / record why a finding is not a problem",
        "把一条问题记为“已说明”：原因、说明人和时间写入文件旁的 <文件名>.accepted.toml（可用记事本查看、修改）。\n"
        "之后 check 把它列在“已说明”下，不再算作新问题；文件改了稿，只要问题还在（按编号对应，与行号无关），\n"
        "说明仍然有效；问题不存在了，说明列为“过期的说明”。编号见 check 每行最后的 [ ]。\n"
        "已说明的错误仍使 check 的退出码为 1，只有 check --strict 才视为已处理。",
        "Records why a finding is not a problem (reason, who, when) in <name>.accepted.toml beside the file.\n"
        "check then lists it as explained (已说明); the explanation holds in later drafts while the finding\n"
        "(its key, not its line) is there, and is reported as stale once it is gone. An explained error\n"
        "still makes check exit 1 unless check --strict.",
        (("xltools accept \"P-MISSING:表12/某项目/合计\" 预算公开.pdf --reason \"未达到公开标准\"",
          "记录说明"),
         ("xltools accept \"P-MISSING:表12/某项目/合计\" 预算公开.pdf --reason \"…\" --by 王芳", "写明说明人"))),
    "compare": Command(
        "比较两稿：改了哪些数，改正了、新出现了哪些问题 / compare two drafts",
        "比较同一份公开的两稿（PDF、Word 或文本，两稿格式可以不同）：改动的数字（表、行、栏目、初稿数 → 二稿数），\n"
        "新增、删除、改名的行，第三部分说明和绩效目标表中改动的数字；已改正、新增和仍有的问题（按问题编号对应，\n"
        "与行号无关）。行按科目编码或名称对应，插入一行不会使后面的行都算作改动；空白与 0 视为相同。\n"
        "退出码：0 二稿没有新增错误；1 二稿有新增错误（初稿已有、仍未改的错误不算）；2 文件读不了。",
        "Compares two drafts of one disclosure: figures changed (table, row, column, old -> new), rows added,\n"
        "removed or renamed, and the findings fixed, new and remaining (matched by their ids, not lines).\n"
        "Exit code 0: no new error in the second draft; 1: a new error; 2: a file cannot be read.",
        (("xltools compare 初稿.pdf 二稿.pdf", "列出变化"),
         ("xltools compare 初稿.pdf 二稿.pdf --xlsx 变化.xlsx", "同时写成工作簿"),
         ("xltools compare 初稿.txt 二稿.pdf --json > 变化.json", "给其他程序用的 JSON"))),
    "rules": Command(
        "列出全部校验规则 / list the rules",
        "列出全部校验规则：编号、级别（M 必须成立；A 通常成立）、类别和说明。",
        "Lists every rule: id, level (M must hold, A usually holds), family, description.",
        (("xltools rules", "规则表"), ("xltools rules --json", "JSON"))),
    "doctor": Command(
        "检查本机的安装，不通过的给出修复方法 / check this installation",
        "逐项检查本机能检查的安装条件（Windows 上还有 Excel、xlwings 加载项、宏设置），\n"
        "显示 通过 / 未通过 / 不适用，未通过的给出适合本系统的修复方法。\n"
        "退出码：0 必需项全部通过；1 有必需项未通过。",
        "Checks what can be checked on this system (on Windows also Excel, the add-in, macro settings),\n"
        "with a fix for this system under each failing item. Exit code 0: all required items pass.",
        (("xltools doctor", "检查安装"), ("python -m xltools.cli.main doctor", "找不到 xltools 命令时"))),
}

MAIN = Command(
    "", "预算公开（部门/单位预算公开）的读取、校验与工作簿工具。",
    f"Reads, checks and builds workbooks of Chinese budget disclosures. Guide: {USER_GUIDE}",
    (("xltools doctor", "先检查安装"),
     ("xltools check 预算公开.pdf", "校验一份公开"),
     ("xltools import 预算公开.pdf -o 预算公开.xlsx", "生成工作簿"),
     ("xltools check -h", "某个命令的帮助")))

# argparse's own error messages, by the words they contain: the Chinese said first.
_ERRORS_ZH = (
    ("the following arguments are required", "缺少参数"),
    ("unrecognized arguments", "无法识别的参数"),
    ("invalid choice", "没有这个命令或取值"),
    ("expected one argument", "这个选项后面要跟一个值"),
    ("invalid int value", "要填一个整数"),
)


class Formatter(argparse.RawDescriptionHelpFormatter):
    """Descriptions and examples keep their lines; argparse's headings in Chinese and English."""

    HEADINGS = {"positional arguments": "参数 / arguments", "options": "选项 / options",
                "optional arguments": "选项 / options"}

    def add_usage(self, usage: str | None, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, prefix if prefix is not None else "用法 / usage: ")

    def start_section(self, heading: str | None) -> None:
        super().start_section(self.HEADINGS.get(heading or "", heading))


class Parser(argparse.ArgumentParser):
    """An ArgumentParser that speaks Chinese first: its -h, its headings, its errors."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", Formatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self.add_argument("-h", "--help", action="help", help="显示本帮助并退出 / show this help")

    def error(self, message: str) -> NoReturn:
        zh = next((z for en, z in _ERRORS_ZH if en in message), "参数有误")
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：{zh} / error: {message}\n查看帮助 / help: {self.prog} -h\n")
