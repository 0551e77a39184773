"""Memory benchmark: what the main process holds as the corpus grows, and how much of it is
fingerprints.

Reads ../shared/data/allsides/articles.jsonl.gz (37,554 articles; for benchmarks only, not
shipped). For each size it audits the first N articles with ``--jobs 2`` (local engine) in a
fresh subprocess and prints, from /proc/self/status of the main process:

* ``start``: resident memory before the audit (interpreter, modules, rule packs);
* ``corpus``: resident memory when the corpus stage begins (every article read, checked and
  reduced; nothing of the text is held);
* ``fp``: what the corpus checks were handed, measured object by object (sys.getsizeof and
  numpy's nbytes): each check's fingerprints, and the slim entry per article (id, outlet,
  dates: the facts the corpus checks compare) that they share;
* ``other``: corpus - start - fp (id lists, spool indexes, allocator slack);
* ``peak``: the highest resident memory of the whole run (the corpus stage's working arrays
  and its findings come on top of ``corpus``); the count below is left out of it;
* per article: the growth (corpus - start) and the fingerprints, in KB.

Memory that grows with the corpus should be ``fp`` and little else. The object-by-object
count is made after the ``corpus`` reading and the peak is reset after it (Linux
/proc/self/clear_refs), so the count's own memory is in neither. Times are not reported here
(the count takes some): see bench_scale.py.

    .venv/bin/python benchmarks/bench_memory.py                  # 5k, 10k, 20k, 37,554
    .venv/bin/python benchmarks/bench_memory.py --sizes 5000 10000
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_scale import parse_args, run, slice_corpus  # noqa: E402

RUNNER = r"""
import json, re, sys
import numpy as np
from auditor.rules import load_ruleset
from auditor.engine.pipeline import AuditOptions, audit
from auditor.checks import load_all

def status():
    st = open("/proc/self/status").read()
    return {k: int(re.search(k + r":\s+(\d+)", st).group(1)) / 1024 for k in ("VmRSS", "VmHWM")}

def deep(o, seen):
    if id(o) in seen:
        return 0
    seen.add(id(o))
    if isinstance(o, np.ndarray):
        return sys.getsizeof(o) if o.base is None else sys.getsizeof(o) + o.nbytes
    s = sys.getsizeof(o)
    if isinstance(o, dict):
        s += sum(deep(k, seen) + deep(v, seen) for k, v in o.items())
    elif isinstance(o, (list, tuple, set, frozenset)):
        s += sum(deep(x, seen) for x in o)
    elif hasattr(o, "__dict__"):
        s += deep(o.__dict__, seen)
    return s

out = {"fp": {}}
rs = load_ruleset()
checks = load_all().corpus_checks()
out["start"] = status()["VmRSS"]
for c in checks:
    def wrapped(items, cctx, run=c.run, name=c.name):
        if name == checks[0].name:
            st = status()
            out["corpus"], out["hwm_article_stage"] = st["VmRSS"], st["VmHWM"]
            out["fp"]["slim entries"] = deep([it.record for it in items], set()) / 2**20
        out["fp"][name] = deep([it.fingerprint for it in items], set()) / 2**20
        if name == checks[-1].name:
            open("/proc/self/clear_refs", "w").write("5")    # the counting's own memory: not a peak
        return run(items, cctx)
    object.__setattr__(c, "run", wrapped)
res = audit([sys.argv[1]], rs, AuditOptions(jobs=2))
out["end"] = status()["VmRSS"]
out["peak"] = max(out["hwm_article_stage"], status()["VmHWM"])
out["articles"] = len(res.articles)
print(json.dumps(out))
"""


def main() -> None:
    args = parse_args(__doc__)
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}; MB = 2^20 bytes")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            path, _ = slice_corpus(n, Path(tmp))
            rows.append((n, run(RUNNER, str(path))))
            r = rows[-1][1]
            print(f"{n:>6}: " + ", ".join(f"{k} {v:.1f} MB" for k, v in r["fp"].items()), flush=True)
    print(f"{'size':>6} {'start':>6} {'corpus':>7} {'fp':>6} {'other':>6} {'peak':>6} "
          f"{'KB/art grown':>12} {'KB/art fp':>9}")
    for n, r in rows:
        fp = sum(r["fp"].values())
        grown = r["corpus"] - r["start"]
        print(f"{n:>6} {r['start']:>6.0f} {r['corpus']:>7.0f} {fp:>6.0f} {grown - fp:>6.0f} "
              f"{r['peak']:>6.0f} {1024 * grown / n:>12.1f} {1024 * fp / n:>9.1f}")


if __name__ == "__main__":
    main()
