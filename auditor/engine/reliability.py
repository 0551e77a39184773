"""An explained 0-100 reliability score per article.

``score(record, findings, ruleset)`` reads the article's attributions and chains
(from the attribution check) and the article's own findings, and returns
``{score, grade, components}``: each component has its name, value, weight, the
points it takes off and a sentence explaining it. Weights, grades and the values of the
kinds of source live in the ``scoring`` rule pack (rules/scoring.yaml, the only place their
defaults are written: the default pack is always loaded, user packs merge over it). Only
per-article data is used, so an article always gets the same score whatever else is in the corpus.
"""
from __future__ import annotations

import fnmatch
from typing import Any, Iterable

from ..model import Finding
from ..rules import RuleSet

KIND = "scoring"
NAMED = {"person", "organization", "document", "outlet"}


def statement_kind(att: dict[str, Any]) -> str:
    """The kind of source a statement finally rests on (pronouns resolved)."""
    src = att.get("source") or {}
    kind = src.get("resolved_kind") or src.get("kind") or "vague"
    if kind == "pronoun" and src.get("name"):
        return "person"
    return kind


def statements(record: dict[str, Any]) -> list[dict[str, Any]]:
    """Attributed statements: not the headline suffix, not the venue of another statement."""
    return [a for a in record.get("attributions") or []
            if not a.get("headline") and not a.get("venue_of")]


def _ratings(ruleset: RuleSet) -> dict[str, str]:
    """Outlet name -> status from the optional ``outlet-ratings`` pack (worked out once per
    rule set: the outlets pack is large and every article is scored)."""
    return ruleset.cached("reliability.ratings", lambda: _build_ratings(ruleset))


def _build_ratings(ruleset: RuleSet) -> dict[str, str]:
    by_id = {r["outlet"]: r["status"] for r in ruleset.entries("outlet-ratings")}
    if not by_id:
        return {}
    return {o["name"]: by_id[o["id"]] for o in ruleset.entries("outlets") if o["id"] in by_id}


def _r(x: float) -> float:
    return round(float(x), 2)


def score(record: dict[str, Any], findings: Iterable[Finding], ruleset: RuleSet) -> dict[str, Any]:
    entries = ruleset.entries(KIND)
    findings = [f for f in findings if not f.suppressed]
    stmts = statements(record)
    kinds = [statement_kind(a) for a in stmts]
    chains = record.get("chains") or []
    comps: list[dict[str, Any]] = []

    def add(e, value, points, explanation):
        comps.append({"name": e.get("id"), "value": value, "weight": e["weight"],
                      "points": _r(-abs(points)) if points else 0.0,
                      "explanation": explanation})

    for e in entries:
        comp, w = e["component"], float(e["weight"])
        cap = float(e["cap"]) if "cap" in e else None

        def capped(x: float) -> float:
            return min(cap, x) if cap is not None else x

        if comp == "named-share":
            if not stmts:
                add(e, None, 0, "No attributed statements to weigh.")
                continue
            named = sum(1 for k in kinds if k in NAMED)
            share = named / len(stmts)
            add(e, _r(share), w * (1 - share),
                f"{named} of {len(stmts)} attributed statements name their source on the record.")
        elif comp == "no-attribution":
            long_enough = int(record.get("chars") or 0) >= int(e.get("min_chars", 0))
            hit = not stmts and long_enough
            add(e, 0 if hit else len(stmts), w if hit else 0,
                "The article attributes nothing to anyone." if hit else
                f"{len(stmts)} attributed statements.")
        elif comp == "anonymous-only":
            n = sum(1 for k in kinds if k == "anonymous")
            add(e, n, capped(w * n),
                f"{n} statement{'s' if n != 1 else ''} rest{'s' if n == 1 else ''} only on "
                f"unnamed sources.")
        elif comp == "vague":
            n = sum(1 for k in kinds if k == "vague")
            add(e, n, capped(w * n),
                f"{n} vague attribution{'s' if n != 1 else ''} (the source is not named).")
        elif comp == "chain-depth":
            depth = max((c.get("depth", 0) for c in chains), default=0)
            extra = max(0, depth - 1)
            deepest = max(chains, key=lambda c: c.get("depth", 0), default=None)
            path = " -> ".join(n.get("name", "?") for n in deepest["nodes"]) if deepest else ""
            add(e, depth, capped(w * extra),
                f"Deepest chain has {depth} hop{'s' if depth != 1 else ''}"
                f"{': article -> ' + path if path else ''}.")
        elif comp == "terminal-kind":
            values = ruleset.setting(KIND, "terminal_values")
            if not chains:
                add(e, None, 0, "No chains.")
                continue
            other = ruleset.setting(KIND, "terminal_default")
            vals = [float(values.get(c.get("terminal_kind"), other)) for c in chains]
            mean = sum(vals) / len(vals)
            counts: dict[str, int] = {}
            for c in chains:
                counts[c.get("terminal_kind")] = counts.get(c.get("terminal_kind"), 0) + 1
            desc = ", ".join(f"{n} {k}" for k, n in sorted(counts.items(), key=lambda x: -x[1]))
            add(e, _r(mean), w * (1 - mean), f"Chains end at: {desc}.")
        elif comp == "outlet-rating":
            ratings = _ratings(ruleset)
            factors = e.get("factors") or {}
            seen: dict[str, str] = {}
            for c in chains:
                for n in c.get("nodes", []):
                    if n.get("kind") == "outlet" and n.get("name") in ratings:
                        seen.setdefault(n["name"], ratings[n["name"]])
            total = sum(float(factors.get(st, 0)) for st in seen.values())
            rated = [f"{name} ({st.replace('_', ' ')})" for name, st in seen.items()]
            add(e, len(seen), capped(w * total),
                ("Relays " + ", ".join(rated) + " (Wikipedia perennial sources, CC BY-SA 4.0)."
                 if rated else "No relayed outlet carries an external rating."))
        elif comp == "penalty":
            pat = e["rule"]
            hits = [f for f in findings if fnmatch.fnmatchcase(f.rule, pat)]
            n = len(hits)
            add(e, n, capped(w * n),
                f"{n} {pat} finding{'s' if n != 1 else ''}"
                f"{': ' + e['description'] if n and e.get('description') else ''}.")
    total = 100.0 + sum(c["points"] for c in comps)
    total = max(0.0, min(100.0, total))
    value = int(round(total))
    grades = sorted(ruleset.setting(KIND, "grades"), key=lambda g: -g["min"])
    grade = next((g["grade"] for g in grades if value >= g["min"]), grades[-1]["grade"])
    return {"score": value, "grade": grade, "components": comps}
