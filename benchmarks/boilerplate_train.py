"""Learn the boilerplate line classifier's weights on the Dragnet train split and write them into
rules/boilerplate-model.yaml (everything below its marker line).

    .venv/bin/pip install -e '.[train]'        # numpy and scipy, for this script only
    .venv/bin/python benchmarks/boilerplate_train.py

Pages and labels: benchmarks/boilerplate_data.py (auditor's own HTML reader, one block a line;
a line is content when found in the page's hand-cleaned text). Only the train split is read;
the dev split stays for benchmarks/boilerplate_quality.py.

Two L2-regularised logistic regressions over the features of auditor/checks/boilerplate_model.py:
stage 1 on the line and its neighbours, stage 2 on the same plus stage 1's probabilities of the
lines around it. Stage 2 learns from out-of-fold stage-1 probabilities (3 folds of train
pages), so it sees them as they are on unseen pages. The threshold is chosen on out-of-fold
stage-2 probabilities: the best body F1 with at most ``--max-content`` of content lines
flagged (after the prose guard and the block guard of the check).
"""
from __future__ import annotations

import argparse
import hashlib
import math
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import yaml
from scipy import optimize, sparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from boilerplate_data import load_pages  # noqa: E402

from auditor.checks import boilerplate_model as bm  # noqa: E402
from auditor.rules import load_ruleset  # noqa: E402

PACK = ROOT / "rules" / "boilerplate-model.yaml"
BLOCK_PROBABILITY = 0.5      # settings.block_probability of the pack
MARKER = "  # -- learnt weights: benchmarks/boilerplate_train.py rewrites everything below this line --"

# English stop words (jusText's list, shortened to the common function words).
STOPWORDS = sorted(set("""
a about above after again against all am an and any are aren't as at be because been before
being below between both but by can can't cannot could couldn't did didn't do does doesn't doing
don't down during each few for from further had hadn't has hasn't have haven't having he he'd
he'll he's her here here's hers herself him himself his how how's i i'd i'll i'm i've if in into
is isn't it it's its itself let's me more most mustn't my myself no nor not of off on once only or
other ought our ours ourselves out over own same shan't she she'd she'll she's should shouldn't so
some such than that that's the their theirs them themselves then there there's these they they'd
they'll they're they've this those through to too under until up very was wasn't we we'd we'll
we're we've were weren't what what's when when's where where's which while who who's whom why
why's with won't would wouldn't you you'd you'll you're you've your yours yourself yourselves
also just like will said says one two new even many much may might must now well still yet
""".split()))


def base_model(vocab, w1=None, w2=None) -> bm.Model:
    rs = load_ruleset()
    pack = rs.packs[bm.KIND]
    classes = bm.class_entries(pack)
    return bm.Model(threshold=0.5, guard_prose_words=int(pack.settings.get("guard_prose_words", 25)),
                    block_probability=0.5,
                    vocab_max_words=12, prose_min_words=12, stopwords=frozenset(STOPWORDS),
                    vocab=frozenset(vocab), w1=w1 or {}, w2=w2 or {},
                    classes=tuple(c for _, c in classes), cue_classes=tuple(c for _, c in classes),
                    all_classes=frozenset(c.id for _, c in classes), source=str(PACK), reasons=3)


def pick_vocab(pages, size: int, min_pages: int) -> list[str]:
    """Words of short lines that tell boilerplate from content best (smoothed log odds, weighted
    by how many pages use them)."""
    bp, ct, df = Counter(), Counter(), Counter()
    for p in pages:
        seen = set()
        for t, y in zip(p.lines, p.labels):
            if t.count(" ") + 1 > 12:
                continue
            ws = {w.lower() for w in bm._WORD.findall(t) if not w.isdigit()}
            (bp if y else ct).update(ws)
            seen |= ws
        df.update(seen)
    nb, nc = sum(bp.values()), sum(ct.values())
    scored = []
    for w, d in df.items():
        if d < min_pages or len(w) < 2:
            continue
        lo = math.log((bp[w] + 1) / (nb + 1)) - math.log((ct[w] + 1) / (nc + 1))
        scored.append((abs(lo) * math.log(d), w))
    scored.sort(reverse=True)
    return sorted(w for _, w in scored[:size])


def matrix(feats: list[dict], index: dict[str, int]) -> sparse.csr_matrix:
    rows, cols, vals = [], [], []
    for r, f in enumerate(feats):
        for k, v in f.items():
            c = index.get(k)
            if c is not None and v:
                rows.append(r)
                cols.append(c)
                vals.append(v)
    return sparse.csr_matrix((vals, (rows, cols)), shape=(len(feats), len(index)), dtype=np.float64)


def fit(X, y, sw, l2: float) -> np.ndarray:
    n, d = X.shape
    reg = np.full(d, l2)
    reg[0] = 0.0                                    # bias unregularised (column 0)

    def f(w):
        z = X @ w
        ll = np.logaddexp(0, z) - y * z
        p = 1 / (1 + np.exp(-z))
        g = X.T @ (sw * (p - y)) + reg * w
        return float(sw @ ll + 0.5 * (reg * w) @ w), g
    res = optimize.minimize(f, np.zeros(d), jac=True, method="L-BFGS-B", options={"maxiter": 500})
    return res.x


def fold_of(name: str, k: int = 3) -> int:
    return hashlib.sha1(name.encode()).digest()[0] % k


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--vocab", type=int, default=300)
    ap.add_argument("--l2", type=float, default=5.0)
    ap.add_argument("--max-content", type=float, default=0.015,
                    help="share of content lines the classifier may flag (default 0.015: the patterns "
                         "flag about 1.4 %% on their own, and the issue allows 3 %% in all)")
    ap.add_argument("--verbose", action="store_true", help="print the threshold curve")
    ap.add_argument("--dump", help="write the out-of-fold probabilities to this pickle")
    ap.add_argument("--dry-run", action="store_true", help="print, do not write the pack")
    args = ap.parse_args()
    pages = [p for p in load_pages() if p.split == "train"]
    vocab = pick_vocab(pages, args.vocab, 15)
    model = base_model(vocab)
    feats = [bm.features(p.lines, model, model.cue_classes) for p in pages]
    # guarded prose lines are never scored: no weight in training, stage-1 probability 0
    live = [np.array([f is not None for f in fs]) for fs in feats]
    feats = [[f if f is not None else {} for f in fs] for fs in feats]
    names1 = ["bias"] + sorted({k for fs in feats for f in fs for k in f} - {"bias"})
    idx1 = {k: i for i, k in enumerate(names1)}
    names2 = names1 + ["ctx_prev", "ctx_next", "ctx_window"]
    idx2 = {k: i for i, k in enumerate(names2)}
    y_pages = [np.array(p.labels, dtype=float) for p in pages]
    folds = np.array([fold_of(p.name) for p in pages])
    X1 = [matrix(fs, idx1) for fs in feats]
    print(f"{len(pages)} train pages, {sum(len(p.lines) for p in pages)} lines, {len(names1)} features "
          f"({len(vocab)} words)")

    # each page weighs at most as much as a page of 100 lines' square root allows: a few long
    # pages (whole forums, tables) do not drown the others
    pw = [min(1.0, math.sqrt(100 / max(1, len(p.lines)))) for p in pages]

    def stack(sel, Xs):
        sel = list(sel)
        return (sparse.vstack([Xs[i] for i in sel]).tocsr(), np.concatenate([y_pages[i] for i in sel]),
                np.concatenate([pw[i] * live[i] for i in sel]))

    # out-of-fold stage-1 probabilities
    oof1 = [None] * len(pages)
    for k in range(3):
        tr = [i for i in range(len(pages)) if folds[i] != k]
        te = [i for i in range(len(pages)) if folds[i] == k]
        w = fit(*stack(tr, X1), args.l2)
        for i in te:
            oof1[i] = np.where(live[i], 1 / (1 + np.exp(-(X1[i] @ w))), 0.0)

    def stage2_matrix(i, p1):
        fs = []
        for j, f in enumerate(feats[i]):
            g = dict(f)
            g.update(bm.context(list(p1), j))
            fs.append(g)
        return matrix(fs, idx2)
    X2 = [stage2_matrix(i, oof1[i]) for i in range(len(pages))]
    oof2 = [None] * len(pages)
    for k in range(3):
        tr = [i for i in range(len(pages)) if folds[i] != k]
        te = [i for i in range(len(pages)) if folds[i] == k]
        w = fit(*stack(tr, X2), args.l2)
        for i in te:
            oof2[i] = 1 / (1 + np.exp(-(X2[i] @ w)))
    if args.dump:
        import pickle
        Path(args.dump).write_bytes(pickle.dumps([(p.name, p.lines, p.labels, p.body, oof1[i], oof2[i])
                                                  for i, p in enumerate(pages)]))
    # threshold on out-of-fold stage 2 with the check's guards: the prose guard, and a line
    # counts only as far as its block's support (bm.block_support: a cued line that reaches
    # the threshold; the pattern anchors of the check are not simulated here)
    guard = [~m for m in live]
    eff = []
    for i in range(len(pages)):
        pr = [float(v) for v in oof2[i]]
        pr = [v if lv else 0.0 for v, lv in zip(pr, live[i])]
        cued = [any(k.startswith("cue_") for k in f) for f in feats[i]]
        sup = bm.block_support(pr, cued, [False] * len(pr), [True] * len(pr), BLOCK_PROBABILITY)
        eff.append(np.minimum(np.array(pr), np.array(sup)))
    best = None
    for thr in np.concatenate([np.arange(0.30, 0.90, 0.01), np.arange(0.90, 0.999, 0.0025)]):
        tp = fp = fn = cf = cn = 0
        for i, p in enumerate(pages):
            pred = (eff[i] >= thr) & ~guard[i]
            y = y_pages[i] == 1
            a, z = p.body
            body = np.zeros(len(y), bool)
            body[a:z + 1] = True
            tp += int((pred & y & body).sum())
            fp += int((pred & ~y & body).sum())
            fn += int((~pred & y & body).sum())
            cf += int((pred & ~y).sum())
            cn += int((~y).sum())
        prec = tp / max(1, tp + fp)
        rec = tp / max(1, tp + fn)
        f1 = 2 * prec * rec / max(1e-9, prec + rec)
        share = cf / max(1, cn)
        if args.verbose:
            print(f"  thr {thr:.2f}: body P {prec:.3f} R {rec:.3f} F1 {f1:.3f} content {100 * share:.2f} %")
        if share <= args.max_content and (best is None or f1 > best[1]):
            best = (float(thr), f1, prec, rec, share)
    print("threshold %.4f: out-of-fold body F1 %.3f (P %.3f R %.3f), content flagged %.2f %%"
          % (best[0], best[1], best[2], best[3], 100 * best[4]))
    # final weights on all of train
    w1 = fit(*stack(range(len(pages)), X1), args.l2)
    w2 = fit(*stack(range(len(pages)), X2), args.l2)
    weights1 = {k: round(float(v), 4) for k, v in zip(names1, w1) if abs(v) >= 1e-4}
    weights2 = {k: round(float(v), 4) for k, v in zip(names2, w2) if abs(v) >= 1e-4}
    top = sorted(weights2.items(), key=lambda kv: -abs(kv[1]))[:25]
    print("strongest stage-2 weights:", ", ".join(f"{k} {v:+.2f}" for k, v in top))
    if args.dry_run:
        return
    head = PACK.read_text(encoding="utf-8")
    cut = head.index(MARKER) + len(MARKER)
    settings_thr = f"threshold: {best[0]:.4f}"
    head = head[:cut] + "\n"
    import re
    head = re.sub(r"(?m)^  threshold: .*$", "  " + settings_thr, head)
    model_doc = {"model": {
        "trained": (f"Dragnet train split, {len(pages)} pages, {sum(len(p.lines) for p in pages)} lines; "
                    f"out-of-fold body F1 {best[1]:.3f}, content flagged {100 * best[4]:.2f} %"),
        "vocab_max_words": 12, "prose_min_words": 12, "stopwords": STOPWORDS, "vocabulary": vocab,
        "stage1": weights1, "stage2": weights2}}
    body = yaml.safe_dump(model_doc, sort_keys=False, allow_unicode=True, width=100)
    PACK.write_text(head + "".join("  " + ln + "\n" for ln in body.splitlines()), encoding="utf-8")
    print(f"wrote {PACK}")


if __name__ == "__main__":
    main()
