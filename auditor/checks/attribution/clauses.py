"""Where a cue's parts stand in its clause: the verb group, the subject read from the clause,
a described or nearest phrase as the source, the venue (an outlet said on or written in), and
the content span of the statement."""
from __future__ import annotations

import re

from .rules import Rules
from .sources import (
    _CLAUSE_JOIN, _CONTENT_GAP, _FIRST_WORD, _LEAD_WORDS, _RELATIVE_END,
    _TIME_AFTER, _appositive_before, _is_cap, _object_after, _segment_before, _strip, _words,
    classify)
from .statement import Attr


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
                                                       and len(w) > 3) or \
                (len(w) == 4 and w.isdigit()):      # "Sessions in 2008 called"
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


_COMMA_SPACE = re.compile(r",\s+")
_OF_WHOM = re.compile(r"(?:\b(?:one|two|three|some|many|most|all|none|several|each|both|half|"
                      r"\d+%?|\d+ percent) of (?:whom|them|those|these))\s*$", re.I)
_TRAILING_NAME = re.compile(r"(?:\b[A-Z][\w'.-]+\s){1,3}[A-Z][\w'-]+\s*$")
# a cue that may be a plural noun ("claims", "remarks", "talks"): no last-resort source for it
_NOUN_LIKE = re.compile(r"(?<!say)s$|s\s")


def _of_whom(t: str, lo: int, cs: int):
    """"victims, one of whom said", "Protestants (72% of whom say": some of those just named,
    anonymous when one of them, vague when more."""
    m = _OF_WHOM.search(t, max(lo, cs - 40), cs)
    if m is None:
        return None
    one = m.group(0).split(" ", 1)[0].casefold() == "one"
    return m.start(), m.start() + len(m.group(0).rstrip()), {
        "kind": "anonymous" if one else "vague", "name": m.group(0).strip()}


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
    low = [w[2].casefold() for w in ws]
    if len(ws) == 1 and (low[0] in R.pronoun_words or low[0].endswith("ly")):
        return None             # a pronoun the pronoun rules did not take, "Apparently"
    m = _TRAILING_NAME.search(t, s, e)
    if m and any(w in R.verbs_not_in_source for w in low):
        # "it was something Mindy McGillivray said": the name just before the verb
        c = classify(R, t, m.start(), e)
        if c and c["kind"] == "person":
            return m.start(), e, c
    if len(ws) > 4 or any(w in R.verbs_not_in_source or w in R.prepositions or
                          w in R.not_in_source_end or w in R.clause_starts for w in low) or \
            low[-1] in R.pronoun_words:
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
    cut = next((i for i in range(len(low) - 1, 0, -1) if low[i] in R.phrase_openers and
                low[i - 1] not in R.name_joiners and low[i - 1] not in R.coordinators), None)
    if cut is not None:         # "met the voters (who said)": the phrase opens at "the"
        ws, low, s = ws[cut:], low[cut:], ws[cut][0]
    if low[-1] in R.not_in_source_end or any(w in R.verbs_not_in_source for w in low):
        return None
    quant = low[0] in R.quantifiers or bool(_QUANTITY.match(t[s:e]))
    if any(w in R.clause_starts for w in low[1:]) or low[0] in R.not_name:
        if low[0] not in R.determiners and not quant:
            return None
    head = low[-1]
    first = low[0]
    plural = bool(_PLURAL_HEAD.search(head)) and not head.endswith(("ss", "us", "is")) \
        or head in R.collective_heads or head.endswith(R.plural_heads)
    if first.endswith(("'s", "s'")) and len(ws) >= 2 and (plural or head in R.collective_heads):
        return s, e, {"kind": "vague", "name": t[s:e]}     # "China's state media"
    if not ws[-1][2].islower() or not (quant or first in R.determiners or all(
            w[2].islower() or i == 0 for i, w in enumerate(ws))):
        return None             # capitalised words: a name, not a description
    person = head in R.role_heads or head.endswith(R.person_endings)
    # many people, not things: "voters", "staff members", "the crowd" (not "the loans")
    one = head[:-2] + "an" if head.endswith("men") else head[:-1] if head.endswith("s") else head
    people = person or head in R.collective_heads or head.endswith(R.plural_heads) or \
        one in R.role_heads or \
        one.endswith(R.person_endings)
    if first in R.definites and not plural:
        if not person:
            # "the ad", "the clip"
            return s, e, {"kind": "vague", "name": t[s:e], "people": people}
        return s, e, {"kind": "anonymous", "name": t[s:e], "role": t[s:e], "unnamed": True,
                      "people": True, "descriptor": "definite"}
    if first in R.indefinites and not plural:
        if not person:
            return s, e, {"kind": "vague", "name": t[s:e], "people": people}
        return s, e, {"kind": "anonymous", "name": t[s:e], "role": t[s:e], "unnamed": True,
                      "people": True, "descriptor": "indefinite"}
    if plural and (quant or first in R.determiners or ws[0][2].islower() or len(ws) <= 3):
        return s, e, {"kind": "vague", "name": t[s:e], "people": people}
    return None


_VENUE_LEAD = re.compile(r"\s*,?\s*(?:[\w-]+\s+){0,4}?(?:on|to|in|with|at)\s+(?P<article>(?:the|a|an)\s+)?[\"']?"
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
    if o is None and m and m.group("article"):
        o = R.outlet_rx.match(t, m.start("article"))    # "on The View": the article is its name's
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
                or (wl in R.name_joiners and i + 1 < len(words) and _is_cap(words[i + 1][2])):
            start = i
            continue
        if wl in R.determiners and start is not None:
            start = i
        break
    if start is None:
        return None
    ps, pe = words[start][0], words[-1][1]
    pe = _strip(t, ps, e)[1]
    if start < len(words) and words[start][2].casefold() in R.name_joiners:
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
    # "joined with gay rights groups, who warned": the noun phrase after a preposition
    ws = _words(t, s, e)
    k = len(ws)
    while k > 0 and len(ws) - k < 6:
        w = ws[k - 1][2].casefold()
        if w in R.prepositions or w == "by" or w in R.clause_starts or w in R.verbs_not_in_source or \
                w in R.negators or w in R.pronoun_words:
            break
        k -= 1
    if 0 < k < len(ws) and (ws[k - 1][2].casefold() in R.prepositions or ws[k - 1][2].casefold() == "by"):
        got = _described(R, t, ws[k][0], ws[-1][1])
        if got is not None:
            return got
    ap = _appositive_before(R, t, ss, e + 1 if t[e:e + 1] == "," else e, None)
    if ap:
        return ap
    s2, e2 = _segment_before(R, t, ss, end)
    c = classify(R, t, s2, e2) if e2 > s2 and len(_words(t, s2, e2)) <= 10 else None
    if c is None and e2 > s2:
        return _described(R, t, s2, e2)     # "gay rights groups who warned", "the nominee, who"
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
        words = _words(t, s, cs)[:8]      # "The mayor took ...": a role head goes on
        # take the leading words up to the first lower-case word that is not a title
        e = s
        for n_, (ws, we, w) in enumerate(words):
            wl = w.casefold().rstrip(".")
            if n_ == 0 and wl in R.pronoun_words:
                e = we
                break
            if _is_cap(w) or wl in R.title_words or wl in R.role_heads or \
                    wl in R.subject_link_words or w.endswith(("'s", "'")):
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


def _noun_use(R: Rules, t: str, ss: int, cue) -> bool:
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
    return i < j and t[i:j].casefold() in R.not_before_cue


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


def _infinitive_source(R: Rules, t: str, ss: int, lo: int, cs: int, found: list):
    """The speaker of a reporting verb after "to": the object of a verb of leading or asking
    before it ("led many to say"), else the subject of the clause ("Jeb Bush took to Facebook
    to announce"). ``False`` when the "to" hangs on a word that makes no statement of it
    ("hard to say", "nothing to say") or on a request ("asked Trump to clarify")."""
    ws = _words(t, max(lo, cs - 80), cs)
    if not ws:
        return None
    if ws[-1][2].casefold() in R.infinitive_not_after or \
            f"{ws[-1][2].casefold()} to" in R.negating_verbs:
        return False            # "refused to say": no statement
    last = ws[-1][2]
    if not (last.endswith("ed") or last.casefold() in R.quantifiers or
            last.casefold() in R.object_pronouns or _is_cap(last) and len(ws) > 1):
        return False            # "loath to accuse", "an attempt to maintain": no verb of it
    for k in range(len(ws) - 1, max(-1, len(ws) - 7), -1):
        if ws[k][2].casefold() in R.infinitive_requests:
            return False        # "asked Trump to clarify": a request, no statement yet
        if ws[k][2].casefold() in R.object_control:
            if k + 1 == len(ws):
                break           # "asked to explain": the subject was asked
            s, e = ws[k + 1][0], ws[-1][1]
            c = classify(R, t, s, e)
            return (s, e, c) if c else _described(R, t, s, e)
    return _clause_subject(R, t, ss, cs, found)


def _participle_head(R: Rules, t: str, lo: int, cs: int):
    """The noun phrase a participle right after it describes ("women accusing Trump",
    "Pasalaqua quoting Trump", "a clause saying"): its speaker. None when the word before is
    no noun (a preposition, an auxiliary, a pronoun, a time word: "by saying", "was saying")."""
    lo = max(lo, cs - 80)
    cut = _PHRASE_PUNCT.search(t[lo:cs][::-1])
    ws = _words(t, cs - cut.start() if cut else lo, cs)
    if not ws:
        return None             # punctuation just before: ", saying" is the clause's
    wl = ws[-1][2].casefold()
    if wl in R.prepositions or wl in R.participle_prepositions or wl in R.clause_starts or \
            wl in R.verbs_not_in_source or wl in R.negators or wl in R.pronoun_words or \
            wl in R.time_words or wl in R.fillers:
        return None
    tail = _tail_np(R, t, ws[max(0, len(ws) - 5)][0], ws[-1][1])
    if tail is not None:
        return tail
    k = len(ws)
    while k > 0 and len(ws) - k < 5:
        w = ws[k - 1][2].casefold()
        if w in R.prepositions or w in R.clause_starts or w in R.verbs_not_in_source:
            break
        k -= 1
    if k == len(ws):
        return None
    c = classify(R, t, ws[k][0], ws[-1][1])
    if c is not None and c["kind"] in ("organization", "outlet"):
        return ws[k][0], ws[-1][1], c       # "the Clinton campaign calling"
    got = _described(R, t, ws[k][0], ws[-1][1])
    if got is not None and got[2].get("people") is False:
        return None             # "defended his businesses saying": things say nothing
    return got


_PHRASE_PUNCT = re.compile(r"[,;:()\"]")
