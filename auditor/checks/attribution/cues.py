"""Cue-first extraction: every reporting cue of the text, with its source and content."""
from __future__ import annotations

import re
from bisect import bisect_left

from ...model import Article
from ...rules import search
from ...text import norm_key, sentences
from .clauses import (
    _BE_AUX, _NOUN_LIKE, _PASSIVE_BY, _clause_follows, _clause_subject, _content, _described,
    _infinitive_source, _nearest_phrase, _noun_use, _of_whom, _participle_head, _quote_spans, _relative_subject, _venue_after, _venue_before,
    _verb_group)
from .regex import TextScan, _any, scan
from .rules import Rules
from .sources import (
    _AND_END, _appositive_before, _extend_appositive_name, _object_after, _same_key,
    _segment_before, _words, classify, straight)
from .statement import Attr


_CALL_SIGN = re.compile(r"[A-Z][A-Z0-9]{2,}(?:-[A-Z0-9]+)?")
_POSTMODIFIER = re.compile(r"\s(?:of|at|for|from|in|with|on|close\s+to|familiar\s+with)\s")


def _unnamed_person(R: Rules, phrase: str, c: dict) -> bool:
    """A person the phrase describes without naming: "a media analyst", "a top Russian
    official", "the owner of a local gun store" (a definite description that says who by what
    follows it); not "the senator" (someone named before) nor a name."""
    words = phrase.split()
    first = words[0].casefold() if words else ""
    if c.get("unnamed") and first in R.indefinites:
        return True             # "another House Republican", "a member at a rally in Ohio"
    if len(words) < 2 or not words[-1][:1].islower():
        return False            # ends in a name: "Ms. Ortiz"
    if first in R.indefinites:
        return True             # "a top Russian official"
    return first == "the" and bool(_POSTMODIFIER.search(phrase))


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
    all_cues = sorted(((m.start(), m.end(), ent, m) for ent, found in R.scan_cues(R, ts)
                       for m in found), key=lambda x: x[0])
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
        elif head_key and _same_key(ln.text, head_key, head_first,
                                    None if "\u2014" in ln.text or "\u2015" in ln.text
                                    else t[ln.start:ln.end]):
            continue
        quotes = _quote_spans(t, ln.start, ln.end)
        for ss, se in sentences(t, ln.start, ln.end, abbreviations=R.abbreviations):
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
            sent = next(((a, b) for a, b in sentences(t, ln.start, ln.end, abbreviations=R.abbreviations)
                         if a <= s < b),
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
            and (c[2].get("source") == "subject" or not _noun_use(R, t, ss, c))]
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
        lo = max([a.cue[1] for a in out if a.cue[1] <= cs and not a.cue_entry.get("hop")
                  and not a.extra.get("relative")] + [ss])
        # "Jim, who describes himself as ..., said": the relative clause's head speaks again
        rel = next((a for a in reversed(out) if a.extra.get("relative") and a.cue[1] <= cs
                    and a.source[1] >= lo), None)
        if rel is not None and ent.get("source", "before") in ("before", "either") and \
                t[rel.cue[1]:cs].rstrip().endswith(","):
            got = (rel.source[0], rel.source[1], {"kind": rel.kind, "name": rel.name,
                                                  "role": rel.role, "fits": rel.extra.get("fits")})
            shared = True
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
            not t[cs0:ce].split(None, 1)[0].endswith("ing") and \
            direction in ("before", "either", "subject")      # not "was trying to argue"
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
        if got is None and ent.get("control"):
            got = _infinitive_source(R, t, ss, lo, cs, out)
            if got is False:
                continue        # "hard to say", "nothing to say"
        if got is None and direction in ("subject", "before", "either") and \
                t[cs0:ce].endswith("ing") and t[lo:cs].strip():
            got = _participle_head(R, t, lo, cs)    # "women accusing Trump", no comma
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
            got = _of_whom(t, lo, cs)
        if got is None and direction in ("before", "either"):
            rel = _relative_subject(R, t, lo, cs)
            if rel is not None:
                got = rel
                relative = True
        if got is None and direction in ("before", "either"):
            s, e = _segment_before(R, t, lo, cs)
            # a call sign or an acronym alone ("FOXC4KC reported", "WMUR reported") takes the
            # cue's hint: an outlet the registry does not know
            sign = hint if _CALL_SIGN.fullmatch(t, s, e) else None
            c = classify(R, t, s, e, sign) if e > s and len(_words(t, s, e)) <= 10 else None
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
        if direction != "subject" and not shared and not relative and \
                any(a < e and s < b for a, b in used):
            continue
        if not relative:
            used.append((s, e))     # "Jim, who describes himself ..., said": Jim's twice
        if c["kind"] == "person" and _unnamed_person(R, t[s:e], c):
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
