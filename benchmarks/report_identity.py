"""Report identity: hashes of the reports a fixed set of audits writes, to show that a
refactoring leaves every output byte-identical.

It audits, each in a fresh subprocess (``python -m auditor``, ``--jobs 2``, local engine):

* ``allsides``: the first 3,000 articles of ../shared/data/allsides/articles.jsonl.gz
  (written to a temporary .jsonl first);
* ``seeds``: the sample corpus in seeds/;
* ``fixtures``: the report fixtures the tests audit (tests/fixtures: consistency,
  duplicates/bbc, html/articles, ci, offsets, ingest, attribution/loops,
  boilerplate_dragnet), one audit per folder;
* ``archive``: seeds/ stored with ``auditor archive add``, then tests/fixtures/duplicates/bbc
  and seeds/ audited with ``--archive`` (the archive path of the corpus checks).

Each audit runs the auditor next to this script (``PYTHONPATH`` is its checkout, so a copy
of an older commit can be measured with its own copy of the script) and must exit 0; it
writes, with a fixed option set: ``audit -o DIR --fail-on never`` (stdout text, report.json,
index.html and every page under articles/, clusters/, assets/) and ``check --format sarif``
with ``--report json=... --report junit=... --report github=... --report jsonl=...``
(``--fail-on never --allow-unreadable``). Every file is hashed (SHA-256) and the hashes are
combined per corpus and overall.

Normalised: only the temporary folder's path in ``audit``'s stdout (its last line names the
report files it wrote) becomes ``$WORK``, and the working folder in the SARIF on ``check``'s
stdout (``originalUriBaseIds``, the folder paths are relative to) becomes ``$CWD``. The
reports carry no timestamp or duration (checked: two runs print the same hashes); the audits
run with the working directory fixed (the repository, or the temporary folder for the
AllSides slice) and relative input paths, so the paths in the reports do not depend on where
the temporary folders are. The archive database
itself is not hashed (SQLite pages), only the reports audited against it.

    .venv/bin/python benchmarks/report_identity.py                 # prints the hashes
    .venv/bin/python benchmarks/report_identity.py --save FILE     # also writes them as JSON
    .venv/bin/python benchmarks/report_identity.py --compare FILE  # exit 1 on any difference
    .venv/bin/python benchmarks/report_identity.py --only seeds,fixtures
    AUDITOR_ALLSIDES=/path/articles.jsonl.gz .venv/bin/python benchmarks/report_identity.py
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ALLSIDES = Path(os.environ.get("AUDITOR_ALLSIDES", ROOT.parent / "shared" / "data" / "allsides"
                               / "articles.jsonl.gz"))
N_ALLSIDES = 3000
FIXTURES = ["consistency", "duplicates/bbc", "html/articles", "ci", "offsets", "ingest",
            "attribution/loops", "boilerplate_dragnet"]
JOBS = "2"


def _run(args: list[str], cwd: Path) -> bytes:
    # the auditor next to this script, whatever the working directory or the installed one
    env = dict(os.environ, PYTHONHASHSEED="0", NO_COLOR="1", CI="", PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "auditor", *args], cwd=cwd, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if proc.returncode != 0:            # every run is --fail-on never: anything else is a crash
        sys.stderr.write(proc.stderr.decode("utf-8", "replace"))
        raise SystemExit(f"auditor {' '.join(args)} exited {proc.returncode}")
    return proc.stdout


def _hash_tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _audit(name: str, inputs: list[str], cwd: Path, work: Path,
           extra: list[str] = ()) -> dict[str, str]:
    out = work / name
    out.mkdir(parents=True)
    hashes: dict[str, str] = {}
    text = _run(["audit", *inputs, "-o", str(out / "audit"), "-j", JOBS, "--fail-on", "never",
                 *extra], cwd)
    text = text.replace(str(work).encode(), b"$WORK")
    hashes["audit.stdout.txt"] = hashlib.sha256(text).hexdigest()
    for rel, h in _hash_tree(out / "audit").items():
        hashes[f"audit/{rel}"] = h
    check = out / "check"
    check.mkdir()
    sarif = _run(["check", *inputs, "-j", JOBS, "--fail-on", "never", "--allow-unreadable",
                  "--format", "sarif",
                  "--report", f"json={check / 'report.json'}",
                  "--report", f"junit={check / 'junit.xml'}",
                  "--report", f"github={check / 'github.txt'}",
                  "--report", f"jsonl={check / 'report.jsonl'}",
                  "--report", f"text={check / 'report.txt'}", *extra], cwd)
    sarif = sarif.replace(str(cwd).encode(), b"$CWD")    # originalUriBaseIds: the working folder
    hashes["check.stdout.sarif"] = hashlib.sha256(sarif).hexdigest()
    for rel, h in _hash_tree(check).items():
        hashes[f"check/{rel}"] = h
    return hashes


def _combine(hashes: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(hashes, sort_keys=True).encode()).hexdigest()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--save", type=Path)
    ap.add_argument("--compare", type=Path)
    ap.add_argument("--only", default="allsides,seeds,fixtures,archive")
    args = ap.parse_args(argv)
    only = args.only.split(",")
    result: dict[str, dict[str, str]] = {}
    with tempfile.TemporaryDirectory(prefix="report-identity-") as tmp:
        work = Path(tmp)
        if "allsides" in only:
            data = work / "data"
            data.mkdir()
            with gzip.open(ALLSIDES, "rt", encoding="utf-8") as src, \
                    open(data / "allsides-3000.jsonl", "w", encoding="utf-8") as dst:
                for i, line in enumerate(src):
                    if i >= N_ALLSIDES:
                        break
                    dst.write(line)
            result["allsides"] = _audit("allsides", ["allsides-3000.jsonl"], data, work)
        if "seeds" in only:
            result["seeds"] = _audit("seeds", ["seeds"], ROOT, work)
        if "fixtures" in only:
            merged: dict[str, str] = {}
            for fx in FIXTURES:
                name = "fixtures-" + fx.replace("/", "-")
                for rel, h in _audit(name, [f"tests/fixtures/{fx}"], ROOT, work).items():
                    merged[f"{fx}/{rel}"] = h
            result["fixtures"] = merged
        if "archive" in only:
            db = work / "archive.db"
            _run(["archive", "add", str(db), "seeds"], ROOT)
            result["archive"] = _audit("archive", ["tests/fixtures/duplicates/bbc", "seeds"],
                                       ROOT, work, ["--archive", str(db)])
    summary = {name: _combine(h) for name, h in result.items()}
    summary["all"] = _combine(summary)
    for name, h in summary.items():
        files = len(result[name]) if name in result else sum(len(v) for v in result.values())
        print(f"{name:10} {h}  ({files} files)")
    if args.save:
        args.save.write_text(json.dumps({"summary": summary, "files": result}, indent=1,
                                        sort_keys=True) + "\n")
    if args.compare:
        before = json.loads(args.compare.read_text())
        diff = [f"{name}/{rel}" for name, files in result.items()
                for rel in sorted(set(files) | set(before["files"].get(name, {})))
                if files.get(rel) != before["files"].get(name, {}).get(rel)]
        if diff:
            print(f"DIFFERENT: {len(diff)} files", *diff[:50], sep="\n  ")
            return 1
        print("identical to", args.compare)
    return 0


if __name__ == "__main__":
    sys.exit(main())
