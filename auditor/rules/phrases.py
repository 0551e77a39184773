"""Word and phrase lists of rule packs, turned into pattern text for ``compile_pattern``.

A list in a pack (the ``kb-words`` pack's ``now_words``, ``said_verbs``, ...) holds plain words
and phrases, not regular expressions, so that a user can add a word without knowing regex
syntax. In each item

* a space stands for any run of white space ("at the time", and " elect": white space, then
  "elect");
* ``*`` stands for a run of word characters ("* years ago": "four years ago"; "*ly": "quickly");
* ``'`` stands for either apostrophe, straight or curly ("won't", "won’t");
* ``{name}`` stands for any word of another list the mechanism offers under that name
  (``{weekday}``: a weekday of the ``weekdays`` list);

and everything else is literal. ``alternation`` joins the items, in the order given, into
``(?:a|b|...)``; the caller puts the boundaries and the context around it and compiles the
result with :func:`auditor.rules.compile_pattern`. An empty list gives ``(?!)``, which never
matches, so a pattern built around it simply has no such branch.
"""
from __future__ import annotations

from typing import Iterable, Mapping

import regex

NEVER = "(?!)"
_TOKEN = regex.compile(r"\{(\w+)\}|(\s+)|(\*)|(['’])|([^\s*'’{]+|\{)")


def phrase(text: str, slots: Mapping[str, str] | None = None) -> str:
    """The pattern text of one list item (see the module's docstring)."""
    out = []
    for m in _TOKEN.finditer(text):
        slot, space, star, quote, literal = m.groups()
        if slot is not None:
            if not slots or slot not in slots:
                raise ValueError(f"{text!r}: no list {{{slot}}} here"
                                 + (f" (known: {', '.join('{%s}' % s for s in slots)})" if slots else ""))
            out.append(slots[slot])
        elif space:
            out.append(r"\s+")
        elif star:
            out.append(r"\w+")
        elif quote:
            out.append("['’]")
        else:
            out.append(regex.escape(literal))
    return "".join(out)


def alternation(items: Iterable[str], slots: Mapping[str, str] | None = None) -> str:
    """``(?:p1|p2|...)`` of the items' patterns in their order; ``(?!)`` when there is none."""
    alts = [phrase(t, slots) for t in items]
    return "(?:" + "|".join(alts) + ")" if alts else NEVER


def normal_form(text: str) -> str:
    """An item, or the text it matched, as a key: lower case, white space as one space, the
    curly apostrophe straight, no '-' at either end ("ex-" and "Ex" both give "ex"; " elect"
    gives "elect"). Equal for an item without ``*`` or ``{name}`` and every text it matches."""
    return " ".join(text.split()).strip("-").replace("’", "'").lower()
