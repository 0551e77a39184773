"""Attribution: who says what, on whose authority.

Cue-first. Every reporting cue of the text is found first (reporting verbs in every form, from
the lemmas of ``rules/attribution.yaml``; "according to", "citing", speech nouns), negated and
non-speech uses are dropped, and each cue's source is read from its clause: the speaker's noun
phrase before or after it (``sources``), typed person, organization, outlet, document,
anonymous, vague or pronoun. Chains come from nesting, not phrase lists (``chains``): an
attribution whose content holds another, or whose statement reaches the article through an
outlet ("told CNN", "according to Reuters, X said"), is a hop, written article outward.

Modules: ``rules`` (the pack compiled), ``regex`` (the faster compiled form of its patterns),
``sources``, ``cues``, ``chains``, ``check`` (the registered check and its findings).

The article's report entry gets ``attributions`` and ``chains``; findings are
``attribution.second-hand``, ``.anonymous``, ``.vague``, ``.headline``, ``.translation``,
``.circular`` and ``.unsourced``. Everything works on a copy of the text with curly quotes and
dashes straightened one for one, so offsets are those of the original text.
"""
from __future__ import annotations

from .check import analyse, attribution
from .regex import TextScan, factored, prefilter, scan, union
from .rules import KIND, OUTLETS, Rules, rules_for
from .sources import classify, straight

__all__ = ["KIND", "OUTLETS", "Rules", "TextScan", "analyse", "attribution", "classify",
           "factored", "prefilter", "rules_for", "scan", "straight", "union"]
