"""Names, titles and dates against the knowledge base and against each other.

* ``consistency.date`` (order 5, no findings): finds people named with titles,
  infers the publication date (:mod:`auditor.knowledge.dates`) from metadata, the text and
  the tenures those titles imply, and writes it to ``ctx.record["published"]``
  (``ctx.data["published"]`` keeps the :class:`~auditor.knowledge.dates.Published`).
* ``consistency.title``: a title the person never held ("Prime Minister Zelensky").
* ``consistency.title-date``: a title not held at the article's date or window
  ("former President" for a sitting president, "President-elect" after the inauguration).
* ``consistency.title-conflict``: two titles for one person that cannot both be
  right at one date, in one article or (corpus check) in articles of the same dates.
* ``consistency.variant``: one person, place or organisation spelled two ways in one
  article (warning) or across the corpus (info).
* ``consistency.style``: a form the configured house style replaces.

Everything named (people, posts, title phrases, places, preferred forms) comes from
the ``kb-*`` and ``house-style`` rule packs; see :mod:`auditor.knowledge.kb`.
"""
from __future__ import annotations

import datetime as dt
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Any

import regex

from ..knowledge.dates import Calendar, Constraint, Published, calendar, infer, scan
from ..knowledge.kb import FAR_FUTURE, FAR_PAST, KB, Tenure, get_kb
from ..knowledge.lexicon import Lexicon
from ..model import Article, Finding, Severity
from ..rules.wordscan import Words, WordScanner, article_words
from ..text import normalise
from . import REGISTRY, ArticleContext, CorpusContext, CorpusItem, CorpusOutput
from .declarations import Family, Rule, declare

D = dt.date
ONE = dt.timedelta(days=1)
GRACE = dt.timedelta(days=2)          # around a metadata date: transitions, time zones

# -- the rule ids this family emits; a title the knowledge base can no longer vouch for (past its
# coverage) is reported at info; the kb packs' settings may set the variant and style severities
TITLE = Rule(
    "consistency.title", "error", name="WrongTitle",
    help='A person is given a title the knowledge base does not record for them.',
    explain=('The title or role next to a name disagrees with the knowledge base at the '
             "article's date. Check the person's title; the evidence names the entry used."))
TITLE_DATE = Rule(
    "consistency.title-date", "warning", name="TitleNotHeldAtDate",
    help="A title is used for a person who did not hold it at the article's date.",
    explain=("The person held (or would hold) this title at another time than the article's "
             'publication date. Check the date and the title (former, acting, elect).'))
TITLE_CONFLICT = Rule(
    "consistency.title-conflict", "warning", name="ConflictingTitles",
    help='The same person is given conflicting titles in one article.',
    explain=('One person is called by two titles that cannot both be true at once. Correct one'
             ' of them.'))
VARIANT = Rule(
    "consistency.variant", "warning", name="SpellingVariant",
    help='The same name is spelled in more than one way.',
    explain=('A person or place appears under different spellings (transliterations, '
             'diacritics). Use one spelling throughout, following the house style.'))
STYLE = Rule(
    "consistency.style", "info", name="HouseStyle",
    help='A spelling differs from the house style.',
    explain='The house-style rule pack prefers another spelling. Use the preferred form.')
FAMILY = Family(
    "consistency", order=50, colour=True,
    help='Facts that disagree.',
    explain=("A name, title or figure disagrees with the knowledge base at the article's date "
             'or with another part of the corpus. Check it.'))
RULES = declare(FAMILY, TITLE, TITLE_DATE, TITLE_CONFLICT, VARIANT, STYLE)
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


def _fold(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c)).casefold()


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


# -- validity of a title on a date --------------------------------------------------------
def _valid(tenures: list[Tenure], tense: str, t: D, mods: set[str], extrapolate: bool = False) -> bool:
    if tense == CURRENT:
        return any(x.possibly_holding(t) for x in tenures)
    if tense == FORMER:
        if any(x.surely_holding(t, extrapolate) for x in tenures):
            return False
        return any(x.end_lo is not None and x.end_lo <= t for x in tenures) or any(
            x.start_lo is None for x in tenures)
    # elect / incoming / designate: between election (or 120 days before) and taking office
    for x in tenures:
        if x.start_lo is None:
            return True
        lo = x.elected or (x.start_lo - dt.timedelta(days=120))
        if lo - GRACE <= t <= (x.start_hi or x.start_lo) + GRACE:
            return True
    return False


def _points(tenures: list[Tenure], a: D, b: D) -> list[D]:
    pts = {a, b}
    for x in tenures:
        for d in (x.start_lo, x.start_hi, x.end_lo, x.end_hi, x.elected, x.known_until):
            if d is None:
                continue
            for p in (d - ONE, d, d + ONE):
                if a <= p <= b:
                    pts.add(p)
    return sorted(pts)


def _wrong_throughout(tenures: list[Tenure], tense: str, a: D, b: D, mods: set[str],
                      extrapolate: bool = False) -> bool:
    return not any(_valid(tenures, tense, p, mods, extrapolate) for p in _points(tenures, a, b))


def _constraint(kb: KB, m: Mention) -> list[tuple[D, D]]:
    """Date intervals in which the mention's title is right (from the KB)."""
    ts = kb.held(m.person, m.positions)
    if not ts or "then" in m.roles:
        return []
    if m.tense == CURRENT:
        lo = min((x.start_lo or FAR_PAST) for x in ts)
        hi = FAR_FUTURE if any(x.end_hi is None for x in ts) else max(x.end_hi for x in ts)
        return [(lo, hi)]
    if m.tense == FORMER:
        out = []
        ended = sorted((x for x in ts if x.end_lo is not None), key=lambda x: x.end_lo)
        for x in ended:
            nxt = [y for y in ts if y.start_lo and y.start_lo >= x.end_lo and y is not x]
            hi = min(y.start_hi or y.start_lo for y in nxt) - ONE if nxt else FAR_FUTURE
            if hi >= x.end_lo:
                out.append((x.end_lo, hi))
        return out
    out = []
    for x in ts:
        if x.start_lo is None:
            continue
        lo = x.elected or (x.start_lo - dt.timedelta(days=120))
        out.append((lo, x.start_hi or x.start_lo))
    return out


_YEAR_RX = regex.compile(r"(?<![\w-])(?:19[5-9]\d|20\d\d)(?![\w-])")


def _sentence_dates(tx: _Text, pos: int, before: D | None = None) -> list[tuple[D, D]]:
    """Dates the mention's own sentence names ("In 2019, ...", "on May 3, 2018") that lie
    a month or more before ``before`` (the article's date)."""
    text = tx.article.text
    pos = tx.orig(pos, pos + 1)[0]
    s = max(text.rfind(". ", 0, pos), text.rfind("\n", 0, pos)) + 1
    e_candidates = [i for i in (text.find(". ", pos), text.find("\n", pos)) if i >= 0]
    e = min(e_candidates) if e_candidates else len(text)
    sent = text[s:e]
    out = []
    for dm in scan(sent, tx.calendar):
        if dm.kind == "full":
            out.append((dm.value, dm.value))
        elif dm.kind == "month-year":
            nxt = D(dm.value.year + (dm.value.month == 12), dm.value.month % 12 + 1, 1)
            out.append((dm.value, nxt - ONE))
    for y in _YEAR_RX.finditer(sent):
        yy = int(y.group(0))
        out.append((D(yy, 1, 1), D(yy, 12, 31)))
    if before is not None:
        out = [(a, b) for a, b in out if a <= before - dt.timedelta(days=30)]
    return out


_SENT = regex.compile(r"""[.!?]["'\u201d\u2019)]*\s+|\n""")


def _sentence(tx: _Text, pos: int) -> tuple[int, int]:
    """Bounds, in the original text, of the sentence holding normalised offset ``pos``."""
    text = tx.article.text
    pos = tx.orig(pos, pos + 1)[0]
    s = 0
    for m in _SENT.finditer(text, max(0, pos - 1500), pos):
        s = m.end()
    m = _SENT.search(text, pos)
    return s, (m.start() if m else len(text))


def _speaks_of_now(tx: _Text, m: "Mention", lex: Lexicon) -> bool:
    """The mention reports something said now: 'Secretary X said on Tuesday ...'."""
    s, e = _sentence(tx, m.start)
    end = tx.orig(m.end - 1, m.end)[1]
    text = tx.article.text
    return bool(lex.said_now.match(text[end:end + 80])) and bool(lex.now.search(text, s, e)) \
        and not lex.then.search(text, s, e)


def _window_text(pub: Published, window: tuple[D, D]) -> str:
    a, b = window
    if pub.value is not None:
        return f"the article's date ({pub.value.isoformat()}, from {pub.provenance})"
    if a == b:
        return f"the article's inferred date ({a.isoformat()})"
    return f"the article's inferred date ({a.isoformat()} to {b.isoformat()})"


# -- the article checks ---------------------------------------------------------------------
@dataclass
class _State:
    kb: KB
    tx: _Text
    names: list[NameHit]
    mentions: list[Mention]
    published: Published
    strong: dict[int, Mention] = field(default_factory=dict)
    spans: tuple = ()                 # boilerplate spans (original offsets) the checks leave alone
    cleaned: bool = False

    def skips(self, s: int, e: int) -> bool:
        """Whether the normalised span [s, e) lies inside flagged boilerplate."""
        if not self.spans:
            return False
        s, e = self.tx.orig(s, e)
        return any(a <= s and e <= b for a, b in self.spans)


def _state(ctx: ArticleContext) -> _State | None:
    """The article's consistency state, with names and titles standing in boilerplate the
    boilerplate check flagged (a site's tooltips of other headlines, related links) left out."""
    st: _State | None = ctx.data.get("consistency")
    if st is None or st.cleaned:
        return st
    st.cleaned = True
    st.spans = tuple(ctx.data.get("boilerplate_spans") or ())
    if st.spans:
        st.names = [n for n in st.names if not st.skips(n.start, n.end)]
        st.mentions = [m for m in st.mentions if not st.skips(m.start, m.end)]
    return st


@REGISTRY.article("consistency.date", order=5)
def publication_date(article: Article, ctx: ArticleContext):
    kb = get_kb(ctx.ruleset)
    tx = _Text(article, ctx.data, calendar(ctx.ruleset))
    names = find_names(tx, kb)
    mentions = find_mentions(tx, kb, names)
    strong, weak_by = [], []
    for i, m in enumerate(mentions):
        if m.pairing == "anaphor" or "then" in m.roles:
            continue
        ivs = _constraint(kb, m)
        if not ivs:
            continue
        s, e = tx.orig(m.start, m.end)
        label = article.text[s:e]
        if m.tense == CURRENT and len(ivs) == 1:
            strong.append(Constraint(ivs[0][0], ivs[0][1], label, s, e, key=i))
        else:
            weak_by.append([Constraint(lo, hi, label, s, e, key=i, strong=False) for lo, hi in ivs])
    pub = infer(article, strong, cal=tx.calendar)
    if pub.value is None and weak_by and pub.base_window:
        a, b = pub.base_window
        weak = []
        for alts in weak_by:
            ok = [c for c in alts if c.lo <= b and c.hi >= a]
            if ok:
                weak.append(ok[-1])
        pub = infer(article, strong, weak=weak, cal=tx.calendar)
    ctx.data["published"] = pub
    ctx.data["consistency"] = _State(kb, tx, names, mentions, pub)
    ctx.record["published"] = pub.to_record()
    return []


def _check_window(st: _State, m: Mention) -> tuple[D, D] | None:
    pub = st.published
    if pub.value is not None:
        return (pub.value - GRACE, pub.value + GRACE)
    return pub.base_window


@REGISTRY.article(TITLE.id, order=40)
def titles(article: Article, ctx: ArticleContext):
    st = _state(ctx)
    if st is None:
        return []
    kb, tx = st.kb, st.tx
    lex = kb.lexicon
    out: list[Finding] = []
    flagged: dict[tuple, Finding] = {}
    for m in st.mentions:
        person = kb.people[m.person]
        s, e = tx.orig(m.start, m.end)
        ts = kb.held(m.person, m.positions)
        labels = sorted({kb.positions[p].label for p in m.positions})
        window = _check_window(st, m)
        key = (m.person, frozenset(m.positions), m.tense)
        if key in flagged:
            flagged[key].related.append(article.span(s, e).to_dict())
            continue
        if not ts:
            if m.roles & {"former", "acting", "elect", "incoming", "deputy"} \
                    or m.pairing == "anaphor":
                continue
            if m.name is not None and m.name.ambiguous:
                continue            # "President Clinton" beside "Hillary Clinton": maybe Bill
            if _in_quotation(tx, m.start, m.end):
                continue            # the murmurs of "President Pence", a headline quoted: not the
                #                     article's own claim
            if any(_next_in_line(kb.positions[t.position], kb.positions[p])
                   for t in person.tenures for p in m.positions) and \
                    lex.hypothetical.search(tx.article.text, *_sentence(tx, m.start)):
                continue            # "buzz about President Pence ... Trump might hand him the reins"
            if m.pairing == "as":
                continue            # "electing Clinton as president", "to have Clinton as president"
            cover = [kb.positions[p].covered_from for p in m.positions]
            if window and all(c and window[1] < c for c in cover):
                continue            # before the KB lists every holder
            first = min((t.start_lo for t in person.tenures if t.start_lo), default=None)
            if first is None or any(c is None or first < c for c in cover):
                continue            # the person may have held it before the KB's list begins
            past_kb = window is not None and window[0] > person.retrieved
            msg = (f"{person.name}: {kb.summary(m.person)}; never {' or '.join(labels)}"
                   + (f" as far as the knowledge base knows (to {person.retrieved.isoformat()}; "
                      f"the article is later)" if past_kb else "") + ".")
            f = Finding.at(article, TITLE.id, "info" if past_kb else TITLE.severity, s, e, msg,
                           evidence={"person": m.person, "title": m.title, "positions": sorted(m.positions),
                                     "modifiers": sorted(m.mods), "kb": _kb_evidence(kb, m.person),
                                     "past_kb": past_kb})
            flagged[key] = f
            out.append(f)
            continue
        if window is None or "then" in m.roles:
            continue
        a, b = window
        open_ts = [x for x in ts if x.open]
        known = max((x.known_until for x in open_ts), default=None)
        past_kb = False
        if not _wrong_throughout(ts, m.tense, a, b, m.mods):
            # past the KB's date: say what the KB would imply, as info, instead of guessing
            if not (known and a > known and _wrong_throughout(ts, m.tense, a, b, m.mods, extrapolate=True)):
                continue
            past_kb = True
        # the sentence may speak of another time ("In 2019, President Trump ...")
        if any(not _wrong_throughout(ts, m.tense, x, y, m.mods) for x, y in _sentence_dates(tx, m.start, a)):
            continue
        # a title a person no longer holds is usual for what they did in office ("President
        # Obama signed the deal"); it is only called wrong when the sentence speaks of now
        no_longer = m.tense == CURRENT and all(x.end_hi is not None and x.end_hi < a for x in ts)
        if no_longer and (not _speaks_of_now(tx, m, lex) or
                          lex.era_before.search(tx.text, max(0, m.t_start - 20), m.t_start)):
            continue
        s0, e0 = _sentence(tx, m.start)
        if lex.past_ref.search(tx.article.text, s0, e0):
            continue                    # "four years ago", "at the time", "is going to become"
        not_yet = m.tense == CURRENT and all(x.start_lo is not None and b < x.start_lo for x in ts)
        if not_yet and lex.hypothetical.search(tx.article.text, s0, e0):
            continue                    # "What would a President Trump do?", "will be", "won't"
        if not_yet and m.pairing == "as":
            continue                    # "the election of Trump as president", "name X as secretary"
        if not_yet and _in_quotation(tx, m.start, m.end):
            continue                    # a sign reading "Thank you Lord for President Trump"
        short = " or ".join(sorted({kb.positions[x.position].short_label for x in ts}))
        what = {CURRENT: f"not {short}",
                FORMER: f"not a former {short} but in office",
                ELECT: f"not {short}-elect"}[m.tense]
        if m.tense == FORMER and not any(x.possibly_holding(a) for x in ts):
            what = f"not yet {short}, so not a former one"
        shown = (a, b) if st.published.value is None else (st.published.value, st.published.value)
        msg = (f"{person.name}: {kb.summary(m.person)}; {what} at {_window_text(st.published, shown)}"
               + (f" (the knowledge base knows this only up to {known.isoformat()}; it cannot say what came after)"
                  if past_kb else "") + ".")
        sev = "info" if past_kb else TITLE_DATE.severity
        f = Finding.at(article, TITLE_DATE.id, sev, s, e, msg,
                       evidence={"person": m.person, "title": m.title, "tense": m.tense,
                                 "modifiers": sorted(m.mods), "window": {"start": a.isoformat(), "end": b.isoformat()},
                                 "date_provenance": st.published.provenance, "kb": _kb_evidence(kb, m.person),
                                 "past_kb": past_kb})
        flagged[key] = f
        out.append(f)
    out.extend(_conflicts_in_article(article, st, flagged))
    return out


def _in_quotation(tx: _Text, s: int, e: int) -> bool:
    """Whether the normalised span [s, e) stands inside a quotation of its paragraph."""
    a = tx.text.rfind("\n", 0, s) + 1
    b = tx.text.find("\n", e)
    b = len(tx.text) if b < 0 else b
    return any(q.start() < s and e < q.end() for q in _QUOTATION.finditer(tx.text, a, b))


def _next_in_line(held, title) -> bool:
    """Whether the post ``held`` is the deputy of the post ``title`` names (a vice president and
    the presidency): speculation about the step up is common and no mistake."""
    return held.deputy_of == title.id or (held.jurisdiction == title.jurisdiction
                                          and held.kind == f"deputy-{title.kind}")


def _kb_evidence(kb: KB, pid: str) -> dict:
    p = kb.people[pid]
    return {"id": pid, "name": p.name, "source": p.source, "retrieved": p.retrieved.isoformat(),
            "tenures": [{k: v for k, v in t.raw.items() if k in ("position", "start", "end", "acting",
                                                                  "elected", "scheduled_end")}
                        for t in p.tenures]}


def _incompatible(a: str, b: str) -> bool:
    return {a, b} == {CURRENT, FORMER}


def _conflicts_in_article(article: Article, st: _State, flagged=None) -> list[Finding]:
    """Two titles of one person that cannot both be right. Past holders are often named by
    their old title for what they did in office, so a pair is only reported when the KB
    knows nothing of the person in that post, or says one of the two is wrong here."""
    out = []
    seen = set()
    flagged = flagged or {}
    wrong = {(k[0], k[2]) for k, f in flagged.items() if f.rule == TITLE_DATE.id}
    ms = [m for m in st.mentions if "then" not in m.roles]
    for i, m2 in enumerate(ms):
        for m1 in ms[:i]:
            if m1.person != m2.person or not (m1.positions & m2.positions):
                continue
            if not _incompatible(m1.tense, m2.tense):
                continue
            if st.kb.held(m2.person, m1.positions & m2.positions) and not (
                    (m1.person, m1.tense) in wrong or (m2.person, m2.tense) in wrong):
                continue
            k = (m2.person, m1.tense, m2.tense)
            if k in seen:
                continue
            seen.add(k)
            s1, e1 = st.tx.orig(m1.start, m1.end)
            s2, e2 = st.tx.orig(m2.start, m2.end)
            name = st.kb.people[m2.person].name
            out.append(Finding.at(
                article, TITLE_CONFLICT.id, TITLE_CONFLICT.severity, s2, e2,
                f"{name} is called '{article.text[s2:e2]}' here but '{article.text[s1:e1]}' on line "
                f"{article.position(s1)[0]}: one person cannot be both {m1.tense} and {m2.tense} holder "
                f"at once.", related=[article.span(s1, e1)],
                evidence={"person": m2.person, "tenses": [m1.tense, m2.tense]}))
    return out


# -- variants and house style ------------------------------------------------------------------
@dataclass
class _FormMatcher:
    scan: WordScanner
    exceptions: list[Any]
    canonical: dict[str, str]          # matched text (casefolded unless case-sensitive) -> listed form
    case_sensitive: bool


_FORM_MATCHERS: dict[tuple, _FormMatcher] = {}


def _form_matcher(forms: list[str], case_sensitive: bool, exceptions: list[str]) -> _FormMatcher:
    key = (tuple(forms), case_sensitive, tuple(exceptions))
    got = _FORM_MATCHERS.get(key)
    if got is None:
        flags = 0 if case_sensitive else regex.IGNORECASE
        alts = "|".join(regex.escape(f) for f in sorted(forms, key=len, reverse=True))
        rx = regex.compile(rf"(?<![\w-])(?:{alts})(?![\w-])", flags)
        ex = [regex.compile(rf"(?<![\w-]){regex.escape(x)}(?![\w-])", regex.IGNORECASE) for x in exceptions]
        canonical: dict[str, str] = {}
        for f in forms:
            canonical.setdefault(f if case_sensitive else f.casefold(), f)
        got = _FormMatcher(WordScanner(rx), ex, canonical, case_sensitive)
        if len(_FORM_MATCHERS) < 10_000:
            _FORM_MATCHERS[key] = got
    return got


def _form_hits(text: str, forms: list[str], case_sensitive: bool, exceptions: list[str],
               words: Words | None = None) -> list[tuple[str, int, int]]:
    fm = _form_matcher(forms, case_sensitive, exceptions)
    words = words if words is not None and words.text == text else Words(text)
    if not fm.scan.possible(words):
        return []
    hits = list(fm.scan.finditer(text, words, timeout=1.0))
    if not hits:
        return []
    ex_spans = [m.span() for rx in fm.exceptions for m in rx.finditer(text)]
    out = []
    for m in hits:
        if any(a <= m.start() and m.end() <= b for a, b in ex_spans):
            continue
        g = m.group(0)
        form = fm.canonical.get(g if case_sensitive else g.casefold(), g)
        out.append((form, m.start(), m.end()))
    return out


def _variant_groups(st: _State) -> dict[str, dict[str, list[tuple[int, int]]]]:
    """group key -> form -> spans (normalised text) of one article."""
    groups: dict[str, dict[str, list[tuple[int, int]]]] = {}
    kb = st.kb
    for n in st.names:
        p = kb.people[n.person]
        if n.given and n.given not in p.given_forms:    # a name form is not a spelling
            g = n.text.find(n.given)
            if g >= 0:
                groups.setdefault(f"person:{n.person}:given", {}).setdefault(n.given, []).append(
                    (n.start + g, n.start + g + len(n.given)))
        if n.family and len(p.family) > 1:
            f = n.text.find(n.family)
            if f >= 0:
                groups.setdefault(f"person:{n.person}:family", {}).setdefault(n.family, []).append(
                    (n.start + f, n.start + f + len(n.family)))
    for v in kb.variants:
        for form, s, e in _form_hits(st.tx.text, v["forms"], v.get("case_sensitive", True),
                                     v.get("exceptions") or [], st.tx.words):
            if not st.skips(s, e):
                groups.setdefault(f"variant:{v['id']}", {}).setdefault(form, []).append((s, e))
    return groups


def _group_label(kb: KB, key: str) -> str:
    kind, ident = key.split(":")[:2]
    if kind == "person":
        return kb.people[ident].name
    v = next((x for x in kb.variants if x["id"] == ident), None)
    return (v.get("label") or v["forms"][0]) if v else ident


@REGISTRY.article(VARIANT.id, order=41)
def variants(article: Article, ctx: ArticleContext):
    st = _state(ctx)
    if st is None:
        return []
    groups = _variant_groups(st)
    ctx.data["consistency_variants"] = groups
    sev = st.kb.variant_settings.get("severity", VARIANT.severity)
    out = []
    for key, forms in groups.items():
        if len({_fold(f) for f in forms}) < 2 and len(forms) < 2:
            continue
        if len(forms) < 2:
            continue
        ordered = sorted(forms.items(), key=lambda kv: kv[1][0][0])
        (f1, spans1), (f2, spans2) = ordered[0], ordered[1]
        s1, e1 = st.tx.orig(*spans1[0])
        s2, e2 = st.tx.orig(*spans2[0])
        label = _group_label(st.kb, key)
        counts = ", ".join(f"'{f}' {len(sp)}x" for f, sp in ordered)
        out.append(Finding.at(
            article, VARIANT.id, sev, s2, e2,
            f"{label} is spelled two ways in this article: '{f2}' here and '{f1}' on line "
            f"{article.position(s1)[0]} ({counts}).",
            related=[article.span(s1, e1)],
            evidence={"group": key, "forms": {f: len(sp) for f, sp in ordered}}))
    kb = st.kb
    kb_sev = kb.variant_settings.get("kb_form_severity", "off")
    diacritics = bool(kb.variant_settings.get("kb_form_diacritics", False))
    seen_people = set()
    for n in (st.names if kb_sev != "off" else ()):
        if n.person in seen_people or n.kind != "full":
            continue
        p = kb.people[n.person]
        g_ok = not p.given or n.given in (p.given[0], *p.given_forms) or \
            (not diacritics and n.given is not None and _fold(n.given) == _fold(p.given[0]))
        f_ok = not p.family or n.family == p.family[0] or \
            (not diacritics and n.family is not None and _fold(n.family) == _fold(p.family[0]))
        if g_ok and f_ok:
            continue
        if any(f"person:{n.person}:{part}" in groups and len(groups[f"person:{n.person}:{part}"]) > 1
               for part in ("given", "family")):
            continue                # already reported as two spellings in this article
        seen_people.add(n.person)
        s, e = st.tx.orig(n.start, n.end)
        out.append(Finding.at(
            article, VARIANT.id, kb_sev, s, e,
            f"'{article.text[s:e]}' is a variant spelling of {p.name}, the knowledge base's form.",
            evidence={"group": f"person:{n.person}", "scope": "kb", "form": n.text, "canonical": p.name}))
    return out


@REGISTRY.article(STYLE.id, order=42)
def house_style(article: Article, ctx: ArticleContext):
    st = _state(ctx)
    if st is None:
        return []
    sev = st.kb.house_style_settings.get("severity", STYLE.severity)
    out = []
    for entry in st.kb.house_style:
        hits = _form_hits(st.tx.text, entry["instead_of"], entry.get("case_sensitive", True),
                          entry.get("exceptions") or [], st.tx.words)
        # boilerplate is not the article's; a quotation keeps the speaker's or writer's spelling
        hits = [h for h in hits if not st.skips(h[1], h[2]) and not _in_quotation(st.tx, h[1], h[2])]
        if not hits:
            continue
        form, s, e = hits[0]
        s, e = st.tx.orig(s, e)
        n = len(hits)
        out.append(Finding.at(
            article, STYLE.id, entry.get("severity", sev), s, e,
            f"House style writes '{entry['prefer']}', not '{form}'"
            + (f" ({n} times in this article)." if n > 1 else "."),
            evidence={"entry": entry["id"], "prefer": entry["prefer"], "count": n,
                      "note": entry.get("note", "")}))
    return out


# -- across the corpus ---------------------------------------------------------------------------
def _fingerprint(article: Article, ctx: ArticleContext) -> dict:
    st = _state(ctx)
    if st is None:
        return {}
    pub = st.published
    lex = st.kb.lexicon
    window = None
    if pub.window:
        window = (pub.window[0].isoformat(), pub.window[1].isoformat())
    mentions = []
    for m in st.mentions:
        if "then" in m.roles:
            continue
        s0, e0 = _sentence(st.tx, m.start)
        if lex.past_ref.search(article.text, s0, e0) or lex.hypothetical.search(article.text, s0, e0):
            continue            # "he is going to become former President Obama": not a claim about now
        s, e = st.tx.orig(m.start, m.end)
        sp = article.span(s, e)
        mentions.append({"person": m.person, "positions": sorted(m.positions), "tense": m.tense,
                         "span": sp.to_dict(), "now": m.tense == CURRENT and _speaks_of_now(st.tx, m, lex)})
    groups = ctx.data.get("consistency_variants") or _variant_groups(st)
    variants = {}
    for key, forms in groups.items():
        variants[key] = {}
        for f, spans in forms.items():
            s, e = st.tx.orig(*spans[0])
            variants[key][f] = {"span": article.span(s, e).to_dict(), "count": len(spans)}
    return {"window": window, "dated": pub.value is not None, "mentions": mentions, "variants": variants}


def _corpus_run(items: list[CorpusItem], cctx: CorpusContext) -> CorpusOutput:
    kb = get_kb(cctx.ruleset)
    out = CorpusOutput()
    _corpus_conflicts(items, kb, out)
    _corpus_variants(items, kb, out)
    return out


def _finding_from_span(rule: str, severity: str, span: dict, message: str, related: list[dict],
                       evidence: dict) -> Finding:
    return Finding(rule, Severity.parse(severity), span["article"], span["line"], span["column"],
                   span["start"], span["end"], span["text"], message, related, evidence)


def _kb_wrong(ts: list[Tenure], m: dict, a: D, b: D) -> bool:
    """The KB says this fingerprinted mention's title is wrong in [a, b]; as in the article
    check, a past holder's old title is only wrong when the sentence speaks of now."""
    if not _wrong_throughout(ts, m["tense"], a, b, set()):
        return False
    no_longer = m["tense"] == CURRENT and all(x.end_hi is not None and x.end_hi < a for x in ts)
    return not no_longer or bool(m.get("now"))


def _corpus_conflicts(items: list[CorpusItem], kb: KB, out: CorpusOutput) -> None:
    by_person: dict[str, list[tuple[D, D, dict]]] = {}
    for it in items:
        fp = it.fingerprint or {}
        w = fp.get("window")
        if not w:
            continue
        a, b = D.fromisoformat(w[0]), D.fromisoformat(w[1])
        if (b - a).days > 7:
            continue                # only articles whose date is known to the week
        for m in fp.get("mentions", []):
            by_person.setdefault(m["person"], []).append((a, b, m))
    done = set()
    reach = dt.timedelta(days=7) + GRACE       # windows are at most 7 days long (above)
    for pid, ms in by_person.items():
        ms.sort(key=lambda x: x[0])
        starts = [x[0] for x in ms]
        for i, (a2, b2, m2) in enumerate(ms):
            for a1, b1, m1 in ms[bisect_left(starts, a2 - reach, 0, i):i]:
                if m1["span"]["article"] == m2["span"]["article"]:
                    continue
                if not set(m1["positions"]) & set(m2["positions"]):
                    continue
                if not _incompatible(m1["tense"], m2["tense"]):
                    continue
                if a1 > b2 + GRACE or a2 > b1 + GRACE:
                    continue
                # A past holder is often named by the old title for what they did in office
                # ("President Obama signed ...") beside "former President Obama": when the KB
                # knows the person in the post, the pair is only a conflict if the KB says one
                # of the two is wrong at its date. The one the KB says is wrong carries the
                # finding, else the later one.
                target, other = m2, m1
                ts = kb.held(pid, set(m1["positions"])) if pid in kb.people else []
                wrong1 = bool(ts) and _kb_wrong(ts, m1, a1, b1)
                wrong2 = bool(ts) and _kb_wrong(ts, m2, a2, b2)
                if ts and not (wrong1 or wrong2):
                    continue
                if wrong1 and not wrong2:
                    target, other = m1, m2
                k = (target["span"]["article"], other["span"]["article"], pid)
                if k in done:
                    continue
                done.add(k)
                name = kb.people[pid].name if pid in kb.people else pid
                out.findings.append(_finding_from_span(
                    TITLE_CONFLICT.id, TITLE_CONFLICT.severity, target["span"],
                    f"{name} is '{target['span']['text']}' here but '{other['span']['text']}' in "
                    f"{other['span']['article']}, an article of the same dates: both cannot be right.",
                    [other["span"]], {"person": pid, "tenses": [target["tense"], other["tense"]],
                                      "kb": kb.summary(pid) if pid in kb.people else None}))


def _corpus_variants(items: list[CorpusItem], kb: KB, out: CorpusOutput) -> None:
    uses: dict[str, dict[str, list[dict]]] = {}
    for it in items:
        for key, forms in ((it.fingerprint or {}).get("variants") or {}).items():
            for form, info in forms.items():
                uses.setdefault(key, {}).setdefault(form, []).append(info["span"])
    sev = kb.variant_settings.get("corpus_severity", "info")
    for key, forms in uses.items():
        if len(forms) < 2:
            continue
        preferred = _preferred_order(kb, key)
        ranked = sorted(forms.items(), key=lambda kv: (-len({s["article"] for s in kv[1]}),
                                                       preferred.get(kv[0], 99)))
        top_form, top_spans = ranked[0]
        label = _group_label(kb, key)
        for form, spans in ranked[1:]:
            for sp in spans:
                others = [s for s in top_spans if s["article"] != sp["article"]][:3]
                if not others:
                    continue
                n = len({s["article"] for s in top_spans})
                out.findings.append(_finding_from_span(
                    VARIANT.id, sev, sp,
                    f"{label}: this article writes '{form}', {n} other article(s) in the corpus write "
                    f"'{top_form}'.", others,
                    {"group": key, "scope": "corpus",
                     "forms": {f: sorted({s['article'] for s in ss}) for f, ss in forms.items()}}))


def _preferred_order(kb: KB, key: str) -> dict[str, int]:
    kind, ident = key.split(":")[:2]
    if kind == "person":
        p = kb.people[ident]
        lst = p.given if key.endswith(":given") else p.family
    else:
        v = next((x for x in kb.variants if x["id"] == ident), None)
        lst = v["forms"] if v else []
    return {f: i for i, f in enumerate(lst)}


REGISTRY.corpus("consistency", _fingerprint, _corpus_run, order=60)
