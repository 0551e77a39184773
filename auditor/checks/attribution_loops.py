"""Circular sourcing across the corpus: outlets that cite each other for the same story.

``attribution.circular`` on one article (an outlet citing itself inside one chain) is found
by :mod:`.attribution`. This corpus check finds the loop that only shows across articles:
outlet A's article relays outlet B, and B's article about the same story relays A (or
A -> B -> C -> A). Each side then looks confirmed by the other while the claim may rest on
nobody else.

Per article the fingerprint keeps the publishing outlet (its registry name when the
``outlets`` pack knows it), the outlets its chains cite with the span of each citation, the
publication date (or the start of the inferred window) and a small set of the names the
article mentions (capitalised words). Two articles count as the same story when their dates
are at most ``window_days`` apart and they share at least ``min_shared_names`` names. Cycles of
up to ``max_cycle`` outlets are reported once, with a finding on every article of the cycle at
the place where it cites the next outlet, and the other articles' citations as related spans.
Settings: ``corpus_loops`` in the ``attribution`` pack.
"""
from __future__ import annotations

import re
from collections import Counter
from datetime import date
from typing import Any

from ..model import Article, Finding, Severity
from . import REGISTRY, ArticleContext, CorpusContext, CorpusItem, CorpusOutput
from .attribution import KIND, rules_for
from .attribution.check import CIRCULAR

_CAP = re.compile(r"(?<![\w'-])[A-Z][\w'-]{2,}")
_LOWER = re.compile(r"(?<![\w'-])[a-z][\w'-]{2,}")
_MAX_NAMES = 40


def _settings(ruleset) -> dict[str, Any]:
    return {k: ruleset.setting(KIND, "corpus_loops", k)
            for k in ("window_days", "min_shared_names", "max_cycle")}


def _outlet_name(R, raw: str | None) -> str | None:
    """The registry name of a publishing outlet ("CNN (Web News)" -> "CNN"), else the raw name."""
    if not raw:
        return None
    o = R.outlet_by_alias.get(raw)
    if o is None and R.outlet_rx is not None:
        m = R.outlet_rx.search(raw)
        if m is not None and m.start() == 0:
            o = R.outlet_by_alias.get(m.group(0))
    return (o.get("name") if o else raw.strip()) or None


def _date(record: dict[str, Any]) -> str | None:
    pub = record.get("published") or {}
    value = pub.get("value") or (pub.get("window") or {}).get("start")
    return str(value)[:10] if value else None


def loops_fingerprint(article: Article, ctx: ArticleContext) -> dict[str, Any] | None:
    R = rules_for(ctx.ruleset)
    own = _outlet_name(R, article.outlet)
    chains = ctx.record.get("chains") or []
    if not own or not chains:
        return None
    by_id = {a["id"]: a for a in ctx.record.get("attributions") or ()}
    cites: dict[str, tuple] = {}
    outlets = {own.casefold()}
    for ch in chains:
        for node in ch.get("nodes", ()):
            if node.get("kind") != "outlet" or not node.get("name"):
                continue
            key = node["name"].casefold()
            outlets.add(key)
            a = by_id.get(node.get("attribution"))
            if key == own.casefold() or key in cites or a is None:
                continue
            src = a["source"]
            anchor = article.span(src["start"], src["end"])
            cites[key] = (node["name"], src["start"], src["end"], anchor.line, anchor.column, anchor.text)
    if not cites:
        return None
    lower = set(_LOWER.findall(article.text))      # "The", "But": words also written in lower case
    words = Counter(w for w in (x.casefold() for x in _CAP.findall(article.text))
                    if w not in lower and w not in outlets)
    names = sorted(w for w, _ in words.most_common(_MAX_NAMES))
    return {"outlet": own, "cites": list(cites.values()), "date": _date(ctx.record), "names": names}


def _day(value: str | None) -> int | None:
    try:
        return date.fromisoformat(value).toordinal() if value else None
    except ValueError:
        return None


def loops_run(items: list[CorpusItem], cctx: CorpusContext) -> CorpusOutput:
    out = CorpusOutput()
    fps = [(it.record, it.fingerprint) for it in items if it.fingerprint]
    if len(fps) < 2:
        return out
    st = _settings(cctx.ruleset)
    R = rules_for(cctx.ruleset)
    sev = Severity.parse(R.settings.get("severity", {}).get("circular", CIRCULAR.severity))
    w = st["window_days"]
    days = [_day(fp["date"]) for _, fp in fps]
    by_outlet_day: dict[tuple[str, int], list[int]] = {}     # undated articles take no part
    for i, (_, fp) in enumerate(fps):
        if days[i] is not None:
            by_outlet_day.setdefault((fp["outlet"].casefold(), days[i]), []).append(i)
    names = [set(fp["names"]) for _, fp in fps]

    def cites(i: int):
        """(j, citation) for each article j of an outlet that article i cites, on the same story
        (published at most ``window_days`` apart, sharing ``min_shared_names`` names)."""
        if days[i] is None:
            return
        for c in fps[i][1]["cites"]:
            for d in range(days[i] - w, days[i] + w + 1):
                for j in by_outlet_day.get((c[0].casefold(), d), ()):
                    if j != i and len(names[i] & names[j]) >= st["min_shared_names"]:
                        yield j, c

    seen: set[tuple[int, ...]] = set()
    cycles: list[list[tuple[int, tuple]]] = []

    def walk(i: int, path: list[tuple[int, tuple]], start: int) -> None:
        """Extend ``path`` (article, its citation of the next) from article ``i``; a ring is
        recorded once, from its lowest-numbered article."""
        for j, c in cites(i):
            step = path + [(i, c)]
            if j == start:
                members = tuple(sorted(k for k, _ in step))
                outlets = {fps[k][1]["outlet"].casefold() for k, _ in step}
                if len(outlets) == len(step) and members not in seen:
                    seen.add(members)
                    cycles.append(step)
            elif len(step) < st["max_cycle"] and j > start and j not in {k for k, _ in step}:
                walk(j, step, start)

    for i in range(len(fps)):
        walk(i, [], i)
    for cycle in cycles:
        ring = " -> ".join([fps[k][1]["outlet"] for k, _ in cycle] + [fps[cycle[0][0]][1]["outlet"]])
        spans = [{"article": fps[k][0]["id"], "start": c[1], "end": c[2], "line": c[3], "column": c[4],
                  "text": c[5]} for k, c in cycle]
        for n, (k, c) in enumerate(cycle):
            nxt = fps[cycle[(n + 1) % len(cycle)][0]][0]["id"]
            out.findings.append(Finding(
                CIRCULAR.id, sev, fps[k][0]["id"], c[3], c[4], c[1], c[2], c[5],
                f"Circular sourcing across the corpus: {fps[k][1]['outlet']} cites {c[0]} here, and the "
                f"{c[0]} article {nxt}, on the same story, leads back to {fps[k][1]['outlet']} ({ring}).",
                [s for s in spans if s["article"] != fps[k][0]["id"]],
                {"scope": "corpus", "cycle": ring, "articles": [fps[x][0]["id"] for x, _ in cycle],
                 "window_days": st["window_days"]}))
    return out


REGISTRY.corpus("attribution.loops", loops_fingerprint, loops_run, order=50)
