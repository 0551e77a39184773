"""Quality and speed of the duplicate, reuse and boilerplate checks (issue 3). Prints figures.

Reads the shared data beside the project (not shipped, not used by the tests):
  ../shared/data/bbc-news/bbc           quality: recall against exact Jaccard by brute force,
                                        and a sample of reported pairs to check by hand
  ../shared/data/allsides/articles.jsonl.gz
                                        speed: articles/s, MB/s, peak memory, ratio to a floor
                                        pass (read, normalise, tokenise) measured in the same run,
                                        the plain datasketch loop as baseline, time per article
                                        at 5k/10k/20k/all.

    .venv/bin/python benchmarks/bench_duplicates.py                 # both parts
    .venv/bin/python benchmarks/bench_duplicates.py --part bbc --show 25
    .venv/bin/python benchmarks/bench_duplicates.py --part allsides --datasketch sample
    .venv/bin/python benchmarks/bench_duplicates.py --part allsides --datasketch full   # ~400 s more

Everything runs on one core (no process pool). The datasketch baseline is the plain loop
(``MinHash.update`` per shingle, then ``MinHashLSH`` insert and query, threshold 0.8, 128
permutations); with ``--datasketch sample`` it runs on the first ``--ds-sample`` articles and
its time is extrapolated linearly to the whole set (it is linear: one MinHash per article and
one LSH insert and query each), which the output says.
"""
from __future__ import annotations

import argparse
import itertools
import os
import random
import resource
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from auditor.checks import ArticleContext, CorpusContext, CorpusItem  # noqa: E402
from auditor.checks import _sketch as sk  # noqa: E402
from auditor.checks import boilerplate, nearduplicates as nd, reuse  # noqa: E402
from auditor.checks._prepared import sketch_context  # noqa: E402
from auditor.checks.duplicates import headline_repeated  # noqa: E402
from auditor.ingest import IngestOptions, iter_sources  # noqa: E402
from auditor.ingest.prepare import locate_headline  # noqa: E402
from auditor.rules import load_ruleset  # noqa: E402
from auditor.spool import ArticleSpool, pack  # noqa: E402
from auditor.text import normalise, tokens  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
BBC = SHARED / "bbc-news" / "bbc"
ALLSIDES = SHARED / "allsides" / "articles.jsonl.gz"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def read(source: Path, limit: int | None = None):
    it = (a for a in iter_sources([str(source)], IngestOptions()) if hasattr(a, "text"))
    return itertools.islice(it, limit) if limit else it


# -- the stages measured ----------------------------------------------------------------
def per_article(a, rs, spool: ArticleSpool | None = None):
    """Everything this issue adds to the per-article stage, plus what it depends on
    (headline location, headline reprints), and the article packed into the spool as the
    pipeline does."""
    a = locate_headline(a, rs)
    ctx = ArticleContext(ruleset=rs, record=a.record())
    headline_repeated(a, ctx)
    found = boilerplate.boilerplate_lines(a, ctx)
    fps = {"boilerplate.recurring": boilerplate.recurring_fingerprint(a, ctx),
           "duplicate.near": nd.near_fingerprint(a, ctx),
           "reuse.passage": reuse.reuse_fingerprint(a, ctx)}
    if spool is not None:
        spool.add(a.id, pack(a, ctx.data))
    return ctx.record, found, fps


def spool_loader(spool: ArticleSpool, counter: list):
    """(load, prepared) for a CorpusContext reading from the spool, counting articles read back."""
    def prepared(ids):
        got = spool.get(ids)
        counter.append(len(got))
        return got

    def load(ids):
        return {i: a for i, (a, _) in prepared(ids).items()}
    return load, prepared


def corpus_stage(records, fps, rs, spool: ArticleSpool, counter: list):
    load, prepared = spool_loader(spool, counter)
    cctx = CorpusContext(ruleset=rs, load=load, options={}, prepared=prepared)
    t = {}
    res = {}
    for name, run in (("boilerplate.recurring", boilerplate.recurring_run), ("duplicate.near", nd.near_run),
                      ("reuse.passage", reuse.reuse_run)):
        t0 = time.perf_counter()
        items = [CorpusItem(r, f[name]) for r, f in zip(records, fps)]
        res[name] = run(items, cctx)
        t[name] = time.perf_counter() - t0
    return res, t, cctx


def fp_bytes(fps) -> int:
    n = 0
    for f in fps:
        d = f["duplicate.near"]
        n += sum(v.nbytes for v in (d.get("sig"), d.get("keys")) if v is not None)
        n += 8 * len(d.get("hkeys", ())) + len(d.get("hkey", "")) + len(d.get("anchor", (0, 0, 0, 0, ""))[4])
        n += f["reuse.passage"].nbytes
        n += sum(8 + 16 + len(t[5]) for t in f["boilerplate.recurring"]["lines"])
    return n


def body_shingle_sets(articles, rs, k):
    out = {}
    for a in articles:
        a = locate_headline(a, rs)
        out[a.id] = nd.body_shingles(a, sketch_context(a, rs), k)
    return out


def exact_pairs_prefix_filter(ids, sets, t):
    """All pairs with Jaccard >= t, exactly: prefix filtering (any such pair shares one of the
    |A| - ceil(t |A|) + 1 rarest shingles of each side), then exact verification."""
    allh = np.concatenate([sets[i] for i in ids])
    uniq, counts = np.unique(allh, return_counts=True)
    index = {}
    for n, i in enumerate(ids):
        s = sets[i]
        if len(s) == 0:
            continue
        freq = counts[np.searchsorted(uniq, s)]
        p = len(s) - int(np.ceil(t * len(s))) + 1
        for h in s[np.lexsort((s, freq))[:p]].tolist():
            index.setdefault(h, []).append(n)
    cand = set()
    for members in index.values():
        if len(members) > 1:
            for x, y in itertools.combinations(members, 2):
                cand.add((x, y))
    out = {}
    for x, y in cand:
        j = sk.jaccard(sets[ids[x]], sets[ids[y]])
        if j >= t:
            out[(ids[x], ids[y])] = j
    return out


def found_pairs(result):
    pairs = set()
    for c in result.clusters:
        if c.kind != "near-duplicate":
            continue
        ms = sorted(m["article"] for m in c.members)
        pairs.update(itertools.combinations(ms, 2))
    return pairs


# -- BBC: quality ---------------------------------------------------------------------------
def bbc_quality(args, rs):
    p = nd.Params.from_ruleset(rs)
    print(f"== Quality on {BBC} (shingle size {p.shingle_size}, {p.num_perm} permutations, "
          f"{p.bands} bands x {p.rows} rows, threshold {p.threshold})")
    arts = list(read(BBC))
    t0 = time.perf_counter()
    spool = ArticleSpool()
    outs = [per_article(a, rs, spool) for a in arts]
    records = [o[0] for o in outs]
    fps = [o[2] for o in outs]
    loads: list[int] = []
    res, t, _ = corpus_stage(records, fps, rs, spool, loads)
    took = time.perf_counter() - t0
    print(f"articles {len(arts)}; checks took {took:.1f} s")

    sets = body_shingle_sets(arts, rs, p.shingle_size)
    ids = [a.id for a in arts]
    t0 = time.perf_counter()
    truth: dict[tuple[str, str], float] = {}
    pysets = {i: set(sets[i].tolist()) for i in ids}
    for x in range(len(ids)):
        a = pysets[ids[x]]
        if not a:
            continue
        for y in range(x + 1, len(ids)):
            b = pysets[ids[y]]
            if not b:
                continue
            inter = len(a & b)
            if inter:
                j = inter / (len(a) + len(b) - inter)
                if j >= 0.5:
                    truth[tuple(sorted((ids[x], ids[y])))] = j
    print(f"brute force: {len(ids) * (len(ids) - 1) // 2:,} pairs compared exactly in "
          f"{time.perf_counter() - t0:.1f} s")

    class R:
        clusters = res["duplicate.near"].clusters
    found = found_pairs(R)
    for th in (0.8, p.threshold, 0.9):
        tp = {k for k, j in truth.items() if j >= th}
        hit = tp & found
        print(f"  pairs with Jaccard >= {th}: {len(tp)}; found {len(hit)}; recall {len(hit) / max(1, len(tp)):.4f}")
    wrong = [k for k in found if truth.get(k, 0) < p.threshold]
    print(f"  reported pairs {len(found)}; below the threshold by brute force: {len(wrong)} "
          f"(precision against exact Jaccard {1 - len(wrong) / max(1, len(found)):.4f})")
    sims = sorted(truth.get(k, 0) for k in found)
    print(f"  similarity of reported pairs: min {sims[0]:.3f}, median {sims[len(sims) // 2]:.3f}; "
          f"exact copies (J = 1): {sum(1 for s in sims if s == 1.0)}")
    hc = [c for c in res["duplicate.near"].clusters if c.kind == "headline"]
    print(f"  headline clusters {len(hc)} ({sum(1 for c in hc if c.similarity < 1)} near-identical); "
          f"reuse.passage findings {len(res['reuse.passage'].findings)}; "
          f"boilerplate.recurring findings {len(res['boilerplate.recurring'].findings)}")
    print(f"  candidate pairs verified: articles read back from the spool {sum(loads)}")

    if args.show:
        rng = random.Random(args.seed)
        below1 = sorted(k for k in found if truth.get(k, 0) < 1.0)
        exact = sorted(k for k in found if truth.get(k, 0) == 1.0)
        sample = below1 + rng.sample(exact, min(len(exact), max(0, args.show - len(below1))))
        print(f"\n-- hand-check sample: all {len(below1)} reported pairs below J = 1 and "
              f"{len(sample) - len(below1)} random exact copies")
        for a, b in sample:
            ta, tb = byid[a].text, byid[b].text
            la, lb = ta.splitlines(), tb.splitlines()
            diff = [x for x in la if x.strip() and x not in lb][:1]
            print(f"{a} | {b} | J={truth.get((a, b), 0):.3f}")
            print(f"   A: {la[0][:90]}")
            print(f"   B: {lb[0][:90]}")
            if diff:
                print(f"   only in A: {diff[0][:160]}")
    return res


# -- AllSides: speed ------------------------------------------------------------------------
def datasketch_loop(bodies, ids, k, num_perm=128, threshold=0.8):
    """The plain datasketch loop on prepared bodies: tokens, k-shingle strings, MinHash.update
    per shingle, MinHashLSH query then insert."""
    from datasketch import MinHash, MinHashLSH
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    pairs = set()
    t0 = time.perf_counter()
    for aid, body in zip(ids, bodies):
        toks = sk.tokens(body)
        sh = {" ".join(toks[i:i + k]) for i in range(max(1, len(toks) - k + 1))}
        m = MinHash(num_perm=num_perm)
        for s in sh:
            m.update(s.encode("utf-8"))
        for other in lsh.query(m):
            pairs.add(tuple(sorted((other, aid))))
        lsh.insert(aid, m)
    return pairs, time.perf_counter() - t0


def allsides_speed(args, rs):
    p = nd.Params.from_ruleset(rs)
    limit = args.limit or None
    print(f"\n== Speed on {ALLSIDES} (one core{', first %d articles' % limit if limit else ''})")

    # floor: read, normalise, tokenise
    t0 = time.perf_counter()
    n_floor = chars = 0
    for a in read(ALLSIDES, limit):
        tokens(normalise(a.text).text)
        n_floor += 1
        chars += len(a.text.encode("utf-8"))
    floor = time.perf_counter() - t0
    mb = chars / 1e6
    print(f"floor pass (read + normalise + tokenise): {n_floor} articles, {mb:.1f} MB, {floor:.1f} s "
          f"({n_floor / floor:.0f} articles/s, {mb / floor:.1f} MB/s)")

    # a leaner floor for reference: read, NFKC + quote/dash folding, regex tokens
    from auditor.text import _straighten
    import unicodedata
    t0 = time.perf_counter()
    for a in read(ALLSIDES, limit):
        x = a.text if a.text.isascii() else unicodedata.normalize("NFKC", a.text)
        tokens(_straighten(x))
    lean = time.perf_counter() - t0
    print(f"lean floor (read + NFKC + quote/dash folding + tokens, not the project's normalise): {lean:.1f} s")

    # everything in this issue: the per-article stage, then the corpus stage
    sizes = sorted({s for s in args.sizes if s < n_floor} | {n_floor})
    t0 = time.perf_counter()
    records, fps, per_time = [], [], {}
    n_bp = 0
    read_time = 0.0
    spool = ArticleSpool()
    it = iter(read(ALLSIDES, limit))
    while True:
        r0 = time.perf_counter()
        a = next(it, None)
        read_time += time.perf_counter() - r0
        if a is None:
            break
        rec, found, fp = per_article(a, rs, spool)
        records.append(rec)
        fps.append(fp)
        n_bp += len(found)
        if len(records) in sizes:
            per_time[len(records)] = time.perf_counter() - t0
    stage1 = time.perf_counter() - t0
    print(f"per-article stage: {stage1:.1f} s (of which reading {read_time:.1f} s); "
          f"fingerprints {fp_bytes(fps) / 1e6:.1f} MB for {len(fps)} articles "
          f"({fp_bytes(fps) / max(1, len(fps)):.0f} bytes each); spool on disk "
          f"{os.path.getsize(spool.path) / 1e6:.0f} MB; boilerplate findings {n_bp}")

    results = {}
    for n in sizes:
        loads: list[int] = []
        res, t, _ = corpus_stage(records[:n], fps[:n], rs, spool, loads)
        results[n] = (res, t, sum(loads))
        total = per_time[n] + sum(t.values())
        print(f"  {n:>6} articles: per-article {per_time[n]:.1f} s + corpus "
              + ", ".join(f"{k} {v:.1f} s" for k, v in t.items())
              + f" = {total:.1f} s, {1000 * total / n:.2f} ms/article (read back {sum(loads)} articles)")
    res, t, reread = results[n_floor]
    total = per_time[n_floor] + sum(t.values())
    nd_clusters = [c for c in res["duplicate.near"].clusters if c.kind == "near-duplicate"]
    print(f"everything: {total:.1f} s, {n_floor / total:.0f} articles/s, {mb / total:.1f} MB/s, "
          f"{total / floor:.2f} x the floor pass ({total / lean:.2f} x the lean floor); "
          f"peak RSS {peak_mb():.0f} MB")
    print(f"  found: near-duplicate clusters {len(nd_clusters)} "
          f"({sum(len(c.members) - 1 for c in nd_clusters)} duplicates), headline clusters "
          f"{sum(1 for c in res['duplicate.near'].clusters if c.kind == 'headline')}, reuse.passage "
          f"{len(res['reuse.passage'].findings)}, boilerplate.recurring {len(res['boilerplate.recurring'].findings)}")
    spool.close()

    # the near-duplicate stage end to end: read, boilerplate lines, shingles, MinHash, LSH, exact
    # verification (candidates read back from a spool, as in the pipeline); bodies kept for the
    # like-for-like comparison below
    t0 = time.perf_counter()
    nfps, bodies = [], []
    spool = ArticleSpool()
    for a in read(ALLSIDES, limit):
        a = locate_headline(a, rs)
        ctx = sketch_context(a, rs)
        nfps.append(nd.near_fingerprint(a, ctx))
        spool.add(a.id, pack(a, ctx.data))
        bodies.append(body_text(a, ctx))
    cctx = CorpusContext(ruleset=rs, load=None, options={}, prepared=spool.get)
    pairs, _ = nd.verified_pairs(records, nfps, p, cctx)
    near_time = time.perf_counter() - t0
    spool.close()
    print(f"near-duplicate stage end to end (read, boilerplate lines, shingles, MinHash, LSH, exact "
          f"verification): {near_time:.1f} s; verified pairs {len(pairs)}")
    # the stage proper on the same prepared bodies: shingles, MinHash, band keys, LSH, verification
    t0 = time.perf_counter()
    proper = near_on_bodies(bodies, records, p)
    near_proper = time.perf_counter() - t0
    assert proper == {tuple(sorted((records[a]["id"], records[b]["id"]))) for a, b in pairs}
    print(f"near-duplicate stage proper on the prepared bodies (the same pairs): {near_proper:.1f} s")

    # exact truth on the same shingles: all pairs with J >= 0.8 (prefix filtering + verification)
    t0 = time.perf_counter()
    ids = [r["id"] for r in records]
    sets = {i: sk.shingle_hashes(sk.text_token_hashes(b), p.shingle_size) for i, b in zip(ids, bodies)}
    truth = exact_pairs_prefix_filter([i for i in ids if len(sets[i]) >= p.min_shingles], sets, 0.8)
    del sets
    mine = {tuple(sorted((records[a]["id"], records[b]["id"]))) for a, b in pairs}
    tp = {tuple(sorted(k)) for k in truth}
    rec_ = len(tp & mine) / max(1, len(tp))
    print(f"exact pairs with Jaccard >= 0.8 (prefix filtering, {time.perf_counter() - t0:.1f} s): {len(tp)}; "
          f"found {len(tp & mine)}; recall {rec_:.4f}")

    if args.datasketch != "off":
        n_ds = n_floor if args.datasketch == "full" else min(args.ds_sample, n_floor)
        ds_pairs, ds_time = datasketch_loop(bodies[:n_ds], ids[:n_ds], p.shingle_size)
        ids_ds = set(ids[:n_ds])
        tp_ds = {k for k in tp if k[0] in ids_ds and k[1] in ids_ds}
        ds_rec = len(tp_ds & ds_pairs) / max(1, len(tp_ds))
        # its pairs are LSH candidates, unverified: a pair counts when its exact J >= 0.8
        est = ds_time * n_floor / n_ds
        how = "measured" if n_ds == n_floor else f"measured on {n_ds} articles, extrapolated linearly"
        shared = near_time - near_proper          # reading, headline, boilerplate lines
        print(f"plain datasketch loop on the same prepared bodies (tokens, MinHash.update per shingle, "
              f"MinHashLSH threshold 0.8): {ds_time:.1f} s for {n_ds} articles -> {est:.0f} s for "
              f"{n_floor} ({how}); recall of J >= 0.8 pairs {ds_rec:.4f} ({len(tp_ds)} pairs in those articles)")
        print(f"near-duplicate stage speed-up over the plain datasketch loop: {est / near_proper:.1f} x "
              f"on the prepared bodies; {(est + shared) / near_time:.1f} x end to end, with the "
              f"{shared:.1f} s of reading and boilerplate lines both need counted on both sides")


def body_text(a, ctx) -> str:
    """The body the sketch hashes: headline, lines before it, reprints and boilerplate left out."""
    skip = set(ctx.data.get("boilerplate_lines", ())) | set(ctx.data.get("headline_repeats", ()))
    if a.title_line is not None:
        skip.add(a.title_line)
    return "\n".join(ln.text for ln in a.lines[a.body_start:] if ln.index not in skip)


def near_on_bodies(bodies, records, p) -> set[tuple[str, str]]:
    """What the near-duplicate check does after the body is known, on one core."""
    h = sk.hasher(p.num_perm, p.seed)
    keys, sigs, idx = [], [], []
    for i, b in enumerate(bodies):
        sh = sk.shingle_hashes(sk.text_token_hashes(b), p.shingle_size)
        if len(sh) >= p.min_shingles:
            sig = h.signature(sh)
            sigs.append(sig)
            keys.append(sk.band_keys(sig, p.bands, p.rows))
            idx.append(i)
    keys_a, sigs_a = np.array(keys, dtype=np.int64), np.vstack(sigs)
    cands = np.array(sorted(nd.candidate_pairs(keys_a)), dtype=np.int64).reshape(-1, 2)
    est = (sigs_a[cands[:, 0]] == sigs_a[cands[:, 1]]).mean(axis=1)
    out = set()
    for a, b in cands[est >= p.threshold - p.prefilter_margin].tolist():
        ia, ib = idx[a], idx[b]
        sa = sk.shingle_hashes(sk.text_token_hashes(bodies[ia]), p.shingle_size)
        sb = sk.shingle_hashes(sk.text_token_hashes(bodies[ib]), p.shingle_size)
        if sk.jaccard(sa, sb) >= p.threshold:
            out.add(tuple(sorted((records[ia]["id"], records[ib]["id"]))))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--part", choices=["all", "bbc", "allsides"], default="all")
    ap.add_argument("--limit", type=int, default=0, help="AllSides: only the first N articles")
    ap.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")], default=[5000, 10000, 20000])
    ap.add_argument("--datasketch", choices=["off", "sample", "full"], default="sample")
    ap.add_argument("--ds-sample", type=int, default=3000)
    ap.add_argument("--show", type=int, default=0, help="BBC: print N reported pairs to check by hand")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rs = load_ruleset()
    print(f"cpu count {os.cpu_count()}; one process; numpy {np.__version__}")
    if args.part in ("all", "bbc"):
        bbc_quality(args, rs)
    if args.part in ("all", "allsides"):
        allsides_speed(args, rs)


if __name__ == "__main__":
    main()
