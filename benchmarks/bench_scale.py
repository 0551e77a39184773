"""Scale benchmark: the full audit (every check family) on growing slices of AllSides.

Reads ../shared/data/allsides/articles.jsonl.gz (37,554 articles; for benchmarks only, not
shipped). For each size it writes the first N articles to a temporary JSONL file and prints,
measured in the same run on this machine:

* the floor pass: read, normalise and tokenise the same articles, one core;
* the full audit with --jobs 1 and --jobs 2 (local engine), and optionally the Dask engine
  on a LocalCluster of 2 workers, its JSON report written to a file: seconds, articles/s,
  MB/s, time per article, ratio to the floor pass, peak memory of the main process (RSS, the part that grows with the corpus:
  fingerprints and findings) and of the busiest worker;
* whether the reports of all engines are identical.

Each run is a fresh subprocess, so peak memory is that run's own.

    .venv/bin/python benchmarks/bench_scale.py                 # 5k, 10k, 20k, 37,554
    .venv/bin/python benchmarks/bench_scale.py --sizes 5000 --dask
    .venv/bin/python benchmarks/bench_scale.py --dask --dask-sizes 5000 10000
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "allsides" / "articles.jsonl.gz"

RUNNER = r"""
import json, resource, sys, time
from auditor.rules import load_ruleset
from auditor.engine.pipeline import AuditOptions, audit
from auditor.output.json import JsonRenderer
path, engine, jobs, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
rs = load_ruleset()
t0 = time.perf_counter()
res = audit([path], rs, AuditOptions(jobs=jobs, engine=engine))
JsonRenderer().render(res, out)          # streamed to the file, as `auditor audit -o` does
elapsed = time.perf_counter() - t0
print(json.dumps({"seconds": elapsed, "articles": len(res.articles),
                  "findings": res.summary()["findings"],
                  "rss_main_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "rss_child_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""

FLOOR = r"""
import json, resource, sys, time
from auditor.ingest import IngestOptions, iter_sources
from auditor.model import Article
from auditor.text import normalise, tokens
t0 = time.perf_counter()
n = chars = toks = 0
for a in iter_sources([sys.argv[1]], IngestOptions()):
    if isinstance(a, Article):
        norm = normalise(a.text, casefold=True).text
        toks += len(tokens(norm))
        chars += len(a.text)
        n += 1
print(json.dumps({"seconds": time.perf_counter() - t0, "articles": n, "chars": chars,
                  "tokens": toks, "rss_main_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

DASK_PROBE = r"""
import importlib.util, json
print(json.dumps({"missing": [m for m in ("dask", "distributed")
                              if importlib.util.find_spec(m) is None]}))
"""


def slice_corpus(n: int, folder: Path) -> tuple[Path, int]:
    out = folder / f"allsides-{n}.jsonl"
    size = 0
    with gzip.open(DATA, "rb") as src, open(out, "wb") as dst:
        for i, line in enumerate(src):
            if i >= n:
                break
            rec = json.loads(line)
            size += len(rec.get("text", "").encode("utf-8"))
            dst.write(line)
    return out, size


def run(code: str, *args: str) -> dict:
    py = ROOT / ".venv" / "bin" / "python"
    res = subprocess.run([str(py if py.exists() else sys.executable), "-c", code, *args],
                         capture_output=True, text=True, cwd=ROOT)
    if res.returncode != 0:
        raise SystemExit(f"benchmark run failed:\n{res.stderr[-3000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def digest(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


SIZES = [5000, 10000, 20000, 37554]


def parse_args(doc: str, extra=None) -> argparse.Namespace:
    """The command line of a benchmark on AllSides slices: ``--sizes`` (default ``SIZES``) and
    what ``extra(parser)`` adds; exits when the shared corpus is not there."""
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=SIZES)
    if extra is not None:
        extra(ap)
    args = ap.parse_args()
    if not DATA.exists():
        raise SystemExit(f"{DATA} not found: this benchmark needs the shared AllSides corpus")
    return args


def _dask_args(ap: argparse.ArgumentParser) -> None:
    ap.add_argument("--dask", action="store_true", help="also run the Dask engine (LocalCluster, 2 workers)")
    ap.add_argument("--dask-sizes", type=int, nargs="+", default=None,
                    help="with --dask: only at these sizes (default: every size)")
    ap.add_argument("--no-jobs1", action="store_true", help="skip the one-job run (saves time)")


def main() -> None:
    args = parse_args(__doc__, _dask_args)
    if args.dask and run(DASK_PROBE).get("missing"):
        # found before the first run, not after the 5,000-article ones (minutes in)
        raise SystemExit("--dask needs the [dask] extra in .venv: run `make test` (or "
                         "`.venv/bin/pip install -e '.[dask]'`) first")
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}")
    header = (f"{'size':>6} {'run':<10} {'seconds':>8} {'art/s':>7} {'MB/s':>6} {'ms/art':>7} "
              f"{'x floor':>7} {'main MB':>8} {'worker MB':>9} {'report':>12}")
    print(header)
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            path, size = slice_corpus(n, Path(tmp))
            mb = size / 1e6
            floor = run(FLOOR, str(path))
            rows = [("floor", floor, None)]
            runs = [] if args.no_jobs1 else [("local -j1", "local", 1)]
            runs.append(("local -j2", "local", 2))
            if args.dask and (args.dask_sizes is None or n in args.dask_sizes):
                runs.append(("dask 2w", "dask", 2))
            for name, engine, jobs in runs:
                out = str(Path(tmp) / f"report-{n}-{engine}-{jobs}.json")
                r = run(RUNNER, str(path), engine, str(jobs), out)
                rows.append((name, r, digest(out)))
            for name, r, dg in rows:
                secs = r["seconds"]
                arts = r["articles"]
                print(f"{n:>6} {name:<10} {secs:>8.1f} {arts / secs:>7.0f} {mb / secs:>6.2f} "
                      f"{1000 * secs / arts:>7.2f} {secs / floor['seconds']:>7.2f} "
                      f"{r['rss_main_mb']:>8.0f} {r.get('rss_child_mb', 0):>9.0f} {dg or '':>12}")
            digests = {dg for _, _, dg in rows if dg}
            j = {name: r for name, r, _ in rows}
            if "local -j1" in j:
                print(f"{n:>6} speed-up of 2 jobs over 1: "
                      f"{j['local -j1']['seconds'] / j['local -j2']['seconds']:.2f}x")
            print(f"{n:>6} reports identical across runs: {len(digests) == 1}")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
