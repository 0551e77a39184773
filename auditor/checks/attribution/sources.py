"""The source of a cue: the speaker's noun phrase before or after it, and its kind."""
from __future__ import annotations

import re
from typing import Iterable
import unicodedata

from ...rules import search
from ...text import _WORD as _KEY_WORD, _straighten, norm_key
from .regex import _any
from .rules import Rules

_WORD = re.compile(r"[A-Za-z][\w.'&-]*")
# helpers' own patterns, compiled once (not looked up in re's cache on every call)
_TOKS = re.compile(r"[\w-]+")
_LETTERS = re.compile(r"[A-Za-z]+")
_CLAUSE_PUNCT = re.compile(r"[,;:\"()\[\]]|--|\s-\s")
_WORD_GROUP = re.compile(r"\b(\w+)\b")
_COMMA_QUOTE = re.compile(r"[,\"]")
_OBJECT_END = re.compile(r"[,;:.!?\"()]|\s-\s|--")
_FIRST_WORD = re.compile(r"\w+")
_APPOSITIVE = re.compile(r",\s*([^,;.]{2,60}?)\s*(?=[,;.]|$)")
_AND_END = re.compile(r"\sand\s+(?:\w+ly\s+)?$")
_TIME_AFTER = re.compile(r"(?:on|in)\s+(?:[A-Z][a-z]+day|January|February|March|April|May|June|"
                         r"July|August|September|October|November|December|\d)")
_RELATIVE_END = re.compile(r"(?:^|[\s,])(who|which)\s+(?:\w+\s+){0,2}$")
_CLAUSE_JOIN = re.compile(r"(?:,\s*but|;|,\s*and|,\s*while|\bbut)\s+")
_LEAD_WORDS = re.compile(r"(?:[A-Z][\w.'&-]*|[a-z][\w'-]*)(?:\s+(?:[A-Z][\w.'&-]*|of|the|for|"
                         r"[a-z][\w'-]*(?=\s+[A-Z])))*")
_CONTENT_GAP = re.compile(r"\s*(?:,\s*)?(?:that\s+)?")


# -- source phrase classification ------------------------------------------------------------
def _strip(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and (text[s].isspace() or text[s] in ",;:-\"'()"):
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] in ",;:-\"'."):
        e -= 1
    # keep a closing bracket only when it is balanced
    if e > s and text[e - 1] == ")" and text.count("(", s, e) < text.count(")", s, e):
        e -= 1
    return s, e


def _words(text: str, s: int, e: int) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(0)) for m in _WORD.finditer(text, s, e)]


def _is_cap(w: str) -> bool:
    return w[:1].isupper()


_CLASSIFY_CACHE_SIZE = 50_000


def classify(R: Rules, t: str, s: int, e: int, hint: str | None = None) -> dict | None:
    """Kind, name and role of the source phrase t[s:e], or None if it is not a source.

    The answer depends on the phrase and the hint only, so it is remembered (per rule set)
    for the phrases that come back ("he", "officials", "the Kremlin")."""
    phrase = t[s:e]
    key = (phrase, hint)
    memo = R.classified
    if key in memo:
        c = memo[key]
    else:
        if len(memo) >= _CLASSIFY_CACHE_SIZE:
            memo.clear()
        c = memo[key] = _classify(R, phrase, 0, len(phrase), hint)
    if c is None:
        return None
    c = dict(c)
    if "fits" in c:
        c["fits"] = list(c["fits"])
    return c


def _classify(R: Rules, t: str, s: int, e: int, hint: str | None = None) -> dict | None:
    phrase = t[s:e].strip()
    if not phrase or len(phrase) > 200:
        return None
    low = phrase.casefold()
    toks = _TOKS.findall(low)
    if toks and toks[-1] in R.not_in_source_end:
        return None              # "a fallacy and": a clause cut short, not a noun phrase
    for tok in toks:
        if tok in R.relative_words:
            break
        if tok in R.verbs_not_in_source:
            return None          # "Some lawmakers have pushed for ...": a clause, not a source
    named_kind = R.any_named_kind is None or search(R.any_named_kind, phrase) is not None
    for rx in R.references if named_kind else ():
        if search(rx, phrase):
            return {"kind": "reference", "name": None}
    for ent, rx in R.pronouns if named_kind else ():
        if search(rx, phrase):
            return {"kind": "pronoun", "name": ent.get("name"), "fits": list(ent.get("fits", []))}
    for rx in R.vague if named_kind else ():
        if search(rx, phrase):
            return {"kind": "vague", "name": phrase}
    outlet = None
    if R.outlet_rx is not None:
        m = search(R.outlet_rx, phrase)
        if m:
            outlet = R.outlet_by_alias.get(m.group(0))
    anon = _any(R.any_anonymous, R.anonymous, phrase)
    if outlet is not None:
        if anon:
            return {"kind": "anonymous", "name": phrase, "outlet": outlet["name"]}
        after = phrase[m.end():]
        aw = _WORD.findall(after)
        if aw and (any(w.casefold() in R.role_heads for w in aw) or
                   (len(aw) >= 2 and all(_is_cap(w) for w in aw[-2:]))):
            outlet = None       # "CBS' John Dickerson", "the Fox News host": a journalist
    if outlet is not None:
        rest = {w.casefold() for w in _LETTERS.findall(phrase.replace(m.group(0), " "))}
        if _any(R.any_document, R.documents, phrase) and not rest & R.outlet_doc_words:
            return {"kind": "document", "name": phrase, "outlet": outlet["name"]}
        return {"kind": "outlet", "name": outlet["name"], "outlet_id": outlet["id"]}
    if anon:
        return {"kind": "anonymous", "name": phrase}
    # one search of their union first: most phrases match none of them
    outlet_context = R.outlet_context if R.any_outlet_context is None or \
        search(R.any_outlet_context, phrase) is not None else ()
    for rx in outlet_context:
        m = search(rx, phrase)
        if m:
            name = (m.groupdict().get("name") or phrase).strip()
            if name.casefold().startswith("the "):
                name = name[4:]
            return {"kind": "outlet", "name": name}
    words = _words(t, s, e)
    if not words:
        return None
    if _role_head(R, words):
        return {"kind": "person", "name": phrase, "role": phrase, "unnamed": True}
    titled = _titled_name(R, words)
    if titled is not None and _any(R.any_organization, R.organizations,
                                   t[titled[0][0]:titled[0][1]]):
        titled = None           # "Russia's Foreign Ministry": an organisation, not a name
    if titled is not None:
        name, role = titled
        return {"kind": "person", "name": t[name[0]:name[1]], "role": t[role[0]:role[1]]}
    place = _name_of_place(R, t, words) if len(words) <= int(
        R.settings.get("max_source_words", 16)) else None
    if place is not None:
        return place            # "Susan Collins of Maine", "Aaron Smith of the X Association"
    if _any(R.any_document, R.documents, phrase):
        return {"kind": "document", "name": phrase}
    if _any(R.any_organization, R.organizations, phrase):
        return {"kind": "organization", "name": phrase[4:] if low.startswith("the ") else phrase}
    # a person: a trailing run of capitalised name tokens, the role before it
    if len(words) > int(R.settings.get("max_source_words", 16)):
        return None
    maxn = int(R.settings.get("max_name_tokens", 4))
    name_toks: list[tuple[int, int, str]] = []
    for ws, we, w in reversed(words):
        wl = w.casefold().rstrip(".")
        if _is_cap(w) and wl not in R.title_words and w.casefold() not in R.title_words \
                and wl not in R.not_name and not w.endswith("'s"):
            name_toks.insert(0, (ws, we, w))
            if len(name_toks) > maxn:
                return None
            continue
        if name_toks and wl in R.name_particles:
            name_toks.insert(0, (ws, we, w))
            continue
        break
    if name_toks and name_toks[0][2].casefold() in R.name_particles:
        name_toks = name_toks[1:]
    if name_toks:
        # every word of the phrase must be a name, a title word or a small connective
        role_words = words[:len(words) - len(name_toks)]
        if phrase.startswith(("The ", "the ")) and not role_words[1:]:
            # "The Baltimore Sun" style: a name with an article is not a person
            return {"kind": hint or "organization", "name": t[name_toks[0][0]:name_toks[-1][1]]}
        titled = any(w.casefold().rstrip(".") in R.title_words | R.role_heads
                     for _, _, w in role_words)
        for ws, we, w in role_words:
            wl = w.casefold().rstrip(".")
            if _is_cap(w) or wl in R.title_words or w.casefold() in R.title_words \
                    or wl in R.role_heads \
                    or wl in R.role_link_words \
                    or w.endswith(("'s", "'")) or wl.endswith("'s"):
                continue
            if titled and len(role_words) <= 6:
                continue         # lower-case descriptive words ("top military intelligence")
            return None
        name = t[name_toks[0][0]:name_toks[-1][1]]
        role = t[role_words[0][0]:role_words[-1][1]] if role_words else None
        if hint == "outlet" and not role and len(name_toks) >= 1 and \
                all(_is_cap(w) for _, _, w in name_toks) and len(name_toks) != 2:
            return {"kind": "outlet", "name": name, "guess": True}
        return {"kind": "person", "name": name, "role": role}
    # a role without a name ("a spokeswoman for the ministry")
    if any(w.casefold().rstrip(".") in R.title_words for _, _, w in words) and \
            (words[0][2].casefold() in R.articles or words[0][2].casefold() in R.title_words):
        return {"kind": "person", "name": phrase, "role": phrase}
    return None


def _name_of_place(R: Rules, t: str, words: list[tuple[int, int, str]]) -> dict | None:
    """"Susan Collins of Maine", "Sen. Tim Kaine of Virginia": a person's name, then "of" and
    a place: the name is the run before "of" (its title words the role)."""
    low = [w[2].casefold() for w in words]
    if "of" not in low[2:]:
        return None
    k = low.index("of", 2)
    rest = words[k + 1:]
    # "of Maine", "of the National Cannabis Industry Association" (a body's name: its words
    # capitalised, "of", "for", "and" between)
    if rest and rest[0][2].casefold() == "the" and len(rest) >= 2:
        body = rest[1:]
        if len(body) > 6 or not _is_cap(body[0][2]) or not _is_cap(body[-1][2]) or not all(
                _is_cap(w[2]) or w[2].casefold() in R.name_joiners or w[2].casefold() in R.prepositions
                for w in body):
            return None
    elif not rest or len(rest) > 3 or not all(_is_cap(w[2]) for w in rest):
        return None
    head = words[:k]
    name = []
    for w in reversed(head):
        wl = w[2].casefold().rstrip(".")
        if _is_cap(w[2]) and wl not in R.title_words and wl not in R.not_name and \
                not w[2].endswith("'s"):
            name.insert(0, w)
        else:
            break
    role = head[:len(head) - len(name)]
    if len(name) < 2 or len(name) > int(R.settings.get("max_name_tokens", 4)) or \
            not all(w[2].casefold().rstrip(".") in R.title_words or _is_cap(w[2]) for w in role) \
            or _any(R.any_organization, R.organizations, t[name[0][0]:name[-1][1]]):
        return None             # "the Federal Reserve Bank of New York": a body
    c = {"kind": "person", "name": t[name[0][0]:name[-1][1]]}
    c["role"] = t[role[0][0]:role[-1][1]] if role else None
    return c


# -- spans around a cue ----------------------------------------------------------------------
_LOOKBACK = 160


def _segment_before(R: Rules, t: str, sent_start: int, cue_start: int) -> tuple[int, int]:
    """The subject phrase before a cue: from the last clause boundary to the cue."""
    # "a senior executive (alongside others) admitted": step over a parenthesis
    j = cue_start
    while j > sent_start and t[j - 1] == " ":
        j -= 1
    if j > sent_start and t[j - 1] == ")":
        k = t.rfind("(", sent_start, j)
        if k > sent_start:
            cue_start = k
    # a subject stands within a few words of its verb: look no further back than _LOOKBACK
    # characters (snapped to a word start), so a long sentence costs no more than a short one
    lo = sent_start
    if cue_start - sent_start > _LOOKBACK:
        lo = t.find(" ", cue_start - _LOOKBACK, cue_start) + 1 or cue_start - _LOOKBACK
    seg = t[lo:cue_start]
    cut = lo
    for m in _CLAUSE_PUNCT.finditer(seg):
        cut = lo + m.end()
    # the last clause word ("... that Budanov said", "But as Leeds explained")
    base = cut
    for m in _WORD_GROUP.finditer(t, base, cue_start):
        w = m.group(1).casefold()
        if w in R.clause_starts:
            if w == "and":
                nxt = t[m.end():cue_start].lstrip()
                if not nxt or not (nxt[0].isupper() or nxt.split(" ")[0].casefold() in
                                   R.and_clause_openers):
                    continue
            cut = m.end()
    s, e = _strip(t, cut, cue_start)
    # trailing fillers ("had previously"), leading drop words ("However")
    while True:
        ws = _words(t, s, e)
        if ws and (ws[-1][2].casefold() in R.fillers or
                   (ws[-1][2].endswith("ly") and ws[-1][2].islower() and len(ws) > 1)):
            e = _strip(t, s, ws[-1][0])[1]
            continue
        if ws and ws[0][2].casefold() in R.leading_drop:
            s = _strip(t, ws[0][1], e)[0]
            continue
        if len(ws) > 1 and ws[0][2].casefold() in R.time_words and ws[0][2].islower() and \
                any(_is_cap(w[2]) for w in ws[1:]):
            s = _strip(t, ws[0][1], e)[0]       # "in the day Johnson": the time phrase goes
            continue
        if len(ws) > 1 and ws[-1][2].casefold() in R.subject_pronouns and \
                ws[-2][2].casefold() not in R.coordinators:
            s = ws[-1][0]                       # "last week on MSNBC he said": the pronoun
            continue
        break
    return s, e


def _chunks_before(t: str, sent_start: int, end: int) -> list[tuple[int, int]]:
    """Comma-separated chunks before ``end`` (nearest first)."""
    out = []
    pos = end
    seg = t[sent_start:end]
    commas = [sent_start + m.start() for m in _COMMA_QUOTE.finditer(seg)]
    bounds = [sent_start] + [c + 1 for c in commas]
    stops = commas + [end]
    for b, st_ in zip(reversed(bounds), reversed(stops)):
        s, e = _strip(t, b, st_)
        if e > s:
            out.append((s, e))
        pos = b
    del pos
    return out


_AGE = re.compile(r"\d{1,3}\s*$")


def _designated(R: Rules, t: str, s: int, e: int) -> bool:
    """"R-Columbus" in "McKoon, R-Columbus, said": part of the name's phrase (settings
    ``name_designation``)."""
    return R.designation_rx is not None and R.designation_rx.match(t, s, e) is not None


def _appositive_before(R: Rules, t: str, sent_start: int, cue_start: int, hint):
    """"Budanov, the head of HUR, said" / "Putin's spokesperson, Dmitry Peskov, said"."""
    chunks = _chunks_before(t, sent_start, cue_start)
    picked: list[tuple[int, int, dict]] = []
    described: tuple[int, int] | None = None
    for s, e in chunks[:4]:
        first = t[s:e].split(" ", 1)[0].casefold().strip("\"'")
        if first in R.relative_words and not picked:
            continue            # "Dehghan, who blogs for The Guardian, said": the clause before
        if not picked and (_AGE.match(t, s, e) or _designated(R, t, s, e) or
                           first in R.indefinite_articles and t[s:e].count(" ") >= 2 and
                           t[s:e][:1].islower()):
            # "McGillivray, 36, said", "McKoon, R-Columbus, said", "Greenfield, a media analyst
            # at BTIG Research, said": the name before is the source, the description part of
            # its phrase
            described = described or (s, e)
            continue
        if first in R.skip_chunk or (first.endswith(("ing", "ed")) and len(first) > 4
                                     and t[s:s + 1].islower()):
            if picked:
                break
            continue
        fw = _words(t, s, e)
        if not fw or not (_is_cap(fw[0][2]) or fw[0][2].casefold() in R.determiners or
                          fw[0][2].casefold() in R.role_heads or fw[0][2].endswith(("'s", "'"))):
            break
        c = classify(R, t, s, e, hint)
        if not c or len(fw) > int(R.settings.get("max_source_words", 16)):
            break
        if not picked:
            picked.append((s, e, c))
            if c["kind"] != "person":
                break
            continue
        prev = picked[0][2]
        if c["kind"] == "person" and (bool(c.get("unnamed")) != bool(prev.get("unnamed"))):
            picked.append((s, e, c))
        break
    if not picked:
        return None
    if len(picked) == 1:
        s1, e1, c1 = picked[0]
        if described is not None and c1["kind"] == "person" and described[0] > e1:
            c1 = dict(c1, role=c1.get("role") or t[described[0]:described[1]])
            return s1, described[1], c1
        return picked[0]
    (s1, e1, c1), (s2, e2, c2) = picked
    named, role = (c1, c2) if not c1.get("unnamed") else (c2, c1)
    c = {"kind": "person", "name": named.get("name"),
         "role": role.get("role") if not named.get("role") else named.get("role")}
    if named.get("role") and role.get("role"):
        c["role"] = role["role"]
    return min(s1, s2), max(e1, e2), c


def _titled_name(R: Rules, words):
    """"Cleveland Police Chief Calvin Williams": a role ending in a title word, then 1-3
    capitalised name words. Returns ((name start, end), (role start, end)) or None."""
    n = len(words)
    for k in (3, 2, 1):
        if n <= k:
            continue
        name, before = words[n - k:], words[n - k - 1]
        if not all(_is_cap(w) and w.casefold().rstrip(".") not in R.title_words
                   and w.casefold() not in R.not_name and not w.endswith(("'s", "'"))
                   for _, _, w in name):
            continue
        bl = before[2].casefold().rstrip(".")
        if bl in R.role_heads or (bl in R.title_words and bl not in {"u.s", "us", "uk", "eu", "un",
                                                                    "nato", "the"}):
            return (name[0][0], name[-1][1]), (words[0][0], before[1])
    return None


def _role_head(R: Rules, words: list[tuple[int, int, str]]) -> bool:
    """"the country's top military intelligence official", "the head of the HUR",
    "a spokeswoman for the ministry": a role without a personal name."""
    ws = [w for _, _, w in words]
    if not ws:
        return False
    if len(ws) >= 3 and all(_is_cap(w) and w.casefold().rstrip(".") not in R.title_words
                            and w.casefold() not in R.not_name for w in ws[-2:]) \
            and ws[-3].casefold() not in R.body_name_markers and not ws[-3].endswith("'s"):
        return False        # "Secretary of State Antony Blinken": a named person
    i = 0
    if ws[0].casefold() in R.determiners or ws[0].endswith("'s"):
        i = 1
    elif not ws[0].endswith("'s") and _is_cap(ws[0]) and len(ws) > 1 and ws[1].casefold() in R.prepositions:
        return False
    heads = R.role_heads
    for j in range(i, min(len(ws), i + 6)):
        wl = ws[j].casefold().rstrip(".")
        if wl in heads:
            nxt = ws[j + 1].casefold().rstrip(".") if j + 1 < len(ws) else None
            if nxt is not None and (nxt in heads or nxt in R.title_words) and not _is_cap(ws[j + 1]):
                continue        # "the deputy head of ...", "a senior policy adviser"
            return nxt is None or nxt in R.prepositions
        if wl in R.prepositions:
            return False
    return False


def _role_like(R: Rules, t: str, s: int, e: int) -> bool:
    ws = _words(t, s, e)
    if not ws or len(ws) > 16:
        return False
    first = ws[0][2].casefold()
    has_title = any(w.casefold().rstrip(".") in R.title_words for _, _, w in ws)
    return has_title and (first in R.role_openers or
                          ws[0][2].endswith("'s") or first in R.title_words)


_ABBREV = re.compile(r"\b(\w+)\.$")
_OBJECT_TAIL = re.compile(r"\s(?:on|to|in|with|at|during)\s+(?:(?:the|a|an)\s+)?[\"']?()"
                          r"(?:(\d{4}\b|(?:last|this|next)\s\w+|(?-i:[A-Z][a-z]+day)\b))?")


def _object_after(R: Rules, t: str, cue_end: int, sent_end: int,
                  other_cues: Iterable[int], verb: bool = False) -> tuple[int, int]:
    """The object of a cue: up to punctuation, a stop word or the next cue."""
    end = sent_end
    m = _OBJECT_END.search(t, cue_end, sent_end)
    # a full stop inside an abbreviation ("U.S.", "Mr. Pence") does not end the object
    while m and m.group(0) == "." and m.end() < sent_end and (
            not t[m.end():m.end() + 1].isspace() or
            _ABBREV.search(t, cue_end, m.end()) is not None and
            _ABBREV.search(t, cue_end, m.end()).group(1).casefold() + "." in R.title_words):
        m = _OBJECT_END.search(t, m.end(), sent_end)
    if m:
        end = m.start()
    ms = R.object_stop_rx.search(t, cue_end, end)    # escaped setting words: linear, no bound
    if ms:
        end = ms.start()
    for c in other_cues:
        if cue_end < c < end:
            end = c
    # "said Holder to ABC News in 2010": the venue and the time are not the speaker
    v = _OBJECT_TAIL.search(t, cue_end, end)
    if v is not None and v.start() > cue_end + 1 and (
            v.group(2) is not None or R.outlet_rx is not None and
            R.outlet_rx.match(t, v.end(1)) is not None):
        end = v.start()
    s, e = _strip(t, cue_end, end)
    first = _FIRST_WORD.match(t, s, e)
    if first:
        fw = first.group(0).casefold()
        if fw in R.prepositions or fw in R.not_source_openers or verb and fw in R.object_openers:
            return s, s
    return s, e


def _extend_appositive_name(R: Rules, t: str, e: int, sent_end: int, c: dict) -> tuple[int, dict]:
    """"according to the country's top official, Kirill Budanov." -> include the name."""
    m = _APPOSITIVE.match(t, e, sent_end + 1)
    if not m:
        return e, c
    s2, e2 = m.start(1), m.end(1)
    if c["kind"] == "person" and not c.get("unnamed"):
        # "said Jane Doe, a spokeswoman for the ministry"
        if _role_like(R, t, s2, e2):
            c = dict(c, role=t[s2:e2])
            return e2, c
        return e, c
    c2 = classify(R, t, s2, e2)
    if c2 and c2["kind"] == "person" and not c2.get("unnamed") and c2.get("role") is None \
            and c["kind"] == "person":
        return e2, dict(c2, role=c.get("role") or c.get("name"))
    return e, c


# -- extraction ---------------------------------------------------------------------------------
_CLAUSE_DASHES = (("\u2014", ";"), ("\u2015", ";"))     # before the other dashes become "-"


def straight(text: str) -> str:
    """Curly quotes and dashes straightened one for one (``text._straighten``), without
    translate's per-character cost: nothing to do on ASCII text, else one ``str.replace`` per
    character present (some 30 times faster than translate, or a substitution calling back per
    character).

    An em dash is a clause boundary, not a hyphen: it becomes ";" (one for one), so "told Roll
    Call—he's" ends the object at the dash as "told Roll Call; he's" would."""
    if text.isascii():
        return text
    return _straighten(text, _CLAUSE_DASHES)


def _same_key(text: str, head_key: str, head_first: str, plain: str | None = None) -> bool:
    """``norm_key(text) == head_key``, rejecting most lines on their first word (for text that is
    ASCII once its quotes and dashes are straightened, the first word of the key is the first
    word of the text, lower-cased)."""
    if head_first:
        if plain is None:           # ``straight(text)``
            plain = text if text.isascii() else _straighten(text)
        # curly quotes and dashes aside, ASCII that NFKC leaves alone
        if plain.isascii() and (plain is text or unicodedata.is_normalized("NFKC", text)):
            m = _KEY_WORD.search(plain)
            if m is None or m.group(0).lower() != head_first:
                return False
    return norm_key(text) == head_key

