"""How well the boilerplate checks find boilerplate lines, on the Dragnet dev split read as TEXT.

    .venv/bin/python benchmarks/boilerplate_quality.py            # with the classifier
    .venv/bin/python benchmarks/boilerplate_quality.py --compare  # today's checks without it too
    .venv/bin/python benchmarks/boilerplate_quality.py --bbc      # new findings on the BBC corpus

Each dev page's visible text (benchmarks/boilerplate_data.py: auditor's HTML reader, one block a
line) is written as a .txt file, and the folder is audited as a user would (``auditor.engine.pipeline
.audit``, every check, the corpus checks too). A line counts as flagged when a
``boilerplate.*`` finding starts on it. Figures:

* body: the lines from the first to the last content line of each page (the boilerplate inside
  the article body, as the issue scores it); page: every line;
* line precision, recall and F1 of boilerplate, pooled over the pages;
* the share of content lines flagged.

``--compare`` also runs the checks without the classifier (the ``boilerplate-model`` pack left
out: the checks before it), the classifier without its corpus stage (no recurrence weights: what
a page audited alone, or a corpus without other pages of its sites, gets) and the trivial "short line without final punctuation" rule (at most 10
words, not ending in . ! ? or a closing quote after one).

``--bbc`` audits ../shared/data/bbc-news/ with and without the classifier and lists every
boilerplate finding the classifier adds.
"""
from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import _docs  # noqa: E402
from boilerplate_data import load_pages  # noqa: E402

from auditor.engine.pipeline import AuditOptions, audit  # noqa: E402
from auditor.rules import load_ruleset  # noqa: E402

BBC = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "bbc-news"
_END = re.compile(r"[.!?][\"'\u201d\u2019)\]]*$")


def ruleset(model: bool, recurrence: bool = True):
    rs = load_ruleset()
    if not model:
        rs.packs.pop("boilerplate-model", None)
    elif not recurrence:            # the classifier's corpus stage left out (no recurrence weights)
        rs.packs["boilerplate-model"].settings["model"].pop("recurrence", None)
        rs.packs["boilerplate-model"].settings.pop("recurring_veto", None)
    return rs


def findings(folder: str, model: bool, jobs: int, recurrence: bool = True):
    res = audit([folder], ruleset(model, recurrence), AuditOptions(jobs=jobs))
    out = []
    for f in res.findings if isinstance(res.findings, list) else list(res.findings):
        if f.rule.startswith("boilerplate."):
            out.append(f)
    return res, out


def flagged_lines(folder: str, pages, model: bool, jobs: int, recurrence: bool = True) -> dict[str, set[int]]:
    res, found = findings(folder, model, jobs, recurrence)
    path_of = {a["id"]: Path(a["path"]).stem for a in res.articles}
    out: dict[str, set[int]] = {p.name: set() for p in pages}
    for f in found:
        out.setdefault(path_of.get(f.article, f.article), set()).add(f.line - 1)
    return out


def score(pages, flagged: dict[str, set[int]]) -> dict[str, float]:
    c = {k: 0 for k in ("tp", "fp", "fn", "btp", "bfp", "bfn", "cf", "cn")}
    for p in pages:
        fl = flagged.get(p.name, set())
        a, z = p.body
        for i, y in enumerate(p.labels):
            pred = i in fl
            body = a <= i <= z
            if y and pred:
                c["tp"] += 1
                c["btp"] += body
            elif pred:
                c["fp"] += 1
                c["bfp"] += body
                c["cf"] += 1
            elif y:
                c["fn"] += 1
                c["bfn"] += body
            if not y:
                c["cn"] += 1

    def prf(tp, fp, fn):
        p_ = tp / max(1, tp + fp)
        r = tp / max(1, tp + fn)
        return p_, r, 2 * p_ * r / max(1e-9, p_ + r)
    bp, br, bf = prf(c["btp"], c["bfp"], c["bfn"])
    pp, pr, pf = prf(c["tp"], c["fp"], c["fn"])
    return {"body_p": bp, "body_r": br, "body_f1": bf, "page_p": pp, "page_r": pr, "page_f1": pf,
            "content_flagged": c["cf"] / max(1, c["cn"])}


def show(name: str, s: dict[str, float]) -> None:
    print(f"{name:34s} body P {s['body_p']:.3f} R {s['body_r']:.3f} F1 {s['body_f1']:.3f} | "
          f"page P {s['page_p']:.3f} R {s['page_r']:.3f} F1 {s['page_f1']:.3f} | "
          f"content flagged {100 * s['content_flagged']:.2f} %")


def trivial(pages) -> dict[str, set[int]]:
    return {p.name: {i for i, t in enumerate(p.lines)
                     if len(t.split()) <= 10 and not _END.search(t.strip())} for p in pages}


def bbc(jobs: int) -> None:
    if not BBC.exists():
        raise SystemExit(f"{BBC} not found")
    _, before = findings(str(BBC), False, jobs)
    _, after = findings(str(BBC), True, jobs)

    def key(f):
        return (f.article, f.start, f.end)
    old = {key(f) for f in before}
    new = [f for f in after if key(f) not in old]
    gone = {key(f) for f in before} - {key(f) for f in after}
    print(f"BBC: {len(before)} boilerplate findings without the classifier, {len(after)} with it; "
          f"{len(new)} on lines not flagged before, {len(gone)} lines no longer flagged")
    for f in new[:50]:
        print(f"  + {f.rule} {f.article}:{f.line} {f.text[:90]!r}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", default="dev", choices=["dev", "train"])
    ap.add_argument("--compare", action="store_true")
    ap.add_argument("--bbc", action="store_true")
    ap.add_argument("--jobs", type=int, default=2)
    _docs.add_option(ap)
    args = ap.parse_args()
    if args.bbc:
        bbc(args.jobs)
        return
    pages = [p for p in load_pages() if p.split == args.split]
    n = sum(len(p.lines) for p in pages)
    print(f"Dragnet {args.split} split read as text: {len(pages)} pages, {n} lines, "
          f"{sum(sum(p.labels) for p in pages)} boilerplate")
    with tempfile.TemporaryDirectory() as tmp:
        for p in pages:
            Path(tmp, f"{p.name}.txt").write_text(p.text(), encoding="utf-8")
        if args.compare:
            show("short line without final punct.", score(pages, trivial(pages)))
            show("checks without the classifier", score(pages, flagged_lines(tmp, pages, False, args.jobs)))
            show("classifier without its recurrence", score(pages, flagged_lines(tmp, pages, True, args.jobs,
                                                                             recurrence=False)))
        show("checks with the classifier", score(pages, flagged_lines(tmp, pages, True, args.jobs)))


if __name__ == "__main__":
    if "--bbc" in sys.argv:
        _docs.run("boilerplate_quality_bbc", main)
    else:   # the README shows the split and the full checks' line
        _docs.run("boilerplate_quality", main, readme=lambda out: "\n".join(
            ln for ln in out.splitlines() if ln.startswith(("Dragnet", "checks with the classifier"))))
