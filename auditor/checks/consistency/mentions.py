"""Names and the titles given to them: :func:`find_names`, :func:`find_mentions`.

A title found by the knowledge base's title pattern is paired with a name next to it (before or
after it, across the gap words of the ``kb-words`` pack), or read as an anaphor ("the former
president") of an earlier pairing; its modifiers are recorded with their roles.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import regex

from ...knowledge.dates import Calendar
from ...knowledge.kb import KB
from ...model import Article
from ...rules.wordscan import Words, article_words
from ...text import normalise

CURRENT, FORMER, ELECT = "current", "former", "elect"


# -- mentions ---------------------------------------------------------------------------
@dataclass
class NameHit:
    start: int
    end: int
    text: str
    person: str | None
    kind: str                      # full | family | alias
    given: str | None
    family: str | None
    ambiguous: bool = False        # a family name alone that another known person also bears


@dataclass
class Mention:
    person: str
    name: NameHit | None
    t_start: int
    t_end: int
    title: str
    positions: set[str]
    mods: set[str]                 # the modifier words, as recorded in the evidence
    tense: str
    pairing: str                   # before | after | as | anaphor
    explicit_jur: bool
    roles: set[str] = field(default_factory=set)   # what the modifiers say (kb-words roles)

    @property
    def start(self) -> int:
        return min(self.t_start, self.name.start) if self.name else self.t_start

    @property
    def end(self) -> int:
        return max(self.t_end, self.name.end) if self.name else self.t_end


class _Text:
    """Normalised text (quotes, dashes, spaces) with spans mapped back to the original."""

    def __init__(self, article: Article, data: dict[str, Any] | None = None,
                 cal: Calendar | None = None):
        self.article = article
        self.calendar = cal             # the date patterns (kb-words pack); None: the defaults
        self.norm = normalise(article.text, strip=False)
        self.text = self.norm.text
        self._words: Words | None = None
        self._data = {} if data is None else data

    @property
    def words(self) -> Words:
        """The words of the normalised text (for the KB's scanners), computed once (their set
        shared with the other checks of the article: ``kb.article_words``)."""
        if self._words is None:
            self._words = article_words(self.article.text, self.text, self._data)
        return self._words

    def orig(self, s: int, e: int) -> tuple[int, int]:
        return self.norm.span_to_original(s, e)


_DIGIT_AFTER = regex.compile(r"\s+\d")
_PREV_WORD = regex.compile(r"([\w'.-]+)\s+$")


def find_names(tx: _Text, kb: KB) -> list[NameHit]:
    if kb.name_rx is None:
        return []
    raw = []
    for m in kb.name_scan.finditer(tx.text, tx.words, timeout=2.0):
        forms = kb.forms_for(m.group(0))
        if not forms:
            continue
        # "Donald Trump Jr." is someone else
        if kb.lexicon.name_suffix.match(tx.text[m.end():m.end() + 6]):
            continue
        if forms[0].kind == "family" and _DIGIT_AFTER.match(tx.text[m.end():m.end() + 3]):
            continue                                  # "May 16" is a date

        raw.append((m, forms))
    full_people = {nf.person for m, forms in raw for nf in forms if nf.kind in ("full", "alias")}
    out = []
    for m, forms in raw:
        kind = forms[0].kind
        if kind in ("full", "alias"):
            people = {nf.person for nf in forms if nf.kind == kind}
        else:
            prev = _PREV_WORD.search(tx.text[max(0, m.start() - 40):m.start()])
            if prev and prev.group(1).endswith(".") and len(prev.group(1)) > 3:
                prev = None                       # the end of the previous sentence
            if prev and prev.group(1)[:1].isupper() and prev.group(1).rstrip(".").casefold().rstrip(
                    "'s") not in kb.honorifics and not kb.jurisdiction_of(prev.group(1)):
                if prev.group(1).rstrip(".").casefold() not in kb.core_words:
                    continue                      # "Ivanka Trump", "Liz Cheney": another person
            cands = [nf for nf in forms if nf.kind == "family"]
            people = {nf.person for nf in cands if nf.person in full_people}
            if not people:
                people = {nf.person for nf in cands if kb.people[nf.person].short}
        if len(people) != 1:
            continue
        pid = next(iter(people))
        nf = next(nf for nf in forms if nf.person == pid)
        out.append(NameHit(m.start(), m.end(), m.group(0), pid, nf.kind, nf.given, nf.family,
                           kind == "family" and len({f.person for f in forms}) > 1))
    return out


_QUALIFIER = regex.compile(r"([A-Z][\w.-]*)([ \t]+)$")
_QUOTATION = regex.compile(r'"[^"\n]{1,1500}"')
_NAME_AFTER = regex.compile(r"[ \t]+[A-Z][a-z]")
_POSSESSIVE = regex.compile(r"['’]s?(?!\w)")
_LIST_BEFORE = regex.compile(r"[A-Z][\w.'-]+,\s*$")


def _tense(roles: set[str]) -> str:
    if "former" in roles:
        return FORMER
    if roles & {"elect", "incoming"}:
        return ELECT
    return CURRENT


def find_mentions(tx: _Text, kb: KB, names: list[NameHit]) -> list[Mention]:
    """Titles given to the named people: a title paired with a name next to it, or an anaphor
    ("the former president") of such a pairing earlier in the text. Without names there is
    neither, so the titles are not looked for."""
    if kb.title_rx is None or not names:
        return []
    text = tx.text
    lex = kb.lexicon
    by_start = sorted(names, key=lambda n: n.start)
    out: list[Mention] = []
    used_names: set[int] = set()
    for m in kb.title_scan.finditer(text, tx.words, timeout=2.0):
        core = m.group("core")
        positions = kb.positions_for_core(core)
        if not positions:
            continue
        words = lex.modifiers_of(m.group("mod1"), m.group("mod2"))
        words.update(lex.suffix_of(m.group("elect")))
        if lex.deputy_title.match(core):          # the phrase itself names the deputy post
            words = {w: r for w, r in words.items() if r != "deputy"}
        if "deputy" not in words.values():        # "first" only in "first deputy"
            words = {w: r for w, r in words.items() if r != "ordinal"}
        mods, roles = set(words), set(words.values())
        if lex.hypothetical_before.search(text[max(0, m.start() - 12):m.start()]) or \
                lex.nominee_before.search(text[max(0, m.start() - 30):m.start()]):
            continue                                  # "a President Trump would ...", "his nominee for
            #                                           Secretary of State": not a title held
        if lex.cut_title.search(text[max(0, m.start() - 12):m.start()]):
            continue                                  # "then-Vice President": not "President"
        jur = kb.jurisdiction_of(m.group("jpre")) | kb.jurisdiction_of(m.group("jpost"))
        if not m.group("jpost"):
            of = lex.of_after.match(text[m.end():m.end() + 60])
            if of and not kb.jurisdiction_of(of.group(1)):
                continue
        # a title qualified by a body the KB does not know ("State Department spokeswoman",
        # "Senate Majority Leader") is not the KB's post
        if not m.group("jpre") and not (m.group("mod1") or "").strip():
            q = _QUALIFIER.search(text[max(0, m.start() - 30):m.start()])
            if q and not (q.group(1).endswith(".") and len(q.group(1)) > 3) and \
                    "\n" not in tx.article.text[slice(*tx.orig(m.start() - len(q.group(2)), m.start()))] and \
                    q.group(1).casefold() not in kb.honorifics and not kb.jurisdiction_of(q.group(1)):
                continue
        t_start, t_end = m.start(), m.end()
        # pair with a name to the right ("Russian President Vladimir Putin")
        name = None
        pairing = ""
        for n in by_start:
            if n.start < t_end:
                continue
            gap = text[t_end:n.start]
            if len(gap) <= 90 and lex.gap_right.fullmatch(gap) and "\n" not in tx.article.text[
                    slice(*tx.orig(t_end, n.start))]:
                if "," in gap and not (m.group(0)[:1].isupper() or m.group("jpre") or lex.the_before.search(
                        text[max(0, t_start - 5):t_start])):
                    break           # "an 'illegitimate' president, Carter replied"
                if "," in gap and (m.group(0)[:1].islower() or (jur and not (
                        jur & kb.people[n.person].jurisdictions))) and \
                        not text[n.end:n.end + 3].lstrip().startswith((",", ")", "—", "–")):
                    break           # "criticized the president, Rubio has kept ...", "alongside the
                    #                 Russian president, Trump didn't ..." (no closing comma)
                if lex.attributive.match(text, n.end):
                    break           # "Former President Obama adviser David Axelrod": not his title
                name, pairing = n, "before"
            break
        if name is None:
            # a name to the left ("Zelensky, Ukraine's president"; "Belousov as Minister of Defense")
            for n in reversed(by_start):
                if n.end > t_start:
                    continue
                gap = text[n.end:t_start]
                as_role = len(gap) <= 25 and lex.gap_left_as.fullmatch(gap)
                if len(gap) <= 25 and (as_role or lex.gap_left_comma.fullmatch(gap)) and "\n" not in \
                        tx.article.text[slice(*tx.orig(n.end, t_start))]:
                    after = text[t_end:t_end + 12]
                    before = text[max(0, n.start - 30):n.start]
                    listy = _LIST_BEFORE.search(before) or lex.list_after.match(after) or \
                        _NAME_AFTER.match(after) or \
                        ("," in gap and lex.clause_after.match(after))
                    # "Obama, former President George W. Bush"; "Hagel, the president said ..."
                    if not listy and not _POSSESSIVE.match(after):   # "Biden, the president's rival"
                        name, pairing = n, ("as" if as_role else "after")
                break
        if name is None:
            if lex.the_before.search(text[max(0, t_start - 5):t_start]) and \
                    (roles & {"former", "elect"}):
                cand = {p for p in positions if not jur or kb.positions[p].jurisdiction in jur}
                pid = _antecedent(out, cand, _tense(roles), t_start)
                if pid:
                    out.append(Mention(pid, None, t_start, t_end, m.group(0), cand, mods,
                                       _tense(roles), "anaphor", bool(jur), roles))
            continue
        person = kb.people[name.person]
        cand = {p for p in positions if not jur or kb.positions[p].jurisdiction in jur}
        if not jur:
            cand = {p for p in cand if kb.positions[p].jurisdiction in person.jurisdictions}
        elif not (jur & person.jurisdictions) and pairing != "before":
            continue
        if "deputy" in roles:
            cand = {p.id for p in kb.positions.values() if p.deputy_of in cand}
        if not cand:
            continue
        used_names.add(name.start)
        out.append(Mention(name.person, name, t_start, t_end, m.group(0), cand, mods, _tense(roles),
                           pairing, bool(jur), roles))
    return out


def _antecedent(mentions: list[Mention], positions: set[str], tense: str, pos: int) -> str | None:
    """The person an anaphor ("the former U.S. president") repeats: the nearest earlier
    mention that gave a named person the same title with the same tense; none if the
    nearest such title belongs to another person or tense."""
    for mm in reversed(mentions):
        if mm.t_start >= pos or pos - mm.t_end > 3000:
            continue
        if mm.positions & positions:
            return mm.person if (mm.tense == tense and mm.name is not None) else None
    return None


def _in_quotation(tx: _Text, s: int, e: int) -> bool:
    """Whether the normalised span [s, e) stands inside a quotation of its paragraph."""
    a = tx.text.rfind("\n", 0, s) + 1
    b = tx.text.find("\n", e)
    b = len(tx.text) if b < 0 else b
    return any(q.start() < s and e < q.end() for q in _QUOTATION.finditer(tx.text, a, b))
