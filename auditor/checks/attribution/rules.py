"""The attribution rule pack compiled: cue lexicon, source words, outlet names."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ...rules.wordscan import WordScanner
from ...rules import RuleSet
from .regex import _SCANNED, ScanAll, _Prefilter, compile_fast, prefilter, union, _full

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
    negators: set[str] = field(default_factory=set)
    negating_verbs: set[str] = field(default_factory=set)
    time_words: set[str] = field(default_factory=set)
    quantifiers: set[str] = field(default_factory=set)
    collective_heads: set[str] = field(default_factory=set)
    plural_heads: tuple[str, ...] = ()
    object_control: set[str] = field(default_factory=set)
    infinitive_not_after: set[str] = field(default_factory=set)
    infinitive_requests: set[str] = field(default_factory=set)
    person_endings: tuple[str, ...] = ()   # "juror", "activist": a noun for a person
    name_particles: frozenset[str] = frozenset()  # "de", "van": inside a name, never first
    abbreviations: frozenset[str] = frozenset()   # "mr", "u.s": their full stop ends no sentence
    # closed classes of words the clause reader tests words against (settings of the same name)
    pronoun_words: frozenset[str] = frozenset()
    subject_pronouns: frozenset[str] = frozenset()
    object_pronouns: frozenset[str] = frozenset()
    determiners: frozenset[str] = frozenset()
    prepositions: frozenset[str] = frozenset()
    participle_prepositions: frozenset[str] = frozenset()
    phrase_openers: frozenset[str] = frozenset()
    not_before_cue: frozenset[str] = frozenset()
    articles: frozenset[str] = frozenset()
    definites: frozenset[str] = frozenset()
    indefinites: frozenset[str] = frozenset()
    coordinators: frozenset[str] = frozenset()
    name_joiners: frozenset[str] = frozenset()
    not_source_openers: frozenset[str] = frozenset()
    object_openers: frozenset[str] = frozenset()
    indefinite_articles: frozenset[str] = frozenset()
    subject_link_words: frozenset[str] = frozenset()
    role_link_words: frozenset[str] = frozenset()
    role_openers: frozenset[str] = frozenset()
    body_name_markers: frozenset[str] = frozenset()
    and_clause_openers: frozenset[str] = frozenset()
    outlet_label_words: frozenset[str] = frozenset()  # "Online News" in a feed's outlet label
    journalist_words: frozenset[str] = frozenset()    # "told host Jimmy Kimmel": a hop
    outlet_by_stem: dict = field(default_factory=dict)  # label_stem(name) -> registry entry
    designation_rx: Any = None                        # "R-Columbus" after a name
    negating_rx: Any = None             # "declined to", "did not", ... at a position
    prefilters: dict = field(default_factory=dict)   # compiled pattern -> _Prefilter
    scanners: dict = field(default_factory=dict)     # compiled pattern -> kb.WordScanner
    scan_cues: Any = None                            # ScanAll over ``cues``
    classified: dict = field(default_factory=dict)   # (phrase, hint) -> classify's answer
    # one search telling whether any of several patterns matches (None: search them one by one)
    any_named_kind: Any = None      # references, pronouns, non-standalone vague
    any_anonymous: Any = None
    any_document: Any = None
    any_organization: Any = None

def _entry_flags(entry: dict) -> list[str]:
    """The flags ``entry_regex`` compiles an entry with."""
    return entry.get("flags", ["ignorecase"] if entry.get("ignorecase", True) else [])


# the settings that name a closed class of words, each a Rules field of the same name
CLOSED_CLASSES = ("pronoun_words", "subject_pronouns", "object_pronouns", "determiners",
                  "prepositions", "participle_prepositions", "phrase_openers", "not_before_cue",
                  "articles", "definites", "indefinites", "coordinators", "name_joiners",
                  "not_source_openers", "object_openers", "indefinite_articles",
                  "subject_link_words", "role_link_words", "role_openers", "body_name_markers",
                  "and_clause_openers")


def rules_for(ruleset: RuleSet) -> Rules:
    """The attribution rules compiled, once per rule set."""
    return ruleset.cached("attribution.rules", lambda: _build_rules(ruleset))


# -- the cue lexicon: lemmas in the pack, their forms made here ------------------------------
_LEXICON_REF = re.compile(r"<<([\w-]+):([\w,]+)>>")
_FORMS = ("base", "third", "past", "ing")
_VOWELS = "aeiou"
# one syllable ending consonant-vowel-consonant doubles its last letter before -ed and -ing
_DOUBLES = re.compile(r"^[^aeiou]*[aeiou][^aeiouwxy]$")


def label_stem(name: str, words: frozenset[str]) -> str:
    """An outlet name without "the", a possessive and its trailing label words ("Fox Online
    News" -> "fox", "The New York Times - News" -> "new york times")."""
    name = name.casefold().split(" (")[0].split(" - ")[0].removeprefix("the ")
    ws = name.replace("'s", "").split()
    while ws and ws[-1] in words:
        ws.pop()
    return " ".join(ws)


def inflect(lemma: str, form: str, irregular: dict[str, dict[str, Any]] | None = None) -> list[str]:
    """The forms of an English verb ("point out", "past" -> ["pointed out"]). Regular forms are
    made by the spelling rules (a one-syllable verb ending consonant-vowel-consonant doubles it:
    "bragged"); the pack's ``irregular`` table gives the others (a string or a list: "said",
    ["written", "wrote"]), for the whole phrase or for its first word; only the first word of a
    phrase is inflected."""
    head, _, rest = lemma.partition(" ")
    tail = " " + rest if rest else ""
    table = irregular or {}
    if form in (table.get(lemma) or {}):         # the whole phrase: "fire back" -> "fired back"
        got = table[lemma][form]
        return [got] if isinstance(got, str) else list(got)
    if form in (table.get(head) or {}):          # its first word: "go on" -> "went" + " on"
        got = table[head][form]
        return [g + tail for g in ([got] if isinstance(got, str) else got)]
    w = head
    if form in ("past", "ing") and _DOUBLES.match(w):
        w = w + w[-1]                            # "brag" -> "bragged", "slam" -> "slamming"
    if form == "base":
        out = w
    elif form == "third":
        out = w + "es" if w.endswith(("s", "x", "z", "ch", "sh", "o")) else \
            w[:-1] + "ies" if w.endswith("y") and w[-2:-1] not in _VOWELS else w + "s"
    elif form == "past":
        out = w + "d" if w.endswith("e") else \
            w[:-1] + "ied" if w.endswith("y") and w[-2:-1] not in _VOWELS else w + "ed"
    elif form == "ing":
        out = w[:-2] + "ying" if w.endswith("ie") else \
            w[:-1] + "ing" if w.endswith("e") and not w.endswith(("ee", "ye", "oe")) else w + "ing"
    else:
        raise ValueError(f"unknown verb form {form!r} (one of {', '.join(_FORMS)})")
    return [out + tail]


def expand_lexicon(pattern: str, lexicon: dict[str, Any]) -> str:
    """``<<group:past,third>>`` in a pattern: an alternation of those forms of the lemmas of
    ``lexicon.groups[group]``, longest first."""
    groups = lexicon.get("groups") or {}
    irregular = lexicon.get("irregular") or {}

    def sub(m: re.Match) -> str:
        name, forms = m.group(1), m.group(2).split(",")
        if name not in groups:
            raise ValueError(f"pattern refers to lexicon group {name!r}, which the pack's "
                             f"settings.lexicon.groups does not define")
        words = {f for lemma in groups[name] for form in forms
                 for f in inflect(str(lemma), form, irregular)}
        alts = sorted(words, key=lambda x: (-len(x), x))
        return "(?:" + "|".join(re.escape(x).replace("\\ ", "\\s+") for x in alts) + ")"

    return _LEXICON_REF.sub(sub, pattern)


def _build_rules(ruleset: RuleSet) -> Rules:
    st = ruleset.settings(KIND)
    lexicon = st.get("lexicon") or {}
    by_type: dict[str, list[dict]] = {}
    for e in ruleset.entries(KIND):
        if "<<" in e.get("pattern", ""):
            e = dict(e, pattern=expand_lexicon(e["pattern"], lexicon))
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
        object_stop_rx=stop_rx, unnamed=low("unnamed"), negators=low("negators"),
        negating_verbs=low("negating_verbs"), time_words=low("time_words"),
        quantifiers=low("quantifiers"), collective_heads=low("collective_heads"),
        plural_heads=tuple(sorted(low("plural_heads"))), object_control=low("object_control"),
        infinitive_not_after=low("infinitive_not_after"),
        infinitive_requests=low("infinitive_requests"),
        person_endings=tuple(sorted(low("person_noun_endings"))), prefilters=prefilters,
        name_particles=frozenset(low("name_particles")),
        abbreviations=ruleset.sentence_abbreviations(),
        **{k: frozenset(low(k)) for k in CLOSED_CLASSES},
        outlet_label_words=frozenset(low("outlet_label_words")),
        journalist_words=frozenset(low("journalist_words")),
        scanners=scanners,
    )
    if r.negating_verbs:
        r.negating_rx = re.compile(r"(?:" + "|".join(
            re.escape(v).replace("\\ ", r"\s+") for v in sorted(r.negating_verbs, key=len,
                                                                 reverse=True)) + r")\s", re.I)
    full = lambda e: (rf"^(?:{e['pattern']})$", e.get("flags", ["ignorecase"]))   # noqa: E731
    own = lambda e: (e["pattern"], _entry_flags(e))                             # noqa: E731
    r.any_named_kind = union([full(e) for e in by_type.get("reference", [])] +
                             [full(e) for e in by_type.get("pronoun", [])] +
                             [own(e) for e in by_type.get("vague", []) if not e.get("standalone")])
    r.any_anonymous = union([own(e) for e in by_type.get("anonymous", [])])
    r.any_document = union([own(e) for e in by_type.get("document", [])])
    r.any_organization = union([own(e) for e in by_type.get("organization", [])])
    r.any_outlet_context = union([own(e) for e in by_type.get("outlet-context", [])])
    r.scan_cues = ScanAll(r.cues, scanners)
    if st.get("name_designation"):
        r.designation_rx = compile_fast(st["name_designation"], [])   # case-sensitive
    for name, o in aliases.items():     # "Fox Online News" (a feed's label) -> Fox News
        stem = label_stem(name, r.outlet_label_words)
        if stem:
            r.outlet_by_stem.setdefault(stem, o)
    return r


