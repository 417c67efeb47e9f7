"""The LibreOffice profile xltools runs soffice with: recalculate every formula on load
(STYLE.md: otherwise LibreOffice keeps the cached values it finds in the file)."""
from __future__ import annotations

from pathlib import Path

# OOXMLRecalcMode 0 = always recalculate on load.
_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def write_profile(root: Path) -> None:
    """A fresh profile under `root` (pass `root.as_uri()` as -env:UserInstallation)."""
    user = root / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(_XCU, encoding="utf-8")
