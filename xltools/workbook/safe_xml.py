"""A workbook's XML parsed at C speed, each part still judged by defusedxml.

defusedxml refuses a DTD's entity declarations and external references by hooking Python
handlers into expat, so its parser is the pure-Python `XMLParser`: every element of every sheet
then costs several Python calls (openpyxl reads all sheets and the shared strings through it,
a twelfth of the test suite's CPU). Here each part goes through defusedxml's own parser, with
the settings openpyxl's and our own calls give it (`forbid_dtd=False, forbid_entities=True,
forbid_external=True`), only as far as the start tag of its root element; the whole part is
then parsed by the C parser (`xml.etree.ElementTree`, `_elementtree`).

Why that judges the part as defusedxml would (XML 1.0, §2.8 and §4):
- A document type declaration, and with it every entity declaration and external reference
  (the external subset, an external entity), may stand only in the prolog, before the root
  element's start tag; after it, a `<!DOCTYPE` or `<!ENTITY` is not well-formed and expat
  refuses it in either parser. expat reports the root's start tag only once it has read all
  that comes before it, so defusedxml has seen the whole prolog when we stop it there.
- After the prolog, a reference can only name an entity declared in it (refused by then), one of
  XML's five, or a character: an undeclared one is an error in expat, and where a DTD makes it
  not one (an external subset that is never read), both parsers make it the same ParseError
  ("undefined entity"). Neither parser ever reads an external subset (no handler for it in
  the C parser, no parameter-entity parsing in either), as defusedxml never did.
- Both parsers are handed the same bytes from the first, and both create expat the same way
  (no encoding forced, "}" as namespace separator), so expat reads the prolog in the same
  encoding: a UTF-16 part (byte order mark, or `encoding="UTF-16"`) is vetted in UTF-16.
- What defusedxml raises in the prolog is raised unchanged: DTDForbidden, EntitiesForbidden,
  ExternalReferenceForbidden (ValueErrors, as before) and ParseError (the one class both parsers
  raise). Every message and exit code built on them stays as it was.

`install_in_openpyxl` puts the vetted `iterparse` where openpyxl's worksheet and shared-strings
readers (and `formulas`' own shared-strings reader) look it up. openpyxl parses its other parts
(workbook.xml, styles, the manifest, properties, drawings, comments) whole with its `fromstring`,
lxml's when lxml is installed, told not to resolve entities but never defusedxml's: those are
vetted the same way before lxml parses them (`_judged`), so defusedxml judges every part.
"""
from __future__ import annotations

import os
import sys
import xml.etree.ElementTree as ET
from typing import IO, Any, Callable, Iterable, Iterator, Literal

from defusedxml.ElementTree import DefusedXMLParser

# What defusedxml's `iterparse` and stdlib's read at a time: the prolog is vetted in steps,
# so a huge one costs what defusedxml would spend on it, and the part is never read twice.
_CHUNK = 16 * 1024

Source = str | os.PathLike[str] | IO[bytes]
Event = Literal["start", "end", "comment", "pi", "start-ns", "end-ns"]


class _RootReached(Exception):
    """The vetting parser met the root element's start tag: the prolog was judged safe."""


class _Prolog:
    """A parser target that stops the parse at the root element's start tag."""

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        raise _RootReached

    def close(self) -> None:
        return None


def _vetting_parser() -> Any:
    return DefusedXMLParser(target=_Prolog(), forbid_dtd=False, forbid_entities=True, forbid_external=True)


def vet(text: str | bytes) -> None:
    """Raise what defusedxml raises for `text`'s prolog (nothing for a well-formed prolog
    without entity declarations or external references)."""
    parser = _vetting_parser()
    try:
        for i in range(0, len(text), _CHUNK):
            parser.feed(text[i:i + _CHUNK])
        parser.close()  # no root element: the ParseError defusedxml gives at the end
    except _RootReached:
        pass


def fromstring(text: str | bytes) -> ET.Element:
    """`defusedxml.ElementTree.fromstring`, parsed by the C parser once the prolog is vetted."""
    vet(text)
    return ET.fromstring(text)


class _VettedStream:
    """`source` as the C parser reads it: its first read vets the prolog (raising what
    defusedxml raises) and hands over the bytes read for that; later reads go to `source`."""

    def __init__(self, source: Source) -> None:
        self._source = source
        self._stream: IO[bytes] | None = None
        self._own = False

    def _open(self) -> IO[bytes]:
        source = self._source
        if hasattr(source, "read"):
            return source  # type: ignore[return-value]
        self._own = True
        return open(source, "rb")  # type: ignore[arg-type]

    def read(self, size: int = -1) -> bytes:
        if self._stream is not None:
            data = self._stream.read(size)
            if not data:
                self.close()
            return data
        self._stream = stream = self._open()
        head: list[bytes] = []
        parser = _vetting_parser()
        try:
            while True:
                data = stream.read(_CHUNK)
                if not data:
                    parser.close()  # a part without a root: defusedxml's ParseError
                    break
                head.append(data)
                parser.feed(data)
        except _RootReached:
            pass
        except BaseException:
            self.close()
            raise
        return b"".join(head)

    def close(self) -> None:
        if self._own and self._stream is not None:
            self._stream.close()


def iterparse(source: Source, events: Iterable[Event] | None = None) -> Iterator[tuple[str, Any]]:
    """`defusedxml.ElementTree.iterparse`, parsed by the C parser once the prolog is vetted.
    As there, the source is read (and vetted) as the events are taken, not before."""
    stream = _VettedStream(source)
    return ET.iterparse(stream) if events is None else ET.iterparse(stream, events)


def _judged(parse: Callable[..., Any]) -> Callable[..., Any]:
    """openpyxl's `fromstring` after defusedxml has judged the text's prolog. What expat cannot
    read (an encoding it does not know) the parser judges as it did before: nothing but
    defusedxml's refusals is added."""
    if getattr(parse, "judged_by_defusedxml", False):
        return parse

    def fromstring(text: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(text, (str, bytes)):
            try:
                vet(text)
            except ET.ParseError:
                pass
        return parse(text, *args, **kwargs)

    setattr(fromstring, "judged_by_defusedxml", True)
    return fromstring


def install_in_openpyxl() -> None:
    """openpyxl's readers of worksheets and shared strings, and `formulas`' reader of shared
    strings, parse through the vetted `iterparse`; openpyxl's readers of its other parts through
    its own `fromstring`, judged first. Idempotent."""
    import openpyxl.packaging.manifest
    import openpyxl.reader.drawings
    import openpyxl.reader.excel
    import openpyxl.reader.strings
    import openpyxl.reader.workbook
    import openpyxl.styles.stylesheet
    import openpyxl.workbook.external_link.external
    import openpyxl.worksheet._reader
    import openpyxl.xml.functions

    # functions: for a module that imports the name later (formulas.excel.xlreader).
    modules = [openpyxl.xml.functions, openpyxl.worksheet._reader, openpyxl.reader.strings]
    if "formulas.excel.xlreader" in sys.modules:  # imported already: it holds its own name
        modules.append(sys.modules["formulas.excel.xlreader"])
    for module in modules:
        if getattr(module, "iterparse", None) is not iterparse:
            setattr(module, "iterparse", iterparse)
    # Every module that reads a part with `fromstring` holds its own name for it.
    for module in (openpyxl.xml.functions, openpyxl.reader.excel, openpyxl.reader.workbook,
                   openpyxl.reader.drawings, openpyxl.packaging.manifest, openpyxl.styles.stylesheet,
                   openpyxl.workbook.external_link.external):
        setattr(module, "fromstring", _judged(getattr(module, "fromstring")))
