"""CI-gate figures on a real corpus: baseline stability when lines move, and renderer cost.

Reads ../shared/data/bbc-news (a research dataset: benchmarks only, never tests) or --corpus DIR.

1. audits N articles and writes a baseline;
2. audits them again unchanged: every finding should match (0 new, 0 stale);
3. shifts every body line down (blank lines after the headline) and audits again;
4. adds a neutral paragraph after the headline and audits again;
then prints the share of findings the baseline still recognises, and how long the
SARIF, GitHub, JUnit and JSON Lines renderers take on the result.

    .venv/bin/python benchmarks/ci_baseline.py [--limit 400] [--jobs 2]
"""
from __future__ import annotations

import argparse
import io
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from auditor.gate.baseline import apply_baseline, entries_from  # noqa: E402
from auditor.output import get  # noqa: E402
from auditor.engine.pipeline import AuditOptions, audit  # noqa: E402
from auditor.rules import load_ruleset  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "data" / "bbc-news"


def run(folder: Path, ruleset, jobs: int):
    t = time.perf_counter()
    res = audit([str(folder)], ruleset, AuditOptions(jobs=jobs))
    return res, time.perf_counter() - t


def rewrite(folder: Path, edit) -> None:
    for p in sorted(folder.rglob("*.txt")):
        text = p.read_text(encoding="utf-8")
        head, sep, rest = text.partition("\n")
        p.write_text(edit(head, rest), encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, default=DEFAULT)
    ap.add_argument("--limit", type=int, default=400)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    files = sorted(args.corpus.rglob("*.txt"))[: args.limit]
    if not files:
        sys.exit(f"no .txt articles under {args.corpus}")
    ruleset = load_ruleset()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "articles"
        for f in files:
            dest = work / f.relative_to(args.corpus)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(f, dest)
        first, secs = run(work, ruleset, args.jobs)
        entries = entries_from(first.findings)
        print(f"corpus: {len(first.articles)} articles from {args.corpus}, {len(first.findings)} findings, "
              f"audit {secs:.1f}s with {args.jobs} job(s)")
        timings = {}
        for fmt in ("json", "jsonl", "sarif", "github", "junit"):
            t = time.perf_counter()
            get(fmt).render(first, io.StringIO())
            timings[fmt] = time.perf_counter() - t
        print("render: " + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in timings.items()))

        def report(label: str) -> None:
            res, s = run(work, ruleset, args.jobs)
            b = apply_baseline(res, entries, "baseline.json")
            total = b["matched"] + b["new"]
            stale = sum(e["count"] for e in b["stale"])
            share = b["matched"] / len(first.findings) if first.findings else 1.0
            print(f"{label}: {total} findings, {b['matched']} matched by the baseline "
                  f"({share:.1%} of the recorded), {b['new']} new, {stale} stale ({s:.1f}s)")

        report("unchanged")
        rewrite(work, lambda head, rest: head + "\n\n\n\n" + rest)
        report("body moved down 3 lines")
        rewrite(work, lambda head, rest: head + "\n\nThis article was updated with a note from the editors.\n" + rest)
        report("paragraph inserted at the top of the body")
    print(f"(other work may have been running on this machine; cores: {os.cpu_count()})")


if __name__ == "__main__":
    main()
