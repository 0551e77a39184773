"""Boilerplate left in by a scraper or a CMS, by category, and lines that recur across an outlet.

``boilerplate.<category>``: every entry of the ``boilerplate`` rule pack names a category
(navigation, section-label, related-links, comment-form, appeal, share, cookie, advertising,
copyright, byline, cross-promotion), a position (any, start, end, edge) and patterns matched against whole
lines. A line is flagged only when a pattern matches; its shape (short, no sentence
punctuation, standing in the lead or tail zone, link-like) raises the finding's confidence
and widens the zones, but never flags a line by itself.

The lead zone is the run of lines opening the article that are the headline, stand before
it, match a pattern, or are short without a sentence end; the tail zone is the same run read
from the end. Entries with position ``start``/``end``/``edge`` (section labels, bare name
lines, byline labels) count only inside those zones.

``boilerplate.recurring`` (corpus check): lines that stand in ``min_count`` or more articles
of the same outlet (of the whole corpus when the outlet is unknown). The per-article stage
keeps a 64-bit hash, the offsets and the short text of each candidate line (short lines in a
zone or without sentence punctuation, never the headline); body paragraphs never qualify.
"""
from __future__ import annotations

import re
import warnings
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import islice
from re import _constants as _sre, _parser as _sre_parse
from typing import Any

import regex

from ..model import Article, Finding, Severity
from ..rules import REGEX_TIMEOUT, RegexTimeout, RuleSet, compile_pattern
from . import REGISTRY, ArticleContext, CorpusContext, CorpusItem, CorpusOutput
from . import boilerplate_model
from ._sketch import line_key, stable_hash64

KIND = "boilerplate"

_SENT_END = re.compile(r"[.!?][\"'\u201d\u2019)\]]*$")
_SENT_PUNCT = re.compile(r"[.!?;](?:\s|$)")
_LINK_LIKE = re.compile(r"https?://|www\.|[»›→>]\s*$|^[^|]{1,40}\|[^|]|^[^:.!?]{2,30}:\s*\S[^.!?]*$")
_WORDS = re.compile(r"\w+")

CATEGORY_LABEL = {
    "navigation": "page navigation",
    "section-label": "a section label",
    "related-links": "a related-links block",
    "comment-form": "a comment form",
    "appeal": "a donation or subscription appeal",
    "share": "a share prompt",
    "cookie": "a cookie prompt",
    "advertising": "an advertising label",
    "copyright": "a copyright or syndication notice",
    "byline": "a byline or credit",
    "cross-promotion": "cross-promotion of the outlet's earlier stories",
}


@dataclass(frozen=True)
class _Entry:
    id: str
    category: str
    severity: str
    position: str
    description: str
    rxs: tuple          # one compiled whole-line regex per pattern


# -- pre-filters for the whole-line patterns ------------------------------------------------
# A line is tried only against the union of the patterns that could match it, by two necessary
# conditions derived from each pattern's syntax tree (Python's own parser, run on a copy where
# each \p{..}/\P{..} stands in as one private character):
#   first character: the characters a match can start with, kept as a one-character regex
#     compiled with the entry's flags, so the ``regex`` engine itself decides case folding;
#   required literal: strings one of which every match contains ("all rights reserved"),
#     looked up with ``in``; for ignorecase entries only ASCII strings, in a lowered line.
# Whatever cannot be proven (``.``, back references, scoped or global inline flags, a
# pattern that can match the empty string, syntax the two parsers might read apart) leaves
# the pattern a candidate for every line: a filter never drops a line a pattern matches.
_ESCAPE = re.compile(r"\\(?:[pP](?:\{[^{}\\]*\}|[A-Za-z])|.)", re.S)
_PLACEHOLDER = 0xF0000                 # plane-15 private use: stands for one \p{..} class
_CATEGORY = {_sre.CATEGORY_DIGIT: r"\d", _sre.CATEGORY_NOT_DIGIT: r"\D",
             _sre.CATEGORY_SPACE: r"\s", _sre.CATEGORY_NOT_SPACE: r"\S",
             _sre.CATEGORY_WORD: r"\w", _sre.CATEGORY_NOT_WORD: r"\W"}
_REPEATS = (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT)
# Characters the ``regex`` engine matches case-insensitively to an ASCII letter although
# str.lower() does not map them onto it (tests/test_boilerplate.py enumerates them): a line
# holding one skips the literal pre-filter of ignorecase patterns.
_FOLD_SPECIAL = ("\u0131", "\u0307", "\u017f")      # dotless i, İ lowered (i + dot), long s


class _Unknown(Exception):
    """The syntax tree holds something the pre-filters do not reason about."""


def _parse(pattern: str, flags) -> tuple[Any, dict[int, str]] | None:
    """Python's parse tree of ``pattern`` with \\p{..}/\\P{..}/\\pL as private characters
    (code -> original text), or None when it cannot be trusted to mean what ``regex`` reads."""
    if set(flags) - {"ignorecase"} or any(ord(c) >= _PLACEHOLDER for c in pattern):
        return None
    tokens: dict[int, str] = {}

    def sub(m):
        tok = m.group(0)
        if tok[1] not in "pP":
            return tok
        code = _PLACEHOLDER + len(tokens)
        tokens[code] = tok
        return chr(code)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")        # e.g. "possible nested set": [[:alpha:]]
            tree = _sre_parse.parse(_ESCAPE.sub(sub, pattern), 0)
    except (re.error, Warning, RecursionError, ValueError, TypeError, OverflowError):
        return None
    if tree.state.flags & ~_sre.SRE_FLAG_UNICODE:
        return None                               # inline global flags
    for op, av in _walk(tree):
        if op == _sre.LITERAL and av in (ord("{"), ord("}")):
            return None                           # a quantifier (fuzzy, spaced) read as text
    return tree, tokens


def _walk(seq):
    for op, av in seq:
        yield op, av
        subs = []
        if op == _sre.BRANCH:
            subs = av[1]
        elif op == _sre.SUBPATTERN:
            subs = [av[3]]
        elif op in _REPEATS:
            subs = [av[2]]
        elif op in (_sre.ASSERT, _sre.ASSERT_NOT):
            subs = [av[1]]
        elif op == _sre.ATOMIC_GROUP:
            subs = [av]
        elif op == _sre.GROUPREF_EXISTS:
            subs = [s for s in av[1:] if s is not None]
        for s in subs:
            yield from _walk(s)


def _char(code: int, tokens: dict[int, str]) -> str:
    return tokens.get(code) or f"\\U{code:08x}"


def _first_chars(seq, tokens: dict[int, str]) -> tuple[set[str], bool]:
    """(one-character regex sources, nullable): every non-empty match of the sequence starts
    with a character one of the sources matches; nullable when it can match the empty string
    (then what follows can start the match too)."""
    out: set[str] = set()
    for op, av in seq:
        first, nullable = _first_item(op, av, tokens)
        out |= first
        if not nullable:
            return out, False
    return out, True


def _first_item(op, av, tokens: dict[int, str]) -> tuple[set[str], bool]:
    if op == _sre.LITERAL:
        return {_char(av, tokens)}, False
    if op == _sre.NOT_LITERAL:
        return {f"[^{_char(av, tokens)}]"}, False
    if op == _sre.IN:
        parts, neg = [], ""
        for iop, iav in av:
            if iop == _sre.NEGATE:
                neg = "^"
            elif iop == _sre.LITERAL:
                parts.append(_char(iav, tokens))
            elif iop == _sre.RANGE and iav[0] not in tokens and iav[1] not in tokens:
                parts.append(f"{_char(iav[0], tokens)}-{_char(iav[1], tokens)}")
            elif iop == _sre.CATEGORY and iav in _CATEGORY:
                parts.append(_CATEGORY[iav])
            else:
                raise _Unknown(f"set item {iop}")
        return {f"[{neg}{''.join(parts)}]"}, False
    if op in (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT):
        return set(), True                          # zero width: the next item starts the match
    if op == _sre.BRANCH:
        out: set[str] = set()
        nullable = False
        for alt in av[1]:
            first, n = _first_chars(alt, tokens)
            out |= first
            nullable = nullable or n
        return out, nullable
    if op == _sre.SUBPATTERN:
        if av[1] or av[2]:
            raise _Unknown("scoped flags")
        return _first_chars(av[3], tokens)
    if op in _REPEATS:
        first, nullable = _first_chars(av[2], tokens)
        return first, nullable or av[0] == 0
    if op == _sre.ATOMIC_GROUP:
        return _first_chars(av, tokens)
    raise _Unknown(f"operator {op}")                # ANY, back references, conditionals, ...


def first_class(pattern: str, flags=("ignorecase",)) -> Any:
    """A one-character regex (compiled with ``flags``) matching every character a match of
    ``pattern`` can start with, or None when that cannot be bounded or the pattern can match
    the empty string."""
    first = _first_sources(pattern, flags)
    return None if first is None else compile_pattern("(?:" + "|".join(first) + ")", list(flags))


def _first_sources(pattern: str, flags) -> list[str] | None:
    parsed = _parse(pattern, flags)
    if parsed is None:
        return None
    try:
        first, nullable = _first_chars(*parsed)
    except (_Unknown, RecursionError):
        return None
    return None if nullable or not first else sorted(first)


def _required(seq, tokens: dict[int, str]) -> set[str] | None:
    """Strings one of which every match of the sequence contains, or None: the best of the
    sequence's runs of literal characters and of its mandatory groups, repeats, branches."""
    best: set[str] | None = None

    def consider(cand):
        nonlocal best
        if cand and all(cand) and (best is None or _strength(cand) > _strength(best)):
            best = cand
    run: list[str] = []
    for op, av in seq:
        if op == _sre.LITERAL and av not in tokens:
            run.append(chr(av))
            continue
        if run:
            consider({"".join(run)})
            run = []
        if op == _sre.SUBPATTERN and not av[1] and not av[2]:
            consider(_required(av[3], tokens))
        elif op == _sre.BRANCH:
            alts = [_required(alt, tokens) for alt in av[1]]
            if all(a is not None for a in alts):
                consider(set().union(*alts))
        elif op in _REPEATS and av[0] >= 1:
            consider(_required(av[2], tokens))
        elif op == _sre.ATOMIC_GROUP:
            consider(_required(av, tokens))
    if run:
        consider({"".join(run)})
    return best


def _strength(lits: set[str]) -> tuple[int, int]:
    return min(map(len, lits)), -len(lits)


def required_literals(pattern: str, flags=("ignorecase",)) -> tuple[str, ...] | None:
    """Strings one of which every match of ``pattern`` contains (lowered, ASCII only, for an
    ignorecase pattern), or None when none can be derived."""
    parsed = _parse(pattern, flags)
    if parsed is None:
        return None
    try:
        lits = _required(*parsed)
    except RecursionError:
        return None
    if not lits:
        return None
    if "ignorecase" in flags:
        if not all(s.isascii() for s in lits):
            return None
        lits = {s.lower() for s in lits}
    if min(map(len, lits)) < 3:
        return None                               # too weak to be worth a look-up
    return tuple(sorted(lits))


@dataclass(frozen=True)
class _Pattern:
    entry: int                  # index into the entries
    index: int                  # pattern index inside the entry
    branch: str                 # its branch of the union regex
    first: Any                  # first_class(), or None: a candidate whatever the first character
    literals: tuple | None      # required_literals(), looked up only when `broad`
    fold: bool                  # the literals are lowered (ignorecase)
    broad: bool                 # may start with a class of characters, not only listed letters

    @classmethod
    def of(cls, entry: int, index: int, pattern: str, branch: str, flags) -> _Pattern:
        first = _first_sources(pattern, flags)
        return cls(entry, index, branch,
                   None if first is None else compile_pattern("(?:" + "|".join(first) + ")", list(flags)),
                   required_literals(pattern, flags), "ignorecase" in flags,
                   first is None or any(not f.startswith("\\U") for f in first))


_LINE_CACHE_SIZE = 20_000
_LINE_CACHE_CHARS = 200         # unmatched lines are remembered only up to this length


@dataclass
class _Dispatch:
    """Whole-line matching of one pack: one union of the patterns that pass the pre-filters,
    then the entries in order; the answer is remembered per line text (boilerplate lines
    recur across the articles of an outlet)."""
    entries: list
    patterns: list
    by_key: dict = field(default_factory=dict)      # leading spaces + first char -> patterns
    unions: dict = field(default_factory=dict)      # candidate indices -> compiled union
    lines: dict = field(default_factory=dict)       # line text -> ((entry, pattern index), ...)

    def _bucket(self, key: str) -> tuple:
        """(patterns kept whatever the line, (pattern, literals, fold) kept when the line holds
        one of the literals) for the lines whose leading characters are ``key``. Patterns
        that start with listed letters fail fast in the union and skip the look-up."""
        chars = set(key)
        kept, checked = [], []
        for i, p in enumerate(self.patterns):
            if p.first is None or any(_fullmatch(p.first, c) is not None for c in chars):
                if p.literals is not None and p.broad:
                    checked.append((i, p.literals, p.fold))
                else:
                    kept.append(i)
        if len(self.by_key) >= 4096:
            self.by_key.clear()
        bucket = self.by_key[key] = (tuple(kept), tuple(checked))
        return bucket

    def candidates(self, text: str) -> tuple[int, ...]:
        """Indices of the patterns that may match the whole line ``text`` (not blank)."""
        # `\s*(?:p)\s*` starts p's match inside the leading spaces or at the first other
        # character; str.isspace() holds for every \s character, so the key covers both
        c = text[0]
        key = text[:len(text) - len(text.lstrip()) + 1] if c.isspace() else c
        bucket = self.by_key.get(key)
        if bucket is None:
            bucket = self._bucket(key)
        kept, checked = bucket
        if not checked:
            return kept
        lowered = None
        extra = []
        for i, lits, fold in checked:
            if fold:
                if lowered is None:
                    lowered = text.lower()
                    if not text.isascii() and any(s in lowered for s in _FOLD_SPECIAL):
                        lowered = ""
                if not lowered:
                    extra.append(i)
                    continue
                hay = lowered
            else:
                hay = text
            for s in lits:
                if s in hay:
                    extra.append(i)
                    break
        return tuple(sorted(kept + tuple(extra))) if extra else kept

    def match(self, text: str) -> tuple:
        found = self.lines.get(text)
        if found is not None:
            return found
        cands = self.candidates(text)
        found = ()
        if cands:
            union = self.unions.get(cands)
            if union is None:
                if len(self.unions) >= 1024:
                    self.unions.clear()
                union = self.unions[cands] = regex.compile(
                    r"\s*(?:" + "|".join(self.patterns[i].branch for i in cands) + r")\s*", regex.V0)
            if _fullmatch(union, text) is not None:
                out, done = [], set()
                for i in cands:                     # entry order, then pattern order
                    p = self.patterns[i]
                    if p.entry in done:
                        continue
                    e = self.entries[p.entry]
                    if _fullmatch(e.rxs[p.index], text) is not None:
                        out.append((e, p.index))
                        done.add(p.entry)
                found = tuple(out)
        if found or len(text) <= _LINE_CACHE_CHARS:
            if len(self.lines) >= _LINE_CACHE_SIZE:
                self.lines.clear()
            self.lines[text] = found
        return found


def _load(ruleset: RuleSet) -> tuple[list[_Entry], Any, _Dispatch | None] | None:
    """Compiled entries, one union regex of all their patterns and the dispatcher (built once
    per rule set); None without a boilerplate pack."""
    return ruleset.cached("boilerplate.lines", lambda: _build(ruleset))


def _build(ruleset: RuleSet) -> tuple[list[_Entry], Any, _Dispatch | None] | None:
    if KIND not in ruleset.packs:
        return None
    out = []
    union = []
    patterns = []
    for e in ruleset.entries(KIND):
        if e.get("position") == "inline":
            continue                                    # searched inside lines: _inline_entries
        flags = e.get("flags", ["ignorecase"])
        pats = e.get("patterns") or ([e["pattern"]] if e.get("pattern") else [])
        rxs = tuple(compile_pattern(rf"\s*(?:{p})\s*", flags) for p in pats)
        inline = "i" if "ignorecase" in flags else "-i"
        branches = [f"(?{inline}:{p})" for p in pats]
        union.extend(branches)
        patterns.extend(_Pattern.of(len(out), j, p, b, flags)
                        for j, (p, b) in enumerate(zip(pats, branches)))
        out.append(_Entry(e["id"], e["category"], e.get("severity", "info"), e.get("position", "any"),
                          e.get("description", ""), rxs))
    union_rx = compile_pattern(r"\s*(?:" + "|".join(union) + r")\s*") if union else None
    return out, union_rx, _Dispatch(out, patterns) if union else None


def _entries(ruleset: RuleSet) -> tuple[list[_Entry], Any]:
    """Compiled entries, and one union regex of all their patterns."""
    hit = _load(ruleset)
    return ([], None) if hit is None else (hit[0], hit[1])


def _dispatch(ruleset: RuleSet) -> _Dispatch | None:
    hit = _load(ruleset)
    return None if hit is None else hit[2]


def _inline_entries(ruleset: RuleSet) -> list[_Entry]:
    """Entries with ``position: inline``: searched inside lines of any length, case-sensitive
    unless their flags say otherwise; a finding covers the match only (built once per rule
    set)."""
    return ruleset.cached("boilerplate.inline", lambda: _build_inline(ruleset))


def _build_inline(ruleset: RuleSet) -> list[_Entry]:
    out = []
    for e in ruleset.entries(KIND):
        if e.get("position") != "inline":
            continue
        pats = e.get("patterns") or ([e["pattern"]] if e.get("pattern") else [])
        out.append(_Entry(e["id"], e["category"], e.get("severity", "info"), "inline",
                          e.get("description", ""),
                          tuple(compile_pattern(p, e.get("flags", [])) for p in pats)))
    return out


def _fullmatch(rx, text: str):
    try:
        return rx.fullmatch(text, timeout=REGEX_TIMEOUT)
    except TimeoutError:
        raise RegexTimeout(f"pattern {rx.pattern[:80]!r} took over {REGEX_TIMEOUT}s and was stopped") \
            from None


def _shaped(text: str, max_words: int) -> bool:
    """Short and without a sentence end: the shape of a label, a name, a link."""
    return len(text.split()) <= max_words and not _SENT_END.search(text.rstrip())


@dataclass
class LineScan:
    matches: dict[int, list[tuple[_Entry, int]]]   # line index -> [(entry, pattern index)]
    lead: set[int]
    tail: set[int]
    skip: set[int]                                 # headline and its reprints


def scan(article: Article, ctx: ArticleContext) -> LineScan:
    """Which lines match which entries, and the lead and tail zones. Cached in ctx.data."""
    cached = ctx.data.get("boilerplate_scan")
    if cached is not None:
        return cached
    _, union = _entries(ctx.ruleset)
    settings = ctx.ruleset.settings(KIND)
    edge_words = int(settings.get("edge_max_words", 20))
    skip = set(ctx.data.get("headline_repeats", ()))
    if article.title_line is not None:
        skip.add(article.title_line)
    max_words = int(settings.get("max_line_words", 60))
    matches: dict[int, list[tuple[_Entry, int]]] = {}
    if union is not None:
        dispatch = _dispatch(ctx.ruleset)
        for ln in article.lines:
            if ln.index in skip or not ln.text.strip() or ln.text.count(" ") >= max_words:
                continue
            found = dispatch.match(ln.text)
            if found:
                matches[ln.index] = list(found)
    n = len(article.lines)
    head_end = article.title_line if article.title_line is not None else -1

    def in_zone(i: int) -> bool:
        return i in skip or i in matches or i <= head_end or _shaped(article.lines[i].text, edge_words)

    lead: set[int] = set()
    for i in range(n):
        if not in_zone(i):
            break
        lead.add(i)
    tail: set[int] = set()
    for i in range(n - 1, -1, -1):
        if i in lead or not in_zone(i) or i in skip:
            break
        tail.add(i)
    result = LineScan(matches, lead - skip, tail, skip)
    ctx.data["boilerplate_scan"] = result
    return result


def _signals(text: str, where: str, short_words: int) -> list[str]:
    sig = []
    if len(_WORDS.findall(text)) <= short_words:
        sig.append("short")
    if not _SENT_PUNCT.search(text.strip()):
        sig.append("no_sentence_punctuation")
    if where in ("start", "end"):
        sig.append("at_edge")
    if _LINK_LIKE.search(text.strip()):
        sig.append("link_like")
    return sig


@REGISTRY.article("boilerplate.patterns", order=30)
def boilerplate_lines(article: Article, ctx: ArticleContext):
    entries, _ = _entries(ctx.ruleset)
    if not entries:
        return []
    settings = ctx.ruleset.settings(KIND)
    short_words = int(settings.get("short_words", 12))
    base = float(settings.get("base_confidence", 0.55))
    weights = {"short": 0.1, "no_sentence_punctuation": 0.1, "at_edge": 0.15, "link_like": 0.1}
    weights.update(settings.get("confidence_weights") or {})
    sc = scan(article, ctx)
    out = []
    flagged = set()
    for idx in sorted(sc.matches):
        where = "start" if idx in sc.lead else "end" if idx in sc.tail else "body"
        chosen = None
        for e, j in sc.matches[idx]:
            if e.position == "any" or (e.position == "start" and where == "start") or \
                    (e.position == "end" and where == "end") or (e.position == "edge" and where != "body"):
                chosen = (e, j)
                break
        if chosen is None:
            continue
        e, j = chosen
        ln = article.lines[idx]
        start = ln.start + (len(ln.text) - len(ln.text.lstrip()))
        end = ln.end - (len(ln.text) - len(ln.text.rstrip()))
        sig = _signals(ln.text, where, short_words)
        conf = min(1.0, base + sum(float(weights.get(s, 0)) for s in sig))
        key = line_key(ln.text)
        rec = sum(1 for o in article.lines if len(o.text) < 2 * len(ln.text) + 8 and line_key(o.text) == key)
        where_txt = {"start": "in the opening lines", "end": "in the closing lines",
                     "body": "inside the body"}[where]
        again = f", printed {rec} times in this article" if rec > 1 else ""
        label = CATEGORY_LABEL.get(e.category, e.category)
        out.append(Finding.at(
            article, f"boilerplate.{e.category}", e.severity, start, end,
            f"Boilerplate left in the text: this line is {label} "
            f"(pattern '{e.id}', {where_txt}{again}).",
            evidence={"category": e.category, "pattern_id": e.id, "pattern_index": j,
                      "position": where, "line_index": idx, "recurrence": rec,
                      "signals": sig, "confidence": round(conf, 2)}))
        flagged.add(idx)
    found = _classified(article, ctx, flagged | sc.skip, flagged)
    flagged.update(f.evidence["line_index"] for f in found)
    out.extend(found)
    ctx.data["boilerplate_lines"] = flagged
    for e in _inline_entries(ctx.ruleset):
        for j, rx in enumerate(e.rxs):
            try:
                hits = list(rx.finditer(article.text, timeout=REGEX_TIMEOUT))
            except TimeoutError:
                raise RegexTimeout(f"pattern {rx.pattern[:80]!r} took over {REGEX_TIMEOUT}s and was "
                                   "stopped") from None
            for m in hits:
                label = CATEGORY_LABEL.get(e.category, e.category)
                out.append(Finding.at(
                    article, f"boilerplate.{e.category}", e.severity, m.start(), m.end(),
                    f"Boilerplate left in the text: {label} stuck inside a sentence (pattern '{e.id}').",
                    evidence={"category": e.category, "pattern_id": e.id, "pattern_index": j,
                              "position": "inline", "signals": [], "confidence": round(base, 2)}))
    ctx.data["boilerplate_spans"] = sorted((f.start, f.end) for f in out)
    return out



CLASS_LABEL = {
    "navigation": "page navigation (a menu, breadcrumb, tag or page control)",
    "related-links": "a link to other stories",
    "comments": "part of the comment block",
    "credit": "a photo or copyright credit",
    "share": "a share bar",
    "timestamp": "a date or time stamp",
    "teaser": "a teaser of another story",
    "author-box": "the author's box",
    "advertising": "an advertising label",
}


def _classified(article: Article, ctx: ArticleContext, skip: set[int], anchors: set[int]) -> list[Finding]:
    """Lines the boilerplate classifier (``boilerplate-model`` pack) flags beside the patterns;
    lines in ``skip`` (matched by a pattern, the headline) are left alone."""
    model = boilerplate_model.load(ctx.ruleset)
    if model is None or not model.classes:
        return []
    texts = [ln.text for ln in article.lines]
    out = []
    for s, c in boilerplate_model.flag(texts, model, skip, anchors):
        ln = article.lines[s.index]
        start = ln.start + (len(ln.text) - len(ln.text.lstrip()))
        end = ln.end - (len(ln.text) - len(ln.text.rstrip()))
        why = boilerplate_model.reasons(s, model.reasons)
        label = CLASS_LABEL.get(c.id, c.id)
        out.append(Finding.at(
            article, f"boilerplate.{c.id}", c.severity, start, end,
            f"Boilerplate left in the text: this line reads as {label} "
            f"(classifier, p = {s.probability:.2f}: {', '.join(why)}).",
            evidence={"category": c.id, "classifier": True, "probability": round(s.probability, 3),
                      "threshold": model.threshold, "reasons": why, "line_index": s.index,
                      "confidence": round(s.probability, 2)}))
    return out


# -- recurring lines (corpus) ---------------------------------------------------------
def recurring_fingerprint(article: Article, ctx: ArticleContext) -> dict[str, Any]:
    settings = ctx.ruleset.settings(KIND).get("recurring") or {}
    max_words = int(settings.get("max_words", 30))
    min_chars = int(settings.get("min_chars", 3))
    max_text = int(settings.get("max_text_chars", 300))
    edge_words = int(ctx.ruleset.settings(KIND).get("edge_max_words", 20))
    sc = scan(article, ctx)
    flagged = ctx.data.get("boilerplate_lines", set())
    lines = []
    for ln in article.lines:
        i = ln.index
        if i in sc.skip or i in flagged:
            continue
        text = ln.text.strip()
        if len(text) < min_chars or len(text.split()) > max_words:
            continue
        where = "start" if i in sc.lead else "end" if i in sc.tail else "body"
        if where == "body" and not _shaped(text, edge_words):
            continue            # a body sentence never counts as boilerplate
        key = line_key(text)
        if not key:
            continue
        start = ln.start + (len(ln.text) - len(ln.text.lstrip()))
        line, col = article.position(start)
        lines.append((stable_hash64(key), start, start + len(text), line, col, text[:max_text], where))
    return {"lines": lines}


def recurring_run(items: list[CorpusItem], cctx: CorpusContext) -> CorpusOutput:
    settings = cctx.ruleset.settings(KIND).get("recurring") or {}
    min_count = int(settings.get("min_count", 3))
    severity = Severity.parse(settings.get("severity", "info"))
    # (scope, hash) -> list of (article id, line tuple); one entry per article
    where: dict[tuple[str, int], dict[str, tuple]] = defaultdict(dict)
    for it in items:
        fp = it.fingerprint or {}
        outlet = it.record.get("outlet") or ""
        for t in fp.get("lines", ()):
            where[(outlet, t[0])].setdefault(it.record["id"], t)
    archived: dict[tuple[str, int], int] = {}
    if cctx.archive is not None:
        store = cctx.archive
        by_outlet: dict[str, list[int]] = defaultdict(list)
        for (outlet, h), arts in where.items():
            if len(arts) < min_count:
                by_outlet[outlet].append(h)
        for outlet, hs in by_outlet.items():
            for h, c in store.line_counts(outlet, hs).items():
                archived[(outlet, h)] = c
    out = CorpusOutput()
    for (outlet, h), arts in where.items():
        n_arch = archived.get((outlet, h), 0)
        n = len(arts) + n_arch
        if n < min_count:
            continue
        scope = f"outlet {outlet}" if outlet else "the corpus"
        if n_arch:
            scope += f" ({n_arch} of them in the archive)"
        first4 = list(islice(arts, 4))          # each finding relates three of the others
        for aid, t in arts.items():
            _, start, end, line, col, text, pos = t
            related = [{"article": o, "start": arts[o][1], "end": arts[o][2], "text": arts[o][5],
                        "line": arts[o][3], "column": arts[o][4]} for o in first4 if o != aid][:3]
            out.findings.append(Finding(
                "boilerplate.recurring", severity, aid, line, col, start, end, text,
                f"Boilerplate left in the text: this line recurs in {n} articles of {scope}, "
                f"so it belongs to the page, not to the story.",
                related,
                {"category": "recurring", "recurrence": n, "scope": "outlet" if outlet else "corpus",
                 "outlet": outlet or None, "line_hash": f"{h:016x}", "position": pos,
                 "min_count": min_count, "archived": n_arch}))
    return out


REGISTRY.corpus("boilerplate.recurring", recurring_fingerprint, recurring_run, order=10)
