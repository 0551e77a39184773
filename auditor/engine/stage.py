"""The per-article stage: one article (or one unit of input) through every article check and
every corpus check's fingerprint.

``process_article`` is pure in (article, ruleset), so it runs anywhere: in this process, in
the local pool's workers (``auditor.engine.local``) or on Dask workers
(``auditor.engine.dask_engine``); ``auditor.engine.pipeline`` drives them.
"""
from __future__ import annotations

import os
from time import perf_counter

from ..checks import ArticleContext, load_all
from ..ingest import IngestOptions, read_unit
from ..ingest.markers import strip_markers
from ..ingest.prepare import locate_headline
from ..model import Article, ArticleResult, Finding, IngestError, Severity
from ..rules import RegexTimeout, RuleSet
from ..spool import pack
from . import reliability
from .fields import localise_article
from .suppress import RECORD_KEY, finish_article


def process_article(article: Article, ruleset: RuleSet,
                    timings: dict[str, float] | None = None) -> ArticleResult:
    """Every article check, then every corpus check's fingerprint. Pure in (article, ruleset).

    ``timings``: when given, the seconds each step took are added to it, by step name (the
    check's name; ``fingerprint:`` and the corpus check's name; ``prepare``, ``reliability``,
    ``pack``, ``finish``); ``benchmarks/bench_checks.py`` reads them."""
    t = perf_counter()

    def lap(step: str) -> None:
        nonlocal t
        if timings is not None:
            now = perf_counter()
            timings[step] = timings.get(step, 0.0) + now - t
            t = now

    registry = load_all()
    article, directives = strip_markers(article)
    article = locate_headline(article, ruleset)
    ctx = ArticleContext(ruleset=ruleset, record=article.record())
    lap("prepare")
    for check in registry.article_checks():
        try:
            found = list(check.func(article, ctx) or ())
        except Exception as e:                  # one check failing never stops the run
            ctx.errors.append(check_error(check.name, article, e))
            found = []
        ctx.findings.extend(f for f in found if ruleset.rule_enabled(f.rule))
        lap(check.name)
    ctx.record["reliability"] = reliability.score(ctx.record, ctx.findings, ruleset)
    lap("reliability")
    fingerprints = {}
    for check in registry.corpus_checks():
        try:
            fingerprints[check.name] = check.fingerprint(article, ctx)
        except Exception as e:
            ctx.errors.append(check_error(check.name, article, e))
        lap("fingerprint:" + check.name)
    stored = pack(article, ctx.data) if fingerprints else None
    lap("pack")
    for f in ctx.findings:
        apply_overrides(f, ruleset)
    ctx.findings = finish_article(article, ctx.findings, ctx.record, directives)
    ctx.findings.sort(key=Finding.sort_key)
    # the report's spans of a JSON record index the record's title or text (auditor.engine.fields)
    fields = article.fields
    localise_article(article.id, fields, ctx.record, ctx.findings, skip=(RECORD_KEY,))
    lap("finish")
    return ArticleResult(ctx.record, ctx.findings, fingerprints, ctx.errors, stored,
                         fields=fields)


def add_timings(total: dict[str, float], more: dict[str, float]) -> None:
    """Add the seconds of ``more`` to ``total``, step by step."""
    for step, secs in more.items():
        total[step] = total.get(step, 0.0) + secs


def check_error(name: str, article: Article, e: Exception) -> IngestError:
    """The error entry for a check that could not finish on one article."""
    if isinstance(e, RegexTimeout):
        return IngestError(article.path, f"{name} skipped on {article.id}: {e}", "rule-timeout")
    where = ""
    tb = e.__traceback__
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))     # the auditor package
    while tb is not None:              # the innermost frame in auditor's own code
        if os.path.abspath(tb.tb_frame.f_code.co_filename).startswith(here):
            where = f" ({os.path.relpath(tb.tb_frame.f_code.co_filename, here)}:{tb.tb_lineno})"
        tb = tb.tb_next
    return IngestError(article.path, f"check {name} failed on {article.id}: "
                                     f"{type(e).__name__}: {e}{where}", "check-error")


def apply_overrides(f: Finding, ruleset: RuleSet) -> None:
    sev = ruleset.severity_overrides.get(f.rule) or ruleset.severity_overrides.get(f"{f.family}.*")
    if sev:
        f.severity = Severity.parse(sev)


def process_unit(unit, ruleset: RuleSet, ingest: IngestOptions,
                 timed: bool = False) -> list[ArticleResult | IngestError]:
    """Read one unit of input and run the per-article stage on each of its articles.

    ``timed``: each article's result carries the seconds of its steps (``timings``), ``read``
    among them: reading and parsing it."""
    out: list[ArticleResult | IngestError] = []
    t = perf_counter()
    for item in read_unit(unit, ingest):
        if isinstance(item, IngestError):
            out.append(item)
        else:
            timings = {"read": perf_counter() - t} if timed else None
            res = process_article(item, ruleset, timings)
            res.timings = timings
            out.append(res)
        t = perf_counter()
    return out
