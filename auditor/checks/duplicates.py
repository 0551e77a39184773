"""Inside one article: the headline printed again, and repeated lines.

``duplicate.headline``: a line near the top whose normalised key equals the
headline's (or is at least ``headline_similarity`` alike) is the headline
printed twice; the finding points at the repeat and relates the first.
``duplicate.line``: any other line printed again, exactly after normalisation,
or (for lines of ``min_fuzzy_chars`` or more) at least ``line_similarity`` alike.
"""
from __future__ import annotations

from rapidfuzz import fuzz
from rapidfuzz.process import extractOne

from ..model import HEADLINE_REPEATS, Article, Finding
from ..text import norm_key, norm_keys
from . import REGISTRY, ArticleContext
from .declarations import Family, Rule, declare

KIND = "duplicates"


# -- the rule ids this family emits (nearduplicates.py declares the corpus ones) --
HEADLINE = Rule(
    "duplicate.headline", "warning",
    help='The headline is printed again in the text.',
    explain=('The headline appears a second time in the article body (perhaps with other '
             'dashes, quotes, spacing or case). Usually a copy-and-paste slip from the CMS: '
             'delete the repeated line.'))
LINE = Rule(
    "duplicate.line", "warning",
    help='A line of the body is printed again in the same article.',
    explain=('A paragraph or line repeats an earlier one exactly or nearly exactly. Delete the'
             ' copy unless the repetition is intended (then suppress it with <!-- '
             'auditor-disable-next-line duplicate.line -- reason -->).'))
FAMILY = Family(
    "duplicate", order=10, colour=True,
    help='Text printed twice: inside one article, across the corpus or against the archive.',
    explain='A production slip repeated a headline or a line. Delete the repeated copy.')
RULES = declare(FAMILY, HEADLINE, LINE)


def _entry(ctx: ArticleContext, eid: str) -> dict | None:
    for e in ctx.ruleset.entries(KIND):
        if e["id"] == eid:
            return e
    return None


def line_keys(article: Article, ctx: ArticleContext) -> list[str]:
    """``norm_key`` of every line of the article, computed once per article."""
    keys = ctx.data.get("line_keys")
    if keys is None:
        keys = ctx.data["line_keys"] = norm_keys([ln.text for ln in article.lines])
    return keys


@REGISTRY.article(HEADLINE.id, order=10)
def headline_repeated(article: Article, ctx: ArticleContext):
    entry = _entry(ctx, "headline")
    head = article.headline
    if entry is None or head is None:
        return []
    threshold = ctx.ruleset.setting(KIND, "headline_similarity")
    window = ctx.ruleset.setting(KIND, "headline_window")
    key = norm_key(head.text)
    if not key:
        return []
    out = []
    near = article.lines[head.index + 1: head.index + 1 + window]
    for ln, other in zip(near, norm_keys([ln.text for ln in near])):
        score = 100.0 if other == key else fuzz.ratio(key, other)
        if score >= threshold:
            how = "identical" if head.text == ln.text else (
                "identical after normalising punctuation, quotes, dashes, spacing and case"
                if other == key else f"{score:.0f}% alike")
            out.append(Finding.at(
                article, HEADLINE.id, entry["severity"], ln.start, ln.end,
                f"Headline printed twice: line {ln.file_line} repeats the headline on line "
                f"{head.file_line} ({how}).",
                related=[article.span(head.start, head.end)],
                evidence={"similarity": round(score, 1), "headline_line": head.file_line}))
            ctx.data.setdefault(HEADLINE_REPEATS, set()).add(ln.index)
    return out


@REGISTRY.article(LINE.id, order=11)
def repeated_lines(article: Article, ctx: ArticleContext):
    entry = _entry(ctx, "line")
    if entry is None:
        return []
    threshold = ctx.ruleset.setting(KIND, "line_similarity")
    min_fuzzy = ctx.ruleset.setting(KIND, "min_fuzzy_chars")
    skip = set(ctx.data.get(HEADLINE_REPEATS, ()))
    if article.title_line is not None:
        skip.add(article.title_line)
    seen: dict[str, int] = {}          # exact key -> index of first line
    long_keys: list[str] = []
    long_idx: list[int] = []
    out = []
    keys = line_keys(article, ctx)
    for ln in article.lines:
        if ln.index in skip:
            continue
        key = keys[ln.index]
        if not key:
            continue
        first, score = seen.get(key), 100.0
        if first is None and len(key) >= min_fuzzy and long_keys:
            best = extractOne(key, long_keys, scorer=fuzz.ratio, score_cutoff=threshold)
            if best is not None:
                first, score = long_idx[best[2]], best[1]
        if first is None:
            seen[key] = ln.index
            if len(key) >= min_fuzzy:
                long_keys.append(key)
                long_idx.append(ln.index)
            continue
        orig = article.lines[first]
        how = "exactly" if score == 100.0 else f"{score:.0f}% alike"
        if orig.file_line != ln.file_line:
            msg = f"Line {ln.file_line} repeats line {orig.file_line} ({how})."
        else:       # a JSON record: every line of its text is on one line of the file
            at, was = (article.text.count("\n", 0, x.start) + 1 for x in (ln, orig))
            msg = f"Line {at} of the article's text repeats its line {was} ({how})."
        out.append(Finding.at(
            article, LINE.id, entry["severity"], ln.start, ln.end, msg,
            related=[article.span(orig.start, orig.end)],
            evidence={"similarity": round(score, 1), "first_line": orig.file_line}))
    return out
