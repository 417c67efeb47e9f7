"""A PDF content stream parsed into the operands and operators pdfminer's interpreter executes,
the very objects pdfminer.six's own parser (`PDFContentParser`) gives, in a fraction of its time.

pdfminer tokenizes a content stream a few bytes at a time, one Python call per state of its
tokenizer; a printed page is some 20 KB of numbers, names, hex strings and operators (a third
of reading a PDF went there). Here one regular expression takes a whole token at a time, and
the tokens are put into arrays and dictionaries as pdfminer's stack parser puts them.

Whatever pdfminer handles in a way that depends on where it cuts its 4 KB reads, or carries
from one stream of a page into the next, is not reproduced but refused (`Unusual`): then the
caller parses with pdfminer itself. That is an inline image (BI … ID … EI), a string or hex
string left open at the end of a stream, a string holding a backslash before a carriage
return or an octal escape beyond 255, a name with a #-escape at the very end of a stream and
a dictionary with a key and no value. `tests/test_pdf_content.py` holds both parsers to the same
objects, token by token, on every content stream of the seeds' PDFs and on hand-written ones.
"""
from __future__ import annotations

import re
from binascii import unhexlify
from typing import Any, Sequence

from pdfminer.psparser import (KEYWORD_ARRAY_BEGIN, KEYWORD_ARRAY_END, KEYWORD_DICT_BEGIN, KEYWORD_DICT_END,
                               KEYWORD_PROC_BEGIN, KEYWORD_PROC_END, KWD, LIT, PSKeyword, literal_name)

Item = tuple[int, Any]  # (position in its stream, object), as pdfminer's nextobject() gives it


class Unusual(Exception):
    """Content this parser leaves to pdfminer's own."""


_WS = b" \t\n\r\f\v\x00"  # pdfminer skips NUL between tokens as it skips white space
_TOKEN = re.compile(rb"""
    [ \t\n\r\f\v\x00]*+
    (?:
      ( [-+0-9][0-9]*(?:\.[0-9]*)? | \.[0-9]* )      # 1 a number
    | ( [A-Za-z][^#/%\[\]()<>{}\s]* )                # 2 an operator (or true, false)
    | ( /[^/%\[\]()<>{}\s]* )                        # 3 a name
    | ( <(?!<)[0-9A-Fa-f\s]*(?=[^0-9A-Fa-f\s]) )     # 4 a hex string, its end left to the next token
    | ( \([^()\\]*\) )                               # 5 a plain string
    | ( <<|>> )                                      # 6 a dictionary's bounds
    | ( [\[\]{}] )                                   # 7 an array's or a procedure's bounds
    | ( >|%[^\r\n]* )                                # 8 a '>' alone, a comment: nothing
    | ( \( )                                         # 9 a string with escapes or parentheses
    | ( [^ \t\n\r\f\v\x00] )                         # 10 any other character: an operator of its own
    )""", re.VERBOSE)
_SPACE = re.compile(rb"\s")
_HEX_PAIR = re.compile(rb"[0-9a-fA-F]{2}|.")
_STRING_END = re.compile(rb"[()\\]")
_ESCAPES = {ord(k): v for k, v in {b"b": 8, b"t": 9, b"n": 10, b"f": 12, b"r": 13, b"(": 40, b")": 41, b"\\": 92}.items()}
_OCTAL = b"01234567"
_UNUSUAL_KEYWORDS = {KWD(b"BI"), KWD(b"ID")}
_BOUNDS = {b"<<": KEYWORD_DICT_BEGIN, b">>": KEYWORD_DICT_END, b"[": KEYWORD_ARRAY_BEGIN,
           b"]": KEYWORD_ARRAY_END, b"{": KEYWORD_PROC_BEGIN, b"}": KEYWORD_PROC_END}
_OPEN = {KEYWORD_ARRAY_BEGIN: "a", KEYWORD_DICT_BEGIN: "d", KEYWORD_PROC_BEGIN: "p"}
_CLOSE = {KEYWORD_ARRAY_END: "a", KEYWORD_DICT_END: "d", KEYWORD_PROC_END: "p"}

_words: dict[bytes, Any] = {}  # an operator's bytes → its interned keyword (or a boolean)
_names: dict[bytes, Any] = {}  # a name's bytes, slash included → its interned literal
_numbers: dict[bytes, Any] = {}  # a number's bytes → its value (coordinates recur from line to line)


def _word(raw: bytes) -> Any:
    got = True if raw == b"true" else False if raw == b"false" else KWD(raw)
    if got in _UNUSUAL_KEYWORDS:
        raise Unusual("an inline image")
    if len(_words) < 10_000:
        _words[raw] = got
    return got


def _name(raw: bytes, at_end: bool) -> Any:
    body = raw[1:]
    if b"#" in body:
        if at_end:
            raise Unusual("a #-escape at the end of a stream")
        body = _unescape_name(body)
    try:
        name: str | bytes = str(body, "utf-8")
    except UnicodeDecodeError:
        name = body
    got = LIT(name)
    if len(_names) < 10_000 and b"#" not in raw:
        _names[raw] = got
    return got


def _unescape_name(body: bytes) -> bytes:
    """pdfminer's reading of #hh in a name: up to two hex digits make a byte; a # without
    any is dropped."""
    out = bytearray()
    i, n = 0, len(body)
    while i < n:
        c = body[i]
        if c != 0x23:  # '#'
            out.append(c)
            i += 1
            continue
        j = i + 1
        while j < n and j - i <= 2 and body[j] in b"0123456789abcdefABCDEF":
            j += 1
        if j > i + 1:
            out.append(int(body[i + 1:j], 16))
        i = j
    return bytes(out)


def _number(raw: bytes) -> Any:
    try:
        got = float(raw) if b"." in raw else int(raw)
    except ValueError:  # '-', '+', '.', '-.': pdfminer drops them
        return None
    if len(_numbers) < 100_000:
        _numbers[raw] = got
    return got


def _hex(body: bytes) -> bytes:
    try:
        return unhexlify(body)
    except ValueError:  # white space inside, or an odd digit at the end
        return _HEX_PAIR.sub(lambda m: bytes((int(m.group(0), 16),)), _SPACE.sub(b"", body))


def _string(data: bytes, i: int) -> tuple[bytes, int]:
    """A string with escapes or parentheses, from just after its '(': its bytes, and where
    the next token starts."""
    out = bytearray()
    depth = 1
    n = len(data)
    while True:
        m = _STRING_END.search(data, i)
        if m is None:
            raise Unusual("a string open at the end of a stream")
        j = m.start()
        out += data[i:j]
        c = data[j]
        if c == 0x5C:  # backslash
            i = j + 1
            if i >= n:
                raise Unusual("a backslash at the end of a stream")
            c = data[i]
            if c in _OCTAL:
                k = i
                while k < n and k - i < 3 and data[k] in _OCTAL:
                    k += 1
                code = int(data[i:k], 8)
                if code > 255 or k >= n:
                    raise Unusual("an octal escape beyond a byte, or at the end of a stream")
                out.append(code)
                i = k
            elif c in _ESCAPES:
                out.append(_ESCAPES[c])
                i += 1
            elif c == 0x0D:  # pdfminer skips \r\n as one only if its read did not end between them
                raise Unusual("a backslash before a carriage return")
            else:  # pdfminer drops an unknown escape with its backslash
                i += 1
        elif c == 0x28:  # '('
            depth += 1
            out.append(c)
            i = j + 1
        else:  # ')'
            depth -= 1
            if depth == 0:
                return bytes(out), j + 1
            out.append(c)
            i = j + 1


class _Stack:
    """pdfminer's PSStackParser above its tokenizer: arrays, dictionaries and procedures built
    from their tokens, everything else given as it comes. Its state carries over from one
    stream of a page to the next, as pdfminer's does."""

    def __init__(self) -> None:
        self.context: list[tuple[int, str | None, list[Item]]] = []
        self.curtype: str | None = None
        self.curstack: list[Item] = []

    def bound(self, out: list[Item], pos: int, token: PSKeyword) -> None:
        kind = _OPEN.get(token)
        if kind is not None:
            self.context.append((pos, self.curtype, self.curstack))
            self.curtype, self.curstack = kind, []
            return
        kind = _CLOSE[token]
        if self.curtype != kind:
            return  # a closing bracket of the wrong kind: pdfminer drops it (not strict)
        objs = [obj for _, obj in self.curstack]
        start, self.curtype, self.curstack = self.context.pop()
        if kind == "d":
            if len(objs) % 2:
                raise Unusual("a dictionary with a key and no value")  # pdfminer raises
            item: Item = (start, {literal_name(k): v for k, v in zip(objs[::2], objs[1::2]) if v is not None})
        else:
            item = (start, objs)
        if self.context:
            self.curstack.append(item)
        else:
            out.append(item)


def parse_streams(datas: Sequence[bytes]) -> list[Item]:
    """The objects of a page's (or a form's) content, its streams' bytes in order; `Unusual`
    where pdfminer's own parser must read it."""
    out: list[Item] = []
    stack = _Stack()
    for data in datas:
        _parse(data, stack, out)
    return out


def _parse(data: bytes, stack: _Stack, out: list[Item]) -> None:
    end = len(data.rstrip(_WS))
    pos = 0
    words, names, numbers = _words, _names, _numbers
    while pos < end:
        resume = -1
        for m in _TOKEN.finditer(data, pos, end):
            k = m.lastindex
            if k == 1:
                start, stop = m.span(1)
                raw = data[start:stop]
                token: Any = numbers.get(raw)
                if token is None:
                    token = _number(raw)
                    if token is None:
                        continue
            elif k == 2:
                start, stop = m.span(2)
                raw = data[start:stop]
                token = words.get(raw)
                if token is None:
                    token = _word(raw)
            elif k == 3:
                start, stop = m.span(3)
                raw = data[start:stop]
                token = names.get(raw)
                if token is None:
                    token = _name(raw, m.end() == len(data))
            elif k == 4:
                start = m.start(4)
                token = _hex(m.group(4)[1:])
            elif k == 5:
                start = m.start(5)
                token = m.group(5)[1:-1]
            elif k == 6 or k == 7:
                stack.bound(out, m.start(k), _BOUNDS[m.group(k)])
                continue
            elif k == 8:
                continue
            elif k == 9:
                start = m.start(9)
                token, resume = _string(data, start + 1)
            else:
                start = m.start(10)
                raw = m.group(10)
                if raw == b"<":
                    raise Unusual("a hex string open at the end of a stream")
                token = KWD(raw)
            if stack.context:
                stack.curstack.append((start, token))
            else:
                out.append((start, token))
            if resume >= 0:
                break
        else:
            return
        pos = resume
