"""The ``kb-words`` pack's word lists, compiled into the patterns that read titles beside names.

The knowledge base reads a title with its modifiers ("former", "acting", "-elect") and the body
after it ("of the United States"); the consistency checks read what stands around a title and
its name (the gap between them, a list, an attributive noun, a hypothetical or a time in the
past) and whether a sentence reports something said now. Every word those readings use is a
list of the ``kb-words`` pack (rules/kb/words.yaml, validated by
auditor/schemas/rules/kb-words.schema.json); this module holds only the shapes the lists are
put into (boundaries, optional parts, the order of the parts), built once per knowledge base
with the rules layer's ``phrases`` and ``compile_pattern``.

A modifier's *role* says what the mechanism does with it (see the pack's comments):
``former``, ``then``, ``acting``, ``incoming``, ``elect``, ``deputy``, ``ordinal``, ``current``,
``silent``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import regex

from ..rules import compile_pattern
from ..rules.phrases import alternation, normal_form

ROLES = ("former", "then", "acting", "incoming", "elect", "deputy", "ordinal", "current", "silent")
_PAREN = r"(?:\s*\([^()\n]{1,40}\))?"        # "(D-Calif.)" between a title and its name
_CAP = r"[A-Z][\w'.-]*"                      # a capitalised word of a body's name
_I = regex.IGNORECASE


def _roles(mapping: Mapping[str, Any] | None) -> dict[str, str]:
    """The items of a word -> role mapping that have a role, in their order."""
    return {w: r for w, r in (mapping or {}).items() if r is not None}


@dataclass(frozen=True)
class Lexicon:
    # pattern text for the knowledge base's title pattern (kb.py)
    modifiers: str              # every title modifier, silent ones included
    suffixes: str               # "-elect", " elect", "-designate"
    title_of: str               # "of"
    articles: str               # "the"
    # what the consistency checks match (compiled)
    modifier_rx: Any            # the recorded (not silent) modifiers, in a title's modifier text
    role_of: dict[str, str]     # a matched modifier or suffix (normal_form) -> its role
    deputy_title: Any
    cut_title: Any
    hypothetical_before: Any
    nominee_before: Any
    era_before: Any
    the_before: Any
    of_after: Any
    gap_right: Any
    gap_left_comma: Any
    gap_left_as: Any
    attributive: Any
    clause_after: Any
    list_after: Any
    name_suffix: Any
    said_now: Any
    now: Any
    then: Any
    hypothetical: Any
    past_ref: Any

    @classmethod
    def from_settings(cls, s: Mapping[str, Any]) -> "Lexicon":
        """Built from the settings of the ``kb-words`` pack (the default pack has every list)."""
        def alt(key: str, **slots: str) -> str:
            return alternation(s.get(key) or (), slots)

        mods = _roles(s.get("title_modifiers"))
        sufs = _roles(s.get("title_suffixes"))
        weekday = alt("weekdays")
        then_mods = list(dict.fromkeys(normal_form(w) for w, r in mods.items() if r == "then"))
        of, art, join = alt("title_of"), alt("articles"), alt("body_joiners")
        word = r"(?<![\w-])(?:{})(?![\w-])"
        return cls(
            modifiers=alternation(mods),
            suffixes=alternation(sufs),
            title_of=of,
            articles=art,
            modifier_rx=compile_pattern(
                r"(?<![\w-])" + alternation(w for w, r in mods.items() if r != "silent") + r"(?!\w)", _I),
            role_of={normal_form(w): r for w, r in [*mods.items(), *sufs.items()]},
            deputy_title=compile_pattern(alt("deputy_title_words"), _I),
            cut_title=compile_pattern(r"(?:\b|-)" + alt("cut_title_words") + r"[\s-]+$", _I),
            hypothetical_before=compile_pattern(r"(?:\b" + alt("hypothetical_before") + r"\s+)$", _I),
            nominee_before=compile_pattern(
                r"\b" + alt("nominee_before") + rf"\s+(?:{art}\s+)?$", _I),
            era_before=compile_pattern(
                r"\b" + alt("era_before") + rf"\s+(?:{alternation(then_mods)}[\s-]+)?$", _I),
            the_before=compile_pattern(r"\b" + art + r"\s+$", _I),
            of_after=compile_pattern(rf"\s+{of}\s+(?:{art}\s+)?({_CAP})"),
            gap_right=compile_pattern(
                rf"{_PAREN}(?:\s+{of}\s+(?:{art}\s+)?{_CAP}(?:\s+(?:{join}\s+)?(?:{art}\s+)?{_CAP}){{0,6}})?"
                rf"{_PAREN}\s*,?\s*"),
            gap_left_comma=compile_pattern(r"\s*,\s*(?:" + alt("after_name_comma") + r"\s+)?"),
            gap_left_as=compile_pattern(r"\s+" + alt("after_name_as") + r"\s+"),
            attributive=compile_pattern(r"\s+" + alt("attributive_nouns") + r"s?\b"),
            clause_after=compile_pattern(r"\s+" + alt("clause_verbs") + r"\b"),
            list_after=compile_pattern(r"""\s*["']?\s*""" + alt("list_joiners") + r"\s"),
            name_suffix=compile_pattern(r"\s*,?\s*" + alt("name_suffixes") + r"(?!\w)"),
            said_now=compile_pattern(r"""^[\s,"']*(?:(?:,[^,.]{0,60},)\s*)?(?:""" + alt("said_adverbs")
                                     + r"\s+)?" + alt("said_verbs") + r"\b"),
            now=compile_pattern(word.format(alt("now_words", weekday=weekday))),
            then=compile_pattern(word.format(alt("then_words")), _I),
            hypothetical=compile_pattern(word.format(alt("hypothetical_words")) + "|"
                                         + alt("hypothetical_endings") + r"\b", _I),
            past_ref=compile_pattern(word.format(alt("past_words")), _I),
        )

    def modifiers_of(self, *texts: str | None) -> dict[str, str]:
        """The recorded modifiers (normal form -> role) in a title's modifier and suffix texts."""
        out: dict[str, str] = {}
        for t in texts:
            if not t:
                continue
            for m in self.modifier_rx.finditer(t):
                w = normal_form(m.group(0))
                out[w] = self.role_of[w]
        return out

    def suffix_of(self, text: str | None) -> dict[str, str]:
        """The suffix ("-elect") matched after a title, as normal form -> role."""
        if not text:
            return {}
        w = normal_form(text)
        return {w: self.role_of[w]} if w in self.role_of else {}
