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
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

import regex

from ..model import Article, Finding, Severity
from ..rules import REGEX_TIMEOUT, RegexTimeout, RuleSet, compile_pattern
from ..rules.literals import _FOLD_SPECIAL, _first_sources, required_literals
from . import REGISTRY, ArticleContext, CorpusContext, CorpusItem, CorpusOutput
from . import boilerplate_model
from ._sketch import line_key, stable_hash64
from .declarations import Family, Rule, declare

KIND = "boilerplate"


# -- the rule ids this family emits: boilerplate.<category> for the categories of the default
# packs (``boilerplate`` patterns, ``boilerplate-model`` classes) and boilerplate.recurring; a
# category a user pack adds is described by the family.
def _bp(category: str, what: str, explain: str) -> Rule:
    return Rule(f"boilerplate.{category}", "info", help=f"A line of the text is {what}.",
                explain=explain + " Remove it from the article text.")


FAMILY = Family(
    "boilerplate", order=20, colour=True,
    help="Boilerplate that is not part of the story.",
    explain=("Navigation, newsletter prompts, comment forms and similar page furniture were "
             "captured with the text. Remove them."))
NAVIGATION = _bp("navigation", "page navigation", "Menu, skip, breadcrumb, tag or sign-in "
                 "links of the page around the article were captured with the text.")
SECTION_LABEL = _bp("section-label", "a section label", "A lone section name (World, Politics, "
                    "Opinion...) stands above the headline or the body.")
RELATED_LINKS = _bp("related-links", "a related-links block", "A 'Read more' or 'Related' "
                    "line, or a link to another story, stands in the text.")
COMMENT_FORM = _bp("comment-form", "a comment form", "The prompts of the page's comment form "
                   "(leave a reply, your email address will not be published) were captured.")
COMMENTS = _bp("comments", "part of the comment block", "Lines of the readers' comment block "
               "(counts, sign-in prompts, commenters' names) were captured with the text.")
APPEAL = _bp("appeal", "a donation or subscription appeal", "The outlet asks the reader for "
             "money, a subscription or a newsletter sign-up.")
SHARE = _bp("share", "a share prompt", "Share-bar labels (share on Facebook, tweet, email) "
            "were captured with the text.")
COOKIE = _bp("cookie", "a cookie prompt", "The page's cookie or consent banner was captured "
             "with the text.")
ADVERTISING = _bp("advertising", "an advertising label", "An 'Advertisement' or 'Sponsored' "
                  "label of the page stands in the text.")
COPYRIGHT = _bp("copyright", "a copyright or syndication notice", "A copyright line or a "
                "syndication notice (all rights reserved, may not be republished) closes the "
                "text.")
BYLINE = _bp("byline", "a byline or credit", "A byline, author label, author bio or "
             "translation credit stands in the text as a line of its own.")
CREDIT = _bp("credit", "a photo or copyright credit", "A photo credit or a copyright credit "
             "(Photo: ..., Getty Images) stands in the text.")
TIMESTAMP = _bp("timestamp", "a date or time stamp", "A stand-alone date, time or 'updated' "
                "stamp of the page stands in the text.")
TEASER = _bp("teaser", "a teaser of another story", "The headline or summary of another story "
             "(a teaser of the page) stands in the text.")
AUTHOR_BOX = _bp("author-box", "the author's box", "The author's box of the page (name, "
                 "role, follow links) was captured with the text.")
CROSS_PROMOTION = _bp("cross-promotion", "cross-promotion of the outlet's earlier stories",
                      "The outlet points the reader to its earlier coverage inside the text.")
RECURRING = Rule(
    "boilerplate.recurring", "info", name="RecurringBoilerplate",
    help="A line recurs across many articles of the same outlet.",
    explain=("The same line appears in many articles of one outlet, so it is most likely page "
             "furniture (a subscription prompt, a footer) rather than part of the story. Remove "
             "it from the article text."))
RULES = declare(FAMILY, NAVIGATION, SECTION_LABEL, RELATED_LINKS, COMMENT_FORM, COMMENTS, APPEAL,
                SHARE, COOKIE, ADVERTISING, COPYRIGHT, BYLINE, CREDIT, TIMESTAMP, TEASER,
                AUTHOR_BOX, CROSS_PROMOTION, RECURRING)


def category_rule(category: str) -> str:
    """The rule id of a boilerplate category (declared above, or one a user pack adds)."""
    return f"{FAMILY.name}.{category}"

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
            article, category_rule(e.category), e.severity, start, end,
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
                    article, category_rule(e.category), e.severity, m.start(), m.end(),
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
    flagged, scored, cued = boilerplate_model.assess(texts, model, skip, anchors)
    if scored and model.wr:
        ctx.data["boilerplate_scored"] = (scored, cued, {s.index for s, _ in flagged})
    for s, c in flagged:
        ln = article.lines[s.index]
        start = ln.start + (len(ln.text) - len(ln.text.lstrip()))
        end = ln.end - (len(ln.text) - len(ln.text.rstrip()))
        why = boilerplate_model.reasons(s, model.reasons)
        label = CLASS_LABEL.get(c.id, c.id)
        out.append(Finding.at(
            article, category_rule(c.id), c.severity, start, end,
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
    hashes: dict[str, int] = {}           # line text -> hash of its key, shared with _model_lines
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
        h = hashes[ln.text] = stable_hash64(key)
        lines.append((h, start, start + len(text), line, col, text[:max_text], where))
    out = {"lines": lines}
    model = _model_lines(article, ctx, hashes)
    if model:
        out["model"] = model
    return out


def _model_lines(article: Article, ctx: ArticleContext, hashes: dict[str, int]) -> dict | None:
    """What the recurrence model of the corpus stage needs of this article (None when the
    classifier scored no line or has no recurrence weights): per scored line, in order, its
    ordinal among the non-blank lines, the hash of its key, its stage-2 logit, whether it
    holds a class cue and whether a pattern flagged it; and, for the candidates (scored at
    least ``recurrence_candidates``, not flagged in the article, not the headline) what a
    finding needs; their class is read from the text in the corpus stage, for the lines it
    flags only."""
    got = ctx.data.get("boilerplate_scored")
    if not got:
        return None
    scored, cued, flagged_model = got
    model = boilerplate_model.load(ctx.ruleset)
    flagged = ctx.data.get("boilerplate_lines", set())
    sc = scan(article, ctx)
    floor = model.recurrence_candidates
    lines = article.lines
    ordinal = {}
    k = 0
    for ln in lines:
        if ln.text and not ln.text.isspace():
            ordinal[ln.index] = k
            k += 1
    rows, cands = [], []
    for s, cue in zip(scored, cued):
        ln = lines[s.index]
        h = hashes.get(ln.text)
        if h is None:
            key = line_key(ln.text)
            h = stable_hash64(key) if key else 0
        anchor = s.index in flagged and s.index not in flagged_model
        rows.append((ordinal[s.index], h, round(boilerplate_model.logit(s), 4), cue, anchor))
        if (s.probability < floor or s.index in flagged or s.index in sc.skip or not h):
            continue
        lead = len(ln.text) - len(ln.text.lstrip())
        start = ln.start + lead
        end = ln.end - (len(ln.text) - len(ln.text.rstrip()))
        line, col = ln.file_line, ln.file_column + lead        # article.position(start)
        cands.append((len(rows) - 1, s.basic.words, start, end, line, col, ln.text.strip()))
    return {"rows": rows, "candidates": cands, "n": k}


def recurring_run(items: list[CorpusItem], cctx: CorpusContext) -> CorpusOutput:
    settings = cctx.ruleset.settings(KIND).get("recurring") or {}
    min_count = int(settings.get("min_count", 3))
    severity = Severity.parse(settings.get("severity", RECURRING.severity))
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
    model = boilerplate_model.load(cctx.ruleset)
    veto: dict[tuple[str, int], float] = {}
    learnt = (_recurrence_findings(items, model, veto)
              if model is not None and model.wr and model.classes else [])
    for (outlet, h), arts in where.items():
        n_arch = archived.get((outlet, h), 0)
        n = len(arts) + n_arch
        if n < min_count:
            continue
        if not outlet and model is not None and model.recurring_veto is not None:
            # the outlet unknown, the line counted across the corpus: left out in the articles
            # where the recurrence model reads it as content
            arts = {a: t for a, t in arts.items() if veto.get((a, h), 1.0) >= model.recurring_veto}
            if len(arts) + n_arch < min_count:
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
                RECURRING.id, severity, aid, line, col, start, end, text,
                f"Boilerplate left in the text: this line recurs in {n} articles of {scope}, "
                f"so it belongs to the page, not to the story.",
                related,
                {"category": "recurring", "recurrence": n, "scope": "outlet" if outlet else "corpus",
                 "outlet": outlet or None, "line_hash": f"{h:016x}", "position": pos,
                 "min_count": min_count, "archived": n_arch}))
    if learnt:          # a line boilerplate.recurring reports is not reported twice
        seen = {(f.article, f.start) for f in out.findings}
        out.findings.extend(f for f in learnt if (f.article, f.start) not in seen)
    return out


def _recurrence_findings(items: list[CorpusItem], model, veto: dict) -> list[Finding]:
    """The classifier's corpus stage: lines an article left unflagged that the recurrence model
    flags, from their stage-2 score and how often they and their neighbours stand in other
    articles of the outlet (of the corpus when the outlet is unknown). A line is flagged when
    its probability reaches ``recurrence_threshold`` inside a block of likely lines that a cue,
    a pattern's line or a recurring line vouches for (boilerplate_model.block_support).
    ``veto`` receives (article, line hash) -> probability of every scored line."""
    counts: dict[tuple[str, int], int] = defaultdict(int)
    for it in items:
        m = (it.fingerprint or {}).get("model")
        if m:
            outlet = it.record.get("outlet") or ""
            for h in {r[1] for r in m["rows"] if r[1]}:
                counts[(outlet, h)] += 1
    thr = model.recurrence_threshold
    out = []
    for it in items:
        m = (it.fingerprint or {}).get("model")
        if not m:
            continue
        aid = it.record["id"]
        outlet = it.record.get("outlet") or ""
        rows = m["rows"]
        rec = [counts[(outlet, r[1])] - 1 if r[1] else 0 for r in rows]
        by_ord = {r[0]: v for r, v in zip(rows, rec)}
        feats, prob = [], []
        for r, v in zip(rows, rec):
            o = r[0]
            nb = [by_ord.get(o + d, 0) for d in (-2, -1, 1, 2) if 0 <= o + d < m["n"]]
            f = boilerplate_model.recurrence_features(r[2], v, nb)
            feats.append(f)
            p = boilerplate_model.recurrence_probability(model, f)
            prob.append(p)
            if r[1]:
                veto.setdefault((aid, r[1]), p)
        if not m["candidates"]:
            continue
        joined = [False] + [rows[k][0] == rows[k - 1][0] + 1 for k in range(1, len(rows))]
        sup = boilerplate_model.block_support(prob, [r[3] or v > 0 for r, v in zip(rows, rec)],
                                              [r[4] for r in rows], joined, model.block_probability)
        scope = f"outlet {outlet}" if outlet else "the corpus"
        for k, words, start, end, line, col, text in m["candidates"]:
            p = prob[k]
            if p < thr or sup[k] < thr:
                continue
            c = boilerplate_model.classify(text, words, model)     # None: its class is switched off
            if c is None:
                continue
            cid, sev = c.id, c.severity
            reasons = boilerplate_model.recurrence_reasons(model, feats[k], 3)
            label = CLASS_LABEL.get(cid, cid)
            again = (f"recurs in {rec[k]} other article{'s' if rec[k] != 1 else ''} of {scope}"
                     if rec[k] else f"lines around it recur in other articles of {scope}")
            out.append(Finding(
                category_rule(cid), Severity.parse(sev), aid, line, col, start, end, text,
                f"Boilerplate left in the text: this line reads as {label} and {again} "
                f"(classifier with recurrence, p = {p:.2f}: {', '.join(reasons)}).",
                [], {"category": cid, "classifier": True, "stage": "recurrence",
                     "probability": round(p, 3), "threshold": thr, "reasons": reasons,
                     "recurrence": rec[k], "scope": "outlet" if outlet else "corpus",
                     "outlet": outlet or None, "confidence": round(p, 2)}))
    return out


REGISTRY.corpus(RECURRING.id, recurring_fingerprint, recurring_run, order=10)
