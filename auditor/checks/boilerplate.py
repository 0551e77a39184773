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
from dataclasses import dataclass
from typing import Any

from ..model import Article, Finding, Severity
from ..rules import REGEX_TIMEOUT, RegexTimeout, RuleSet, compile_pattern
from . import REGISTRY, ArticleContext, CorpusContext, CorpusItem, CorpusOutput
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


_CACHE: dict[int, tuple[Any, list[_Entry], Any]] = {}


def _entries(ruleset: RuleSet) -> tuple[list[_Entry], Any]:
    """Compiled entries and one union regex used as a fast pre-filter (cached per pack; the
    cache holds the pack itself, so its id cannot be reused by another pack)."""
    pack = ruleset.packs.get(KIND)
    if pack is None:
        return [], None
    hit = _CACHE.get(id(pack))
    if hit is not None and hit[0] is pack:
        return hit[1], hit[2]
    out = []
    union = []
    for e in ruleset.entries(KIND):
        if e.get("position") == "inline":
            continue                                    # searched inside lines: _inline_entries
        flags = e.get("flags", ["ignorecase"])
        pats = e.get("patterns") or ([e["pattern"]] if e.get("pattern") else [])
        rxs = tuple(compile_pattern(rf"\s*(?:{p})\s*", flags) for p in pats)
        inline = "i" if "ignorecase" in flags else "-i"
        union.extend(f"(?{inline}:{p})" for p in pats)
        out.append(_Entry(e["id"], e["category"], e.get("severity", "info"), e.get("position", "any"),
                          e.get("description", ""), rxs))
    union_rx = compile_pattern(r"\s*(?:" + "|".join(union) + r")\s*") if union else None
    _CACHE[id(pack)] = (pack, out, union_rx)
    return out, union_rx


_INLINE_CACHE: dict[int, tuple[Any, list[_Entry]]] = {}


def _inline_entries(ruleset: RuleSet) -> list[_Entry]:
    """Entries with ``position: inline``: searched inside lines of any length, case-sensitive
    unless their flags say otherwise; a finding covers the match only."""
    pack = ruleset.packs.get(KIND)
    if pack is None:
        return []
    hit = _INLINE_CACHE.get(id(pack))
    if hit is not None and hit[0] is pack:
        return hit[1]
    out = []
    for e in ruleset.entries(KIND):
        if e.get("position") != "inline":
            continue
        pats = e.get("patterns") or ([e["pattern"]] if e.get("pattern") else [])
        out.append(_Entry(e["id"], e["category"], e.get("severity", "info"), "inline",
                          e.get("description", ""),
                          tuple(compile_pattern(p, e.get("flags", [])) for p in pats)))
    _INLINE_CACHE[id(pack)] = (pack, out)
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
    entries, union = _entries(ctx.ruleset)
    settings = ctx.ruleset.settings(KIND)
    edge_words = int(settings.get("edge_max_words", 20))
    skip = set(ctx.data.get("headline_repeats", ()))
    if article.title_line is not None:
        skip.add(article.title_line)
    max_words = int(settings.get("max_line_words", 60))
    matches: dict[int, list[tuple[_Entry, int]]] = {}
    if union is not None:
        for ln in article.lines:
            if ln.index in skip or not ln.text.strip() or ln.text.count(" ") >= max_words:
                continue
            if _fullmatch(union, ln.text) is None:
                continue
            found = []
            for e in entries:
                for j, rx in enumerate(e.rxs):
                    if _fullmatch(rx, ln.text) is not None:
                        found.append((e, j))
                        break
            if found:
                matches[ln.index] = found
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
    if cctx.options.get("archive"):
        from ..archive import store_for
        store = store_for(cctx.options, cctx.ruleset)
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
        ids = list(arts)
        for aid, t in arts.items():
            _, start, end, line, col, text, pos = t
            related = [{"article": o, "start": arts[o][1], "end": arts[o][2], "text": arts[o][5],
                        "line": arts[o][3], "column": arts[o][4]} for o in ids if o != aid][:3]
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
