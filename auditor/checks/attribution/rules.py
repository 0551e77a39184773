"""The attribution rule pack compiled: cue lexicon, source words, outlet names."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ...kb import WordScanner
from ...rules import RuleSet
from .regex import _SCANNED, _Prefilter, compile_fast, prefilter, union, _full

KIND = "attribution"
OUTLETS = "outlets"



# -- compiled rules ------------------------------------------------------------------------
@dataclass
class Rules:
    cues: list[tuple[dict, Any]]
    pronouns: list[tuple[dict, Any]]
    references: list[Any]
    vague: list[Any]
    vague_standalone: list[tuple[dict, Any]]
    anonymous: list[Any]
    documents: list[Any]
    organizations: list[Any]
    outlet_context: list[Any]
    headline: list[Any]
    translation: list[Any]
    unsourced: list[tuple[dict, Any]]
    outlet_rx: Any                      # alternation of every outlet alias
    outlet_by_alias: dict[str, dict]    # name or alias -> outlet entry
    settings: dict[str, Any]
    fillers: set[str]
    clause_starts: set[str]
    skip_chunk: set[str]
    leading_drop: set[str]
    title_words: set[str]
    verbs_not_in_source: set[str]
    not_in_source_end: set[str]
    relative_words: set[str]
    role_heads: set[str]
    outlet_doc_words: set[str]
    not_name: set[str]
    object_stop_rx: Any
    unnamed: set[str]
    prefilters: dict = field(default_factory=dict)   # compiled pattern -> _Prefilter
    scanners: dict = field(default_factory=dict)     # compiled pattern -> kb.WordScanner
    classified: dict = field(default_factory=dict)   # (phrase, hint) -> classify's answer
    # one search telling whether any of several patterns matches (None: search them one by one)
    any_named_kind: Any = None      # references, pronouns, non-standalone vague
    any_anonymous: Any = None
    any_document: Any = None
    any_organization: Any = None

def _entry_flags(entry: dict) -> list[str]:
    """The flags ``entry_regex`` compiles an entry with."""
    return entry.get("flags", ["ignorecase"] if entry.get("ignorecase", True) else [])


def rules_for(ruleset: RuleSet) -> Rules:
    """The attribution rules compiled, once per rule set."""
    return ruleset.cached("attribution.rules", lambda: _build_rules(ruleset))


def _build_rules(ruleset: RuleSet) -> Rules:
    st = ruleset.settings(KIND)
    by_type: dict[str, list[dict]] = {}
    for e in ruleset.entries(KIND):
        by_type.setdefault(e.get("type", ""), []).append(e)

    prefilters: dict[Any, _Prefilter] = {}

    scanners: dict[Any, WordScanner] = {}

    def rx(e):
        compiled = compile_fast(e["pattern"], _entry_flags(e))
        if e.get("type") in _SCANNED:
            ws = WordScanner(compiled)
            if ws.exact:
                scanners[compiled] = ws
            pf = prefilter(e["pattern"], _entry_flags(e))
            if pf is not None:
                prefilters[compiled] = pf
        return compiled

    aliases: dict[str, dict] = {}
    for o in ruleset.entries(OUTLETS):
        names = list(o.get("aliases", []))
        if o.get("match_name", True):
            names.insert(0, o.get("name", ""))
        for name in names:
            if name and len(name) >= 2:
                aliases.setdefault(name, o)
                if name.startswith("The "):
                    aliases.setdefault("the " + name[4:], o)
    if aliases:
        alts = sorted(aliases, key=len, reverse=True)
        outlet_rx = compile_fast(
            r"(?<![\w-])(?:" + "|".join(re.escape(a) for a in alts) + r")(?![\w-])", [])
    else:
        outlet_rx = None
    stops = [re.escape(s) for s in st.get("object_stops", [])]
    stop_rx = compile_fast(r"\s(?:" + "|".join(stops) + r")\b" if stops else r"(?!)",
                           ["ignorecase"])
    low = lambda key: {str(w).casefold() for w in st.get(key, [])}   # noqa: E731
    r = Rules(
        cues=[(e, rx(e)) for e in by_type.get("cue", [])],
        pronouns=[(e, _full(e["pattern"], e.get("flags", ["ignorecase"])))
                  for e in by_type.get("pronoun", [])],
        references=[_full(e["pattern"], e.get("flags", ["ignorecase"]))
                    for e in by_type.get("reference", [])],
        vague=[rx(e) for e in by_type.get("vague", []) if not e.get("standalone")],
        vague_standalone=[(e, rx(e)) for e in by_type.get("vague", []) if e.get("standalone")],
        anonymous=[rx(e) for e in by_type.get("anonymous", [])],
        documents=[rx(e) for e in by_type.get("document", [])],
        organizations=[rx(e) for e in by_type.get("organization", [])],
        outlet_context=[rx(e) for e in by_type.get("outlet-context", [])],
        headline=[rx(e) for e in by_type.get("headline", [])],
        translation=[rx(e) for e in by_type.get("translation", [])],
        unsourced=[(e, rx(e)) for e in by_type.get("unsourced", [])],
        outlet_rx=outlet_rx, outlet_by_alias=aliases, settings=st,
        fillers=low("fillers"), clause_starts=low("clause_starts"),
        skip_chunk=low("skip_chunk_starts"), leading_drop=low("leading_drop"),
        title_words=low("title_words"), not_name=low("not_name_words"),
        role_heads=low("role_heads"), outlet_doc_words=low("outlet_document_words"),
        verbs_not_in_source=low("verbs_not_in_source"), not_in_source_end=low("not_in_source_end"),
        relative_words=low("relative_words"),
        object_stop_rx=stop_rx, unnamed=low("unnamed"), prefilters=prefilters,
        scanners=scanners,
    )
    full = lambda e: (rf"^(?:{e['pattern']})$", e.get("flags", ["ignorecase"]))   # noqa: E731
    own = lambda e: (e["pattern"], _entry_flags(e))                             # noqa: E731
    r.any_named_kind = union([full(e) for e in by_type.get("reference", [])] +
                             [full(e) for e in by_type.get("pronoun", [])] +
                             [own(e) for e in by_type.get("vague", []) if not e.get("standalone")])
    r.any_anonymous = union([own(e) for e in by_type.get("anonymous", [])])
    r.any_document = union([own(e) for e in by_type.get("document", [])])
    r.any_organization = union([own(e) for e in by_type.get("organization", [])])
    r.any_outlet_context = union([own(e) for e in by_type.get("outlet-context", [])])
    return r


