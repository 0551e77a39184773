"""Report benchmark: writing report.json and the HTML report after a full audit, on growing
slices of AllSides.

Reads ../shared/data/allsides/articles.jsonl.gz (37,554 articles; for benchmarks only, not
shipped). For each size, in a fresh subprocess, it audits the first N articles with
``--jobs 2`` (local engine), as ``auditor audit`` does, then writes:

* ``report.json`` (the JSON renderer, streamed);
* the HTML report (index, one page per article, cluster pages) with one process;
* the HTML report again into another folder with two processes, when the renderer takes
  ``jobs`` (the two folders are compared file by file: they must be identical).

It prints the seconds of each, ms per article, and the main process's resident memory: at
the end of the audit (``held``) and the highest it reached while writing each report
(``peak``; the peak is reset before each one, Linux /proc/self/clear_refs). Memory that grows
with the corpus while writing means a writer holds the corpus's findings or entries at once.
Forked page writers are separate processes and not counted in ``peak``.

    .venv/bin/python benchmarks/bench_report.py                  # 5k, 10k, 20k, 37,554
    .venv/bin/python benchmarks/bench_report.py --sizes 10000
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_scale import parse_args, run, slice_corpus  # noqa: E402

RUNNER = r"""
import filecmp, inspect, json, os, re, sys, time
from auditor.rules import load_ruleset
from auditor.engine.pipeline import AuditOptions, audit
from auditor.output import get

def status():
    st = open("/proc/self/status").read()
    return {k: int(re.search(k + r":\s+(\d+)", st).group(1)) / 1024 for k in ("VmRSS", "VmHWM")}

def reset_peak():
    open("/proc/self/clear_refs", "w").write("5")

def same_tree(a, b):
    c = filecmp.dircmp(a, b)
    if c.left_only or c.right_only or c.diff_files or c.funny_files:
        return False
    return all(same_tree(os.path.join(a, d), os.path.join(b, d)) for d in c.common_dirs)

src, out = sys.argv[1], sys.argv[2]
res = {}
t0 = time.perf_counter()
result = audit([src], load_ruleset(), AuditOptions(jobs=2))
res["audit"] = time.perf_counter() - t0
res["articles"] = len(result.articles)
res["held"] = status()["VmRSS"]
reset_peak()
t0 = time.perf_counter()
get("json").render(result, os.path.join(out, "j1", "report.json"))
res["json"] = time.perf_counter() - t0
res["json_peak"] = status()["VmHWM"]
html = get("html")
takes_jobs = "jobs" in inspect.signature(html.render).parameters
for jobs in ((1, 2) if takes_jobs else (1,)):
    reset_peak()
    t0 = time.perf_counter()
    if takes_jobs:
        html.render(result, os.path.join(out, f"j{jobs}"), jobs=jobs)
    else:
        html.render(result, os.path.join(out, f"j{jobs}"))
    res[f"html{jobs}"] = time.perf_counter() - t0
    res[f"html{jobs}_peak"] = status()["VmHWM"]
if takes_jobs:
    os.unlink(os.path.join(out, "j1", "report.json"))
    res["same"] = same_tree(os.path.join(out, "j1"), os.path.join(out, "j2"))
print(json.dumps(res))
"""


def main() -> None:
    args = parse_args(__doc__)
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}; MB = 2^20 bytes; "
          "ms/art = ms per article")
    head = (f"{'size':>6} {'audit s':>8} {'held MB':>8} {'json s':>7} {'peak MB':>8} "
            f"{'html -j1 s':>10} {'ms/art':>7} {'peak MB':>8} {'html -j2 s':>10} {'ms/art':>7} "
            f"{'peak MB':>8} {'j1/j2':>6} {'same':>5}")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            path, _ = slice_corpus(n, Path(tmp))
            out = Path(tmp) / f"out{n}"
            r = run(RUNNER, str(path), str(out))
            rows.append((n, r))
            print(f"{n:>6}: done", flush=True)
    print(head)
    for n, r in rows:
        j2 = (f"{r['html2']:>10.1f} {1000 * r['html2'] / n:>7.2f} {r['html2_peak']:>8.0f} "
              f"{r['html1'] / r['html2']:>5.2f}x {str(r['same']).lower():>5}") if "html2" in r else \
            f"{'-':>10} {'-':>7} {'-':>8} {'-':>6} {'-':>5}"
        print(f"{n:>6} {r['audit']:>8.1f} {r['held']:>8.0f} {r['json']:>7.1f} {r['json_peak']:>8.0f} "
              f"{r['html1']:>10.1f} {1000 * r['html1'] / n:>7.2f} {r['html1_peak']:>8.0f} {j2}")


if __name__ == "__main__":
    main()
