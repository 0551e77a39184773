"""Reading articles again, the way the audit first read them: the one re-read for everyone.

The corpus stage keeps no article text; when a corpus check or a renderer needs an article
again (and the engine's spool does not hold it), it is read from its source with the same
readers, and prepared as the per-article stage prepared it (``prepare_article``: inline
suppression markers stripped, the headline located). The engine's ``load`` (over the sources
of an audit) and the HTML report rendered from a saved JSON (``auditor.output.html.sources``,
over the paths in the report) both go through ``reread`` and ``prepare_article``.
"""
from __future__ import annotations

from typing import Iterable, Iterator

from ..model import Article, IngestError
from ..rules import RuleSet
from . import IngestOptions, plan_units, read_unit
from .markers import strip_markers
from .prepare import locate_headline


def prepare_article(article: Article, ruleset: RuleSet) -> Article:
    """The article as the checks saw it: marker lines out, the headline located."""
    return locate_headline(strip_markers(article)[0], ruleset)


def reread(sources: Iterable[str], options: IngestOptions,
           units_of: "dict[str, list] | None" = None) -> Iterator[tuple[str, Article]]:
    """(source, article) for every article of ``sources`` that can be read, in the order an
    audit reads them. ``units_of``: the work units to use for a source instead of planning
    them again (stdin, which cannot be read twice: the engine keeps its units). Unreadable
    items are passed over; the caller stops iterating when it has what it wants."""
    for src in sources:
        units = (units_of or {}).get(src)
        for u in (units if units is not None else plan_units([src], options)):
            for a in read_unit(u, options):
                if not isinstance(a, IngestError):
                    yield src, a
