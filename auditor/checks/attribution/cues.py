"""Cue-first extraction: every reporting cue of the text, with its source and content."""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

from ...model import Article
from ...rules import search
from ...text import norm_key, sentences
from .regex import TextScan, _any, scan
from .rules import Rules
from .sources import (
    _AND_END, _CLAUSE_JOIN, _CONTENT_GAP, _DETS, _PREPS, _FIRST_WORD, _LEAD_WORDS, _RELATIVE_END,
    _TIME_AFTER, _appositive_before, _extend_appositive_name, _is_cap, _object_after, _same_key,
    _segment_before, _strip, _words, classify, straight)

# -- data ------------------------------------------------------------------------------------
@dataclass
class Attr:
    id: str
    cue: tuple[int, int]
    cue_entry: dict
    source: tuple[int, int]
    kind: str
    name: str | None
    role: str | None = None
    content: tuple[int, int] | None = None
    sentence: tuple[int, int] = (0, 0)
    para: int = 0                            # index among non-empty lines
    line: int = 1
    parent: "Attr | None" = None
    outlet_qualifier: str | None = None      # "Reuters sources" -> Reuters
    resolved: "Attr | None" = None           # pronoun / reference -> antecedent
    venue: dict | None = None
    venue_of: "Attr | None" = None           # this attribution is the venue of another
    scope_article: bool = False
    headline: bool = False
    standalone: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def effective(self) -> "Attr":
        a, seen = self, 0
        while a.resolved is not None and seen < 10:
            a, seen = a.resolved, seen + 1
        return a

    @property
    def eff_kind(self) -> str:
        return self.effective.kind

    @property
    def eff_name(self) -> str | None:
        return self.effective.name




def _paras(article: Article) -> list:
    """The article's non-empty lines (paragraphs)."""
    return [ln for ln in article.lines if ln.text.strip()]


def extract(article: Article, R: Rules, t: str | None = None, paras: list | None = None,
            ts: TextScan | None = None) -> list[Attr]:
    """``paras``: ``_paras(article)``; ``ts``: a ``TextScan`` of ``t``, when the caller has them."""
    t = straight(article.text) if t is None else t
    attrs: list[Attr] = []
    paras = _paras(article) if paras is None else paras
    head = article.headline
    n = 0

    def new_id() -> str:
        nonlocal n
        n += 1
        return f"a{n}"

    # headline suffix
    if head is not None:
        for rx in R.headline:
            m = search(rx, t, head.start, head.end)
            if not m or not m.group("source"):
                continue
            s, e = m.span("source")
            src = t[s:e].strip()
            c = classify(R, t, s, e, "outlet")
            if src.casefold() in R.unnamed:
                c = {"kind": "vague", "name": src}
            elif not c or c["kind"] != "outlet":
                continue
            cue_s = m.start() + len(m.group(0)) - len(m.group(0).lstrip())
            attrs.append(Attr(new_id(), (cue_s, s), {"id": "headline"}, (s, e), c["kind"],
                              c["name"], sentence=(head.start, head.end), para=0,
                              line=article.position(s)[0], headline=True,
                              scope_article=c["kind"] == "outlet"))
            break

    # every cue of the article at once, then handed out per sentence
    if ts is None or ts.text != t:
        ts = TextScan(t)
    all_cues = sorted(((m.start(), m.end(), ent, m) for ent, rx in R.cues
                       for m in scan(R, rx, ts)), key=lambda x: x[0])
    cue_starts = [c[0] for c in all_cues]
    head_key = norm_key(head.text) if head is not None else None
    head_first = head_key.split(" ", 1)[0] if head_key else ""
    for pi, ln in enumerate(paras):
        if bisect_left(cue_starts, ln.start) == bisect_left(cue_starts, ln.end):
            continue            # no cue starts in this paragraph: nothing to find in it
        if head is not None and ln.index == head.index:
            words = len(ln.text.split())
            if not (ln.text.rstrip().endswith((".", '."', ".\u201d")) and words >= 15):
                continue
        elif head_key and _same_key(ln.text, head_key, head_first, t[ln.start:ln.end]):
            continue
        quotes = _quote_spans(t, ln.start, ln.end)
        for ss, se in sentences(t, ln.start, ln.end):
            lo, hi = bisect_left(cue_starts, ss), bisect_left(cue_starts, se)
            if lo == hi:
                continue
            cues = [c for c in all_cues[lo:hi] if c[1] <= se]
            attrs.extend(_sentence(article, R, t, ss, se, pi, new_id, quotes, cues))
    # standalone vague phrases not already inside a found source
    taken = [(a.source[0], a.source[1]) for a in attrs] + [(a.cue[0], a.cue[1]) for a in attrs]
    for ent, rx in R.vague_standalone:
        for m in scan(R, rx, ts):
            s, e = m.span("source") if m.groupdict().get("source") else m.span()
            if head is not None and head.start <= s < head.end:
                continue
            if any(a <= s < b or s <= a < e for a, b in taken):
                continue
            ln = article.line_at(s)
            pi = next((i for i, p in enumerate(paras) if p.index == ln.index), 0)
            sent = next(((a, b) for a, b in sentences(t, ln.start, ln.end) if a <= s < b),
                        (ln.start, ln.end))
            a = Attr(new_id(), m.span(), ent, (s, e), "vague", t[s:e], sentence=sent, para=pi,
                     line=article.position(s)[0], standalone=True)
            a.content = _content(t, a, sent)
            attrs.append(a)
            taken.append((s, e))
    attrs.sort(key=lambda a: (a.source[0], a.cue[0]))
    for i, a in enumerate(attrs, 1):
        a.id = f"a{i}"
    return attrs


def _sentence(article: Article, R: Rules, t: str, ss: int, se: int, pi: int, new_id,
              quotes: list[tuple[int, int]], found: list) -> list[Attr]:
    found = list(found)
    # longest match first at a position; drop cues inside a longer cue
    found.sort(key=lambda x: (x[0], -(x[1] - x[0]), 0 if x[2].get("hop") else 1))
    cues = []
    for c in found:
        if any(c[0] < o[1] and o[0] < c[1] for o in cues):
            continue
        cues.append(c)
    cues = [c for c in cues if not any(a < c[0] < b for a, b in quotes)
            and (c[2].get("source") == "subject" or not _noun_use(t, ss, c))]
    starts = [c[0] for c in cues if not c[2].get("noun")]
    out: list[Attr] = []
    used: list[tuple[int, int]] = []
    for cs0, ce, ent, m in cues:
        hint = ent.get("hint")
        got = None
        # the verb group: "last year had repeatedly said" -> the subject ends before it
        relative = shared = False
        cs, negated = _verb_group(R, t, ss, cs0)
        if negated:
            continue            # "did not say", "declined to comment": no statement
        # a subject before the cue starts after an earlier cue of the sentence: "Clinton said
        # Trump told her" (the second statement is inside the first one's content)
        lo = max([a.cue[1] for a in out if a.cue[1] <= cs and not a.cue_entry.get("hop")] +
                 [ss])
        if ent.get("venue") and ent.get("source") == "after":
            continue            # "in an interview with X": X is a venue, handled below
        if m.groupdict().get("source"):
            s, e = m.span("source")
            c = classify(R, t, s, e, hint)
            if c:
                got = (s, e, c)
        direction = ent.get("source", "before")
        if direction in ("before", "either") and t[cs0:ce].endswith("ing") and \
                t[lo:cs].rstrip().endswith(","):
            direction = "subject"       # ", calling Bush a spoiled child": a participle
        if ent.get("object") == "clause" and not _clause_follows(t, ce, se):
            before_txt = t[ss:cs].rstrip()
            direction = "after" if direction == "either" and before_txt and \
                before_txt[-1] in ",\"'" else None
        # passive: "the remarks were first reported Friday by the Post" (the agent is the
        # source); "it is reported", "voters were told" (no source: the subject is no speaker)
        passive = cs < cs0 and _BE_AUX.search(t, cs, cs0) is not None and \
            not t[cs0:ce].endswith("ing") and direction in ("before", "either", "subject")
        if got is None and (passive or direction in ("before", "either", "subject") and
                            not t[lo:cs].strip()):
            pb = _PASSIVE_BY.match(t, ce, se)
            if pb:
                s, e = _object_after(R, t, pb.end(), se, [x for x in starts if x > cs])
                c = classify(R, t, s, e, hint) if e > s else None
                if c is None and e > s:
                    got = _described(R, t, s, e)
                elif c:
                    got = (s, e, c)
        if got is None and passive:
            continue
        if got is None and direction == "subject":
            got = _clause_subject(R, t, ss, cs, out)
        if got is None and direction in ("after", "either"):
            inverted = direction == "after"
            if direction == "either":
                before = t[ss:cs].rstrip()
                inverted = bool(before) and before[-1] in ",\"'" or before == ""
            if inverted:
                s, e = _object_after(R, t, ce, se, [x for x in starts if x > cs],
                                     verb=direction == "either")
                c = classify(R, t, s, e, hint) if e > s else None
                if c:
                    e, c = _extend_appositive_name(R, t, e, se, c)
                    got = (s, e, c)
        if got is None and direction in ("before", "either"):
            rel = _relative_subject(R, t, lo, cs)
            if rel is not None:
                got = rel
                relative = True
        if got is None and direction in ("before", "either"):
            s, e = _segment_before(R, t, lo, cs)
            c = classify(R, t, s, e, None) if e > s and len(_words(t, s, e)) <= 10 else None
            if c is None and e <= s:
                ap = _appositive_before(R, t, lo, cs, None)
                if ap:
                    got = ap
            elif c:
                got = (s, e, c)
            if got is None and e > s and " and " in t[s:e]:
                # "he's attacked and analysts say": the subject after the last "and"
                k = t.rfind(" and ", s, e) + 5
                c = classify(R, t, k, e, None)
                got = (k, e, c) if c else _described(R, t, k, e)
            if got is None and e > s:
                # "the juror said", "Several staff members said", "Six in 10 voters say":
                # someone described, not named (with a plural form: many of them, "the
                # researchers note")
                got = _described(R, t, s, e)
                if got is not None and ent.get("noun") and got[2]["kind"] != "vague":
                    got = None
            if got is None and "and" in t[ss:cs] and _AND_END.search(t[ss:cs]):
                # "she turned over the assets ... and vowed to": the clause's subject
                got = _clause_subject(R, t, ss, cs, out)
                shared = got is not None
        if got is None and not ent.get("noun") and not ent.get("hop") and direction and \
                not ent.get("strict") and \
                not ent.get("object") and not _NOUN_LIKE.search(t, cs0, ce):
            # cue-first: a reporting verb is a statement even when its speaker is a phrase the
            # rules above do not read; the nearest phrase of its clause stands as the source
            got = _nearest_phrase(R, t, lo, cs, ce, se, direction)
        if got is None:
            continue
        s, e, c = got
        if c["kind"] == "reference" and ent.get("hop"):
            continue
        if ent.get("noun") and c["kind"] not in ("person", "organization", "outlet",
                                                 "anonymous", "pronoun", "vague", "reference"):
            continue
        if ent.get("strict") and (c["kind"] not in ("person", "organization", "outlet",
                                                    "anonymous", "pronoun", "vague")
                                  or c.get("people") is False
                                  or c["kind"] == "vague"
                                  and _any(R.any_document, R.documents, t[s:e])):
            continue            # "the report dismissed": a judging verb needs a speaker
        if ent.get("animate") and c["kind"] == "document":
            continue            # "the polls suggest": evidence, not a statement
        if ent.get("noun") and c["kind"] == "vague" and direction != "before":
            continue
        if direction != "subject" and not shared and any(a < e and s < b for a, b in used):
            continue
        used.append((s, e))
        if c["kind"] == "person" and c.get("unnamed") and \
                t[s:e].split(" ", 1)[0].casefold() in ("a", "an", "one", "another"):
            c = dict(c, kind="anonymous")       # "a media analyst said": someone unnamed
        a = Attr(new_id(), (cs0, ce), ent, (s, e), c["kind"], c.get("name"), c.get("role"),
                 sentence=(ss, se), para=pi, line=article.position(s)[0])
        a.extra = {k: v for k, v in c.items() if k in ("fits", "outlet", "outlet_id",
                                                      "descriptor", "guess", "fallback")}
        if relative:
            a.extra["relative"] = True
        a.extra["text"] = t[s:e]
        if not ent.get("venue") and not ent.get("hop") and c["kind"] != "outlet":
            v = _venue_after(R, t, max(ce, e), se) or _venue_before(R, t, ss, min(s, cs0))
            if v is not None and any(b.source[0] <= v["start"] < b.source[1] for b in out):
                v = None        # "according to the Times, X said": a source already, no venue
            if v is not None:
                a.venue = v
        a.outlet_qualifier = c.get("outlet") if c["kind"] == "anonymous" else None
        a.scope_article = bool(ent.get("scope") == "article")
        a.content = None if ent.get("hop") or ent.get("scope") == "article" \
            else _content(t, a, (ss, se))
        out.append(a)
        if m.groupdict().get("speaker"):
            # "the Post reports Trump as saying": the speaker's statement, relayed by the source
            s2, e2 = m.span("speaker")
            c2 = classify(R, t, s2, e2) or _described(R, t, s2, e2)
            if isinstance(c2, tuple):
                c2 = c2[2]
            if c2 is not None:
                b = Attr(new_id(), m.span("relayed"), ent, (s2, e2), c2["kind"], c2.get("name"),
                         c2.get("role"), sentence=(ss, se), para=pi, line=article.position(s2)[0])
                b.extra = {k: v for k, v in c2.items() if k in ("fits", "guess")}
                b.extra["text"] = t[s2:e2]
                b.content = _content(t, b, (ss, se))
                b.parent = a
                out.append(b)
    # venue: "told X", "in an interview with X"
    for cs, ce, ent, m in cues:
        if not ent.get("venue"):
            continue
        s, e = _object_after(R, t, ce, se, [x for x in starts if x > cs])
        if e <= s:
            continue
        c = classify(R, t, s, e, ent.get("hint"))
        if R.outlet_rx is not None:
            o = R.outlet_rx.match(t, s + (4 if t.startswith(("the ", "The "), s) else 0))
            if o is not None and o.start() < e and (c is None or c["kind"] != "outlet"):
                # "told NBC's Chuck Todd": the outlet's journalist, the outlet's venue
                c = {"kind": "outlet", "name": t[s:e]}
            elif c is not None and c["kind"] == "person":
                after = _venue_after(R, t, e, se)        # "told Chris Hayes on MSNBC"
                if after is not None:
                    s, e, c = after["start"], after["end"], {"kind": "outlet",
                                                             "name": after["name"]}
        speaker = None
        for a in out:
            if a.cue == (cs, ce) or (a.venue is None and a.cue_entry.get("id") != ent.get("id")
                                     and not a.cue_entry.get("venue")):
                speaker = a if speaker is None or abs(a.cue[0] - cs) < abs(speaker.cue[0] - cs) \
                    else speaker
        if speaker is None:
            # "Deputy Foreign Minister Danny Ayalon, in an interview with CNN, put ..."
            sub = _clause_subject(R, t, ss, cs, [])
            if sub is not None and sub[2]["kind"] in ("person", "organization", "pronoun",
                                                      "anonymous"):
                a = Attr(new_id(), (cs, ce), ent, (sub[0], sub[1]), sub[2]["kind"],
                         sub[2].get("name"), sub[2].get("role"), sentence=(ss, se), para=pi,
                         line=article.position(sub[0])[0])
                a.extra = {k: v for k, v in sub[2].items() if k in ("fits",)}
                a.content = _content(t, a, (ss, se))
                out.append(a)
                speaker = a
        if c is None or c["kind"] not in ("outlet", "organization", "person"):
            if speaker is not None:
                speaker.venue = {"text": t[s:e], "start": s, "end": e, "name": t[s:e],
                                 "kind": None}
            continue
        if speaker is not None and speaker.cue == (cs, ce) and speaker.source == (s, e):
            continue
        v = Attr(new_id(), (cs, ce), ent, (s, e), c["kind"], c.get("name"), c.get("role"),
                 sentence=(ss, se), para=pi, line=article.position(s)[0])
        v.venue_of = speaker
        v.extra = {k: val for k, val in c.items() if k in ("guess", "outlet_id")}
        if c["kind"] == "person" and (ent.get("interview") or
                                      R.journalist_words & set(t[s:e].casefold().split())):
            # "in interviews with Howard Stern", "told late night host Jimmy Kimmel": the
            # journalist who put the words on air is a hop, as an outlet is
            v.extra["interviewer"] = True
        if speaker is not None:
            speaker.venue = {"text": t[s:e], "start": s, "end": e, "name": c.get("name"),
                             "kind": c["kind"]}
        out.append(v)
    return out


def _word_before(t: str, lo: int, end: int) -> tuple[int, int]:
    """The span of the word ending at or before ``end`` (white space skipped), no further back
    than ``lo``; (end, end) when there is none."""
    e = end
    while e > lo and t[e - 1].isspace():
        e -= 1
    b = e
    while b > lo and (t[b - 1].isalnum() or t[b - 1] in "_'\u2019-"):
        b -= 1
    return b, e


def _verb_group(R: Rules, t: str, ss: int, cs: int) -> tuple[int, bool]:
    """Where the verb group of the cue at ``cs`` starts, stepping back over auxiliaries,
    adverbs and time phrases ("has also said", "last year said", "on Monday told"), and
    whether it is negated ("did not say", "declined to comment")."""
    start, negated = cs, False
    seg_end = cs
    for _ in range(6):
        b, e = _word_before(t, ss, seg_end)
        if b == e or t[e:seg_end].strip():
            break               # no word, or punctuation between ("," '"')
        word = t[b:e]
        w = word.casefold().replace("\u2019", "'")
        if w in R.negators or w.endswith("n't"):
            negated = True
        elif w in R.fillers or w in R.time_words or (w.endswith("ly") and word.islower()
                                                       and len(w) > 3):
            pass
        else:
            if R.negating_rx is not None and R.negating_rx.match(t, b, cs):
                negated = True
            elif w == "to":
                b2, e2 = _word_before(t, ss, b)
                if b2 < e2 and f"{t[b2:e2].casefold()} to" in R.negating_verbs:
                    return b2, True
            break
        start = seg_end = b
    return start, negated


_PRONOUNS = {"he", "she", "they", "it", "we", "i", "you"}
_COMMA_SPACE = re.compile(r",\s+")
_OF_WHOM = re.compile(r"(?:\b(?:one|two|three|some|many|most|all|none|several|each|both|half|"
                      r"\d+%?|\d+ percent) of (?:whom|them|those|these))\s*$", re.I)
_TRAILING_NAME = re.compile(r"(?:\b[A-Z][\w'.-]+\s){1,3}[A-Z][\w'-]+\s*$")
# a cue that may be a plural noun ("claims", "remarks", "talks"): no last-resort source for it
_NOUN_LIKE = re.compile(r"(?<!say)s$|s\s")


def _nearest_phrase(R: Rules, t: str, lo: int, cs: int, ce: int, se: int, direction: str):
    """The last resort for a cue whose source the rules could not read: the words just before
    the verb group (back to a clause boundary, at most six), else the words after the cue, typed
    by their look: a pronoun, a capitalised name (person), else a description (vague)."""
    s, e = _segment_before(R, t, lo, cs) if direction != "after" else (cs, cs)
    ws = _words(t, s, e)
    if not ws:
        before = t[lo:cs].rstrip()
        if before and before[-1] not in ",\"'":
            return None         # not inverted: what follows the verb is its object
        s, e = _object_after(R, t, ce, se, [])
        ws = _words(t, s, e)[:4]
        if not ws:
            return None
        e = ws[-1][1]
    m = _OF_WHOM.search(t, max(lo, cs - 40), cs)
    if m:                        # "victims, one of whom said": some of those just named
        one = m.group(0).split(" ", 1)[0].casefold() == "one"
        return m.start(), m.start() + len(m.group(0).rstrip()), {
            "kind": "anonymous" if one else "vague", "name": m.group(0).strip()}
    low = [w[2].casefold() for w in ws]
    if len(ws) == 1 and (low[0] in _PRONOUNS or low[0].endswith("ly")):
        return None             # a pronoun the pronoun rules did not take, "Apparently"
    m = _TRAILING_NAME.search(t, s, e)
    if m and any(w in R.verbs_not_in_source for w in low):
        # "it was something Mindy McGillivray said": the name just before the verb
        c = classify(R, t, m.start(), e)
        if c and c["kind"] == "person":
            return m.start(), e, c
    if len(ws) > 4 or any(w in R.verbs_not_in_source or w in _PREPS or
                          w in R.not_in_source_end or w in R.clause_starts for w in low) or \
            low[-1] in _PRONOUNS:
        return None             # a clause or a prepositional phrase, not a speaker
    kind = "person" if all(_is_cap(w[2]) for w in ws) and len(ws) <= 4 else "vague"
    return s, e, {"kind": kind, "name": t[s:e], "fallback": True}


_BE_AUX = re.compile(r"\b(?:is|are|was|were|been|be|being)\b", re.I)
_PASSIVE_BY = re.compile(r"\s+(?:[\w'-]+\s+){0,4}?by\s+(?!\w+ing\b)", re.I)
_PLURAL_HEAD = re.compile(r"[a-z]{3,}s$")
_QUANTITY = re.compile(r"^(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|"
                       r"dozens|hundreds|thousands|millions|half|a third|a quarter|"
                       r"(?:\w+-in-\w+)|\w+ in \d+|\d+ percent|\d+%)\b", re.I)


def _described(R: Rules, t: str, s: int, e: int):
    """A common noun phrase as the source ("the juror", "Several staff members", "bankruptcy
    lawyers", "Six in 10 voters"): anonymous when it is one person, vague when many; None
    when it is not a noun phrase (a clause, a name the classifier did not take)."""
    ws = _words(t, s, e)
    if not ws or len(ws) > 8:
        return None
    low = [w[2].casefold() for w in ws]
    if low[-1] in R.not_in_source_end or any(w in R.verbs_not_in_source for w in low):
        return None
    quant = low[0] in R.quantifiers or bool(_QUANTITY.match(t[s:e]))
    if any(w in R.clause_starts for w in low[1:]) or low[0] in R.not_name:
        if low[0] not in _DETS and not quant:
            return None
    head = low[-1]
    first = low[0]
    plural = bool(_PLURAL_HEAD.search(head)) and not head.endswith(("ss", "us", "is")) \
        or head in R.collective_heads
    if first.endswith(("'s", "s'")) and len(ws) >= 2 and (plural or head in R.collective_heads):
        return s, e, {"kind": "vague", "name": t[s:e]}     # "China's state media"
    if not ws[-1][2].islower() or not (quant or first in _DETS or all(
            w[2].islower() or i == 0 for i, w in enumerate(ws))):
        return None             # capitalised words: a name, not a description
    person = head in R.role_heads or head.endswith(R.person_endings)
    # many people, not things: "voters", "staff members", "the crowd" (not "the loans")
    one = head[:-2] + "an" if head.endswith("men") else head[:-1] if head.endswith("s") else head
    people = person or head in R.collective_heads or one in R.role_heads or \
        one.endswith(R.person_endings)
    if first in ("the", "this", "that") and not plural:
        if not person:
            # "the ad", "the clip"
            return s, e, {"kind": "vague", "name": t[s:e], "people": people}
        return s, e, {"kind": "anonymous", "name": t[s:e], "role": t[s:e], "unnamed": True,
                      "people": True, "descriptor": "definite"}
    if first in ("a", "an", "one", "another") and not plural:
        if not person:
            return s, e, {"kind": "vague", "name": t[s:e], "people": people}
        return s, e, {"kind": "anonymous", "name": t[s:e], "role": t[s:e], "unnamed": True,
                      "people": True, "descriptor": "indefinite"}
    if plural and (quant or first in _DETS or ws[0][2].islower() or len(ws) <= 3):
        return s, e, {"kind": "vague", "name": t[s:e], "people": people}
    return None


_VENUE_LEAD = re.compile(r"\s*,?\s*(?:[\w-]+\s+){0,4}?(?:on|to|in|with|at)\s+(?:(?:the|a|an)\s+)?[\"']?"
                         r"(?=\S)", re.I)


def _venue_after(R: Rules, t: str, pos: int, se: int) -> dict | None:
    """An outlet right after a cue, as the place the words were said or written ("said Sunday
    on CNN's State of the Union", "wrote in Politico", "said to the AP"), or after the
    speaker's description (", a terrorism expert at Brookings, in a Politico article"): the
    venue."""
    if R.outlet_rx is None:
        return None
    m = _VENUE_LEAD.match(t, pos, min(se, pos + 60))
    o = R.outlet_rx.match(t, m.end()) if m else None
    if o is None:
        for m in _VENUE_COMMA.finditer(t, pos, min(se, pos + 200)):
            o = R.outlet_rx.match(t, m.end())
            if o is not None:
                break
    if o is None:
        return None
    s, e = o.span()
    entry = R.outlet_by_alias.get(t[s:e]) or {}
    return {"text": t[s:e], "start": s, "end": e, "name": t[s:e], "kind": "outlet",
            "outlet_id": entry.get("id")}


_VENUE_COMMA = re.compile(r",\s*(?:in|on|to)\s+(?:(?:the|a|an)\s+)?[\"']?(?=[A-Z])")
_VENUE_BEFORE = re.compile(r"\b(?:on|to|by|with|in|during)\s+(?:(?:the|a|an)\s+)?[\"']?(?=[A-Z])")


def _venue_before(R: Rules, t: str, ss: int, end: int) -> dict | None:
    """An outlet named before the speaker in the same sentence, after a preposition: "Asked
    by CNN's John Berman whether ..., Pierson said", "last week on MSNBC he said"."""
    if R.outlet_rx is None or end - ss > 200:
        return None
    for m in _VENUE_BEFORE.finditer(t, ss, end):
        o = R.outlet_rx.match(t, m.end())
        if o is not None and o.end() <= end:
            return {"text": o.group(0), "start": o.start(), "end": o.end(), "name": o.group(0),
                    "kind": "outlet"}
    return None


def _clause_follows(t: str, ce: int, se: int) -> bool:
    """After "reported"/"wrote": that, a quote, punctuation, the end, or a time phrase."""
    rest = t[ce:se].lstrip()
    if not rest or rest[0] in ',.:;"\'(-':
        return True
    w = _FIRST_WORD.match(rest)
    if bool(w) and w.group(0).casefold() in {"that", "last", "this", "earlier", "today",
                                             "yesterday", "recently", "previously", "monday",
                                             "tuesday", "wednesday", "thursday", "friday",
                                             "saturday", "sunday"}:
        return True
    # "reported on Monday that", "wrote in March"
    return bool(_TIME_AFTER.match(rest))


def _tail_np(R: Rules, t: str, s: int, e: int):
    """The noun phrase ending at ``e``: capitalised words, titles, role nouns ("drawing praise
    from Republican President Donald Trump" -> "Republican President Donald Trump")."""
    words = _words(t, s, e)
    start = None
    for i in range(len(words) - 1, -1, -1):
        w = words[i][2]
        wl = w.casefold().rstrip(".")
        if _is_cap(w) or wl in R.title_words or wl in R.role_heads or w.endswith(("'s", "'")) \
                or (wl in {"of", "and"} and i + 1 < len(words) and _is_cap(words[i + 1][2])):
            start = i
            continue
        if wl in _DETS and start is not None:
            start = i
        break
    if start is None:
        return None
    ps, pe = words[start][0], words[-1][1]
    pe = _strip(t, ps, e)[1]
    if start < len(words) and words[start][2].casefold() in {"of", "and"}:
        return None
    c = classify(R, t, ps, pe)
    if c and c["kind"] in ("person", "organization", "outlet", "anonymous", "document"):
        return ps, pe, c
    return None


def _relative_subject(R: Rules, t: str, ss: int, cs: int):
    """"Harry Reid, who noted ...", "the intelligence community, which says ...": the source is
    the phrase before the relative pronoun."""
    seg = t[ss:cs]
    m = _RELATIVE_END.search(seg) if "wh" in seg else None
    if not m:
        return None
    between = t[ss + m.end(1):cs].split()
    if any(w.casefold() not in R.fillers and not w.endswith("ly") for w in between):
        return None
    end = ss + m.start(1)
    s, e = _strip(t, ss, end)
    if e <= s:
        return None
    tail = _tail_np(R, t, s, e)
    if tail is not None:
        return tail
    ap = _appositive_before(R, t, ss, e + 1 if t[e:e + 1] == "," else e, None)
    if ap:
        return ap
    s2, e2 = _segment_before(R, t, ss, end)
    c = classify(R, t, s2, e2) if e2 > s2 and len(_words(t, s2, e2)) <= 10 else None
    return (s2, e2, c) if c else None


def _clause_subject(R: Rules, t: str, ss: int, cs: int, found: list):
    """The subject of the clause a gerund or a venue phrase hangs on ("Trump met ...,
    saying"): an attribution found earlier in the sentence, else the phrase that opens the
    clause."""
    if found:
        a = found[-1]
        return a.source[0], a.source[1], {"kind": a.kind, "name": a.name, "role": a.role,
                                          "fits": a.extra.get("fits")}
    seg = t[ss:cs]
    starts = [0] + [m.end() for m in _CLAUSE_JOIN.finditer(seg)]
    # "During interviews, Conway dismissed ... and argued": the subject after an opening phrase
    starts += [m.end() for m in _COMMA_SPACE.finditer(seg) if m.end() > starts[-1]]
    starts.sort()
    for st in reversed(starts):
        s = ss + st
        m = _LEAD_WORDS.match(t[s:cs])
        if not m:
            continue
        words = _words(t, s, s + m.end())
        # take the leading words up to the first lower-case word that is not a title
        e = s
        for n_, (ws, we, w) in enumerate(words):
            wl = w.casefold().rstrip(".")
            if n_ == 0 and wl in {"he", "she", "they", "it", "we", "i"}:
                e = we
                break
            if _is_cap(w) or wl in R.title_words or wl in R.role_heads or \
                    wl in {"of", "the", "a", "an", "for"} or w.endswith(("'s", "'")):
                e = we
                continue
            break
        s1, e1 = _strip(t, s, e)
        if e1 <= s1:
            continue
        ws_ = _words(t, s1, e1)
        if ws_ and ws_[0][2].casefold() in R.leading_drop:
            s1 = _strip(t, ws_[0][1], e1)[0]
        c = classify(R, t, s1, e1) if e1 > s1 else None
        if c and c["kind"] in ("person", "organization", "outlet", "pronoun", "anonymous"):
            return s1, e1, c
    return None



_NOT_BEFORE_CUE = {"its", "his", "her", "their", "our", "my", "your", "the", "a", "an", "of",
                   "to", "for", "with", "these", "those", "such", "whose"}


def _noun_use(t: str, ss: int, cue) -> bool:
    """"its claims", "the cited source": the cue word is a noun or an adjective here."""
    if cue[3].groupdict().get("source") or " " in cue[3].group(0):
        return False
    # the last word before the cue ("(\w+)\W*$"; \w is alphanumeric or "_")
    j = cue[0]
    while j > ss and not (t[j - 1].isalnum() or t[j - 1] == "_"):
        j -= 1
    i = j
    while i > ss and (t[i - 1].isalnum() or t[i - 1] == "_"):
        i -= 1
    return i < j and t[i:j].casefold() in _NOT_BEFORE_CUE


_DOUBLE_QUOTE = re.compile(r'"|\'\'')     # a double quote, or two single ones ('' as in ’’)


def _quote_spans(t: str, ps: int, pe: int) -> list[tuple[int, int]]:
    """Spans between paired double quotes in a paragraph (words said, not narration); an
    unclosed quote runs to the end of the paragraph."""
    pos = [m.start() for m in _DOUBLE_QUOTE.finditer(t, ps, pe)]
    spans = [(pos[i], pos[i + 1]) for i in range(0, len(pos) - 1, 2)]
    if len(pos) % 2:
        spans.append((pos[-1], pe))
    return spans


def _content(t: str, a: Attr, sent: tuple[int, int]) -> tuple[int, int] | None:
    ss, se = sent
    lo = min(a.cue[0], a.source[0])
    hi = max(a.cue[1], a.source[1])
    before = _strip(t, ss, lo)
    after_s = hi
    m = _CONTENT_GAP.match(t, after_s, se)
    if m:
        after_s = m.end()
    after = _strip(t, after_s, se)
    lb, la = before[1] - before[0], after[1] - after[0]
    if lb < 12 and la < 12:
        return None
    return before if lb >= la else after


