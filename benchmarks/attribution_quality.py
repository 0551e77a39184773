"""Attribution quality on hand-annotated real articles.

Reads tests/fixtures/attribution/annotated/*.json (excerpts of AllSides articles with
gold attributions: cue, source and kind with character offsets), runs the attribution
extractor with the default rule packs and prints cue and source precision, recall and
F1, the kind accuracy on matched sources and, with --errors, every miss and false alarm.

A predicted cue matches a gold cue when their spans overlap (one to one). A predicted
source matches when its statement's cue overlaps the gold cue and its source span
overlaps the gold source span. Venues ("told CNN") and headline suffixes are not
statements and are left out on both sides.

Usage: .venv/bin/python benchmarks/attribution_quality.py [--errors] [--json]
(needs no data outside the repository).
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import sys
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
FIXTURES = os.path.join(ROOT, "tests", "fixtures", "attribution", "annotated")


def _overlap(a: dict, b: dict) -> bool:
    return a["start"] < b["end"] and b["start"] < a["end"]


def predict(fx: dict[str, Any], ruleset) -> tuple[list[dict], int]:
    """Predicted statements for one fixture, offsets shifted into the fixture's text."""
    from auditor.checks.attribution import analyse
    from auditor.ingest.common import article_from_parts
    from auditor.prepare import locate_headline

    art = article_from_parts(id=fx["id"], path=fx["id"] + ".json", fmt="json",
                             title=fx.get("title"), body=fx["text"], outlet=fx.get("outlet"))
    art = locate_headline(art, ruleset)
    shift = art.text.find(fx["text"])
    _, records, _ = analyse(art, ruleset)
    out = []
    for r in records:
        if r.get("venue_of") or r.get("headline"):
            continue
        if r["cue"]["start"] < shift:
            continue
        cue = {"start": r["cue"]["start"] - shift, "end": r["cue"]["end"] - shift,
               "text": r["cue"]["text"]}
        src = dict(r["source"], start=r["source"]["start"] - shift,
                   end=r["source"]["end"] - shift)
        out.append({"cue": cue, "source": src})
    return out, shift


def evaluate(fixtures: list[dict[str, Any]], ruleset) -> dict[str, Any]:
    tot = {"gold": 0, "pred": 0, "cue_tp": 0, "src_tp": 0, "kind_ok": 0}
    errors = []
    for fx in fixtures:
        pred, _ = predict(fx, ruleset)
        gold = fx["gold"]
        tot["gold"] += len(gold)
        tot["pred"] += len(pred)
        used_c: set[int] = set()
        used_s: set[int] = set()
        for gi, g in enumerate(gold):
            ci = next((i for i, p in enumerate(pred) if i not in used_c
                       and _overlap(p["cue"], g["cue"])), None)
            if ci is not None:
                used_c.add(ci)
                tot["cue_tp"] += 1
            si = next((i for i, p in enumerate(pred) if i not in used_s
                       and _overlap(p["cue"], g["cue"]) and _overlap(p["source"], g["source"])),
                      None)
            if si is not None:
                used_s.add(si)
                tot["src_tp"] += 1
                pk = pred[si]["source"]["kind"]
                if pk == g["source"]["kind"]:
                    tot["kind_ok"] += 1
                else:
                    errors.append((fx["id"], "kind", f"{g['source']['text']!r}: gold "
                                   f"{g['source']['kind']}, got {pk}"))
            else:
                errors.append((fx["id"], "miss", f"{g['cue']['text']!r} / "
                               f"{g['source']['text']!r} ({g['source']['kind']})"))
        for i, p in enumerate(pred):
            if i not in used_s:
                errors.append((fx["id"], "false", f"{p['cue']['text']!r} / "
                               f"{p['source']['text']!r} ({p['source']['kind']})"))

    def prf(tp: int) -> dict[str, float]:
        p = tp / tot["pred"] if tot["pred"] else 0.0
        r = tp / tot["gold"] if tot["gold"] else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3)}

    return {"articles": len(fixtures), "gold": tot["gold"], "predicted": tot["pred"],
            "cue": prf(tot["cue_tp"]), "source": prf(tot["src_tp"]),
            "kind_accuracy": round(tot["kind_ok"] / tot["src_tp"], 3) if tot["src_tp"] else 0.0,
            "errors": errors}


def load_fixtures(folder: str = FIXTURES) -> list[dict[str, Any]]:
    return [json.load(open(p, encoding="utf-8")) for p in sorted(glob.glob(
        os.path.join(folder, "*.json")))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--errors", action="store_true", help="list misses and false alarms")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--fixtures", default=FIXTURES)
    args = ap.parse_args(argv)
    sys.path.insert(0, ROOT)
    from auditor.rules import load_ruleset
    res = evaluate(load_fixtures(args.fixtures), load_ruleset())
    if args.json:
        print(json.dumps({k: v for k, v in res.items() if k != "errors"}, indent=1))
    else:
        print(f"articles {res['articles']}, gold statements {res['gold']}, "
              f"predicted {res['predicted']}")
        for what in ("cue", "source"):
            m = res[what]
            print(f"{what:7} precision {m['precision']:.3f}  recall {m['recall']:.3f}  "
                  f"F1 {m['f1']:.3f}")
        print(f"kind accuracy on matched sources {res['kind_accuracy']:.3f}")
    if args.errors:
        for fid, what, msg in res["errors"]:
            print(f"  {fid}: {what}: {msg}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
