"""The article checks of titles: the publication date (``consistency.date``), a title never held
or not held at the article's date, and two titles of one person that conflict."""
from __future__ import annotations

from dataclasses import dataclass, field

from ...knowledge.dates import Constraint, Published, calendar, infer
from ...knowledge.kb import KB, get_kb
from ...model import Article, Finding
from .. import REGISTRY, ArticleContext
from .declared import TITLE, TITLE_CONFLICT, TITLE_DATE
from .mentions import CURRENT, ELECT, FORMER, Mention, NameHit, _in_quotation, _Text, find_mentions, find_names
from .timing import (D, GRACE, _constraint, _incompatible, _sentence, _sentence_dates, _speaks_of_now,
                     _window_text, _wrong_throughout)

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
