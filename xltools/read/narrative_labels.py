"""Labels of the narrative: which canonical subject a printed label names, per section.

The labels are the subjects' own (`core.narrative_subjects`). Most are matched at their right
end (the words just before the number), because the start of a sentence carries the unit's own
name, which may contain any word.
"""
from __future__ import annotations

import difflib
import re

from xltools.core.layouts import CLASS_NAMES
from xltools.core.narrative_subjects import heads, labels_in

_TRAIL = re.compile(r"(?:为|是|约|共计|达到?|[：:\s])+$")


def tidy(label: str) -> str:
    s = re.sub(r"\s+", "", label)
    s = s.replace("(", "（").replace(")", "）")
    return _TRAIL.sub("", s)


def subject_for(section: int, label: str, head: str | None = None, first: bool = True) -> str | None:
    """The subject a label names in `section` (`core.narrative_subjects`), or None."""
    s = tidy(label)
    for lab, key in labels_in(section):
        if lab.head_only and not first:
            continue
        if lab.under_head is not None and lab.under_head != head:
            continue
        if re.search(lab.pattern, s):
            return key
    return None


def heads_in(section: int) -> frozenset[str]:
    """The subjects whose year-on-year change is the sentence's head's, not the last amount's."""
    return heads().get(section, frozenset())


_CLASS_BY_NAME = {name: code for code, name in CLASS_NAMES.items()}
_LEAD = re.compile(r"^(?:其中|主要|用于|包括|以下方面|分别|为|是)+")


def class_label(label: str) -> str:
    """The 类 name a list item quotes, without list words around it."""
    return _LEAD.sub("", tidy(label))


def resolve_class(name: str) -> str:
    """The 类 code a quoted name means: exact, or one clearly closest name (a typo)."""
    if name in _CLASS_BY_NAME:
        return _CLASS_BY_NAME[name]
    scored = sorted(((difflib.SequenceMatcher(None, name, n).ratio(), c) for n, c in _CLASS_BY_NAME.items()),
                    reverse=True)
    if scored and scored[0][0] >= 0.7 and (len(scored) == 1 or scored[0][0] - scored[1][0] >= 0.1):
        return scored[0][1]
    return ""


def looks_like_class(name: str) -> bool:
    return bool(name) and len(name) <= 16 and (name.endswith("支出") or name.endswith("费") or name in _CLASS_BY_NAME)
