"""The knowledge base: people, the posts they held and when, read from rule packs.

Packs (see docs/readme/consistency.md): ``kb-people`` (a person, the spellings of
the name, tenures), ``kb-positions`` (a post, its jurisdiction and kind, the title
phrases that name it), ``kb-jurisdictions`` (nouns and adjectives naming a country),
``kb-variants`` (places and organisations written more than one way) and
``house-style``. This module turns them into an indexed :class:`KB` with the
regular expressions that find names and titles; nothing here knows a name.

Dates may be partial (``2023-06``): a boundary is then a range, and a holding
is *possible* anywhere the ranges allow. Checks only call a title wrong when it
is impossible, never merely unproven.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Iterable

import regex

from ..rules import RuleSet
from ..rules.wordscan import WordScanner
from .lexicon import Lexicon

D = dt.date
FAR_PAST = D(1, 1, 1)
FAR_FUTURE = D(9999, 12, 31)
_SPACES = regex.compile(r"\s+")
_WORD = regex.compile(r"\w+")
_INITIAL = regex.compile(r"\s+[A-Z]\.(?=\s)")
_POSSESSIVE_END = regex.compile(r"(?:'s|')$")


def parse_kb_date(value: str | None, *, latest: bool = False) -> D | None:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; a partial date gives its first (or last) day."""
    if not value:
        return None
    parts = [int(p) for p in str(value).split("-")]
    y = parts[0]
    if len(parts) == 1:
        return D(y, 12, 31) if latest else D(y, 1, 1)
    m = parts[1]
    if len(parts) == 2:
        if not latest:
            return D(y, m, 1)
        nxt = D(y + (m == 12), m % 12 + 1, 1)
        return nxt - dt.timedelta(days=1)
    return D(y, m, parts[2])


@dataclass
class Tenure:
    person: str
    position: str
    start_lo: D | None          # earliest possible start (None: unknown)
    start_hi: D | None          # latest possible start
    end_lo: D | None            # earliest possible end (None: no observed end)
    end_hi: D | None
    known_until: D              # an open tenure is known to hold up to here
    acting: bool = False
    elected: D | None = None
    scheduled_end: D | None = None
    source: str = ""
    raw: dict = field(default_factory=dict)

    @property
    def open(self) -> bool:
        return self.end_lo is None

    def possibly_holding(self, t: D) -> bool:
        """Could the person hold the post on ``t``? Unknown starts count as possible."""
        if self.start_lo is not None and t < self.start_lo:
            return False
        if self.end_hi is not None and t > self.end_hi:
            return False
        return True

    def surely_holding(self, t: D, extrapolate: bool = False) -> bool:
        """Surely in office on ``t``. An open tenure is known only up to ``known_until``;
        ``extrapolate`` assumes it goes on (to a scheduled end, if any)."""
        if self.start_hi is None or t < self.start_hi:
            return False
        if self.end_lo is not None:
            return t < self.end_lo
        if extrapolate:
            return self.scheduled_end is None or t < self.scheduled_end
        return t <= self.known_until

    def ended_by(self, t: D) -> bool:
        """Surely ended before ``t``."""
        return self.end_hi is not None and self.end_hi < t

    def describe(self, label: str) -> str:
        acting = "acting " if self.acting else ""
        start = self.raw.get("start")
        end = self.raw.get("end")
        if start and end:
            return f"{acting}{label} {start} to {end}"
        if start:
            return f"{acting}{label} since {start}"
        if end:
            return f"{acting}{label} until {end}"
        return f"{acting}{label} (known as of {self.known_until.isoformat()})"


@dataclass
class Person:
    id: str
    name: str
    given: list[str]
    family: list[str]
    aliases: list[str]
    short: bool
    family_first: bool
    jurisdictions: set[str]
    tenures: list[Tenure]
    source: str
    retrieved: D
    given_forms: list[str] = field(default_factory=list)   # other forms of the given name, not spellings


@dataclass
class Position:
    id: str
    label: str
    short_label: str
    jurisdiction: str
    kind: str
    titles: list[str]
    phrases: list[str]
    deputy_of: str | None
    single: bool
    covered_from: D | None


@dataclass
class NameForm:
    person: str
    text: str
    kind: str          # full | family | alias
    given: str | None
    family: str | None


class KB:
    def __init__(self, ruleset: RuleSet):
        # the word lists of the kb-words pack, compiled: title modifiers, the words around titles
        self.lexicon = Lexicon.from_settings(ruleset.settings("kb-words"))
        self.jurisdictions: dict[str, dict] = {e["id"]: e for e in ruleset.entries("kb-jurisdictions")}
        self.positions: dict[str, Position] = {}
        for e in ruleset.entries("kb-positions"):
            self.positions[e["id"]] = Position(
                e["id"], e["label"], e.get("short_label") or e["label"], e["jurisdiction"], e["kind"],
                list(e.get("titles") or []), list(e.get("phrases") or []), e.get("deputy_of"),
                e.get("single", True), parse_kb_date(e.get("covered_from")))
        self.people: dict[str, Person] = {}
        default_retrieved = ruleset.settings("kb-people").get("retrieved")
        for e in ruleset.entries("kb-people"):
            retrieved = parse_kb_date(e.get("retrieved") or default_retrieved) or D.today()
            tenures = []
            for t in e.get("tenures") or []:
                if t.get("position") not in self.positions:
                    continue
                t_ret = parse_kb_date(t.get("retrieved")) or retrieved
                tenures.append(Tenure(
                    e["id"], t["position"], parse_kb_date(t.get("start")),
                    parse_kb_date(t.get("start"), latest=True), parse_kb_date(t.get("end")),
                    parse_kb_date(t.get("end"), latest=True), t_ret, bool(t.get("acting")),
                    parse_kb_date(t.get("elected")), parse_kb_date(t.get("scheduled_end")),
                    t.get("source") or e.get("source", ""), dict(t)))
            tenures.sort(key=lambda x: x.start_lo or FAR_PAST)
            juris = set(e.get("jurisdictions") or []) | {self.positions[t.position].jurisdiction
                                                         for t in tenures}
            name = e["name"]
            given = list(e.get("given") or [])
            family = list(e.get("family") or [])
            if not given and not family:
                parts = name.split()
                given, family = parts[:-1] and [" ".join(parts[:-1])], [parts[-1]]
            self.people[e["id"]] = Person(e["id"], name, given, family, list(e.get("aliases") or []),
                                          bool(e.get("short", False)), bool(e.get("family_first")),
                                          juris, tenures, e.get("source", ""), retrieved,
                                          [g for g in e.get("given_forms") or [] if g not in given])
        self._build_names()
        self._build_titles()
        self.variants = list(ruleset.entries("kb-variants"))
        self.variant_settings = ruleset.settings("kb-variants")
        self.house_style = list(ruleset.entries("house-style"))
        self.house_style_settings = ruleset.settings("house-style")
        # words that may stand before a family name or a title (the kb-words pack)
        self.honorifics = frozenset(w.casefold() for w in
                                    ruleset.settings("kb-words").get("honorifics") or ())

    # -- names ------------------------------------------------------------------------
    def _build_names(self) -> None:
        forms: dict[str, list[NameForm]] = {}

        def add(text: str, nf: NameForm) -> None:
            forms.setdefault(text, []).append(nf)

        for p in self.people.values():
            for g in p.given + p.given_forms:
                for f in p.family:
                    full = f"{f} {g}" if p.family_first else f"{g} {f}"
                    add(full, NameForm(p.id, full, "full", g, f))
            for a in p.aliases:
                add(a, NameForm(p.id, a, "alias", None, None))
            for f in p.family:
                add(f, NameForm(p.id, f, "family", None, f))
        self.name_forms = forms
        alts = []
        by_first: dict[str, list[str]] | None = {}
        for text in sorted(forms, key=len, reverse=True):
            parts = [regex.escape(w) for w in text.split()]
            if len(parts) >= 2 and not any(nf.family_first for nf in ()):
                # allow a middle initial or name between given and family name ("Donald J. Trump")
                pat = parts[0] + r"(?:\s+[A-Z]\.)?\s+" + r"\s+".join(parts[1:])
            else:
                pat = r"\s+".join(parts)
            alts.append(pat)
            first = _WORD.match(text)
            if first is None:
                by_first = None
            elif by_first is not None:
                by_first.setdefault(first.group(), []).append(pat)
        self.name_rx = regex.compile(r"(?<![\w'-])(?:" + "|".join(alts) + r")(?![\w-])") if alts else None
        # the same alternation cut by first word: at a word only its own forms can match
        split = {w: regex.compile(r"(?<![\w'-])(?:" + "|".join(ps) + r")(?![\w-])")
                 for w, ps in by_first.items()} if by_first else None
        self.name_scan = WordScanner(self.name_rx, split=split) if self.name_rx is not None else None
        self._form_lookup = {_SPACES.sub(" ", k).casefold(): v for k, v in forms.items()}

    def forms_for(self, matched: str) -> list[NameForm]:
        key = _INITIAL.sub("", matched)
        key = _SPACES.sub(" ", key).casefold()
        return self._form_lookup.get(key, [])

    # -- titles -----------------------------------------------------------------------
    def _build_titles(self) -> None:
        core_map: dict[str, set[str]] = {}
        phrase_rx: list[tuple[Any, str]] = []
        for p in self.positions.values():
            for t in p.titles:
                core_map.setdefault(_SPACES.sub(" ", t).casefold(), set()).add(p.id)
            for ph in p.phrases:
                phrase_rx.append((regex.compile(ph, regex.IGNORECASE), p.id))
        self.core_map = core_map
        # every word of every title phrase, casefolded ("prime", "minister", ...)
        self.core_words = frozenset(t.casefold() for ws in core_map for t in ws.split())
        self._core_cache: dict[str, frozenset[str]] = {}
        self._jur_cache: dict[str, frozenset[str]] = {}
        self.phrase_rx = phrase_rx
        jur_forms: dict[str, set[str]] = {}
        cs_forms: dict[str, set[str]] = {}
        for j in self.jurisdictions.values():
            cs = set(j.get("case_sensitive") or [])
            for f in list(j.get("names") or []) + list(j.get("adjectives") or []) + [j["name"]]:
                (cs_forms if f in cs else jur_forms).setdefault(f if f in cs else f.casefold(),
                                                                set()).add(j["id"])
        self.jur_forms = jur_forms
        self.jur_cs_forms = cs_forms

        def alt(items: Iterable[str], cs: bool = False) -> str:
            out = []
            for s in sorted(set(items), key=len, reverse=True):
                e = r"\s+".join(regex.escape(w) for w in s.split())
                out.append(f"(?-i:{e})" if cs else e)
            return "|".join(out)

        jur_noun = alt([f for j in self.jurisdictions.values() for f in (j.get("names") or [])
                        if f not in (j.get("case_sensitive") or [])] +
                       [j["name"] for j in self.jurisdictions.values()])
        jur_noun_cs = alt([f for j in self.jurisdictions.values() for f in (j.get("names") or [])
                           if f in (j.get("case_sensitive") or [])], cs=True)
        jur_adj = alt([f for j in self.jurisdictions.values() for f in (j.get("adjectives") or [])
                       if f not in (j.get("case_sensitive") or [])])
        jur_adj_cs = alt([f for j in self.jurisdictions.values() for f in (j.get("adjectives") or [])
                          if f in (j.get("case_sensitive") or [])], cs=True)
        nouns = "|".join(x for x in (jur_noun_cs, jur_noun) if x)
        adjs = "|".join(x for x in (jur_adj_cs, jur_adj) if x)
        cores = alt(core_map)
        phrases = "|".join(f"(?:{ph})" for p in self.positions.values() for ph in p.phrases)
        core = "|".join(x for x in (phrases, cores) if x)
        lex = self.lexicon                  # modifiers, suffixes, "of", "the": the kb-words pack
        mod = rf"(?:{lex.modifiers}\s+)*"
        jpre = rf"(?:(?:{nouns})(?:'s|')\s+|(?:{adjs})\s+)" if nouns else ""
        jpost = rf"(?:\s+{lex.title_of}\s+(?:{lex.articles}\s+)?(?P<jpost>{nouns})(?![\w'-]))?" if nouns else ""
        pattern = (rf"(?<![\w-])(?P<mod1>{mod})(?P<jpre>{jpre})?(?P<mod2>{mod})(?P<core>{core})"
                   rf"(?P<elect>{lex.suffixes})?(?![\w-]){jpost}")
        self.title_rx = regex.compile(pattern, regex.IGNORECASE) if core else None
        self.title_scan = WordScanner(self.title_rx) if self.title_rx is not None else None

    def positions_for_core(self, core: str) -> set[str]:
        got = self._core_cache.get(core)
        if got is None:
            key = _SPACES.sub(" ", core).casefold()
            found = set(self.core_map.get(key, ()))
            for rx, pid in self.phrase_rx:
                if rx.fullmatch(core):
                    found.add(pid)
            got = frozenset(found)
            if len(self._core_cache) < 100_000:
                self._core_cache[core] = got
        return set(got)

    def jurisdiction_of(self, text: str | None) -> set[str]:
        if not text:
            return set()
        got = self._jur_cache.get(text)
        if got is None:
            t = _POSSESSIVE_END.sub("", text.strip())
            t = _SPACES.sub(" ", t)
            got = frozenset(self.jur_cs_forms.get(t, set())) | frozenset(self.jur_forms.get(t.casefold(), set()))
            if len(self._jur_cache) < 100_000:
                self._jur_cache[text] = got
        return set(got)

    # -- facts --------------------------------------------------------------------------
    def held(self, person: str, positions: Iterable[str]) -> list[Tenure]:
        ps = set(positions)
        return [t for t in self.people[person].tenures if t.position in ps]

    def summary(self, person: str, limit: int = 3) -> str:
        """What the KB holds, e.g. 'President of Ukraine since 2019-05-20'."""
        p = self.people[person]
        parts = []
        by_pos: dict[str, list[Tenure]] = {}
        for t in p.tenures:
            by_pos.setdefault(t.position, []).append(t)
        for pid, ts in by_pos.items():
            label = self.positions[pid].label
            if len(ts) == 1:
                parts.append(ts[0].describe(label))
            else:
                spans = []
                for t in ts:
                    s, e = t.raw.get("start") or "?", t.raw.get("end")
                    spans.append(f"{s} to {e}" if e else f"since {s}")
                parts.append(f"{label} " + " and ".join(spans))
        if not parts:
            return "no post recorded"
        return "; ".join(parts[-limit:])


def get_kb(ruleset: RuleSet) -> KB:
    """The rule set's knowledge base, built once per rule set."""
    return ruleset.cached("kb", lambda: KB(ruleset))
