"""The one error a reader raises: input it cannot read at all (not a finding)."""
from __future__ import annotations


class ReadError(Exception):
    """Names the file and, where known, the line; says it in Chinese and English."""

    def __init__(self, source: str, line: int | None, zh: str, en: str) -> None:
        self.source = source
        self.line = line
        self.zh = zh
        self.en = en
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {zh} / {en}")
