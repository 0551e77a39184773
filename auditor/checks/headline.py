"""Sensational headline style: labels (BREAKING), words (Shocking), phrases
("you won't believe"), shapes (exclamation marks, all-caps runs), all from the
``headline`` rule pack. One finding per headline naming every match."""
from __future__ import annotations

from ..model import Article, Finding
from ..rules import entry_regex, finditer
from . import REGISTRY, ArticleContext

KIND = "headline"


@REGISTRY.article("headline.sensational", order=20)
def sensational(article: Article, ctx: ArticleContext):
    head = article.headline
    entries = ctx.ruleset.entries(KIND)
    if head is None or not entries:
        return []
    settings = ctx.ruleset.settings(KIND)
    matches = []
    score = 0.0
    for e in entries:
        hits = finditer(entry_regex(e), article.text, head.start, head.end)
        if not hits:
            continue
        score += float(e.get("weight", 1))
        for m in hits:
            matches.append({"entry": e["id"], "category": e["category"],
                            "text": m.group(0), "start": m.start(), "end": m.end(),
                            "name": e.get("name")})
    if not matches or score < float(settings.get("min_score", 1)):
        return []
    names = []
    for m in matches:
        label = m["name"] or m["text"].strip()
        label = f"'{label}'" if not m["name"] else label
        if label not in names:
            names.append(label)
    return [Finding.at(
        article, "headline.sensational", settings.get("severity", "warning"), head.start, head.end,
        f"Sensational headline: {', '.join(names)}.",
        evidence={"score": score, "matches": matches})]
