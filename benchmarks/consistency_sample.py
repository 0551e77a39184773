"""Precision sample for the consistency checks on real, dated articles.

Reads ../shared/data/allsides/articles.jsonl.gz (AllSides corpus, 2012-2020; test and
benchmark use only, not shipped). Picks, with a fixed seed, N dated articles that name at
least one knowledge-base person next to a title (so that the checks have something to
say), audits them with the default rules (their `published` field is the metadata date)
and prints every consistency finding with its sentence, for a person to judge.

    .venv/bin/python benchmarks/consistency_sample.py [--n 50] [--seed 5] [--pool 4000]

Also prints how many articles of a plain random sample of the same size get any
consistency finding, so the rate on unselected articles is visible too.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "allsides" / "articles.jsonl.gz"
sys.path.insert(0, str(ROOT))

from auditor.checks.consistency import _Text, find_mentions, find_names  # noqa: E402
from auditor.knowledge.kb import get_kb  # noqa: E402
from auditor.model import Article, Line  # noqa: E402
from auditor.engine.pipeline import audit  # noqa: E402
from auditor.rules import load_ruleset  # noqa: E402


def records(path: Path):
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            p = r.get("published") or ""
            if len(p) == 10 and p[:2] in ("19", "20") and p[4] == "-" and p <= "2021" and r.get("text"):
                yield r


def has_title_mention(rec, kb) -> bool:
    text = rec["text"]
    a = Article("x", "x", text, (Line(0, 0, len(text), text, 1),))
    tx = _Text(a)
    return bool(find_mentions(tx, kb, find_names(tx, kb)))


def sentence(text: str, start: int, end: int) -> str:
    s = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start)) + 1
    e = [i for i in (text.find(". ", end), text.find("\n", end)) if i >= 0]
    return " ".join(text[s:(min(e) + 1 if e else len(text))].split())[:400]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=50)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--pool", type=int, default=4000, help="random articles screened for title mentions")
    args = ap.parse_args()
    if not DATA.exists():
        sys.exit(f"{DATA} not found (this benchmark reads ../shared/data)")
    print(f"reading {DATA}")
    ruleset = load_ruleset()
    kb = get_kb(ruleset)
    recs = list(records(DATA))
    rng = random.Random(args.seed)
    rng.shuffle(recs)
    pool = recs[:args.pool]
    chosen = [r for r in pool if has_title_mention(r, kb)][:args.n]
    plain = recs[args.pool:args.pool + args.n]
    for label, sample in (("with title mentions", chosen), ("plain random", plain)):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "sample.jsonl")
            with open(path, "w", encoding="utf-8") as fh:
                for r in sample:
                    fh.write(json.dumps({k: r[k] for k in ("id", "title", "outlet", "url", "published", "text")})
                             + "\n")
            t0 = time.perf_counter()
            res = audit([path], ruleset)
            dt = time.perf_counter() - t0
        texts = {r["id"]: (r["title"] + "\n" + r["text"]) for r in sample}
        found = [f for f in res.findings if f.rule.startswith("consistency.")]
        by_rule: dict[str, int] = {}
        for f in found:
            by_rule[f.rule] = by_rule.get(f.rule, 0) + 1
        arts = len({f.article for f in found})
        print(f"\n== {label}: {len(sample)} articles, {len(found)} consistency findings in {arts} articles "
              f"({dt:.1f}s); by rule: {by_rule}")
        pubs = {a["id"]: a["published"]["value"] for a in res.articles}
        for f in found:
            art = f.article
            src = texts.get(art.split("#")[0], "")
            print(f"- [{f.rule} {f.severity.value}] {art} ({pubs.get(art)}): {f.text!r}\n    {f.message}")
            ctx = sentence(src, max(0, f.start - len(src) + len(src)), f.end) if src else ""
            rec_text = next((r["title"] + "\n" + r["text"] for r in sample if r["id"] == art), "")
            if rec_text:
                print(f"    > {sentence(rec_text, f.start, f.end)}")


if __name__ == "__main__":
    main()
