"""audit(sources, ruleset, options) -> AuditResult.

Articles stream from the readers through the per-article stage (serially or
in a process pool, results kept in input order), leaving a report entry,
findings and small fingerprints per article; the corpus checks then run over
the fingerprints. Output is identical whatever the number of jobs.
"""
from __future__ import annotations

import dataclasses
import gc
import multiprocessing as mp
import os
from dataclasses import dataclass, field
from time import perf_counter
from typing import Any, Callable, Iterable, Iterator

from . import TOOL_NAME, __version__, reliability
from .checks import ArticleContext, CorpusContext, CorpusItem, load_all
from .fields import localise_article, localise_findings
from .ingest import IngestOptions, count_jsonl_files, plan_units, read_unit
from .model import Article, ArticleResult, AuditResult, Finding, IngestError, Severity
from .parallel import fork_map
from .prepare import locate_headline
from .rules import RegexTimeout, RuleSet
from .spool import ArticleSpool, FindingStore, SpooledList, pack
from .suppress import RECORD_KEY, finish_article, finish_corpus, strip_markers


@dataclass
class AuditOptions:
    jobs: int = 1
    ingest: IngestOptions = field(default_factory=IngestOptions)
    chunksize: int = 4             # units per process-pool task
    # Called with the count of articles done. When it also has ``phase(desc, total, unit)``
    # (``auditor.progress.Progress``), it is told when the corpus checks start and is then
    # called with the count of corpus checks done.
    progress: Callable[[int], None] | None = None
    stdin: Any = None
    engine: str = "local"          # local (serial or process pool) | dask
    scheduler: str | None = None   # dask.distributed scheduler address; None: a local cluster
    archive: str | None = None     # archive DB (auditor.archive) the corpus checks compare against
    # When a dict: the seconds each step took are added to it (``--timings``). Per-article steps
    # (``process_article``'s names, and ``read`` for reading and parsing) are summed over the
    # articles and the processes that ran them; ``corpus:<check>`` is each corpus check's run.
    timings: dict[str, float] | None = None


# -- per-article stage --------------------------------------------------------------
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
    # the report's spans of a JSON record index the record's title or text (auditor.fields)
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
    here = os.path.dirname(os.path.abspath(__file__))
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


_WORKER: dict[str, Any] = {}


def _init_worker(ruleset: RuleSet, ingest: IngestOptions, timed: bool = False) -> None:
    _WORKER["ruleset"], _WORKER["ingest"], _WORKER["timed"] = ruleset, ingest, timed
    load_all()


def _work(unit) -> list[ArticleResult | IngestError]:
    out = process_unit(unit, _WORKER["ruleset"], _WORKER["ingest"], _WORKER["timed"])
    if not _WORKER.get("frozen"):
        # the knowledge base and compiled rules, loaded by the first unit, live as long as the
        # worker: out of the cyclic collector's way, it does not walk them again and again
        gc.freeze()
        _WORKER["frozen"] = True
    return out


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


def run_article_stage(units: Iterable, ruleset: RuleSet, options: AuditOptions,
                      engine_out: dict | None = None) -> Iterator[ArticleResult | IngestError]:
    """Results of every unit, in input order, on the engine the options name.

    An engine may leave more in ``engine_out`` (Dask: candidate pairs grouped on the cluster,
    as ordinals of the article results).
    """
    if options.engine == "dask":
        from .dask_engine import run_units
        yield from run_units(units, ruleset, options, engine_out if engine_out is not None else {})
        return
    jobs = max(1, options.jobs or 1)
    if jobs == 1:
        load_all()
        for unit in units:
            yield from process_unit(unit, ruleset, options.ingest, options.timings is not None)
        return
    ctx = mp.get_context("fork") if hasattr(os, "fork") else mp.get_context()
    with ctx.Pool(jobs, initializer=_init_worker,
                  initargs=(ruleset, options.ingest, options.timings is not None)) as pool:
        for batch in pool.imap(_work, units, chunksize=options.chunksize):
            yield from batch


# report-entry keys only the report needs; the corpus checks get the entry without them
REPORT_ONLY = ("attributions", "chains", "reliability")


def corpus_record(record: dict[str, Any]) -> dict[str, Any]:
    """The part of an article's report entry the corpus checks read (id, path, outlet, title,
    dates, ...), without the attribution records and scores that make up most of its size."""
    return {k: v for k, v in record.items() if k not in REPORT_ONLY}


def _rename(res: ArticleResult, new_id: str) -> None:
    """Give an article (seen before under the same id) its new id everywhere."""
    old = res.record["id"]
    res.record["id"] = new_id
    for f in res.findings:
        f.article = new_id
        for r in f.related:
            if r.get("article") == old:
                r["article"] = new_id


# -- the whole audit ----------------------------------------------------------------
FREEZE_EVERY = 1000     # articles between two gc.freeze() calls of the main process


def audit(sources: list[str], ruleset: RuleSet, options: AuditOptions | None = None) -> AuditResult:
    """Audit every article of ``sources``: the per-article stage, then the corpus checks.

    What the main process keeps for the corpus checks (fingerprints, slim entries) grows with
    the corpus and lives to the end, so it is frozen out of the cyclic garbage collector's
    generations as it comes (``gc.freeze``; each full collection would walk all of it again,
    a few seconds per 10,000 articles) and handed back at the end. Forked corpus-stage
    workers then share those pages with the main process instead of copying them. A caller
    that freezes objects itself is left to do so: nothing is frozen or unfrozen then."""
    if gc.get_freeze_count():
        return _audit(sources, ruleset, options, freeze=False)
    try:
        return _audit(sources, ruleset, options, freeze=True)
    finally:
        gc.unfreeze()


def _audit(sources: list[str], ruleset: RuleSet, options: AuditOptions | None,
           freeze: bool) -> AuditResult:
    options = options or AuditOptions()
    errors: list[IngestError] = []
    seen_ids: dict[str, int] = {}
    stdin_units: list = []

    def units():
        whole = False
        if options.engine == "dask":
            # Enough shards: each worker reads its own (through fsspec); else split them here.
            whole = count_jsonl_files(sources, options.ingest) >= 2 * max(1, options.jobs or 1)
        for u in plan_units(sources, options.ingest, options.stdin, whole_jsonl=whole):
            if getattr(u, "path", None) == "<stdin>":
                stdin_units.append(u)
            yield u

    # report entries and findings wait on disk for the report writers; memory keeps the
    # fingerprints, a slim entry per article for the corpus checks, and suppression directives
    records = SpooledList()
    findings = FindingStore()
    ids: list[str] = []
    directives: dict[str, tuple[str, list[dict[str, Any]]]] = {}
    items: dict[str, list[CorpusItem]] = {}
    n = 0
    engine_out: dict[str, Any] = {}
    spool = ArticleSpool()          # the articles, packed on disk, for the corpus stage
    # JSON records' field maps (auditor.fields), for the corpus stage's findings on them
    field_maps: dict[str, Any] = {}
    for res in run_article_stage(units(), ruleset, options, engine_out):
        if isinstance(res, IngestError):
            errors.append(res)
            continue
        aid = res.record["id"]
        k = seen_ids.get(aid, 0) + 1
        seen_ids[aid] = k
        if k > 1:
            errors.append(IngestError(res.record["path"], f"article id {aid!r} seen before; this "
                                      f"one is audited as {aid}#{k}", "duplicate-id"))
            _rename(res, f"{aid}#{k}")
        if res.stored is not None:
            spool.add(res.record["id"], res.stored)
            res.stored = None
        if res.timings and options.timings is not None:
            add_timings(options.timings, res.timings)
            res.timings = None
        rec = res.record
        ds = rec.pop(RECORD_KEY, None)
        if ds:
            directives[rec["id"]] = (rec.get("path", rec["id"]), ds)
        ids.append(rec["id"])
        if res.fields is not None:
            field_maps[rec["id"]] = res.fields
        records.append(rec)
        findings.add(rec["id"], res.findings)
        errors.extend(res.errors)
        slim = corpus_record(rec)
        for name, fp in res.fingerprints.items():
            items.setdefault(name, []).append(CorpusItem(slim, fp))
        n += 1
        if freeze and n % FREEZE_EVERY == 0:
            gc.freeze()
        if options.progress:
            options.progress(n)

    def load(ids: Iterable[str]) -> dict[str, Article]:
        """The chosen articles again (the corpus stage keeps no text), as the checks saw them:
        from the spool, else read again from their sources."""
        wanted = set(ids)
        out: dict[str, Article] = {aid: art for aid, (art, _) in spool.get(wanted).items()}
        wanted -= set(out)
        if not wanted:
            return out
        again: dict[str, int] = {}

        def reread():
            for src in sources:         # in the order first read; stdin from what was kept
                for u in (stdin_units if src == "-" else plan_units([src], options.ingest)):
                    yield from read_unit(u, options.ingest)

        for a in reread():
            if isinstance(a, IngestError):
                continue
            k = again.get(a.id, 0) + 1
            again[a.id] = k
            aid = a.id if k == 1 else f"{a.id}#{k}"
            if aid in wanted:
                a = dataclasses.replace(a, id=aid) if aid != a.id else a
                out[aid] = locate_headline(strip_markers(a)[0], ruleset)
                wanted.discard(aid)
                if not wanted:
                    break
        return out

    clusters = []
    cctx = CorpusContext(ruleset=ruleset, load=load, options={"archive": options.archive},
                         prepared=spool.get,
                         map=fork_map(max(1, options.jobs or 1)) if options.engine == "local" else None)
    if "candidates" in engine_out:     # ordinals of article results -> article ids
        cctx.options["candidates"] = {
            name: {(ids[a], ids[b]) for a, b in pairs}
            for name, pairs in engine_out["candidates"].items()}
    corpus_found: list[Finding] = []
    checks = load_all().corpus_checks()
    phase = getattr(options.progress, "phase", None)
    if phase is not None:
        phase("corpus checks", len(checks), "check")
    for done, check in enumerate(checks, 1):
        t0 = perf_counter()
        try:
            out = check.run(items.get(check.name, []), cctx)
        except Exception as e:                  # report it; the other checks' results stand
            errors.append(IngestError("<corpus>", f"corpus check {check.name} failed: "
                                                  f"{type(e).__name__}: {e}", "check-error"))
            continue
        finally:
            if options.timings is not None:
                add_timings(options.timings, {"corpus:" + check.name: perf_counter() - t0})
            if phase is not None:
                options.progress(done)
        for f in out.findings:
            if ruleset.rule_enabled(f.rule):
                apply_overrides(f, ruleset)
                corpus_found.append(f)
        clusters.extend(out.clusters)

    suppressions, unused = finish_corpus(directives, corpus_found)
    for f in unused:
        if ruleset.rule_enabled(f.rule):
            apply_overrides(f, ruleset)
            corpus_found.append(f)
    localise_findings(corpus_found, field_maps.get)
    findings.add_extra(corpus_found)        # merged in at their articles, in sort-key order
    return AuditResult(
        tool={"name": TOOL_NAME, "version": __version__},
        articles=records, findings=findings, clusters=clusters, errors=errors,
        suppressions=suppressions or None, load=load,
    )
