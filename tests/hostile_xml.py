"""XML parts with a DTD an attacker would write: entities that expand to a billion characters,
an entity that reads a file of the machine, and the first of them declared in UTF-16 (the
parser must judge the bytes in the encoding the part declares, not as UTF-8)."""
from __future__ import annotations

import re

# Ten times ten times ... nine levels: &lol9; is 10^9 "lol"s, 3 GB, from a few hundred bytes.
LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{("&lol;" if i == 1 else f"&lol{i - 1};") * 10}">' for i in range(1, 10))
          + "]>")
EXTERNAL = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'

# kind → (declaration, the reference put in the part's first text or value, UTF-16)
KINDS: dict[str, tuple[str, str, bool]] = {
    "laughs": (LAUGHS, "&lol9;", False),
    "external": (EXTERNAL, "&xxe;", False),
    "utf16": (LAUGHS, "&lol9;", True),
}


def with_dtd(xml: bytes, kind: str) -> bytes:
    """The part `xml` (UTF-8) with the DTD of `kind` in its prolog and its entity referenced in
    the first text or value it holds (if it holds one)."""
    declaration, reference, utf16 = KINDS[kind]
    text = re.sub(r"^<\?xml[^>]*\?>\s*", "", xml.decode("utf-8"))
    text = re.sub(r"(<(?:v|t)(?:\s[^>]*)?>)", lambda m: m.group(1) + reference, text, count=1)
    if utf16:
        return ('<?xml version="1.0" encoding="UTF-16"?>\n' + declaration + text).encode("utf-16")
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + declaration + text).encode("utf-8")
