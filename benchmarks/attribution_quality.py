"""Attribution quality on hand-annotated real articles: cues, sources and relayed chains.

Reads annotated folders (default: the AllSides 2016 dev set, ``benchmarks/attribution_dev/tune``
and ``.../dev``, annotated by the guideline in ``benchmarks/attribution_guideline.md``; older
folders with a ``gold`` list and no chains, such as ``tests/fixtures/attribution/annotated``,
score cues and sources only). Runs the attribution extractor with the default rule packs and
prints, per folder:

* cue precision, recall, F1: a predicted cue matches a gold cue when their spans overlap (one
  to one);
* source P/R/F1: the cue matches and the source spans overlap; the kind accuracy on those;
  and the source on the cues found (the issue's "sources of the cues found": of the gold cues
  matched, the share whose source overlaps too);
* relayed chains (two nodes or more, article outward): recall (a gold chain is found when a
  predicted chain of the article starts with the same nodes in order: the report merges a
  chain into a longer one it begins), precision of the predicted
  relayed chains, first-hop recall (a predicted relayed chain starts with the gold chain's
  first node), and the predicted relayed chains on articles marked ``# no relay`` (false chains).

Node names match when they are equal once case, a leading "the", a possessive and punctuation
are dropped, when one's words hold the other's ("CNN" in "CNN's State of the Union"), or when
two names of a person end in the same surname once honorifics are dropped ("Mr. Pence", "Mike
Pence"), or when one is an outlet and both name the same outlet of the registry ("the AP",
"Associated Press"); two unnamed nodes (anonymous, vague) match by kind.

Usage: .venv/bin/python benchmarks/attribution_quality.py [FOLDER ...] [--errors] [--json]
(needs no data outside the repository).
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import re
import sys
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import _docs  # noqa: E402

ROOT = os.path.dirname(HERE)
DEV = os.path.join(HERE, "attribution_dev")
DEFAULT = [os.path.join(DEV, "tune"), os.path.join(DEV, "dev")]
UNNAMED = {"anonymous", "vague"}


def _overlap(a: dict, b: dict) -> bool:
    return a["start"] < b["end"] and b["start"] < a["end"]


# honorifics and titles that a name may carry or not ("Mr. Pence", "Mike Pence")
_HONORIFICS = {"mr", "mrs", "ms", "dr", "sen", "rep", "gov", "gen", "president", "senator",
               "then-attorney", "the", "former", "sir", "lady"}


def _key(name: str) -> list[str]:
    s = name.casefold().replace("\u2019", "'")
    s = re.sub(r"'s\b", "", s)
    words = re.findall(r"[\w.-]+", s)
    words = [w.strip(".") for w in words if w.strip(".")]
    if words and words[0] == "the":
        words = words[1:]
    return words


# the compiled attribution rules, set by evaluate(): two outlet nodes match when they name the
# same outlet of the registry ("the AP", "Associated Press")
_RULES: list = []


def _outlet_id(name: str) -> str | None:
    """The registry outlet the node names: its longest name or alias in the node's text."""
    R = _RULES[0] if _RULES else None
    if R is None or R.outlet_rx is None:
        return None
    found = [m.group(0) for m in R.outlet_rx.finditer(name.replace("\u2019", "'"))]
    return R.outlet_by_alias[max(found, key=len)]["id"] if found else None


def node_match(gold: dict, pred: dict) -> bool:
    if gold["kind"] in UNNAMED or pred["kind"] in UNNAMED:
        if gold["kind"] in UNNAMED and pred["kind"] in UNNAMED:
            return True
        if gold["kind"] == "anonymous" or pred["kind"] == "anonymous":
            return False
    g, p = _key(gold["name"]), _key(pred["name"])
    if not g or not p:
        return False
    if "outlet" in (gold["kind"], pred["kind"]):
        go, po = _outlet_id(gold["name"]), _outlet_id(pred["name"])
        if go is not None and go == po:
            return True
    if g == p or set(g) <= set(p) or set(p) <= set(g):
        return True
    g2, p2 = [w for w in g if w not in _HONORIFICS], [w for w in p if w not in _HONORIFICS]
    # one person named two ways: the same surname ("Mr. Pence", "Mike Pence")
    return bool(g2) and bool(p2) and g2[-1] == p2[-1] and "person" in (gold["kind"], pred["kind"])


def predict(fx: dict[str, Any], ruleset) -> tuple[list[dict], list[list[dict]]]:
    """Predicted statements and relayed chains for one article, offsets into its text."""
    from auditor.checks.attribution import analyse
    from auditor.ingest.common import article_from_parts
    from auditor.ingest.prepare import locate_headline

    art = article_from_parts(id=fx["id"], path=fx["id"] + ".json", fmt="json",
                             title=fx.get("title"), body=fx["text"], outlet=fx.get("outlet"))
    art = locate_headline(art, ruleset)
    shift = art.text.find(fx["text"])
    _, records, chains = analyse(art, ruleset)
    out = []
    for r in records:
        if r.get("venue_of") or r.get("headline") or r["cue"]["start"] < shift:
            continue
        cue = {"start": r["cue"]["start"] - shift, "end": r["cue"]["end"] - shift,
               "text": r["cue"]["text"]}
        src = dict(r["source"], start=r["source"]["start"] - shift,
                   end=r["source"]["end"] - shift)
        out.append({"cue": cue, "source": src})
    relayed = [[{"name": n["name"], "kind": n["kind"]} for n in c["nodes"]]
               for c in chains if len(c["nodes"]) >= 2]
    return out, relayed


def gold_of(fx: dict[str, Any], path: str) -> list[dict]:
    """The article's gold list, built from its annotation file when there is one."""
    folder, name = os.path.split(path)
    ann = os.path.join(folder, "_annotations", name[:-5] + ".txt")
    if os.path.exists(ann) and os.path.abspath(path).startswith(DEV):
        from attribution_gold import annotation_lines, build
        return build(fx["text"], annotation_lines(ann))
    return fx.get("gold", [])


def gold_chains(gold: list[dict]) -> list[list[dict]]:
    """Distinct relayed chains of an article; a node's kind comes from the line naming it."""
    kinds: dict[str, str] = {}
    for g in gold:
        kinds.setdefault(" ".join(_key(g["source"]["text"])), g["source"]["kind"])
        if g["source"].get("resolved"):
            kinds.setdefault(" ".join(_key(g["source"]["resolved"])), "person")
    out, seen = [], set()
    for g in gold:
        ch = g.get("chain")
        if not ch or tuple(ch) in seen:
            continue
        seen.add(tuple(ch))
        nodes = []
        for i, n in enumerate(ch):
            k = kinds.get(" ".join(_key(n)))
            if i == len(ch) - 1 and k is None:
                k = g["source"]["kind"]
            nodes.append({"name": n, "kind": k or "person"})
        if nodes[-1]["kind"] == "pronoun":
            nodes[-1]["kind"] = "person"
        out.append(nodes)
    return out


def _chain_match(g: list[dict], p: list[dict]) -> bool:
    """The gold chain's nodes in order; a predicted chain may go on beyond them (the report
    merges a chain into the longer one it starts: "ABC News > the owner" is held by "ABC News
    > the owner > Mateen")."""
    return len(p) >= len(g) and all(node_match(a, b) for a, b in zip(g, p))


def _prf(tp_p: int, pred: int, tp_r: int, gold: int) -> dict[str, float]:
    p = tp_p / pred if pred else 0.0
    r = tp_r / gold if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3)}


def evaluate(items: list[tuple[str, dict[str, Any]]], ruleset) -> dict[str, Any]:
    tot = dict.fromkeys(("gold", "pred", "cue_tp", "src_tp", "kind_ok", "gchains", "pchains",
                         "chain_tp_r", "chain_tp_p", "first_hop", "norelay_articles",
                         "false_chains"), 0)
    errors: list[tuple[str, str, str]] = []
    from auditor.checks.attribution.rules import rules_for
    _RULES[:] = [rules_for(ruleset)]
    has_chains = False
    for path, fx in items:
        gold = gold_of(fx, path)
        pred, relayed = predict(fx, ruleset)
        tot["gold"] += len(gold)
        tot["pred"] += len(pred)
        used_c: set[int] = set()
        used_s: set[int] = set()
        for g in gold:
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
            elif ci is not None:
                p = pred[ci]
                errors.append((fx["id"], "source", f"{g['cue']['text']!r}: gold "
                               f"{g['source']['text']!r}, got {p['source']['text']!r}"))
            else:
                errors.append((fx["id"], "miss", f"{g['cue']['text']!r} / "
                               f"{g['source']['text']!r} ({g['source']['kind']}) at "
                               f"{g['cue']['start']}"))
        for i, p in enumerate(pred):
            if i not in used_c:
                errors.append((fx["id"], "false", f"{p['cue']['text']!r} / "
                               f"{p['source']['text']!r} ({p['source']['kind']}) at "
                               f"{p['cue']['start']}"))
        if "relay" not in fx and not any("chain" in g for g in gold) and \
                not os.path.abspath(path).startswith(DEV):
            continue                 # an old-format folder: no chains marked
        has_chains = True
        gch = gold_chains(gold)
        tot["gchains"] += len(gch)
        tot["pchains"] += len(relayed)
        if not gch:
            tot["norelay_articles"] += 1
            tot["false_chains"] += len(relayed)
        for g in gch:
            if any(_chain_match(g, p) for p in relayed):
                tot["chain_tp_r"] += 1
            else:
                errors.append((fx["id"], "chain-miss", " > ".join(n["name"] for n in g)))
            if any(node_match(g[0], p[0]) for p in relayed):
                tot["first_hop"] += 1
        for p in relayed:
            if any(_chain_match(g, p) for g in gch):
                tot["chain_tp_p"] += 1
            else:
                errors.append((fx["id"], "chain-false", " > ".join(
                    f"{n['name']} ({n['kind']})" for n in p)))
    res = {"articles": len(items), "gold": tot["gold"], "predicted": tot["pred"],
           "cue": _prf(tot["cue_tp"], tot["pred"], tot["cue_tp"], tot["gold"]),
           "source": _prf(tot["src_tp"], tot["pred"], tot["src_tp"], tot["gold"]),
           # the "sources of the cues found": of the gold cues found, the share whose
           # source is found too (precision and recall are the same figure there)
           "source_on_found": round(tot["src_tp"] / tot["cue_tp"], 3) if tot["cue_tp"] else 0.0,
           "kind_accuracy": round(tot["kind_ok"] / tot["src_tp"], 3) if tot["src_tp"] else 0.0,
           "errors": errors}
    if has_chains:
        res["chains"] = {"gold": tot["gchains"], "predicted": tot["pchains"],
                         **_prf(tot["chain_tp_p"], tot["pchains"], tot["chain_tp_r"],
                                tot["gchains"]),
                         "first_hop_recall": round(tot["first_hop"] / tot["gchains"], 3)
                         if tot["gchains"] else 0.0,
                         "articles_without_relay": tot["norelay_articles"],
                         "false_chains_there": tot["false_chains"]}
    return res


def load(folder: str) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for p in sorted(glob.glob(os.path.join(folder, "*.json"))):
        ann = os.path.join(folder, "_annotations", os.path.basename(p)[:-5] + ".txt")
        with open(p, encoding="utf-8") as f:
            fx = json.load(f)
        if not os.path.exists(ann) and "gold" not in fx:
            print(f"{p}: not annotated yet, left out", file=sys.stderr)
            continue
        out.append((p, fx))
    return out


def load_fixtures(folder: str = os.path.join(ROOT, "tests", "fixtures", "attribution",
                                              "annotated")) -> list[tuple[str, dict[str, Any]]]:
    """The older annotated fixtures (cues and sources, no chains)."""
    return load(folder)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folders", nargs="*", default=DEFAULT, help="annotated folders (default: "
                    "benchmarks/attribution_dev/tune and /dev)")
    ap.add_argument("--errors", action="store_true", help="list misses and false alarms")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    _docs.add_option(ap)
    args = ap.parse_args(argv)
    sys.path.insert(0, ROOT)
    sys.path.insert(0, HERE)
    from auditor.rules import load_ruleset
    rs = load_ruleset()
    allres = {}
    for folder in args.folders:
        res = evaluate(load(folder), rs)
        name = os.path.relpath(folder, ROOT)
        allres[name] = {k: v for k, v in res.items() if k != "errors"}
        if args.json:
            continue
        print(f"== {name}: articles {res['articles']}, gold cues {res['gold']}, "
              f"predicted {res['predicted']}")
        for what in ("cue", "source"):
            m = res[what]
            print(f"{what:7} precision {m['precision']:.3f}  recall {m['recall']:.3f}  "
                  f"F1 {m['f1']:.3f}")
        print(f"source on the cues found {res['source_on_found']:.3f}; kind accuracy on matched "
              f"sources {res['kind_accuracy']:.3f}")
        if "chains" in res:
            c = res["chains"]
            print(f"chains  precision {c['precision']:.3f}  recall {c['recall']:.3f}  "
                  f"F1 {c['f1']:.3f}  (gold {c['gold']}, predicted {c['predicted']}); first hop "
                  f"recall {c['first_hop_recall']:.3f}; false chains on the "
                  f"{c['articles_without_relay']} articles without a relay: "
                  f"{c['false_chains_there']}")
        if args.errors:
            for fid, what, msg in res["errors"]:
                print(f"  {fid}: {what}: {msg}")
    if args.json:
        print(json.dumps(allres, indent=1))
    return 0


if __name__ == "__main__":
    # the README shows the figures of both splits, without the kind accuracy line
    raise SystemExit(_docs.run("attribution_quality", main, readme=lambda out: "\n".join(
        ln for ln in out.splitlines() if not ln.startswith("source on the cues found"))))
