"""Articles prepared for the corpus checks' costly steps: an article with the per-article data
its sketch used (headline reprints, boilerplate lines), from the engine's spool when it kept
one, else read again (``CorpusContext.load``) and scanned again (``sketch_context``).
"""
from __future__ import annotations

from typing import Iterable, Iterator

from ..model import Article
from ..rules import RuleSet
from . import ArticleContext, CorpusContext
from .boilerplate import boilerplate_lines
from .duplicates import headline_repeated


def sketch_context(article: Article, ruleset: RuleSet) -> ArticleContext:
    """The context the per-article stage would have built for the sketch: headline reprints
    and boilerplate lines known (used when an article is re-read in the corpus stage)."""
    ctx = ArticleContext(ruleset=ruleset, record=article.record())
    headline_repeated(article, ctx)
    boilerplate_lines(article, ctx)
    return ctx


def prepared_articles(cctx: CorpusContext, ids: Iterable[str]) -> dict[str, tuple[Article, ArticleContext]]:
    """{id: (article, context)} for the chosen articles, each context holding the headline
    reprints and boilerplate lines of the per-article stage: from the spool when the pipeline
    kept one (no second reading, no second boilerplate scan), else read again and scanned."""
    want = list(dict.fromkeys(ids))
    out: dict[str, tuple[Article, ArticleContext]] = {}
    if cctx.prepared is not None:
        for aid, (art, data) in cctx.prepared(want).items():
            ctx = ArticleContext(ruleset=cctx.ruleset, record=art.record())
            ctx.data.update(data)
            out[aid] = (art, ctx)
    rest = [i for i in want if i not in out]
    if rest:
        for aid, art in cctx.load(rest).items():
            out[aid] = (art, sketch_context(art, cctx.ruleset))
    return out


def iter_prepared(cctx: CorpusContext, ids: Iterable[str],
                  batch: int = 256) -> Iterator[tuple[str, Article, ArticleContext]]:
    """``prepared_articles`` a batch at a time, so that only ``batch`` articles are in memory."""
    want = list(dict.fromkeys(ids))
    for k in range(0, len(want), batch):
        got = prepared_articles(cctx, want[k:k + batch])
        for aid in want[k:k + batch]:
            if aid in got:
                yield aid, *got[aid]
