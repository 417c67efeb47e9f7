"""The VBA module and the ribbon call only Python that exists."""
from __future__ import annotations

import importlib
import re
import xml.etree.ElementTree as ET
from pathlib import Path

MACROS = Path(__file__).resolve().parent.parent / "macros"
CALL = re.compile(r"import ([\w.]+) as (\w+); \2\.(\w+)\(")


def _bas() -> str:
    return (MACROS / "xltools.bas").read_text(encoding="ascii")


def test_every_runpython_call_exists() -> None:
    calls = CALL.findall(_bas())
    assert len(calls) == 7
    for module, _, func in calls:
        assert callable(getattr(importlib.import_module(module), func)), f"{module}.{func}"


def test_every_runpython_line_is_parsed() -> None:
    lines = [ln for ln in _bas().splitlines() if "RunPython" in ln and not ln.strip().startswith("'")]
    assert len(lines) == len(CALL.findall(_bas()))


def test_ribbon_buttons_call_macros_of_the_module() -> None:
    ns = {"ui": "http://schemas.microsoft.com/office/2009/07/customui"}
    root = ET.parse(MACROS / "customUI14.xml").getroot()
    tab = root.find(".//ui:tab", ns)
    assert tab is not None and tab.get("label") == "预算公开"
    buttons = {b.get("label"): b.get("onAction") for b in root.iterfind(".//ui:button", ns)}
    assert set(buttons) == {"导入文本", "导入粘贴的文本", "重新计算", "标记问题", "清除标记", "生成说明", "检查安装"}
    subs = set(re.findall(r"^Public Sub (\w+)\(control As IRibbonControl\)", _bas(), re.M))
    assert set(buttons.values()) <= subs
