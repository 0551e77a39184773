"""The check registry. Each family module registers its checks here; the pipeline
iterates the registry and never names a check.

* An **article check** is a pure function ``(article, ctx) -> Iterable[Finding]``.
  ``ctx.findings`` holds what earlier checks found for the same article and
  ``ctx.record`` is the article's report entry, where a check may add data
  (attributions, chains, the publication date, the reliability score).
* A **corpus check** has ``fingerprint(article, ctx)``, run in the per-article
  stage and returning something small and picklable, and
  ``run(items, cctx) -> CorpusOutput`` run once over all fingerprints.

A corpus check reaches an archive of articles seen before only through
``cctx.archive`` (an ``ArchiveReader``, or None): the engine opens it
(``auditor.archive.open_reader``) and closes it after the corpus stage, so
no check imports the archive (the archive imports the checks, for their
fingerprints).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Protocol, Sequence

from ..model import Article, Cluster, Finding, IngestError
from ..rules import RuleSet


@dataclass
class ArticleContext:
    ruleset: RuleSet
    findings: list[Finding] = field(default_factory=list)
    record: dict[str, Any] = field(default_factory=dict)
    errors: list[IngestError] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)      # scratch shared between checks


@dataclass
class CorpusItem:
    record: dict[str, Any]      # the article's report entry (id, path, outlet, published, ...)
    fingerprint: Any


class ArchiveReader(Protocol):
    """What the corpus checks read from an archive (``auditor.archive.store`` implements it).

    Keys are the archive's integer article keys; ``get`` returns archived articles with
    ``id``, ``path``, ``published``, ``n_passages``, ``article()`` (the Article rebuilt) and
    ``context(ruleset)`` (its sketch context)."""

    def lookup_band_keys(self, keys: Sequence[int]) -> list[tuple[int, int]]: ...
    def lookup_headline_keys(self, keys: Sequence[int]) -> list[tuple[int, int]]: ...
    def lookup_passages(self, hashes: Sequence[int]) -> list[tuple[int, int]]: ...
    def line_counts(self, outlet: str | None, hashes: Sequence[int]) -> dict[int, int]: ...
    def signatures(self, keys: Sequence[int]) -> dict[int, Any]: ...
    def get(self, keys: Sequence[int]) -> dict[int, Any]: ...


@dataclass
class CorpusContext:
    ruleset: RuleSet
    load: Callable[[Iterable[str]], dict[str, Article]]   # re-read chosen articles by id
    options: dict[str, Any] = field(default_factory=dict)
    # Optional: chosen articles with the per-article data the sketches used ({id: (article,
    # data)}, data holding ``boilerplate_lines`` and ``headline_repeats``), from the spool the
    # pipeline keeps (auditor.spool); see ``auditor.checks._prepared``.
    prepared: Callable[[Iterable[str]], dict[str, tuple[Article, dict[str, Any]]]] | None = None
    # Optional: ``map(fn, items)`` that may run ``fn`` in other processes (forked from this
    # one, so ``fn`` may be a closure over the stage's state), results in the items' order;
    # see ``parallel_map``.
    map: Callable[[Callable[[Any], Any], Iterable[Any]], Iterable[Any]] | None = None
    # The archive of articles seen before (``--archive``), opened by the engine; None without.
    # ``options["archive"]`` keeps its path, for the findings' evidence.
    archive: ArchiveReader | None = None


def parallel_map(cctx: CorpusContext, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
    """``fn`` over ``items``, results in order: on the pipeline's worker processes when it
    gave the corpus stage some (``CorpusContext.map``), else here. ``fn`` must not change the
    state it closes over (a worker's changes stay in the worker) and must return picklable
    results."""
    if cctx.map is None:
        return map(fn, items)
    return iter(cctx.map(fn, items))


@dataclass
class CorpusOutput:
    findings: list[Finding] = field(default_factory=list)
    clusters: list[Cluster] = field(default_factory=list)


@dataclass(frozen=True)
class ArticleCheck:
    name: str
    func: Callable[[Article, ArticleContext], Iterable[Finding]]
    order: int = 50


@dataclass(frozen=True)
class CorpusCheck:
    name: str
    fingerprint: Callable[[Article, ArticleContext], Any]
    run: Callable[[list[CorpusItem], CorpusContext], CorpusOutput]
    order: int = 50
    # Optional: the keys of a fingerprint whose sharing makes two articles candidates (LSH band
    # keys). An engine that can (Dask) groups them by a shuffle on the cluster and hands the
    # candidate pairs of article ids to ``run`` in ``cctx.options["candidates"][name]``.
    shuffle_keys: Callable[[Any], Iterable[int]] | None = None


class Registry:
    def __init__(self) -> None:
        self._article: dict[str, ArticleCheck] = {}
        self._corpus: dict[str, CorpusCheck] = {}

    def article(self, name: str, order: int = 50):
        """Decorator: register an article check under ``name``."""
        def deco(func):
            self._article[name] = ArticleCheck(name, func, order)
            return func
        return deco

    def corpus(self, name: str, fingerprint, run, order: int = 50, shuffle_keys=None) -> None:
        self._corpus[name] = CorpusCheck(name, fingerprint, run, order, shuffle_keys)

    def article_checks(self) -> list[ArticleCheck]:
        return sorted(self._article.values(), key=lambda c: (c.order, c.name))

    def corpus_checks(self) -> list[CorpusCheck]:
        return sorted(self._corpus.values(), key=lambda c: (c.order, c.name))

    def names(self) -> Iterator[str]:
        yield from (c.name for c in self.article_checks())
        yield from (c.name for c in self.corpus_checks())


REGISTRY = Registry()


_LOADED = False


def load_all() -> Registry:
    """Import every family module (once) so that each registers its checks."""
    global _LOADED
    if not _LOADED:
        import importlib
        import pkgutil
        for mod in pkgutil.iter_modules(__path__):
            if not mod.name.startswith("_"):
                importlib.import_module(f"{__name__}.{mod.name}")
        _LOADED = True
    return REGISTRY
