"""Where the per-article time goes: each check's cost per article on one core, against the
floor pass, measured in one process.

Reads ../shared/data/allsides/articles.jsonl.gz (37,554 articles; for benchmarks only, not
shipped). It takes the first N articles (default 3,000), runs the per-article stage once on
the first ``--warm`` of them (patterns compiled, knowledge base built: a run pays that once
per process), then makes ``--passes`` passes over the others. Each pass measures, on the same
articles:

* reading: the input read and parsed into articles (what every run pays first);
* the floor pass: reading, then normalise and tokenise (as bench_scale.py's floor);
* the per-article stage (``pipeline.process_article``), step by step: every article check,
  the reliability score, every corpus check's fingerprint, packing the article for the spool.

It prints the median of the passes for each step in ms per article, and what the steps imply
for issue 8's target: the per-article stage on one core against the floor, and half of it
(two jobs at best, nothing else counted) against the floor.

    .venv/bin/python benchmarks/bench_checks.py
    .venv/bin/python benchmarks/bench_checks.py --articles 5000 --passes 5
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import _docs  # noqa: E402
from bench_scale import DATA, slice_corpus  # noqa: E402

from auditor.checks import load_all  # noqa: E402
from auditor.ingest import IngestOptions, iter_sources  # noqa: E402
from auditor.model import Article  # noqa: E402
from auditor.engine.stage import process_article  # noqa: E402
from auditor.rules import load_ruleset  # noqa: E402
from auditor.text import normalise, tokens  # noqa: E402


def read(path: Path, skip: int) -> list[Article]:
    arts = [a for a in iter_sources([str(path)], IngestOptions()) if isinstance(a, Article)]
    return arts[skip:]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=3000, help="first N AllSides articles (default 3000)")
    ap.add_argument("--warm", type=int, default=300, help="of which the first W only warm up (default 300)")
    ap.add_argument("--passes", type=int, default=3, help="passes over the rest; medians are printed")
    _docs.add_option(ap)
    ap.add_argument("--without", metavar="KIND", action="append", default=[],
                    help="also time every step in the same passes with the rule pack KIND left out "
                         "(e.g. boilerplate-model: the boilerplate step before its classifier)")
    args = ap.parse_args()
    if not DATA.exists():
        raise SystemExit(f"{DATA} not found: this benchmark needs ../shared/data (not shipped)")
    if args.warm >= args.articles:
        raise SystemExit("--warm must be below --articles")
    rs = load_ruleset()
    rs_without = None
    if args.without:
        rs_without = load_ruleset()
        for kind in args.without:
            if rs_without.packs.pop(kind, None) is None:
                raise SystemExit(f"no rule pack of kind {kind!r}")
    load_all()
    with tempfile.TemporaryDirectory() as tmp:
        path, _ = slice_corpus(args.articles, Path(tmp))
        for a in read(path, 0)[:args.warm]:
            process_article(a, rs)
            if rs_without is not None:
                process_article(a, rs_without)
        reads, floors, steps, steps_without = [], [], [], []
        n = 0
        for _ in range(args.passes):
            t0 = time.perf_counter()
            arts = read(path, args.warm)
            t1 = time.perf_counter()
            for a in arts:
                tokens(normalise(a.text, casefold=True).text)
            t2 = time.perf_counter()
            n = len(arts)
            reads.append(t1 - t0)
            floors.append(t2 - t0)
            timings: dict[str, float] = {}
            if rs_without is None:
                for a in arts:
                    process_article(a, rs, timings)
            else:
                # both rule sets on each article, in turn first (no drift of the machine's load
                # or of what an article caches favours either side)
                timings_wo: dict[str, float] = {}
                for k, a in enumerate(arts):
                    if k % 2:
                        process_article(a, rs_without, timings_wo)
                        process_article(a, rs, timings)
                    else:
                        process_article(a, rs, timings)
                        process_article(a, rs_without, timings_wo)
                steps_without.append(timings_wo)
            steps.append(timings)
    ms = 1000 / n
    med = {k: statistics.median(s.get(k, 0.0) for s in steps) * ms for k in steps[0]}
    read_ms, floor_ms = statistics.median(reads) * ms, statistics.median(floors) * ms
    total = sum(med.values())
    print(f"{n} articles (AllSides {args.warm + 1}-{args.articles}), one core, median of "
          f"{args.passes} passes; ms per article")
    print(f"{'step':42s} {'ms':>7s} {'share':>7s} {'/floor':>7s}")
    for k, v in sorted(med.items(), key=lambda kv: -kv[1]):
        print(f"{k:42s} {v:7.3f} {100 * v / total:6.1f}% {v / floor_ms:7.3f}")
    print(f"{'checks, fingerprints, packing':42s} {total:7.3f}")
    if steps_without:
        wo = {k: statistics.median(s.get(k, 0.0) for s in steps_without) * ms for k in steps_without[0]}
        print(f"the same passes without {', '.join(args.without)}: ms per article, /floor, "
              f"and the step with the pack against without it")
        for k, v in sorted(wo.items(), key=lambda kv: -kv[1]):
            if abs(med.get(k, 0.0) - v) >= 0.01 or k.startswith("boilerplate"):
                print(f"  {k:40s} {v:7.3f} {v / floor_ms:7.3f}  with: {med.get(k, 0.0):7.3f} "
                      f"{med.get(k, 0.0) / floor_ms:7.3f} = {med.get(k, 0.0) / max(v, 1e-9):.2f}x")
    print(f"{'reading (read + parse)':42s} {read_ms:7.3f}")
    print(f"{'floor pass (read, normalise, tokenise)':42s} {floor_ms:7.3f}")
    stage = read_ms + total
    print(f"per-article stage on one core: {stage:.2f} ms = {stage / floor_ms:.2f}x the floor; "
          f"halved (two jobs at best, corpus stage and report not counted): "
          f"{stage / 2 / floor_ms:.2f}x")


if __name__ == "__main__":
    _docs.run("bench_checks", main)
