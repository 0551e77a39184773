"""Near-duplicate articles and repeated headlines across a corpus.

``duplicate.near-article`` and ``near-duplicate`` clusters: each article's body (headline,
lines before it and boilerplate lines left out) becomes a set of word k-shingles, hashed
once to 64 bits; a MinHash signature (vectorised numpy, see ``_sketch.MinHasher``) and its
LSH band keys are the article's fingerprint. The corpus stage groups articles by band key
(hash blocking: no pair is compared unless it shares a band), drops candidates whose
signature estimate is far below the threshold, re-reads the remaining articles and verifies
every pair by the exact Jaccard of the shingle sets. Verified pairs form clusters
(connected components); the earliest-published member (else the first seen) is the
original and every other member is reported with its exact similarity to it.

``duplicate.headline-corpus`` and ``headline`` clusters: headlines are compared on their
normalised key; blocking keys are the key's hash and the hashes of the key with one word
left out (a one-word deletion neighbourhood), so identical headlines and headlines one word
apart meet in a bucket; candidates are verified with rapidfuzz.

The plain functions ``body_shingles``, ``signature``, ``band_keys``, ``verify`` and
``clusters`` are the pieces another engine (Dask) can call as they are.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

import numpy as np
from rapidfuzz import fuzz

from ..model import BOILERPLATE_LINES, HEADLINE_REPEATS, Article, Cluster, Finding, Severity
from ..rules import RuleSet, load_ruleset
from ..text import norm_key
from . import REGISTRY, ArticleContext, CorpusContext, CorpusItem, CorpusOutput
from ._prepared import prepared_articles
from . import _sketch as sk
from .declarations import Rule, declare

KIND = "nearduplicates"

# the corpus rule ids of the duplicate family (declared in duplicates.py)
NEAR_ARTICLE = Rule(
    "duplicate.near-article", "warning", name="NearDuplicateArticle",
    help='The article is nearly the same as another article of the corpus.',
    explain=('Most of the text also stands in another article (found by MinHash candidates and'
             ' verified by fuzzy matching). Check which one is the original; credit it or drop'
             ' the copy.'))
HEADLINE_CORPUS = Rule(
    "duplicate.headline-corpus", "info", name="SharedHeadline",
    help='Another article of the corpus has the same headline.',
    explain=('Two articles carry the same headline (after normalising punctuation and case). '
             'Usually syndication or a re-post: credit the original or write a distinct '
             'headline.'))
ARCHIVED = Rule(
    "duplicate.archived", "warning", name="SeenBefore",
    help='The article is nearly the same as an article already in the archive.',
    explain=('The incoming article matches one stored earlier in the archive. It may be a '
             're-post or a recycled story: check before publishing it again.'))
RULES = declare(NEAR_ARTICLE, HEADLINE_CORPUS, ARCHIVED)


@dataclass(frozen=True)
class Params:
    """The check's settings, read from the ``nearduplicates`` pack (rules/nearduplicates.yaml
    holds the defaults: the default pack is always loaded under a user's, settings merged key
    by key, so no default is written here)."""
    shingle_size: int
    num_perm: int
    bands: int
    rows: int
    seed: int
    threshold: float
    prefilter_margin: float
    min_shingles: int
    head_similarity: float
    head_min_tokens: int
    head_max_tokens: int

    @classmethod
    def from_ruleset(cls, ruleset: RuleSet) -> "Params":
        def s(*keys: str) -> Any:
            return ruleset.setting(KIND, *keys)

        p = cls(int(s("shingle_size")), int(s("num_perm")), int(s("bands")), int(s("rows")),
                int(s("seed")), float(s("threshold")), float(s("prefilter_margin")),
                int(s("min_shingles")), float(s("headline", "similarity")),
                int(s("headline", "min_tokens")), int(s("headline", "max_tokens")))
        if p.bands * p.rows > p.num_perm:
            raise ValueError(f"nearduplicates: bands x rows ({p.bands}x{p.rows}) exceeds num_perm {p.num_perm}")
        return p

    @classmethod
    def defaults(cls) -> "Params":
        """The settings of the default packs alone (read once)."""
        return _default_params()


@functools.lru_cache(maxsize=1)
def _default_params() -> Params:
    return Params.from_ruleset(load_ruleset([]))


def entry(ruleset: RuleSet, eid: str) -> dict | None:
    for e in ruleset.entries(KIND):
        if e["id"] == eid:
            return e
    return None


# -- per-article pieces (plain functions) ---------------------------------------------------
def body_token_hashes(article: Article, ctx: ArticleContext) -> np.ndarray:
    """uint64 token hashes of the body in text order, without headline, lines before it,
    headline reprints and boilerplate lines. Cached in ``ctx.data``."""
    th = ctx.data.get("sketch_token_hashes")
    if th is not None:
        return th
    skip = set(ctx.data.get(BOILERPLATE_LINES, ())) | set(ctx.data.get(HEADLINE_REPEATS, ()))
    if article.title_line is not None:
        skip.add(article.title_line)
    body = "\n".join(ln.text for ln in article.lines[article.body_start:] if ln.index not in skip)
    th = sk.text_token_hashes(body)
    ctx.data["sketch_token_hashes"] = th
    return th


def body_shingles(article: Article, ctx: ArticleContext, k: int) -> np.ndarray:
    return sk.shingle_hashes(body_token_hashes(article, ctx), k)


def signature(tokens: Sequence[str] | np.ndarray, params: Params | None = None, *,
              shingled: bool = False) -> np.ndarray:
    """MinHash signature (uint32[num_perm]) of a token list, or of shingle hashes if ``shingled``
    (``params``: the default packs' settings unless given)."""
    params = params or Params.defaults()
    sh = tokens if shingled else sk.shingle_hashes(tokens, params.shingle_size)
    return sk.hasher(params.num_perm, params.seed).signature(sh)


def band_keys(sig: np.ndarray, params: Params | None = None) -> list[int]:
    params = params or Params.defaults()
    return sk.band_keys(sig, params.bands, params.rows)


def verify(a: np.ndarray, b: np.ndarray) -> float:
    """Exact Jaccard of two shingle-hash sets (sorted unique arrays)."""
    return sk.jaccard(a, b)


def clusters(n: int, pairs: Iterable[tuple[int, int]]) -> list[list[int]]:
    return sk.connected_components(n, pairs)


def headline_keys(key: str, params: Params) -> list[int]:
    """Blocking keys of a normalised headline: its hash, then the hash of each one-word deletion."""
    words = key.split()
    if len(words) < params.head_min_tokens:
        return []
    keys = [sk.stable_hash64(key)]
    if len(words) <= params.head_max_tokens:
        keys.extend(sk.stable_hash64(" ".join(words[:i] + words[i + 1:])) for i in range(len(words)))
    return keys


def near_fingerprint(article: Article, ctx: ArticleContext) -> dict[str, Any]:
    p = Params.from_ruleset(ctx.ruleset)
    sh = body_shingles(article, ctx, p.shingle_size)
    fp: dict[str, Any] = {"n": int(len(sh))}
    if len(sh) >= p.min_shingles:
        sig = sk.hasher(p.num_perm, p.seed).signature(sh)
        fp["sig"] = sig
        fp["keys"] = np.asarray(sk.band_keys(sig, p.bands, p.rows), dtype=np.int64)
    head = article.headline
    if head is not None:
        fp["anchor"] = (head.start, head.end, head.file_line, head.file_column, head.text[:300])
    elif article.lines:
        ln = article.lines[article.body_start if article.body_start < len(article.lines) else 0]
        fp["anchor"] = (ln.start, ln.end, ln.file_line, ln.file_column, ln.text[:300])
    title = article.title or (head.text if head is not None else None)
    if title:
        key = norm_key(title)
        hk = headline_keys(key, p)
        if hk:
            fp["hkey"] = key
            fp["hkeys"] = hk
    return fp


# -- corpus stage -----------------------------------------------------------------------
def candidate_pairs(keys: np.ndarray, valid: np.ndarray | None = None) -> set[tuple[int, int]]:
    """Pairs of rows of ``keys`` (n x bands, int64) sharing a band key in the same band.

    Sorting the flattened keys groups equal keys; only groups of two or more make pairs.
    """
    n, b = keys.shape
    if n < 2:
        return set()
    flat = keys.ravel()
    owner = np.repeat(np.arange(n), b)
    if valid is not None:
        m = np.repeat(valid, b)
        flat, owner = flat[m], owner[m]
    order = np.argsort(flat, kind="stable")
    fs, os_ = flat[order], owner[order]
    same = fs[1:] == fs[:-1]
    pairs: set[tuple[int, int]] = set()
    if not same.any():
        return pairs
    # run boundaries of equal keys
    starts = np.flatnonzero(np.concatenate(([True], ~same)))
    ends = np.concatenate((starts[1:], [len(fs)]))
    big = np.flatnonzero(ends - starts > 1)
    for g in big:
        members = np.unique(os_[starts[g]:ends[g]]).tolist()
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                pairs.add((members[x], members[y]))
    return pairs


def _pub(record: dict) -> str | None:
    p = record.get("published")
    if isinstance(p, dict):
        p = p.get("value")
    return str(p) if p else None


def pick_original(members: Sequence[int], records: Sequence[dict]) -> tuple[int, str]:
    """The earliest-published member, else the first seen; and on what basis."""
    dated = [(_pub(records[i]), i) for i in members if _pub(records[i])]
    if dated:
        first = min(dated)
        if len({d for d, _ in dated}) > 1 or len(dated) < len(members):
            return first[1], "published"
    return min(members), "first-seen"


def _anchor_span(aid: str, fp: dict) -> dict:
    s, e, line, col, text = fp.get("anchor") or (0, 0, 1, 1, "")
    return {"article": aid, "start": s, "end": e, "text": text, "line": line, "column": col}


def near_run(items: list[CorpusItem], cctx: CorpusContext) -> CorpusOutput:
    out = CorpusOutput()
    ruleset = cctx.ruleset
    p = Params.from_ruleset(ruleset)
    records = [it.record for it in items]
    fps = [it.fingerprint or {} for it in items]
    ent = entry(ruleset, "near-article")
    if ent is not None and ruleset.rule_enabled(NEAR_ARTICLE.id):
        _near(records, fps, p, ent, cctx, out)
    aent = entry(ruleset, "archived")
    if aent is not None and ruleset.rule_enabled(ARCHIVED.id) and cctx.archive is not None:
        _archived(records, fps, p, aent, cctx, out)
    hent = entry(ruleset, "headline-corpus")
    if hent is not None and ruleset.rule_enabled(HEADLINE_CORPUS.id):
        _headlines(records, fps, p, hent, out)
    return out


def load_shingles(ids: Iterable[str], cctx: CorpusContext, k: int) -> dict[str, np.ndarray]:
    return {aid: body_shingles(a, ctx, k) for aid, (a, ctx) in prepared_articles(cctx, ids).items()}


def verified_pairs(records, fps, p: Params, cctx: CorpusContext):
    """Verified near-duplicate pairs {(i, j): jaccard} and the shingle sets loaded."""
    idx = [i for i, fp in enumerate(fps) if "keys" in fp]
    if len(idx) < 2:
        return {}, {}
    keys = np.vstack([fps[i]["keys"] for i in idx])
    sigs = np.vstack([fps[i]["sig"] for i in idx])
    given = (cctx.options.get("candidates") or {}).get("duplicate.near")
    if given is not None:            # grouped by the engine (a shuffle on a Dask cluster)
        pos = {records[g]["id"]: k for k, g in enumerate(idx)}
        cands = {(min(pos[a], pos[b]), max(pos[a], pos[b])) for a, b in given
                 if a in pos and b in pos and a != b}
    else:
        cands = candidate_pairs(keys)
    if not cands:
        return {}, {}
    arr = np.array(sorted(cands), dtype=np.int64)
    est = (sigs[arr[:, 0]] == sigs[arr[:, 1]]).mean(axis=1)
    keep = arr[est >= p.threshold - p.prefilter_margin]
    if len(keep) == 0:
        return {}, {}
    need = sorted({int(x) for x in keep.ravel()})
    sets = load_shingles([records[idx[i]]["id"] for i in need], cctx, p.shingle_size)
    pairs = {}
    for a, b in keep.tolist():
        ra, rb = records[idx[a]]["id"], records[idx[b]]["id"]
        if ra not in sets or rb not in sets:
            continue
        j = verify(sets[ra], sets[rb])
        if j >= p.threshold:
            pairs[(idx[a], idx[b])] = j
    return pairs, sets


def _near(records, fps, p: Params, ent: dict, cctx: CorpusContext, out: CorpusOutput) -> None:
    pairs, sets = verified_pairs(records, fps, p, cctx)
    # shared with later corpus checks (reuse leaves verified near-duplicates to this check)
    cctx.options.setdefault("_near_pairs", set()).update(
        (records[a]["id"], records[b]["id"]) for a, b in pairs)
    if not pairs:
        return
    sev = Severity.parse(ent.get("severity", NEAR_ARTICLE.severity))

    def similarity(m: int, orig: int) -> float:
        sim = pairs.get((min(m, orig), max(m, orig)))
        if sim is None:
            mid, oid = records[m]["id"], records[orig]["id"]
            sim = verify(sets[mid], sets[oid]) if mid in sets and oid in sets else 0.0
        return sim

    for comp, orig, basis, others in _clustered(records, pairs, similarity, "near-duplicate", out):
        oid = records[orig]["id"]
        when = _when(records[orig], basis)
        for m, sim in others:
            mid = records[m]["id"]
            a = fps[m].get("anchor") or (0, 0, 1, 1, "")
            out.findings.append(Finding(
                NEAR_ARTICLE.id, sev, mid, a[2], a[3], a[0], a[1], a[4],
                f"Near-duplicate article: {sim:.0%} of its {p.shingle_size}-word shingles are shared "
                f"with {oid}, {when}.",
                [_anchor_span(oid, fps[orig])],
                {"original": oid, "similarity": round(sim, 4), "basis": basis,
                 "published": _pub(records[m]), "original_published": _pub(records[orig]),
                 "cluster_size": len(comp), "shingle_size": p.shingle_size,
                 "measure": "exact Jaccard of word shingle sets",
                 "shingles": int(fps[m].get("n", 0)), "original_shingles": int(fps[orig].get("n", 0))}))


def _when(original: dict, basis: str) -> str:
    return f"published earlier ({_pub(original)})" if basis == "published" else "seen first in this corpus"


def _clustered(records, pairs, similarity, kind: str, out: CorpusOutput):
    """Each connected component of ``pairs``, its original and its other members with their
    similarity to the original (``similarity(member, original)``, 0-1); the cluster itself is
    added to ``out``."""
    for comp in clusters(len(records), pairs):
        orig, basis = pick_original(comp, records)
        others = [(m, similarity(m, orig)) for m in comp if m != orig]
        members = [{"article": records[orig]["id"], "similarity": 1.0, "original": True}]
        members += [{"article": records[m]["id"], "similarity": round(sim, 4), "original": False}
                    for m, sim in others]
        out.clusters.append(Cluster(kind, members, min((sim for _, sim in others), default=1.0)))
        yield comp, orig, basis, others


def _archived(records, fps, p: Params, ent: dict, cctx: CorpusContext, out: CorpusOutput) -> None:
    """Incoming articles against the archive: band-key lookups, estimate filter, exact Jaccard."""
    store = cctx.archive
    if store is None:
        return
    by_key: dict[int, list[int]] = {}
    for i, fp in enumerate(fps):
        for k in fp.get("keys", ()):
            by_key.setdefault(int(k), []).append(i)
    cands: set[tuple[int, int]] = set()
    for k, akey in store.lookup_band_keys(list(by_key)):
        for i in by_key.get(k, ()):
            cands.add((i, akey))
    if not cands:
        return
    sigs = store.signatures(sorted({a for _, a in cands}))
    keep = [(i, a) for i, a in sorted(cands) if a in sigs and
            sk.estimate(fps[i]["sig"], sigs[a]) >= p.threshold - p.prefilter_margin]
    if not keep:
        return
    archived = store.get(sorted({a for _, a in keep}))
    new_sets = load_shingles([records[i]["id"] for i in sorted({i for i, _ in keep})], cctx, p.shingle_size)
    old_sets = {a: body_shingles(arc.article(), arc.context(cctx.ruleset), p.shingle_size)
                for a, arc in archived.items()}
    matches: dict[int, list[tuple[float, int]]] = {}
    for i, a in keep:
        rid = records[i]["id"]
        arc = archived.get(a)
        if arc is None or rid not in new_sets:
            continue
        if arc.id == rid and arc.path == records[i].get("path"):
            continue                        # the same article, archived earlier
        j = verify(new_sets[rid], old_sets[a])
        if j >= p.threshold:
            matches.setdefault(i, []).append((j, a))
            cctx.options.setdefault("_archived_pairs", set()).add((rid, a))
    sev = Severity.parse(ent.get("severity", ARCHIVED.severity))
    for i, found in sorted(matches.items()):
        found.sort(key=lambda t: (-t[0], t[1]))
        j, a = found[0]
        arc = archived[a]
        art = arc.article()
        head = art.headline or (art.lines[0] if art.lines else None)
        related = [art.span(head.start, head.end).to_dict()] if head is not None else []
        rid = records[i]["id"]
        anchor = fps[i].get("anchor") or (0, 0, 1, 1, "")
        others = [{"id": archived[b].id, "path": archived[b].path, "similarity": round(s, 4)}
                  for s, b in found[1:6]]
        when = f", published {arc.published}" if arc.published else ""
        out.findings.append(Finding(
            ARCHIVED.id, sev, rid, anchor[2], anchor[3], anchor[0], anchor[1], anchor[4],
            f"Near-duplicate of archived article {arc.id}{when}: {j:.0%} of its "
            f"{p.shingle_size}-word shingles are shared.",
            related,
            {"archived_id": arc.id, "archived_path": arc.path, "similarity": round(j, 4),
             "archived_published": arc.published, "published": _pub(records[i]),
             "measure": "exact Jaccard of word shingle sets", "shingle_size": p.shingle_size,
             "other_matches": others, "archive": cctx.options.get("archive")}))


def _headlines(records, fps, p: Params, ent: dict, out: CorpusOutput) -> None:
    buckets: dict[int, list[int]] = {}
    for i, fp in enumerate(fps):
        for k in fp.get("hkeys", ()):
            buckets.setdefault(k, []).append(i)
    cand: set[tuple[int, int]] = set()
    for members in buckets.values():
        if len(members) < 2:
            continue
        ms = sorted(set(members))
        for x in range(len(ms)):
            for y in range(x + 1, len(ms)):
                cand.add((ms[x], ms[y]))
    pairs: dict[tuple[int, int], float] = {}
    for a, b in cand:
        ka, kb = fps[a]["hkey"], fps[b]["hkey"]
        s = 100.0 if ka == kb else fuzz.ratio(ka, kb)
        if s >= p.head_similarity:
            pairs[(a, b)] = s
    if not pairs:
        return
    sev = Severity.parse(ent.get("severity", HEADLINE_CORPUS.severity))

    def similarity(m: int, orig: int) -> float:
        ka, kb = fps[m]["hkey"], fps[orig]["hkey"]
        return 1.0 if ka == kb else fuzz.ratio(ka, kb) / 100

    for comp, orig, basis, others in _clustered(records, pairs, similarity, "headline", out):
        oid = records[orig]["id"]
        when = _when(records[orig], basis)
        for m, sim in others:
            how = "identical after normalisation" if sim == 1.0 else f"{sim * 100:.0f}% alike"
            a = fps[m].get("anchor") or (0, 0, 1, 1, "")
            out.findings.append(Finding(
                HEADLINE_CORPUS.id, sev, records[m]["id"], a[2], a[3], a[0], a[1], a[4],
                f"Same headline as {oid} ({how}), {when}.",
                [_anchor_span(oid, fps[orig])],
                {"original": oid, "similarity": round(sim, 4), "basis": basis,
                 "cluster_size": len(comp), "key": fps[m]["hkey"]}))


def near_shuffle_keys(fp: dict) -> list[int]:
    """The LSH band keys an engine may group by a shuffle to find candidate pairs."""
    keys = fp.get("keys") if fp else None
    return [] if keys is None else [int(k) for k in keys]


REGISTRY.corpus("duplicate.near", near_fingerprint, near_run, order=20,
                shuffle_keys=near_shuffle_keys)
