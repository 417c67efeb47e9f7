"""pdfminer laying a page out, with less work for the same objects.

- The interpreter finds each operator's method once per operator, not once per use: pdfminer
  builds the method's name from the keyword, looks it up and logs, for each of the 230,000
  operators of a 100-page disclosure; and it takes operands off its stack in place. Its way of
  reading the streams (which it refuses as circular, how it calls the methods, what it does with
  too few operands) is kept as it is.
- The device is pdfplumber's, but does not mark each character with its marked-content tag
  (the reader does not read it; shapes are marked as before).
- A form of paths alone drawn again as it was drawn before (`_Drawn`): LibreOffice draws a
  header's WordArt on every page by a form of the same content (thousands of path operators,
  a sixth of laying a seed's page out). Such a form's shapes depend on its bytes, the matrices
  it is drawn with and the device's marked-content tag, nothing else (no text, no resources):
  drawn again under the same, its figure holds the very shapes (shared, as nothing changes a
  shape once made) and leaves the device as it did.

Both are used only where pdfminer's interpreter reads as this module expects (`usable`);
anywhere else pdfminer's own classes lay the page out.
"""
from __future__ import annotations

import re
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

# A form's content made of these alone: numbers, path construction and painting, clipping, the
# graphics state's stack, matrix, line style and device colours. No strings, names, arrays or
# dictionaries, so no text, resources, marked content, images or other forms.
_TOKEN = rb"(?>[+-]?(?:\d+(?:\.\d*)?|\.\d+)|re|f\*|B\*|b\*|W\*|cm|rg|RG|[mlcvyhfFBbSsnWqQwJjMigGkK])"
_PATHS_ONLY = re.compile(rb"\s*(?:" + _TOKEN + rb"(?:\s+" + _TOKEN + rb")*)?\s*")  # tokens apart: linear time
DRAWN_KEPT = 64  # forms kept for one PDF at most


class _Drawn:
    """Forms of paths alone drawn while one PDF is read: key → (the PDF's resource manager, the figure's
    shapes, the device's matrix and tag after it)."""

    def __init__(self) -> None:
        self.kept: dict[tuple[Any, ...], tuple[Any, list[Any], Any, Any, Any]] = {}
        self.again = 0  # forms drawn again since the last clear

    def clear(self) -> None:
        self.kept = {}
        self.again = 0


DRAWN = _Drawn()


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
    from pdfminer.layout import LTFigure
    from pdfminer.pdfinterp import LITERAL_FORM
    from pdfminer.pdftypes import list_value
    from pdfminer.psparser import literal_name
    from pdfminer.utils import MATRIX_IDENTITY

    # Forms drawn again only where pdfminer draws a form as this module expects: a figure
    # begun, the content rendered by a sub-interpreter, the figure ended.
    form_memo = {"subinterp", "begin_figure", "render_contents", "end_figure"} <= set(
        pdfinterp.PDFPageInterpreter.do_Do.__code__.co_names)

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

        def do_Do(self, xobjid_arg: Any) -> None:
            # pdfminer's, but a form of paths alone drawn before under the same key is not run
            # again (`_Drawn`).
            xobjid = literal_name(xobjid_arg)
            xobj = stream_value(self.xobjmap[xobjid]) if xobjid in self.xobjmap else None
            if not form_memo or xobj is None or xobj.get("Subtype") is not LITERAL_FORM or "BBox" not in xobj \
                    or self.parent_stream_ids or xobj.objid is None:
                super().do_Do(xobjid_arg)
                return
            data = xobj.get_data()
            if not _PATHS_ONLY.fullmatch(data):
                super().do_Do(xobjid_arg)
                return
            device: Any = self.device  # pdfplumber's aggregator: its figure, matrix and tag
            ctm: Any = self.ctm
            bbox = tuple(list_value(xobj["BBox"]))
            matrix = tuple(list_value(xobj.get("Matrix", MATRIX_IDENTITY)))
            key = (data, bbox, matrix, tuple(ctm), tuple(device.ctm),
                   getattr(device, "cur_mcid", None), getattr(device, "cur_tag", None))
            kept = DRAWN.kept.get(key)
            if kept is not None and kept[0] is self.rsrcmgr:
                device.begin_figure(xobjid, list(bbox), list(matrix))
                device.cur_item._objs.extend(kept[1])
                device.end_figure(xobjid)
                device.ctm = kept[2]
                if hasattr(device, "cur_mcid"):
                    device.cur_mcid, device.cur_tag = kept[3], kept[4]
                DRAWN.again += 1
                return
            super().do_Do(xobjid_arg)
            figure = device.cur_item._objs[-1] if device.cur_item._objs else None
            if isinstance(figure, LTFigure) and figure.name == xobjid and len(DRAWN.kept) < DRAWN_KEPT:
                DRAWN.kept[key] = (self.rsrcmgr, list(figure._objs), device.ctm, getattr(device, "cur_mcid", None),
                                   getattr(device, "cur_tag", None))

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
