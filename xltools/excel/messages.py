"""Every exception that reaches Excel becomes one short Chinese + English sentence."""
from __future__ import annotations

import functools
import logging
from typing import Callable, ParamSpec, TypeVar

from xltools.read.errors import ReadError

P = ParamSpec("P")
T = TypeVar("T")
log = logging.getLogger("xltools.excel")


class UserError(Exception):
    """A problem the user can fix (wrong workbook, empty 导入 sheet…): shown as is."""

    def __init__(self, zh: str, en: str) -> None:
        self.zh = zh
        self.en = en
        super().__init__(f"{zh} / {en}")


def short_message(exc: BaseException) -> str:
    if isinstance(exc, UserError):
        return f"{exc.zh} / {exc.en}"
    if isinstance(exc, ReadError):
        where = f"第 {exc.line} 行：" if exc.line is not None else ""
        return f"无法读取文本：{where}{exc.zh} / cannot read the text: {exc.en}"
    if isinstance(exc, FileNotFoundError):
        return f"找不到文件 {exc.filename or ''} / file not found"
    if isinstance(exc, PermissionError):
        return f"没有权限读写 {exc.filename or ''}（文件是否已在别处打开？） / permission denied"
    if isinstance(exc, ImportError):
        return f"缺少组件 {exc.name or ''}，请运行 xltools doctor / missing component, run xltools doctor"
    name = type(exc).__name__
    text = str(exc).splitlines()[0][:120] if str(exc) else ""
    return f"内部错误（{name}：{text}），请运行 xltools doctor 或联系维护人员 / internal error ({name})"


def guarded(on_error: Callable[[str], T]) -> Callable[[Callable[P, T]], Callable[P, T]]:
    """Wrap an entry point: an exception is logged and its short message handed to `on_error`."""

    def wrap(fn: Callable[P, T]) -> Callable[P, T]:
        @functools.wraps(fn)
        def inner(*args: P.args, **kwargs: P.kwargs) -> T:
            try:
                return fn(*args, **kwargs)
            except Exception as exc:  # the boundary to Excel: nothing may escape as a traceback
                log.exception("xltools Excel entry point %s failed", fn.__name__)
                return on_error(short_message(exc))

        return inner

    return wrap
