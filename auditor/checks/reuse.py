"""Reused passages: sentences of one article standing in another, exactly or lightly edited.

Per article (fingerprint): the body's word n-grams (boilerplate left out) are hashed and
winnowed (``_sketch.winnow``); a few hundred uint64 values per article, no text.

Corpus stage: the fingerprints are sorted into one array, equal values give candidate
pairs (values standing in more than ``max_postings`` articles are stock phrases and
skipped), and pairs sharing ``min_shared`` fingerprints are aligned: the two articles are
read back from the spool, their body sentences compared with rapidfuzz (``process.cdist``),
and runs of matching sentences in the same order on both sides become passages. Memory stays
bounded: the sentences of the articles to align wait in a spool file, and only the most
recently used ones are held. Each passage is reported on both articles (``reuse.passage``)
with the other side as ``related`` and which side was published first in the evidence. Pairs alike enough to be near-duplicates are
left to ``duplicate.near-article``.
"""
from __future__ import annotations

import pickle
import re
from dataclasses import dataclass, fields
from functools import lru_cache
from typing import Any, Callable, Iterable, Sequence

import numpy as np
from rapidfuzz import fuzz, process

from ..model import BOILERPLATE_LINES, HEADLINE_REPEATS, Article, Finding, Severity
from ..rules import RuleSet
from ..spool import Spool
from ..text import sentences
from . import REGISTRY, ArticleContext, CorpusContext, CorpusItem, CorpusOutput, parallel_map
from ._prepared import iter_prepared, prepared_articles
from . import _sketch as sk
from .boilerplate import RECURRING
from .declarations import Family, Rule, declare
from .nearduplicates import _pub, body_token_hashes

KIND = "reuse"

FAMILY = Family(
    "reuse", order=30, colour=True,
    help="Passages shared with other articles.",
    explain=("A passage of this article also appears in another one. Credit the source or "
             "rewrite it."))
PASSAGE = Rule(
    "reuse.passage", "warning", name="ReusedPassage",
    help='A passage also stands in another article.',
    explain=('One or more sentences are shared with another article (of the corpus or the '
             'archive). Credit the source of the passage or rewrite it.'))
RULES = declare(FAMILY, PASSAGE)


@dataclass(frozen=True)
class Params:
    """The check's settings, read from the ``reuse`` pack (rules/reuse.yaml holds the defaults:
    the default pack is always loaded under a user's, settings merged key by key, so no default
    is written here). Each field is its setting of the same name."""
    ngram: int
    window: int
    min_shared: int
    max_postings: int
    min_sentence_words: int
    min_words: int
    similarity: float
    skip_jaccard: float
    source_severity: str
    outlet_furniture_min: int
    furniture_cues: tuple
    furniture_tail_lines: int
    star_pairs: bool

    @classmethod
    def from_ruleset(cls, ruleset: RuleSet) -> "Params":
        return cls(**{f.name: _AS[f.type](ruleset.setting(KIND, f.name)) for f in fields(cls)})


_AS = {"int": int, "float": float, "str": str, "tuple": tuple, "bool": bool}   # a field's type


def reuse_fingerprint(article: Article, ctx: ArticleContext) -> np.ndarray:
    p = Params.from_ruleset(ctx.ruleset)
    th = body_token_hashes(article, ctx)
    if len(th) < p.ngram:
        return np.zeros(0, dtype=np.uint64)
    return sk.winnow(sk.ngram_hashes(th, p.ngram), p.window)


def candidate_pairs(fps: Sequence[np.ndarray], min_shared: int, max_postings: int,
                    star: bool = False) -> dict[tuple[int, int], int]:
    """{(i, j): shared fingerprints} for pairs sharing at least ``min_shared``.

    With ``star``, a fingerprint standing in k > 2 articles pairs the first of them with each
    other one (k - 1 pairs) rather than every two of them (k(k - 1)/2): a passage printed by
    many articles is aligned against its first appearance, and the cost stays linear in k.
    (Fingerprints from ``reuse_fingerprint`` come sorted; others are sorted here.)"""
    fps = [f if _ascending(f) else np.sort(f) for f in (np.asarray(f, dtype=np.uint64) for f in fps)]
    total = sum(len(f) for f in fps)
    if total == 0:
        return {}
    n = np.int64(len(fps))
    # grouped a slice of the hash space at a time (by their top bits), so that the sort's
    # working arrays stay a fraction of the fingerprints' size however large the corpus
    bits = max(0, (total - 1) // PART_HASHES).bit_length()
    edges = (np.arange(1, 1 << bits, dtype=np.uint64) << np.uint64(64 - bits)) if bits else \
        np.zeros(0, np.uint64)
    cuts = [np.concatenate(([0], np.searchsorted(f, edges), [len(f)])).tolist() for f in fps]
    ids = np.arange(len(fps), dtype=np.int64)
    codes: list[np.ndarray] = []
    for part in range(1 << bits):
        pieces = [f[c[part]:c[part + 1]] for f, c in zip(fps, cuts)]
        sizes = np.fromiter((len(x) for x in pieces), dtype=np.int64, count=len(pieces))
        if sizes.sum() < 2:
            continue
        h = np.concatenate(pieces)
        del pieces
        codes.extend(_pair_codes(h, np.repeat(ids, sizes), n, max_postings, star))
    if not codes:
        return {}
    uniq, counts = np.unique(np.concatenate(codes), return_counts=True)
    keep = counts >= min_shared
    return {(int(c // n), int(c % n)): int(k) for c, k in zip(uniq[keep], counts[keep])}


PART_HASHES = 1 << 18       # fingerprints grouped at once by ``candidate_pairs`` (about 2 MB)


def _ascending(f: np.ndarray) -> bool:
    return len(f) < 2 or bool((f[1:] >= f[:-1]).all())


def _pair_codes(h: np.ndarray, ow: np.ndarray, n: np.int64, max_postings: int,
                star: bool) -> list[np.ndarray]:
    """Pairs (as i * n + j) of the owners ``ow`` of equal hashes ``h``, one per shared hash."""
    order = np.argsort(h, kind="stable")
    hs = h[order]
    ow = ow[order]
    del order
    brk = np.flatnonzero(np.concatenate(([True], hs[1:] != hs[:-1], [True])))
    del hs
    starts, lens = brk[:-1], np.diff(brk)
    ok = (lens >= 2) & (lens <= max_postings)
    codes: list[np.ndarray] = []
    two = starts[ok & (lens == 2)]
    if len(two):
        a, b = ow[two], ow[two + 1]
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        m = lo != hi
        codes.append(lo[m] * n + hi[m])
    for s, ln in zip(starts[ok & (lens > 2)].tolist(), lens[ok & (lens > 2)].tolist()):
        mem = np.unique(ow[s:s + ln])
        if len(mem) < 2:
            continue
        if star:
            codes.append(mem[0] * n + mem[1:])
            continue
        i, j = np.triu_indices(len(mem), 1)
        codes.append(mem[i] * n + mem[j])
    return codes


@dataclass
class Units:
    """Body sentences of one article: offsets in the original text and comparison keys."""
    starts: list[int]
    ends: list[int]
    keys: list[str]
    words: list[int]


def sentence_units(article: Article, ctx: ArticleContext, min_words: int) -> Units:
    skip = set(ctx.data.get(BOILERPLATE_LINES, ())) | set(ctx.data.get(HEADLINE_REPEATS, ()))
    if article.title_line is not None:
        skip.add(article.title_line)
    u = Units([], [], [], [])
    text = article.text
    # text that folds offset for offset is folded once and each sentence's words taken from
    # it (the same keys as sk.line_key on each sentence)
    low = sk.fold_in_place(text)
    words = sk.KEYWORD.findall
    abbreviations = ctx.ruleset.sentence_abbreviations()
    for ln in article.lines[article.body_start:]:
        if ln.index in skip:
            continue
        for s, e in sentences(text, ln.start, ln.end, abbreviations=abbreviations):
            ws = words(low, s, e) if low is not None else words(sk.fold(text[s:e]))
            if len(ws) >= min_words:
                u.starts.append(s)
                u.ends.append(e)
                u.keys.append(" ".join(ws))
                u.words.append(len(ws))
    return u


def align(a: Units, b: Units, similarity: float) -> list[tuple[int, int, int, int, float]]:
    """Runs of sentences of ``a`` matching sentences of ``b`` in the same order.

    Returns (a_first, a_last, b_first, b_last, mean score 0-100) per run."""
    if not a.keys or not b.keys:
        return []
    m = process.cdist(a.keys, b.keys, scorer=fuzz.ratio, score_cutoff=similarity, dtype=np.uint8)
    best = m.argmax(axis=1)
    score = m[np.arange(len(a.keys)), best]
    runs: list[list] = []
    for i in range(len(a.keys)):
        if score[i] == 0:
            continue
        j = int(best[i])
        if runs and runs[-1][1] == i - 1 and runs[-1][3] == j - 1:
            runs[-1][1], runs[-1][3] = i, j
            runs[-1][4].append(float(score[i]))
        else:
            runs.append([i, i, j, j, [float(score[i])]])
    return [(r[0], r[1], r[2], r[3], sum(r[4]) / len(r[4])) for r in runs]


def order_of(rec_a: dict, rec_b: dict, seen_a: int, seen_b: int) -> tuple[int, str]:
    """0 if a came first, 1 if b; with the basis (published or first-seen)."""
    pa, pb = _pub(rec_a), _pub(rec_b)
    if pa and pb and pa != pb:
        return (0 if pa < pb else 1), "published"
    return (0 if seen_a <= seen_b else 1), "first-seen"


def passage_findings(art_a: Article, units_a: Units, rec_a: dict, art_b: Article, units_b: Units,
                     rec_b: dict, first: int, basis: str, p: Params, severity: str,
                     shared: int | None = None, where_b: str = "corpus",
                     runs: list | None = None) -> list[Finding]:
    """Findings on both sides for every aligned passage of (a, b); ``first`` is 0 when a came
    first. ``runs``: ``align(units_a, units_b)`` when the caller has it already."""
    out = []
    for ia, ja, ib, jb, sc in (align(units_a, units_b, p.similarity) if runs is None else runs):
        words = sum(units_a.words[ia:ja + 1])
        if words < p.min_words:
            continue
        sa = art_a.span(units_a.starts[ia], units_a.ends[ja])
        sb = art_b.span(units_b.starts[ib], units_b.ends[jb])
        exact = all(units_a.keys[ia + k] == units_b.keys[ib + k] for k in range(ja - ia + 1))
        how = "word for word" if exact else f"lightly edited, {sc:.0f}% alike"
        nsent = ja - ia + 1
        for side, (art, span, other, rec, orec) in enumerate(
                ((art_a, sa, sb, rec_a, rec_b), (art_b, sb, sa, rec_b, rec_a))):
            if where_b == "archive" and side == 1:
                continue                    # the archived article is not in this report
            is_first = (side == first)
            if basis == "published":
                order = (f"this article was published first ({_pub(rec)})" if is_first else
                         f"{other.article} was published first ({_pub(orec)})")
            elif where_b == "archive":
                order = "publication order unknown; the archived article was stored first"
            else:
                order = ("publication order unknown; this article was seen first" if is_first else
                         f"publication order unknown; {other.article} was seen first")
            place = "the archived article" if (where_b == "archive" and side == 0) else "article"
            sev = Severity.parse(p.source_severity) if is_first and basis == "published" else \
                Severity.parse(severity)
            out.append(Finding.at(
                art, PASSAGE.id, sev, span.start, span.end,
                f"Reused passage: {nsent} sentence{'s' if nsent > 1 else ''} ({words} words) also "
                f"stand{'s' if nsent == 1 else ''} in {place} {other.article} ({how}); {order}.",
                related=[other],
                evidence={"other": other.article, "similarity": round(sc / 100, 4), "exact": exact,
                          "sentences": nsent, "words": words,
                          "published_first": (rec if is_first else orec)["id"] if basis == "published"
                          else None,
                          "seen_first": (rec if is_first else orec)["id"],
                          "basis": basis, "role": "source" if is_first else "copy",
                          "shared_fingerprints": shared, "against": where_b}))
    return out


def reuse_run(items: list[CorpusItem], cctx: CorpusContext) -> CorpusOutput:
    out = CorpusOutput()
    ruleset = cctx.ruleset
    ent = next((e for e in ruleset.entries(KIND) if e["id"] == "passage"), None)
    if ent is None or not ruleset.rule_enabled(PASSAGE.id):
        return out
    if cctx.archive is not None:
        _against_archive(items, cctx, ent, out)
    if len(items) < 2:
        return out
    p = Params.from_ruleset(ruleset)
    fps = [it.fingerprint if it.fingerprint is not None else np.zeros(0, np.uint64) for it in items]
    cands = candidate_pairs(fps, p.min_shared, p.max_postings, p.star_pairs)
    pairs = []
    near = cctx.options.get("_near_pairs", ())
    for (i, j), shared in sorted(cands.items()):
        ids = (items[i].record["id"], items[j].record["id"])
        if ids in near or ids[::-1] in near:
            continue                        # a near-duplicate: duplicate.near-article reports it
        union = len(fps[i]) + len(fps[j]) - shared
        if union and shared / union >= p.skip_jaccard:
            continue
        pairs.append((i, j, shared))
    if not pairs:
        return out
    found, text_of = _align_pairs(items, pairs, cctx, p, ent["severity"])
    outlets = {it.record["id"]: it.record.get("outlet") or "" for it in items}
    out.findings.extend(outlet_furniture(found, outlets, p.outlet_furniture_min,
                                         furniture_test(p, text_of)))
    return out


UNITS_HELD = 4096       # articles whose sentences ``_align_pairs`` keeps in memory at once
ARTICLES_HELD = 256     # articles it keeps in memory to write findings on
BATCH = 256             # articles (sentences) or pairs (alignment) per task of ``parallel_map``


def _align_pairs(items: list[CorpusItem], pairs: list[tuple[int, int, int]], cctx: CorpusContext,
                 p: Params, severity: str) -> tuple[list[Finding], Callable[[str], str | None]]:
    """Findings for every aligned passage of the candidate pairs, and a text lookup by id.

    The sentences of every article to align are computed once and spilled to a spool file;
    pairs are taken in order of their first article, with the most recently used sentences
    and articles in memory, so memory does not grow with the corpus text. Both steps go
    through ``parallel_map`` in batches (the pipeline's worker processes when it has some);
    the findings come back in the order of the pairs."""
    need = sorted({items[i].record["id"] for i, _, _ in pairs} |
                  {items[j].record["id"] for _, j, _ in pairs})
    store = Spool()

    def sentences_of(ids: list[str]) -> list[tuple[str, bytes]]:
        return [(aid, pickle.dumps(sentence_units(art, ctx, p.min_sentence_words), protocol=5))
                for aid, art, ctx in iter_prepared(cctx, ids)]

    @lru_cache(maxsize=UNITS_HELD)
    def units(aid: str) -> Units:
        return pickle.loads(store.blob(aid))

    @lru_cache(maxsize=ARTICLES_HELD)
    def article(aid: str) -> Article | None:
        got = prepared_articles(cctx, [aid]).get(aid)
        return got[0] if got else None

    def align_batch(batch: list[tuple[dict, dict, int, int, int]]) -> list[Finding]:
        found: list[Finding] = []
        for ra, rb, i, j, shared in batch:
            if ra["id"] not in store or rb["id"] not in store:
                continue
            ua, ub = units(ra["id"]), units(rb["id"])
            runs = [r for r in align(ua, ub, p.similarity) if sum(ua.words[r[0]:r[1] + 1]) >= p.min_words]
            if not runs:
                continue
            first, basis = order_of(ra, rb, i, j)
            found.extend(passage_findings(article(ra["id"]), ua, ra, article(rb["id"]), ub, rb,
                                          first, basis, p, severity, shared, runs=runs))
        return found

    found: list[Finding] = []
    try:
        for got in parallel_map(cctx, sentences_of, _batches(need)):
            for aid, blob in got:
                store.add(aid, blob)
        tasks = _batches([(items[i].record, items[j].record, i, j, shared) for i, j, shared in pairs])
        for got in parallel_map(cctx, align_batch, tasks):
            found.extend(got)
    finally:
        store.close()
        units.cache_clear()

    def text_of(aid: str) -> str | None:
        a = article(aid)
        return a.text if a is not None else None
    return found, text_of


def _batches(xs: list) -> list[list]:
    return [xs[k:k + BATCH] for k in range(0, len(xs), BATCH)]


_QUOTED = re.compile(r"[“\"][^”\"]*[”\"]")


def furniture_test(p: Params, text_of: Callable[[str], str | None]):
    """Whether a passage printed by one outlet over and over reads as page furniture rather
    than a recycled story paragraph: outside quotations it speaks to the reader or for the
    outlet (``furniture_cues``), or it closes every article it stands in (an author's bio, a
    standing note) within the last ``furniture_tail_lines`` lines, with more lines than that
    before it."""
    cues = re.compile("|".join(f"(?:{c})" for c in p.furniture_cues), re.I) if p.furniture_cues else None

    def lines(t: str) -> int:
        return sum(1 for ln in t.splitlines() if ln.strip())

    def at_tail(f: Finding) -> bool:
        t = text_of(f.article) or ""
        return lines(t[f.end:]) < p.furniture_tail_lines < lines(t[:f.start])

    def looks(fs: list[Finding]) -> bool:
        if cues is not None and cues.search(_QUOTED.sub(" ", fs[0].text)):
            return True
        return all(at_tail(f) for f in fs)
    return looks


def outlet_furniture(found: list[Finding], outlets: dict[str, str], min_articles: int,
                     looks=lambda fs: True) -> list[Finding]:
    """Passages one outlet prints in ``min_articles`` or more of its articles, and nowhere else,
    that read as furniture (``looks``: newsletter boxes, promos, standing notes, bios) are
    reported as ``boilerplate.recurring`` (once per place) instead of as reuse between each
    pair. A story sentence the outlet recycles stays reuse."""
    if min_articles <= 0:
        return found
    groups: dict[tuple[str, str], list[Finding]] = {}
    for f in found:
        groups.setdefault((outlets.get(f.article, ""), sk.line_key(f.text)), []).append(f)
    out: list[Finding] = []
    for (outlet, _), fs in groups.items():
        arts = {f.article for f in fs} | {r["article"] for f in fs for r in f.related}
        if not outlet or len(arts) < min_articles or any(outlets.get(a) != outlet for a in arts) \
                or not looks(fs):
            out.extend(fs)
            continue
        seen: set[tuple[str, int, int]] = set()
        for f in fs:
            if (f.article, f.start, f.end) in seen:
                continue
            seen.add((f.article, f.start, f.end))
            others = sorted(a for a in arts if a != f.article)
            out.append(Finding(
                RECURRING.id, Severity.INFO, f.article, f.line, f.column, f.start, f.end,
                f.text, f"Boilerplate left in the text: this passage recurs in {len(arts)} articles of "
                        f"outlet {outlet}, so it belongs to the page, not to the story.",
                [r for r in f.related][:3],
                {"category": "recurring", "recurrence": len(arts), "scope": "outlet", "outlet": outlet,
                 "position": "passage", "found_by": "reuse", "articles": others[:10]}))
    return out


def _against_archive(items: list[CorpusItem], cctx: CorpusContext, ent: dict, out: CorpusOutput) -> None:
    """Passages of incoming articles standing in archived ones (findings on the incoming side)."""
    store = cctx.archive
    if store is None:
        return
    p = Params.from_ruleset(cctx.ruleset)
    owner: dict[int, list[int]] = {}
    for i, it in enumerate(items):
        fp = it.fingerprint
        if fp is None:
            continue
        for h in fp.tolist():
            owner.setdefault(int(h), []).append(i)
    if not owner:
        return
    shared: dict[tuple[int, int], int] = {}
    posting: dict[int, int] = {}
    rows = store.lookup_passages(list(owner))
    for h, a in rows:
        posting[h] = posting.get(h, 0) + 1
    for h, a in rows:
        if posting[h] > p.max_postings:
            continue
        for i in owner.get(h & ((1 << 64) - 1), ()):
            shared[(i, a)] = shared.get((i, a), 0) + 1
    cands = [(i, a, c) for (i, a), c in sorted(shared.items()) if c >= p.min_shared]
    if not cands:
        return
    archived = store.get(sorted({a for _, a, _ in cands}))
    need = {items[i].record["id"] for i, _, _ in cands}
    prepared = prepared_articles(cctx, sorted(need))
    arts = {aid: a for aid, (a, _) in prepared.items()}
    units_new = {aid: sentence_units(a, ctx, p.min_sentence_words) for aid, (a, ctx) in prepared.items()}
    for i, a, c in cands:
        rec = items[i].record
        arc = archived.get(a)
        if arc is None or rec["id"] not in arts:
            continue
        if arc.id == rec["id"] and arc.path == rec.get("path"):
            continue
        if (rec["id"], a) in cctx.options.get("_archived_pairs", ()):
            continue                        # a near-duplicate: duplicate.archived reports it
        union = len(items[i].fingerprint) + arc.n_passages - c
        if union and c / union >= p.skip_jaccard:
            continue
        art_b = arc.article()
        units_b = sentence_units(art_b, arc.context(cctx.ruleset), p.min_sentence_words)
        first, basis = order_of(rec, arc.record(), 1, 0)
        out.findings.extend(passage_findings(arts[rec["id"]], units_new[rec["id"]], rec, art_b, units_b,
                                             arc.record(), first, basis, p,
                                             ent["severity"], c, where_b="archive"))


REGISTRY.corpus(PASSAGE.id, reuse_fingerprint, reuse_run, order=30)
