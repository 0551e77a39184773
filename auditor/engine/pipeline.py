"""audit(sources, ruleset, options) -> AuditResult.

Articles stream from the readers through the per-article stage (serially or
in a process pool, results kept in input order), leaving a report entry,
findings and small fingerprints per article; the corpus checks then run over
the fingerprints. Output is identical whatever the number of jobs.

The per-article stage itself is ``auditor.engine.stage``; it runs here, in the local pool
(``auditor.engine.local``) or on Dask (``auditor.engine.dask_engine``). The corpus stage gets
a ``CorpusContext``: ``load`` reads chosen articles again (the spool, else
``auditor.ingest.reread``) and ``archive`` is the archive of ``--archive``, opened here
(``auditor.archive.open_reader``) and closed when the corpus checks are done.
"""
from __future__ import annotations

import dataclasses
import gc
from dataclasses import dataclass, field
from time import perf_counter
from typing import Any, Callable, Iterable, Iterator

from .. import TOOL_NAME, __version__
from ..archive import open_reader
from ..checks import CorpusContext, CorpusItem, load_all
from ..ingest import IngestOptions, count_jsonl_files, plan_units
from ..ingest.reread import prepare_article, reread
from ..model import Article, ArticleResult, AuditResult, Finding, IngestError
from ..rules import RuleSet
from ..spool import ArticleSpool, FindingStore, SpooledList
from .dask_engine import run_units
from .fields import localise_findings
from .local import run_local
from .parallel import fork_map
from .stage import add_timings, apply_overrides
from .suppress import RECORD_KEY, finish_corpus


@dataclass
class AuditOptions:
    jobs: int = 1
    ingest: IngestOptions = field(default_factory=IngestOptions)
    chunksize: int = 4             # units per process-pool task
    # Called with the count of articles done. When it also has ``phase(desc, total, unit)``
    # (``auditor.engine.progress.Progress``), it is told when the corpus checks start and is then
    # called with the count of corpus checks done.
    progress: Callable[[int], None] | None = None
    stdin: Any = None
    engine: str = "local"          # local (serial or process pool) | dask
    scheduler: str | None = None   # dask.distributed scheduler address; None: a local cluster
    archive: str | None = None     # archive DB (auditor.archive.store) the corpus checks compare against
    # When a dict: the seconds each step took are added to it (``--timings``). Per-article steps
    # (``process_article``'s names, and ``read`` for reading and parsing) are summed over the
    # articles and the processes that ran them; ``corpus:<check>`` is each corpus check's run.
    timings: dict[str, float] | None = None


def run_article_stage(units: Iterable, ruleset: RuleSet, options: AuditOptions,
                      engine_out: dict | None = None) -> Iterator[ArticleResult | IngestError]:
    """Results of every unit, in input order, on the engine the options name.

    An engine may leave more in ``engine_out`` (Dask: candidate pairs grouped on the cluster,
    as ordinals of the article results).
    """
    if options.engine == "dask":
        yield from run_units(units, ruleset, options, engine_out if engine_out is not None else {})
        return
    yield from run_local(units, ruleset, options.ingest, max(1, options.jobs or 1),
                         options.chunksize, options.timings is not None)


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
    # JSON records' field maps (auditor.engine.fields), for the corpus stage's findings on them
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
        # in the order first read; stdin from the units kept when it was read
        for _src, a in reread(sources, options.ingest, {"-": stdin_units}):
            k = again.get(a.id, 0) + 1
            again[a.id] = k
            aid = a.id if k == 1 else f"{a.id}#{k}"
            if aid in wanted:
                a = dataclasses.replace(a, id=aid) if aid != a.id else a
                out[aid] = prepare_article(a, ruleset)
                wanted.discard(aid)
                if not wanted:
                    break
        return out

    cctx = CorpusContext(ruleset=ruleset, load=load, options={"archive": options.archive},
                         prepared=spool.get,
                         map=fork_map(max(1, options.jobs or 1)) if options.engine == "local" else None,
                         archive=open_reader(options.archive, ruleset) if options.archive else None)
    try:
        corpus_found, clusters = _corpus_stage(items, cctx, ids, engine_out, ruleset, options, errors)
    finally:
        if cctx.archive is not None:
            cctx.archive.close()

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


def _corpus_stage(items: dict[str, list[CorpusItem]], cctx: CorpusContext, ids: list[str],
                  engine_out: dict[str, Any], ruleset: RuleSet, options: AuditOptions,
                  errors: list[IngestError]) -> tuple[list[Finding], list]:
    """Every corpus check over the fingerprints: their findings (enabled, severities
    overridden) and clusters; a check that fails is reported in ``errors``."""
    clusters: list = []
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
    return corpus_found, clusters
