"""Sensational headline style: labels (BREAKING), words (Shocking), phrases
("you won't believe"), shapes (exclamation marks, all-caps runs), all from the
``headline`` rule pack. One finding per headline naming every match."""
from __future__ import annotations

from ..model import Article, Finding
from ..rules import entry_regex, finditer
from . import REGISTRY, ArticleContext
from .declarations import Family, Rule, declare

KIND = "headline"

SENSATIONAL = Rule(
    "headline.sensational", "warning", name="SensationalHeadline",
    help='The headline is written in a sensational style.',
    explain=('The headline uses labels such as BREAKING, loaded words, exclamation marks or '
             'all-caps runs. The evidence lists each device found. Rewrite the headline to '
             'state the news plainly.'))
FAMILY = Family(
    "headline", order=60, colour=True,
    help='Headline style.',
    explain='The headline uses the devices of sensational writing. Rewrite it plainly.')
RULES = declare(FAMILY, SENSATIONAL)


@REGISTRY.article(SENSATIONAL.id, order=20)
def sensational(article: Article, ctx: ArticleContext):
    head = article.headline
    entries = ctx.ruleset.entries(KIND)
    if head is None or not entries:
        return []
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
    if not matches or score < float(ctx.ruleset.setting(KIND, "min_score")):
        return []
    names = []
    for m in matches:
        label = m["name"] or m["text"].strip()
        label = f"'{label}'" if not m["name"] else label
        if label not in names:
            names.append(label)
    return [Finding.at(
        article, SENSATIONAL.id, ctx.ruleset.setting(KIND, "severity"),
        head.start, head.end,
        f"Sensational headline: {', '.join(names)}.",
        evidence={"score": score, "matches": matches})]
