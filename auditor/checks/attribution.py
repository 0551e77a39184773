"""Attribution: who says what, on whose authority.

Every attribution statement is found by rule (cues, pronouns, anonymous and vague
phrasing, documents, organisations: the ``attribution`` pack; outlet names: the
``outlets`` pack), with character offsets for the cue, the source and, where it can be
delimited, the content. Statements are then linked hop by hop into chains from the
article outward ("reports A with reference to B" = article -> A -> B), pronouns are
resolved to the nearest fitting earlier source, and later references to a relayed
outlet's sources ("the sources", "Reuters sources", "the cited source") join the chain
they belong to.

The article's report entry gets ``attributions`` and ``chains``; findings are
``attribution.second-hand``, ``.anonymous``, ``.vague``, ``.headline``,
``.translation``, ``.circular`` and ``.unsourced``.

Everything works on a copy of the text with curly quotes and dashes straightened
one for one, so offsets are those of the original text.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from time import perf_counter
from dataclasses import dataclass, field
from typing import Any, Iterable

from ..model import Article, Finding
from ..kb import WordScanner, Words, article_words
from ..rules import REGEX_TIMEOUT, RegexTimeout, RuleSet, compile_pattern, finditer, search
from ..text import _WORD as _KEY_WORD, _straighten, norm_key, sentences
from . import REGISTRY, ArticleContext

KIND = "attribution"
OUTLETS = "outlets"

_TOKEN = re.compile(r"[\w.'&-]+|[^\w\s]")
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
    any_outlet_context: Any = None


# -- faster compiled form of a pattern ----------------------------------------------------------
# The regex engine tries the branches of an alternation one by one at every position, so
# "\b(?:asked|asks|accused|...)" with a hundred words costs a hundred comparisons per word.
# The same pattern with common prefixes factored out ("a(?:sk(?:ed|s)|ccused)|...") matches
# exactly the same text with the same groups and is several times faster to scan. Only
# rewrites that cannot change a match are made: branches are grouped by a first literal
# character (different literal characters can never match at the same place, so the order
# between such groups does not matter); any other shared first element (\b, a class) is
# factored only between neighbouring branches; a pattern with a construct not understood here
# is compiled as written.
class _Unsupported(Exception):
    pass


@dataclass
class _Item:
    kind: str               # lit (a literal character), atom (one-way zero/one-character
    text: str               # element: \b, \w, a class, ., ^, $) or other (anything else)
    key: str = ""
    capture: bool = False   # holds a capturing group
    header: str = ""        # group: "(?:", "(?P<name>", "("; "" for a verbatim item
    alts: list | None = None
    quant: str = ""

    def emit(self) -> str:
        if self.alts is None:
            return self.text
        return self.header + _factor(self.alts) + ")" + self.quant


_GLOBAL_FLAGS = re.compile(r"\(\?([a-zA-Z]+)\)")
_QUANT = re.compile(r"(?:[?*+]|\{\d*(?:,\d*)?\})[?+]?")


def _class_end(p: str, i: int) -> int:
    j = i + 1
    if j < len(p) and p[j] == "^":
        j += 1
    if j < len(p) and p[j] == "]":
        j += 1
    while j < len(p):
        c = p[j]
        if c == "\\":
            j += 2
            continue
        if c == "[":
            if p.startswith("[:", j):
                k = p.find(":]", j + 2)
                if k < 0:
                    raise _Unsupported
                j = k + 2
                continue
            raise _Unsupported      # a nested set: V1 syntax
        if c == "]":
            return j + 1
        j += 1
    raise _Unsupported


def _parse(p: str, i: int, ic: bool) -> tuple[list[list[_Item]], int]:
    """The branches of the alternation starting at ``p[i]``, up to ``)`` or the end."""
    branches: list[list[_Item]] = [[]]
    n = len(p)
    while i < n:
        c = p[i]
        if c == ")":
            break
        if c == "|":
            branches.append([])
            i += 1
            continue
        if c == "(":
            if p.startswith("(?:", i):
                header, verbatim, cap = "(?:", False, False
            elif p.startswith(("(?=", "(?!"), i):
                header, verbatim, cap = p[i:i + 3], True, False
            elif p.startswith(("(?<=", "(?<!"), i):
                header, verbatim, cap = p[i:i + 4], True, False
            elif p.startswith(("(?P<", "(?<"), i):
                k = p.find(">", i)
                if k < 0 or not re.fullmatch(r"\w+", p[p.index("<", i) + 1:k]):
                    raise _Unsupported
                header, verbatim, cap = p[i:k + 1], False, True
            elif p.startswith("(?", i):
                raise _Unsupported      # flags, atomic groups, conditionals, comments, ...
            else:
                header, verbatim, cap = "(", False, True
            alts, j = _parse(p, i + len(header), ic)
            if j >= n or p[j] != ")":
                raise _Unsupported
            j += 1
            cap = cap or any(it.capture for b in alts for it in b)
            item = _Item("other", p[i:j], capture=cap, header="" if verbatim else header,
                         alts=None if verbatim else alts)
        elif c == "[":
            j = _class_end(p, i)
            item = _Item("atom", p[i:j])
        elif c == "\\":
            if i + 1 >= n:
                raise _Unsupported
            d = p[i + 1]
            if d.isascii() and d.isalnum():
                if d not in "bBwWsSdD":
                    raise _Unsupported  # \p{..}, \x.., back-references, \A, ...
                item = _Item("atom", p[i:i + 2])
            else:
                item = _Item("lit", p[i:i + 2], d)
            j = i + 2
        elif c in ".^$":
            item = _Item("atom", c)
            j = i + 1
        elif c in "*+?{":
            raise _Unsupported
        else:
            item = _Item("lit", c, c)
            j = i + 1
        if item.kind == "lit" and ic:
            if item.key.isascii():
                item.key = item.key.lower()
            else:
                item.kind = "atom"      # case variants outside ASCII: no reordering
        q = _QUANT.match(p, j)
        if q:
            if item.alts is not None:
                item.quant = q.group(0)
            item.text += q.group(0)
            item.kind = "other"
            j = q.end()
        branches[-1].append(item)
        i = j
    return branches, i


def _factor(branches: list[list[_Item]]) -> str:
    reorder = not any(it.capture for b in branches for it in b)
    groups: list[list] = []         # [key or None, first item, rests]
    for b in branches:
        if b and b[0].kind in ("lit", "atom"):
            key = (b[0].kind, b[0].key if b[0].kind == "lit" else b[0].text)
            target = None
            for g in reversed(groups):
                if g[0] == key:
                    target = g
                    break
                # only past groups that start with another literal character
                if not (reorder and key[0] == "lit" and g[0] is not None and g[0][0] == "lit"):
                    break
            if target is not None:
                target[2].append(b[1:])
            else:
                groups.append([key, b[0], [b[1:]]])
        else:
            groups.append([None, None, [b]])
    parts = []
    for key, first, rests in groups:
        if key is None:
            parts.append("".join(it.emit() for it in rests[0]))
        elif len(rests) == 1:
            parts.append(first.emit() + "".join(it.emit() for it in rests[0]))
        else:
            sub = _factor(rests)
            one = len(rests) == 1 or not _has_top_bar(sub)
            parts.append(first.emit() + (sub if one else "(?:" + sub + ")"))
    return "|".join(parts)


def _has_top_bar(p: str) -> bool:
    """Whether ``p`` (as emitted by _factor) is an alternation at its top level."""
    depth, i = 0, 0
    while i < len(p):
        c = p[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            i = _class_end(p, i)
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            return True
        i += 1
    return False


def factored(pattern: str, flags: Iterable[str]) -> str:
    """``pattern`` with the prefixes of its alternations factored out (see above), or
    ``pattern`` itself when it holds anything this does not understand."""
    p = _parsed(pattern, flags)
    if p is None:
        return pattern
    try:
        return p[1] + _factor(p[0])
    except RecursionError:
        return pattern


def _parsed(pattern: str, flags: Iterable[str]) -> tuple[list[list[_Item]], str, bool] | None:
    """(branches, leading global flags, ignorecase) of a pattern, or None if not understood."""
    flags = list(flags)
    if "verbose" in flags:
        return None
    ic = "ignorecase" in flags
    head = ""
    m = _GLOBAL_FLAGS.match(pattern)
    if m:
        if set(m.group(1)) - set("ims"):
            return None
        ic = ic or "i" in m.group(1)
        head = m.group(0)
    try:
        branches, end = _parse(pattern, len(head), ic)
    except (_Unsupported, RecursionError):
        return None
    return (branches, head, ic) if end == len(pattern) else None


def _needed(branches: list[list[_Item]]) -> set[str] | None:
    """Strings of which every match holds one (lower-cased when case is ignored), or None."""
    out: set[str] = set()
    for b in branches:
        best: set[str] | None = None
        cands: list[set[str]] = []
        run = ""
        for it in b + [_Item("atom", "")]:
            if it.kind == "lit":
                run += it.key
                continue
            if run:
                cands.append({run})
                run = ""
            if it.alts is not None and not it.quant:
                sub = _needed(it.alts)
                if sub:
                    cands.append(sub)
        for c in cands:
            if best is None or (min(map(len, c)), -len(c)) > (min(map(len, best)), -len(best)):
                best = c
        if not best:
            return None
        out |= best
    return out


@dataclass
class _Prefilter:
    """A pattern can only match a text holding one of ``needed`` (in ``text.casefold()`` when
    case is ignored): scanning a text without any is skipped."""
    needed: tuple[str, ...]
    ignorecase: bool
    checked: int = 0
    skipped: int = 0
    off: bool = False           # switched off: it costs more than the scans it saves
    cost: float = 0.0           # seconds spent looking, seconds scanning, scans
    scan_time: float = 0.0
    scans: int = 0

    def may_match(self, ts: "TextScan") -> bool:
        if self.off:
            return True
        self.checked += 1
        text = ts.folded() if self.ignorecase else ts.text
        for s in self.needed:
            if s in text:
                return True
        self.skipped += 1
        return False


def prefilter(pattern: str, flags: Iterable[str]) -> _Prefilter | None:
    p = _parsed(pattern, flags)
    if p is None:
        return None
    needed = _needed(p[0])
    if not needed or min(map(len, needed)) < 3 or len(needed) > 40:
        return None             # too short or too many to be worth a look
    return _Prefilter(tuple(sorted(needed, key=lambda s: (-len(s), s))), p[2])


def compile_fast(pattern: str, flags: Iterable[str]) -> Any:
    """The pattern compiled in its factored form; as written if the two differ in groups."""
    rx = compile_pattern(pattern, flags)
    alt = factored(pattern, flags)
    if alt == pattern:
        return rx
    try:
        fx = compile_pattern(alt, flags)
    except Exception:           # noqa: BLE001 - keep the pattern as written
        return rx
    if fx.groups != rx.groups or fx.groupindex != rx.groupindex:
        return rx
    return fx


def union(pairs: list[tuple[str, list[str]]]) -> Any:
    """One pattern that matches somewhere exactly when one of ``pairs`` (pattern, flags) does,
    each keeping its own case rule; None when that cannot be built safely."""
    parts = []
    for pattern, flags in pairs:
        flags = list(flags)
        if set(flags) - {"ignorecase"} or _GLOBAL_FLAGS.match(pattern) or \
                re.search(r"\\[1-9]|\(\?P=|\(\?\(", pattern):
            return None
        parts.append(f"(?{'i' if 'ignorecase' in flags else '-i'}:{factored(pattern, flags)})")
    if len(parts) < 2:
        return None
    try:
        return compile_pattern("|".join(parts), [])
    except Exception:           # noqa: BLE001 - search them one by one
        return None


def _any(one: Any, each: list, text: str) -> bool:
    if one is not None:
        return search(one, text) is not None
    return any(search(rx, text) for rx in each)
_SCANNED = {"cue", "vague", "translation", "unsourced"}     # entry types run over whole texts


class TextScan:
    """One text to scan with many patterns, and what they share: its casefold (for the
    prefilters) and its words (for the word scanners), each computed once, when first needed."""
    __slots__ = ("text", "_folded", "_words", "_share")

    def __init__(self, text: str, share: tuple[str, dict] | None = None):
        """``share``: (the article's text, its ``ctx.data``) when ``text`` is the article's text
        straightened: the word set is then the one the article's other checks use
        (``kb.article_words``)."""
        self.text = text
        self._folded: str | None = None
        self._words: Words | None = None
        self._share = share

    def folded(self) -> str:
        if self._folded is None:
            self._folded = self.text.casefold()
        return self._folded

    def words(self) -> Words:
        if self._words is None:
            self._words = Words(self.text) if self._share is None else \
                article_words(self._share[0], self.text, self._share[1])
        return self._words


def scan(R: Rules, rx: Any, ts: TextScan) -> list:
    """``finditer(rx, ts.text)``. A pattern whose matches start with one of a known set of words
    is tried only where those words stand (``kb.WordScanner``); another one is skipped when the
    text lacks every string a match needs (``_Prefilter``)."""
    text = ts.text
    ws = R.scanners.get(rx)
    if ws is not None:
        try:
            return list(ws.finditer(text, ts.words(), timeout=REGEX_TIMEOUT))
        except TimeoutError:
            raise RegexTimeout(f"pattern {rx.pattern!r} took over {REGEX_TIMEOUT}s and was "
                               f"stopped") from None
    pf = R.prefilters.get(rx)
    if pf is None or pf.off:
        return finditer(rx, text)
    t0 = perf_counter()
    ok = pf.may_match(ts)
    t1 = perf_counter()
    pf.cost += t1 - t0
    if not ok:
        return []
    found = finditer(rx, text)
    pf.scan_time += perf_counter() - t1
    pf.scans += 1
    if pf.checked % 256 == 0 and pf.skipped * pf.scan_time < pf.cost * pf.scans:
        pf.off = True           # the scans it saved took less time than the looking
    return found


def _full(pattern: str, flags) -> Any:
    return compile_fast(rf"^(?:{pattern})$", flags)


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
    return [(m.start() + s, m.end() + s, m.group(0)) for m in _WORD.finditer(text[s:e])]


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
        if name_toks and wl in {"de", "van", "von", "der", "bin", "al", "da", "del", "la", "le"}:
            name_toks.insert(0, (ws, we, w))
            continue
        break
    if name_toks and name_toks[0][2].casefold() in {"de", "van", "von", "der", "bin", "al", "da",
                                                    "del", "la", "le"}:
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
                    or wl in {"of", "the", "a", "an", "for", "and", "to", "at", "in", "on"} \
                    or w.endswith(("'s", "'")) or wl.endswith("'s"):
                continue
            if titled and len(role_words) <= 6:
                continue         # lower-case descriptive words ("top military intelligence")
            return None
        name = t[name_toks[0][0]:name_toks[-1][1]]
        role = t[role_words[0][0]:role_words[-1][1]] if role_words else None
        if hint == "outlet" and not role and len(name_toks) >= 1 and \
                all(_is_cap(w) for _, _, w in name_toks) and len(name_toks) != 2:
            return {"kind": "outlet", "name": name}
        return {"kind": "person", "name": name, "role": role}
    # a role without a name ("a spokeswoman for the ministry")
    if any(w.casefold().rstrip(".") in R.title_words for _, _, w in words) and \
            words[0][2].casefold() in {"the", "a", "an"} | R.title_words:
        return {"kind": "person", "name": phrase, "role": phrase}
    return None


# -- spans around a cue ----------------------------------------------------------------------
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
    seg = t[sent_start:cue_start]
    cut = sent_start
    for m in _CLAUSE_PUNCT.finditer(seg):
        cut = sent_start + m.end()
    # the last clause word ("... that Budanov said")
    for m in _WORD_GROUP.finditer(t[cut:cue_start]):
        w = m.group(1).casefold()
        if w in R.clause_starts:
            if w == "and":
                nxt = t[cut + m.end():cue_start].lstrip()
                if not nxt or not (nxt[0].isupper() or nxt.split(" ")[0].casefold() in
                                   {"the", "he", "she", "they", "it", "a", "an"}):
                    continue
            cut = cut + m.end()
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


def _appositive_before(R: Rules, t: str, sent_start: int, cue_start: int, hint):
    """"Budanov, the head of HUR, said" / "Putin's spokesperson, Dmitry Peskov, said"."""
    chunks = _chunks_before(t, sent_start, cue_start)
    picked: list[tuple[int, int, dict]] = []
    for s, e in chunks[:4]:
        first = t[s:e].split(" ", 1)[0].casefold().strip("\"'")
        if first in R.skip_chunk or (first.endswith(("ing", "ed")) and len(first) > 4
                                     and t[s:s + 1].islower()):
            if picked:
                break
            continue
        fw = _words(t, s, e)
        if not fw or not (_is_cap(fw[0][2]) or fw[0][2].casefold() in _DETS or
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


_DETS = {"the", "a", "an", "his", "her", "their", "its", "our", "this", "that", "one", "another"}
_PREPS = {"of", "for", "at", "to", "in", "on", "with", "from"}


def _role_head(R: Rules, words: list[tuple[int, int, str]]) -> bool:
    """"the country's top military intelligence official", "the head of the HUR",
    "a spokeswoman for the ministry": a role without a personal name."""
    ws = [w for _, _, w in words]
    if not ws:
        return False
    if len(ws) >= 3 and all(_is_cap(w) and w.casefold().rstrip(".") not in R.title_words
                            and w.casefold() not in R.not_name for w in ws[-2:]) \
            and ws[-3].casefold() not in {"the", "of"} and not ws[-3].endswith("'s"):
        return False        # "Secretary of State Antony Blinken": a named person
    i = 0
    if ws[0].casefold() in _DETS or ws[0].endswith("'s"):
        i = 1
    elif not ws[0].endswith("'s") and _is_cap(ws[0]) and len(ws) > 1 and ws[1].casefold() in _PREPS:
        return False
    heads = R.role_heads
    for j in range(i, min(len(ws), i + 6)):
        wl = ws[j].casefold().rstrip(".")
        if wl in heads:
            nxt = ws[j + 1].casefold().rstrip(".") if j + 1 < len(ws) else None
            if nxt is not None and (nxt in heads or nxt in R.title_words) and not _is_cap(ws[j + 1]):
                continue        # "the deputy head of ...", "a senior policy adviser"
            return nxt is None or nxt in _PREPS
        if wl in _PREPS:
            return False
    return False


def _role_like(R: Rules, t: str, s: int, e: int) -> bool:
    ws = _words(t, s, e)
    if not ws or len(ws) > 16:
        return False
    first = ws[0][2].casefold()
    has_title = any(w.casefold().rstrip(".") in R.title_words for _, _, w in ws)
    return has_title and (first in {"the", "a", "an", "his", "her", "their"} or
                          ws[0][2].endswith("'s") or first in R.title_words)


def _object_after(R: Rules, t: str, cue_end: int, sent_end: int,
                  other_cues: Iterable[int], verb: bool = False) -> tuple[int, int]:
    """The object of a cue: up to punctuation, a stop word or the next cue."""
    end = sent_end
    m = _OBJECT_END.search(t, cue_end, sent_end)
    # a full stop inside an abbreviation ("U.S.") does not end the object
    while m and m.group(0) == "." and m.end() < sent_end and not t[m.end():m.end() + 1].isspace():
        m = _OBJECT_END.search(t, m.end(), sent_end)
    if m:
        end = m.start()
    ms = search(R.object_stop_rx, t, cue_end, end)
    if ms:
        end = ms.start()
    for c in other_cues:
        if cue_end < c < end:
            end = c
    s, e = _strip(t, cue_end, end)
    first = _FIRST_WORD.match(t, s, e)
    stop = _PREPS | {"about", "by", "that"}
    if verb:
        stop = stop | {"it", "him", "her", "them", "us", "me", "you", "the", "a", "an", "this",
                       "his", "their", "its"} - {"the"} 
    if first and first.group(0).casefold() in stop:
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
def straight(text: str) -> str:
    """``text.translate(_TRANSLATE)`` (curly quotes and dashes straightened one for one), without
    translate's per-character cost: nothing to do on ASCII text, a regex substitution else."""
    return text if text.isascii() else _straighten(text)


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
            and not _noun_use(t, ss, c)]
    starts = [c[0] for c in cues if not c[2].get("noun")]
    out: list[Attr] = []
    used: list[tuple[int, int]] = []
    for cs, ce, ent, m in cues:
        hint = ent.get("hint")
        got = None
        if ent.get("venue") and ent.get("source") == "after":
            continue            # "in an interview with X": X is a venue, handled below
        if m.groupdict().get("source"):
            s, e = m.span("source")
            c = classify(R, t, s, e, hint)
            if c:
                got = (s, e, c)
        direction = ent.get("source", "before")
        if ent.get("object") == "clause" and not _clause_follows(t, ce, se):
            before_txt = t[ss:cs].rstrip()
            direction = "after" if direction == "either" and before_txt and \
                before_txt[-1] in ",\"'" else None
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
            rel = _relative_subject(R, t, ss, cs)
            if rel is not None:
                got = rel
        if got is None and direction in ("before", "either"):
            s, e = _segment_before(R, t, ss, cs)
            c = classify(R, t, s, e, None) if e > s and len(_words(t, s, e)) <= 10 else None
            if c is None and e <= s:
                ap = _appositive_before(R, t, ss, cs, None)
                if ap:
                    got = ap
            elif c:
                got = (s, e, c)
            if got is None and e > s and _DESCRIPTOR.match(t[s:e]) and \
                    t[s:e].rsplit(" ", 1)[-1].casefold() not in R.not_in_source_end and \
                    ent.get("id") in ("cue-say", "cue-told"):
                # "the juror said", "an acquaintance asks": someone described, not named
                definite = t[s:e].split(" ", 1)[0].casefold() == "the"
                got = (s, e, {"kind": "anonymous", "name": t[s:e], "role": t[s:e],
                              "unnamed": True, "descriptor": "definite" if definite else
                              "indefinite"})
            if got is None and "and" in t[ss:cs] and _AND_END.search(t[ss:cs]):
                # "she turned over the assets ... and vowed to": the clause's subject
                got = _clause_subject(R, t, ss, cs, out)
        if got is None:
            continue
        s, e, c = got
        if c["kind"] == "reference" and ent.get("hop"):
            continue
        if ent.get("noun") and c["kind"] not in ("person", "organization", "outlet",
                                                 "anonymous", "pronoun", "vague", "reference"):
            continue
        if ent.get("noun") and c["kind"] == "vague" and direction != "before":
            continue
        if direction != "subject" and any(a < e and s < b for a, b in used):
            continue
        used.append((s, e))
        a = Attr(new_id(), (cs, ce), ent, (s, e), c["kind"], c.get("name"), c.get("role"),
                 sentence=(ss, se), para=pi, line=article.position(s)[0])
        a.extra = {k: v for k, v in c.items() if k in ("fits", "outlet", "outlet_id",
                                                      "descriptor")}
        a.outlet_qualifier = c.get("outlet") if c["kind"] == "anonymous" else None
        a.scope_article = bool(ent.get("scope") == "article")
        a.content = None if ent.get("hop") or ent.get("scope") == "article" \
            else _content(t, a, (ss, se))
        out.append(a)
    # venue: "told X", "in an interview with X"
    for cs, ce, ent, m in cues:
        if not ent.get("venue"):
            continue
        s, e = _object_after(R, t, ce, se, [x for x in starts if x > cs])
        if e <= s:
            continue
        c = classify(R, t, s, e, ent.get("hint"))
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
        if speaker is not None:
            speaker.venue = {"text": t[s:e], "start": s, "end": e, "name": c.get("name"),
                             "kind": c["kind"]}
        out.append(v)
    return out


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


_DESCRIPTOR = re.compile(r"^(?:the|a|an) [a-z][\w-]*(?: [a-z][\w-]*){0,2}$")

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


def _quote_spans(t: str, ps: int, pe: int) -> list[tuple[int, int]]:
    """Spans between paired double quotes in a paragraph (words said, not narration); an
    unclosed quote runs to the end of the paragraph."""
    pos = []
    i = t.find('"', ps, pe)
    while i >= 0:
        pos.append(i)
        i = t.find('"', i + 1, pe)
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


# -- linking: parents, pronouns, frames -------------------------------------------------------
_NAME_RUN = re.compile(r"(?:[A-Z][\w'.-]+\s){1,3}[A-Z][\w'-]+")


def _mention_before(R: Rules, a: Attr, paras_text: dict[int, tuple[str, int]]) -> str | None:
    """An unresolved "he said": the last person named earlier in the paragraph."""
    text, start = paras_text.get(a.para, ("", 0))
    upto = a.source[0] - start
    sent_start = max(0, a.sentence[0] - start)
    best = None
    for m in _NAME_RUN.finditer(text, 0, max(0, upto)):
        c = classify(R, text, m.start(), m.end())
        if c and c["kind"] == "person" and not c.get("unnamed") and " " in (c.get("name") or ""):
            if m.start() >= sent_start:
                return c["name"]      # the first person named in the pronoun's sentence
            best = c["name"]
    return best


def link(attrs: list[Attr], R: Rules, paras_text: dict[int, tuple[str, int]] | None = None) -> None:
    paras_text = paras_text or {}
    lookback = int(R.settings.get("pronoun_lookback_paragraphs", 2))
    body = [a for a in attrs if not a.headline]
    # explicit hops within a sentence
    for i, a in enumerate(body):
        hop = a.cue_entry.get("hop")
        if not hop:
            continue
        prev = [b for b in body[:i] if b.sentence == a.sentence and b.venue_of is None
                and b.cue[0] < a.cue[0]]
        if not prev:
            continue
        if hop == "inner":
            _set_parent(a, prev[-1])
        elif hop == "outer":
            p = prev[-1]
            if p.parent is None:
                _set_parent(p, a)
    # pronouns and back-references
    frame: Attr | None = None
    article_frame = next((a for a in attrs if a.scope_article and a.kind == "outlet"), None)
    for i, a in enumerate(body):
        if a.kind == "pronoun":
            fits = set(a.extra.get("fits") or [])
            for b in reversed(body[:i]):
                if a.para - b.para > lookback:
                    break
                if b is a or b.venue_of is not None or b.kind == "reference":
                    continue
                k = b.eff_kind
                if k in fits and b.effective.kind != "pronoun":
                    a.resolved = b
                    break
            if a.resolved is not None:
                a.name = a.resolved.eff_name
            elif "person" in fits:
                a.name = _mention_before(R, a, paras_text)
        elif a.extra.get("descriptor") == "definite":
            # "the juror said", "the billionaire said": someone already introduced
            for b in reversed(body[:i]):
                if a.para - b.para > lookback:
                    break
                if b.venue_of is None and b.eff_kind in ("person", "anonymous") \
                        and b.kind not in ("pronoun", "reference"):
                    a.kind, a.name, a.role = b.eff_kind, b.eff_name, a.role
                    break
        elif a.kind == "reference":
            target = frame or article_frame
            if target is not None:
                a.resolved = target
                a.name = target.name
        if a.kind == "outlet" and a.venue_of is None and not a.cue_entry.get("venue"):
            # the deepest outlet hop of this statement is the frame for what follows
            frame = _deepest(a, body)
        a.extra["frame"] = frame
    # nested statements: "media reports claimed that Budanov had said ..."
    for a in body:
        if a.parent is not None or a.venue_of is not None or a.kind == "reference" \
                or a.cue_entry.get("source") == "after":
            continue            # "according to X" inside a claim is the article's own aside
        for b in body:
            if b is a or b.content is None or b.sentence != a.sentence or b.venue_of is not None:
                continue
            if b.content[0] <= a.cue[0] < b.content[1] and b.kind in ("vague", "outlet",
                                                                     "anonymous") \
                    and b.parent is not a:
                _set_parent(a, _deepest(b, body) if b.kind == "outlet" else b)
                break
    # same-sentence relay: "Budanov said ..., reports A with reference to B"
    for a in body:
        if a.parent is not None or a.venue_of is not None or a.kind in ("outlet", "reference"):
            continue
        rel = [b for b in body if b.sentence == a.sentence and b.kind == "outlet"
               and b.venue_of is None and not b.cue_entry.get("venue") and b.parent is None
               and b is not a and b.cue[0] > a.cue[0]]
        if rel:
            _set_parent(a, _deepest(rel[0], body))
    # anonymous sources hang from the outlet being relayed
    for a in body:
        if a.parent is not None or a.eff_kind != "anonymous" or a.venue_of is not None:
            continue
        if a.resolved is not None:
            continue
        if a.outlet_qualifier:
            q = next((b for b in body if b.kind == "outlet" and b.name == a.outlet_qualifier),
                     None)
            if q is not None:
                _set_parent(a, q)
                continue
        f = a.extra.get("frame") or article_frame
        if f is not None and f is not a:
            _set_parent(a, f)


def _set_parent(a: Attr, p: "Attr | None") -> None:
    """Link ``a`` below ``p`` unless that would make a loop."""
    seen, x = 0, p
    while x is not None and seen < 20:
        if x is a:
            return
        x, seen = x.parent, seen + 1
    a.parent = p


def _deepest(a: Attr, body: list[Attr]) -> Attr:
    """The innermost outlet hop below ``a`` ("A with reference to B" -> B)."""
    seen = 0
    while seen < 8:
        nxt = next((b for b in body if b.parent is a and b.kind == "outlet"), None)
        if nxt is None:
            return a
        a, seen = nxt, seen + 1
    return a


def _path(a: Attr, depth: int = 0) -> list[Attr]:
    if depth > 8:
        return [a]
    e = a.effective if a.kind in ("pronoun", "reference") else a
    base = e if e is not a else a
    parent = base.parent if base.parent is not None else a.parent
    if parent is None or parent is a:
        return [base]
    return _path(parent, depth + 1) + [base]


def _canonical_names(attrs: list[Attr]) -> None:
    """"Budanov" after "Kyrylo Budanov": the same person, named in full."""
    full: dict[str, str] = {}
    for a in attrs:
        if a.kind == "person" and a.name and " " in a.name:
            full.setdefault(a.name.split()[-1].casefold(), a.name)
    for a in attrs:
        if a.kind in ("person", "pronoun") and a.name and " " not in a.name:
            a.name = full.get(a.name.casefold(), a.name)


def _original_spelling(attrs: list[Attr], t: str, original: str) -> None:
    """Names and roles were read on the straightened copy; give them the original's quotes."""
    if t == original:
        return
    for a in attrs:
        for key in ("name", "role"):
            v = getattr(a, key)
            if not v:
                continue
            i = t.find(v, max(0, a.source[0] - 300), a.source[1] + 300)
            if i < 0:
                i = t.find(v)
            if i >= 0:
                setattr(a, key, original[i:i + len(v)])


def build_chains(attrs: list[Attr]) -> list[dict[str, Any]]:
    chains: dict[tuple, dict] = {}
    order: list[tuple] = []
    for a in attrs:
        if a.headline or a.venue_of is not None:
            continue
        path = []
        for n in _path(a):
            # "Politico, citing Politico's correspondents": one outlet, not two hops
            if path and n.kind == "outlet" and path[-1].kind == "outlet" and \
                    (n.name or "").casefold() == (path[-1].name or "").casefold():
                continue
            path.append(n)
        key = []
        for i, n in enumerate(path):
            last = i == len(path) - 1
            kind = n.kind
            if kind == "anonymous" and last:
                key.append(("anonymous",))
            else:
                key.append((kind, (n.name or "").casefold()))
        key_t = tuple(key)
        ch = chains.get(key_t)
        if ch is None:
            ch = chains[key_t] = {"path": path, "attributions": []}
            order.append(key_t)
        elif path[-1].kind == "anonymous" and path[-1].cue_entry.get("hop") and \
                not ch["path"][-1].cue_entry.get("hop"):
            ch["path"] = path          # name the chain after the source the outlet cites
        if a.id not in ch["attributions"]:
            ch["attributions"].append(a.id)
        for n in path:
            if n.id not in ch["attributions"]:
                ch["attributions"].append(n.id)
    # a chain that is the start of a longer one merges into it
    keys = list(order)
    for k in keys:
        longer = next((o for o in order if o != k and len(o) > len(k) and o[:len(k)] == k), None)
        if longer is not None:
            for aid in chains[k]["attributions"]:
                if aid not in chains[longer]["attributions"]:
                    chains[longer]["attributions"].append(aid)
            order.remove(k)
    by_id = {a.id: a for a in attrs}
    out = []
    for k in order:
        ch = chains[k]
        nodes = []
        for n in ch["path"]:
            kind = n.eff_kind
            if kind == "pronoun" and n.name:
                kind = "person"       # "he said", resolved to a person named before
            elif kind == "reference":
                kind = "vague"        # "the cited source" with no outlet to point back to
            node = {"name": n.eff_name or n.name or "", "kind": kind, "attribution": n.id}
            if n.role:
                node["role"] = n.role
            venues = []
            for aid in ch["attributions"]:
                b = by_id[aid]
                if b.venue and (b.eff_name or "").casefold() == (node["name"] or "").casefold():
                    v = b.venue.get("name") or b.venue.get("text")
                    if v not in venues:
                        venues.append(v)
            if venues:
                node["venues"] = venues
            nodes.append(node)
        out.append({"nodes": nodes, "depth": len(nodes), "terminal_kind": nodes[-1]["kind"],
                    "attributions": sorted(ch["attributions"], key=lambda x: int(x[1:]))})
    return out


def to_record(a: Attr, t: str) -> dict[str, Any]:
    kind = a.kind
    if kind == "reference":
        kind = "outlet" if a.resolved is not None else "vague"
    src = {"text": t[a.source[0]:a.source[1]], "start": a.source[0], "end": a.source[1],
           "kind": kind, "name": a.eff_name if a.kind in ("pronoun", "reference") else a.name}
    if a.role:
        src["role"] = a.role
    if a.resolved is not None:
        src["resolved_to"] = a.resolved.id
        src["resolved_kind"] = a.eff_kind
    if a.outlet_qualifier:
        src["outlet"] = a.outlet_qualifier
    rec = {"id": a.id, "cue": {"text": t[a.cue[0]:a.cue[1]], "start": a.cue[0], "end": a.cue[1]},
           "source": src,
           "content": {"start": a.content[0], "end": a.content[1]} if a.content else None,
           "line": a.line}
    if a.parent is not None:
        rec["via"] = a.parent.id
    if a.venue is not None:
        rec["venue"] = a.venue
    if a.venue_of is not None:
        rec["venue_of"] = a.venue_of.id
    if a.headline:
        rec["headline"] = True
    return rec


def analyse(article: Article, ruleset: RuleSet) -> tuple[list[Attr], list[dict], list[dict]]:
    R = rules_for(ruleset)
    return _analyse(article, R, straight(article.text))


def _analyse(article: Article, R: Rules, t: str, paras: list | None = None,
             ts: TextScan | None = None) -> tuple[list[Attr], list[dict], list[dict]]:
    paras = _paras(article) if paras is None else paras
    attrs = extract(article, R, t, paras, ts)
    link(attrs, R, {i: (t[ln.start:ln.end], ln.start) for i, ln in enumerate(paras)})
    _canonical_names(attrs)
    _original_spelling(attrs, t, article.text)
    chains = build_chains(attrs)
    # original text for the records: spans are the same, text is the original's
    records = [to_record(a, article.text) for a in attrs]
    return attrs, records, chains


# -- the check ------------------------------------------------------------------------------------
def _sev(R: Rules, name: str, default: str = "warning") -> str:
    return (R.settings.get("severity") or {}).get(name, default)


def _q(s: str, n: int = 60) -> str:
    s = " ".join(s.split())
    return f"'{s[:n - 1]}…'" if len(s) > n else f"'{s}'"


@REGISTRY.article("attribution.statements", order=40)
def attribution(article: Article, ctx: ArticleContext):
    R = rules_for(ctx.ruleset)
    tt = straight(article.text)
    paras = _paras(article)
    ts = TextScan(tt, (article.text, ctx.data))     # shared with extract: one casefold, one word list
    attrs, records, chains = _analyse(article, R, tt, paras, ts)
    ctx.record["attributions"] = records
    ctx.record["chains"] = chains
    ctx.data["attribution"] = {"attrs": attrs, "chains": chains}
    by_id = {a.id: a for a in attrs}
    t = article.text
    out: list[Finding] = []

    # second-hand: another outlet's reporting of a third party's reporting
    for ch in chains:
        outlets = [n for n in ch["nodes"] if n["kind"] == "outlet"]
        if len(outlets) >= 2:
            first = by_id[outlets[0]["attribution"]]
            path = " -> ".join(n["name"] for n in ch["nodes"])
            out.append(Finding.at(
                article, "attribution.second-hand", _sev(R, "second-hand"), first.source[0],
                first.source[1],
                f"Second-hand reporting: the article relays {outlets[0]['name']}, which relays "
                f"{outlets[1]['name']} (chain: article -> {path}).",
                evidence={"chain": ch}))
    # anonymous: per chain ending in unnamed sources
    for ch in chains:
        if ch["terminal_kind"] != "anonymous":
            continue
        ids = [i for i in ch["attributions"] if by_id[i].eff_kind == "anonymous"
               and by_id[i].venue_of is None]
        if not ids:
            continue
        first = by_id[ids[0]]
        descs = []
        for i in ids:
            d = by_id[i].effective
            txt = _q(t[d.source[0]:d.source[1]], 50)
            if txt not in descs:
                descs.append(txt)
        via = [n["name"] for n in ch["nodes"][:-1]]
        out.append(Finding.at(
            article, "attribution.anonymous", _sev(R, "anonymous"), first.source[0],
            first.source[1],
            f"{len(ids)} statement{'s rest' if len(ids) != 1 else ' rests'} on unnamed sources"
            f"{' via ' + ' -> '.join(via) if via else ''}: {', '.join(descs[:6])}"
            f"{' and more' if len(descs) > 6 else ''}.",
            related=[article.span(*by_id[i].source) for i in ids[1:]],
            evidence={"count": len(ids), "descriptions": descs, "attributions": ids,
                      "chain": [n["name"] for n in ch["nodes"]]}))
    # vague
    for a in attrs:
        if a.kind == "vague" and not a.headline:
            out.append(Finding.at(
                article, "attribution.vague", _sev(R, "vague"), a.source[0], a.source[1],
                f"Vague attribution {_q(t[a.source[0]:a.source[1]])}: the source is not named.",
                evidence={"attribution": a.id, "cue": t[a.cue[0]:a.cue[1]]}))
    # headline
    for a in attrs:
        if a.headline:
            what = (f"an unnamed {_q(t[a.source[0]:a.source[1]])}" if a.kind == "vague"
                    else f"the outlet {a.name}")
            out.append(Finding.at(
                article, "attribution.headline", _sev(R, "headline"), a.cue[0], a.source[1],
                f"The headline attributes the story to {what}: the article relays "
                f"someone else's reporting.",
                evidence={"attribution": a.id, "kind": a.kind, "name": a.name}))
    # translation
    for rx in R.translation:
        for m in scan(R, rx, ts):
            credit = (m.groupdict().get("credit") or "").strip()
            s, e = m.span()
            s, e = _strip(t, s, e)
            out.append(Finding.at(
                article, "attribution.translation", _sev(R, "translation", "info"), s, e,
                f"The text is a translation{' credited to ' + credit if credit else ''}; "
                f"quotes may not be the speakers' own words.", evidence={"credit": credit}))
    # circular: an outlet citing itself
    own = (article.outlet or "").casefold()
    for ch in chains:
        onames = [n["name"] for n in ch["nodes"] if n["kind"] == "outlet"]
        names = [x.casefold() for x in onames]
        loop = next((onames[i] for i, x in enumerate(names) if x in names[:i]), None)
        if loop is None and own and own in names[1:]:
            loop = article.outlet
        if loop is not None:
            first = by_id[ch["nodes"][0]["attribution"]]
            out.append(Finding.at(
                article, "attribution.circular", _sev(R, "circular"), first.source[0],
                first.source[1],
                f"Circular sourcing: {loop} appears twice in the chain "
                f"{' -> '.join(n['name'] for n in ch['nodes'])}.", evidence={"chain": ch}))
    # unsourced strong claims
    paras_with = {by_id[i].para for i in by_id}
    for ent, rx in R.unsourced:
        pf = R.prefilters.get(rx)
        if pf is not None and not pf.may_match(ts):
            continue            # no paragraph can hold a match
        for pi, ln in enumerate(paras):
            if pi in paras_with or (article.headline and ln.index == article.headline.index):
                continue
            for m in finditer(rx, tt, ln.start, ln.end):
                if '"' in tt[ln.start:m.start()]:
                    continue       # inside a quote: someone's words
                out.append(Finding.at(
                    article, "attribution.unsourced", _sev(R, "unsourced", "info"), m.start(),
                    m.end(), f"Strong claim {_q(m.group(0))} stated without any attribution "
                    f"in its paragraph.", evidence={"entry": ent["id"]}))
    return out
