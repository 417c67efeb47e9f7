"""pdfminer laying a page out, with less work for the same objects.

- The interpreter finds each operator's method once per operator, not once per use: pdfminer
  builds the method's name from the keyword, looks it up and logs, for each of the 230,000
  operators of a 100-page disclosure; and it takes operands off its stack in place. Its way of
  reading the streams (which it refuses as circular, how it calls the methods, what it does with
  too few operands) is kept as it is.
- The device is pdfplumber's, but does not mark each character with its marked-content tag
  (the reader does not read it; shapes are marked as before).

Both are used only where pdfminer's interpreter reads as this module expects (`usable`);
anywhere else pdfminer's own classes lay the page out.
"""
from __future__ import annotations

from typing import Any, Sequence

LIGHT = 0.7  # lightness (0 black .. 1 white) from which text counts as light


def lightness(color: Any) -> float:
    if not isinstance(color, (tuple, list)) or not color or not all(isinstance(v, (int, float)) for v in color):
        return 0.0  # a pattern or no colour: treat as ink
    if len(color) == 1:
        return float(color[0])
    if len(color) == 3:
        r, g, b = color
        return 0.299 * r + 0.587 * g + 0.114 * b
    if len(color) == 4:
        c, m, y, k = color
        return (0.299 * (1 - c) + 0.587 * (1 - m) + 0.114 * (1 - y)) * (1 - k)
    return 0.0


def inked(obj: dict[str, Any]) -> bool:
    """A ruling line or box the table finder should see (given pdfplumber's entries of the
    shape): not a light shape such as a watermark drawn as outlines. (LibreOffice's WordArt
    header is not one: its outlines are drawn in a form, whose colour pdfminer reads as black.)"""
    if obj.get("stroke") and lightness(obj.get("stroking_color")) < LIGHT:
        return True
    return bool(obj.get("fill")) and lightness(obj.get("non_stroking_color")) < LIGHT


_MISSING = object()
_classes: dict[str, type] = {}


def usable() -> bool:
    """Whether pdfminer's interpreter is the one this module was written against: it makes
    its parser by PDFContentParser and reads it with nextobject(), pops operands with pop(),
    and keeps the streams it runs in stream_ids."""
    from pdfminer.pdfinterp import PDFPageInterpreter

    names = set(PDFPageInterpreter.execute.__code__.co_names)
    return {"PDFContentParser", "nextobject", "pop", "push", "stream_ids", "parent_stream_ids", "objid"} <= names


def classes() -> tuple[type, type]:
    """The interpreter and the device (pdfplumber's PDFPageAggregatorWithMarkedContent)."""
    if not _classes:
        _classes["interpreter"], _classes["device"] = _make()
    return _classes["interpreter"], _classes["device"]


def _make() -> tuple[type, type]:
    import pdfminer.pdfinterp as pdfinterp
    from pdfminer import settings
    from pdfminer.converter import PDFLayoutAnalyzer
    from pdfminer.psparser import PSEOF, PSKeyword, keyword_name
    from pdfminer.pdftypes import stream_value
    from pdfplumber.page import PDFPageAggregatorWithMarkedContent

    if not usable():
        return pdfinterp.PDFPageInterpreter, PDFPageAggregatorWithMarkedContent

    class Interpreter(pdfinterp.PDFPageInterpreter):
        operators: dict[PSKeyword, Any] = {}  # keyword → (function, operand count), or None: no method

        def execute(self, streams: Sequence[object]) -> None:
            # pdfminer's own: streams without an object id, or already being run further up
            # (a form drawing itself), are left out.
            valid_streams = []
            self.stream_ids.clear()
            for obj in streams:
                stream = stream_value(obj)
                if stream.objid is None:
                    pdfinterp.log.warning("Execute called on non-indirect object (inline image?) %r", stream)
                    continue
                if stream.objid in self.parent_stream_ids:
                    pdfinterp.log.warning("Refusing to execute circular reference to content stream %d", stream.objid)
                else:
                    valid_streams.append(stream)
                    self.stream_ids.add(stream.objid)
            try:
                parser = pdfinterp.PDFContentParser(valid_streams)
            except PSEOF:
                return  # an empty page
            nextobject = parser.nextobject
            operators = self.operators
            stack = self.argstack  # the same list throughout: pop() below takes from it in place
            push = stack.append
            while True:
                try:
                    _, obj = nextobject()
                except PSEOF:
                    break
                if not isinstance(obj, PSKeyword):
                    push(obj)
                    continue
                op = operators.get(obj, _MISSING)
                if op is _MISSING:
                    op = operators[obj] = self._operator(obj)
                if op is None:
                    if settings.STRICT:
                        raise pdfinterp.PDFInterpreterError(f"Unknown operator: {keyword_name(obj)!r}")
                    continue
                func, nargs = op
                if nargs:
                    args = stack[-nargs:]
                    del stack[-nargs:]
                    if len(args) == nargs:
                        func(self, *args)
                else:
                    func(self)

        def pop(self, n: int) -> list[Any]:
            # pdfminer's, but in place (it made a new list each time): the operators that
            # take their own operands (scn, sc) pop through here.
            if n == 0:
                return []
            stack = self.argstack
            got = stack[-n:]
            del stack[-n:]
            return got

        @classmethod
        def _operator(cls, keyword: PSKeyword) -> Any:
            name = keyword_name(keyword)
            method = "do_{}".format(name.replace("*", "_a").replace('"', "_w").replace("'", "_q"))
            func = getattr(cls, method, None)
            if func is None:
                return None
            return func, func.__code__.co_argcount - 1

    class Device(PDFPageAggregatorWithMarkedContent):
        # pdfplumber's, which marks each shape with its marked-content tag as before; a
        # character is not marked (the reader does not read the mark).
        render_char = PDFLayoutAnalyzer.render_char

    return Interpreter, Device
