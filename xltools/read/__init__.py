"""Read: disclosure text in, a `Document` out."""
from __future__ import annotations

from pathlib import Path

from ..model import Document
from .errors import ReadError
from .document import read_text

__all__ = ["ReadError", "read_document", "read_text"]


def read_document(path: str | Path) -> Document:
    p = Path(path)
    source = str(path)
    if not p.exists():
        raise ReadError(source, None, "文件不存在", "file not found")
    if p.is_dir():
        raise ReadError(source, None, "这是一个文件夹，不是文件", "this is a directory, not a file")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise ReadError(source, None, f"无法读取文件（{exc.strerror}）", f"cannot read the file ({exc.strerror})") from exc
    return read_bytes(data, source)


def read_bytes(data: bytes, source: str) -> Document:
    from .text import decode

    return read_text(decode(data, source), source)
