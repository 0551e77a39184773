"""audit(sources, ruleset, options) -> AuditResult.

Articles stream from the readers through the per-article stage (serially or
in a process pool, results kept in input order), leaving a report entry,
findings and small fingerprints per article; the corpus checks then run over
the fingerprints. Output is identical whatever the number of jobs.
"""
from __future__ import annotations

import multiprocessing as mp
import os
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator

from . import TOOL_NAME, __version__
from .checks import ArticleContext, CorpusContext, CorpusItem, load_all
from .ingest import IngestOptions, iter_sources
from .model import Article, ArticleResult, AuditResult, Finding, IngestError, Severity
from .prepare import locate_headline
from .rules import RegexTimeout, RuleSet


@dataclass
class AuditOptions:
    jobs: int = 1
    ingest: IngestOptions = field(default_factory=IngestOptions)
    chunksize: int = 16
    progress: Callable[[int], None] | None = None      # called with the count of articles done
    stdin: Any = None


# -- per-article stage --------------------------------------------------------------
def process_article(article: Article, ruleset: RuleSet) -> ArticleResult:
    """Every article check, then every corpus check's fingerprint. Pure in (article, ruleset)."""
    registry = load_all()
    article = locate_headline(article, ruleset)
    ctx = ArticleContext(ruleset=ruleset, record=article.record())
    for check in registry.article_checks():
        try:
            found = list(check.func(article, ctx) or ())
        except RegexTimeout as e:
            ctx.errors.append(IngestError(article.path, f"{check.name} skipped on {article.id}: {e}",
                                          "rule-timeout"))
            continue
        ctx.findings.extend(f for f in found if ruleset.rule_enabled(f.rule))
    fingerprints = {}
    for check in registry.corpus_checks():
        try:
            fingerprints[check.name] = check.fingerprint(article, ctx)
        except RegexTimeout as e:
            ctx.errors.append(IngestError(article.path, f"{check.name} skipped on {article.id}: {e}",
                                          "rule-timeout"))
    for f in ctx.findings:
        apply_overrides(f, ruleset)
    ctx.findings.sort(key=Finding.sort_key)
    return ArticleResult(ctx.record, ctx.findings, fingerprints, ctx.errors)


def apply_overrides(f: Finding, ruleset: RuleSet) -> None:
    sev = ruleset.severity_overrides.get(f.rule) or ruleset.severity_overrides.get(f"{f.family}.*")
    if sev:
        f.severity = Severity.parse(sev)


_WORKER_RULESET: RuleSet | None = None


def _init_worker(ruleset: RuleSet) -> None:
    global _WORKER_RULESET
    _WORKER_RULESET = ruleset
    load_all()


def _work(article: Article) -> ArticleResult:
    assert _WORKER_RULESET is not None
    return process_article(article, _WORKER_RULESET)


def _articles_and_errors(stream: Iterable[Article | IngestError], errors: list[IngestError],
                         seen_ids: dict[str, int]) -> Iterator[Article]:
    """Articles only; errors go to ``errors``; repeated ids get a ``#n`` suffix."""
    import dataclasses
    for item in stream:
        if isinstance(item, IngestError):
            errors.append(item)
            continue
        n = seen_ids.get(item.id, 0) + 1
        seen_ids[item.id] = n
        if n > 1:
            errors.append(IngestError(item.path, f"article id {item.id!r} seen before; this one is "
                                                 f"audited as {item.id}#{n}", "duplicate-id"))
            item = dataclasses.replace(item, id=f"{item.id}#{n}")
        yield item


def run_article_stage(articles: Iterator[Article], ruleset: RuleSet,
                      options: AuditOptions) -> Iterator[ArticleResult]:
    jobs = max(1, options.jobs or 1)
    if jobs == 1:
        load_all()
        for a in articles:
            yield process_article(a, ruleset)
        return
    ctx = mp.get_context("fork") if hasattr(os, "fork") else mp.get_context()
    with ctx.Pool(jobs, initializer=_init_worker, initargs=(ruleset,)) as pool:
        yield from pool.imap(_work, articles, chunksize=options.chunksize)


# -- the whole audit ----------------------------------------------------------------
def audit(sources: list[str], ruleset: RuleSet, options: AuditOptions | None = None) -> AuditResult:
    options = options or AuditOptions()
    errors: list[IngestError] = []
    seen_ids: dict[str, int] = {}
    stdin_cache: dict[str, Article] = {}

    def stream() -> Iterator[Article]:
        for a in _articles_and_errors(iter_sources(sources, options.ingest, options.stdin),
                                      errors, seen_ids):
            if a.path == "<stdin>":
                stdin_cache[a.id] = a
            yield a

    records: list[dict[str, Any]] = []
    findings: list[Finding] = []
    items: dict[str, list[CorpusItem]] = {}
    order: dict[str, int] = {}
    for n, res in enumerate(run_article_stage(stream(), ruleset, options), 1):
        order[res.record["id"]] = len(records)
        records.append(res.record)
        findings.extend(res.findings)
        errors.extend(res.errors)
        for name, fp in res.fingerprints.items():
            items.setdefault(name, []).append(CorpusItem(res.record, fp))
        if options.progress:
            options.progress(n)

    def load(ids: Iterable[str]) -> dict[str, Article]:
        """Read the chosen articles again (the corpus stage keeps no text)."""
        wanted = set(ids)
        out = {i: stdin_cache[i] for i in wanted if i in stdin_cache}
        wanted -= set(out)
        if wanted:
            again: dict[str, int] = {}
            for a in _articles_and_errors(iter_sources([s for s in sources if s != "-"],
                                                       options.ingest), [], again):
                if a.id in wanted:
                    out[a.id] = locate_headline(a, ruleset)
                    wanted.discard(a.id)
                    if not wanted:
                        break
        return out

    clusters = []
    cctx = CorpusContext(ruleset=ruleset, load=load)
    for check in load_all().corpus_checks():
        out = check.run(items.get(check.name, []), cctx)
        for f in out.findings:
            if ruleset.rule_enabled(f.rule):
                apply_overrides(f, ruleset)
                findings.append(f)
        clusters.extend(out.clusters)

    findings.sort(key=lambda f: (order.get(f.article, len(order)),) + f.sort_key())
    return AuditResult(
        tool={"name": TOOL_NAME, "version": __version__},
        articles=records, findings=findings, clusters=clusters, errors=errors,
    )
