"""Rule-aware touches to a freshly read article, before the checks run.

Readers take the first non-blank line as the headline; scraped pages often
open with navigation ("Menu Close") or a section label ("International"). When
the headline did not come from metadata, leading lines matching the headline
pack's ``not_headline`` patterns are passed over.
"""
from __future__ import annotations

import dataclasses

from ..model import Article
from ..rules import RuleSet, compile_pattern, search

MAX_SKIP = 3


def locate_headline(article: Article, ruleset: RuleSet) -> Article:
    if article.meta.get("headline_from") or article.title_line != 0 or len(article.lines) < 2:
        return article
    patterns = ruleset.settings("headline").get("not_headline") or []
    if not patterns:
        return article
    rxs = [compile_pattern(rf"^\s*(?:{p})\s*[.:|>]*\s*$", ["ignorecase"]) for p in patterns]
    idx = 0
    while idx < min(MAX_SKIP, len(article.lines) - 1):
        text = article.lines[idx].text
        if any(search(rx, text) for rx in rxs):
            idx += 1
        else:
            break
    if idx == 0:
        return article
    meta = dict(article.meta)
    meta["skipped_leading_lines"] = idx
    return dataclasses.replace(article, title=article.lines[idx].text, title_line=idx,
                               body_start=idx + 1, meta=meta)
