"""Findings drawn in place on an article's original text.

The text is split at every span boundary; each piece knows the findings that
cover it, so overlapping and nested spans need no nesting of elements: a piece
covered by several findings carries all their numbers (innermost first) and a
depth class. Every finding also gets one numbered anchor at its start, linked
to its entry in the side list; the anchors are what "one highlight per
finding" counts. Every piece of text goes through ``escape``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup, escape

from ...checks import declarations

SEVERITY_RANK = {"error": 3, "warning": 2, "info": 1}
# the families with a colour of their own, in legend order (from the rule declarations)
FAMILIES = declarations.coloured_families()


def family_class(family: str) -> str:
    """A CSS class for a family: known families have their colour, others share one."""
    return f"fam-{family}" if family in FAMILIES else "fam-other"


@dataclass(frozen=True)
class Mark:
    """One finding to draw: its number on the page and its span."""

    number: int
    start: int
    end: int
    family: str
    severity: str
    rule: str
    message: str
    suppressed: bool = False


def _title(m: Mark) -> str:
    return f"{m.number}. {m.severity} {m.rule}: {m.message}"


def _anchor(m: Mark) -> Markup:
    cls = f"fn {family_class(m.family)} sev-{escape(m.severity)}" + (" suppressed" if m.suppressed else "")
    n = int(m.number)
    return Markup(f'<a class="{cls}" id="hl-{n}" href="#f-{n}" data-f="{n}" '
                  f'title="{escape(_title(m))}">{n}</a>')


def highlight(text: str, marks: list[Mark]) -> Markup:
    """``text`` as HTML with every mark drawn; offsets are clamped to the text."""
    n = len(text)
    bounds = {0, n}
    starts: dict[int, list[Mark]] = {}
    spans = []
    for m in marks:
        s = min(max(m.start, 0), n)
        e = min(max(m.end, s), n)
        bounds.update((s, e))
        starts.setdefault(s, []).append(m)
        spans.append((s, e, m))
    points = sorted(bounds)
    out: list[str] = []   # every piece below is escaped text or fixed markup
    active: list[tuple[int, int, Mark]] = []
    by_start = sorted(spans, key=lambda x: x[0])
    k = 0
    for i, pos in enumerate(points):
        for m in sorted(starts.get(pos, ()), key=lambda m: m.number):
            out.append(_anchor(m))
        if i + 1 >= len(points):
            break
        nxt = points[i + 1]
        while k < len(by_start) and by_start[k][0] <= pos:
            active.append(by_start[k])
            k += 1
        active = [a for a in active if a[1] > pos]
        piece = text[pos:nxt]
        if not active:
            out.append(f'<span class="seg" data-o="{pos}">{escape(piece)}</span>')
            continue
        cover = sorted(active, key=lambda a: (a[1] - a[0], a[2].number))   # innermost first
        inner = cover[0][2]
        worst = max(cover, key=lambda a: SEVERITY_RANK.get(a[2].severity, 0))[2].severity
        depth = min(len(cover), 3)
        cls = f"hl {family_class(inner.family)} sev-{escape(worst)} d{depth}"
        if all(a[2].suppressed for a in cover):
            cls += " suppressed"
        ids = " ".join(str(int(a[2].number)) for a in cover)
        title = escape("\n".join(_title(a[2]) for a in cover))
        out.append(f'<mark class="{cls}" data-o="{pos}" data-f="{ids}" title="{title}">'
                   f'{escape(piece)}</mark>')
    return Markup("".join(out))


def snippet(mark: Mark, text: str) -> Markup:
    """A finding shown on its own span text (when the article's text is not at hand)."""
    return _anchor(mark) + Markup(f'<mark class="hl {family_class(mark.family)} '
                                  f'sev-{escape(mark.severity)} d1" data-f="{int(mark.number)}">'
                                  f'{escape(text)}</mark>')


_SLUG = re.compile(r"[^a-z0-9]+")


def slug(value: str, limit: int = 48) -> str:
    """Lower-case ASCII letters, digits and dashes only; never empty."""
    s = _SLUG.sub("-", value.lower()).strip("-")[:limit].strip("-")
    return s or "x"


def escape_text(value: object) -> Markup:
    return escape("" if value is None else str(value))
